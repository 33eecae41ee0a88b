# Backprop Lab on a JupyterHub, one course and several graders.
#
# TEMPLATE: a hub needs real accounts, an authenticator and a browser, so this file is not
# run by the tests (they check that its names agree with the nbgrader configs beside it).
# Edit the lines marked EDIT and copy it to where your hub reads its configuration.
#
# Who gets what:
# - every student and instructor has their own server (by default run as their own system
#   account, in their home folder) with the Assignments tab to fetch and submit;
# - a shared account, grader-backprop-lab, runs one more server as a hub service named
#   after the course; its formgrader is where all graders grade, in one course root.
#
# Once, as root, in the Python environment the servers run in (with containers: the image):
#   git clone <this repository> /opt/backprop-lab
#   pip install -r /opt/backprop-lab/requirements.txt 'psycopg[binary]==3.3.9'
#   pip install --no-deps -e /opt/backprop-lab      # bplab, and autograder for grading
#   jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader
#   jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:create-assignment
#   jupyter server extension disable --sys-prefix nbgrader.server_extensions.formgrader
#   cp student_nbgrader_config.py /etc/jupyter/nbgrader_config.py
#   mkdir -p /srv/nbgrader/exchange && chmod ugo+rw /srv/nbgrader/exchange
# Once, as grader-backprop-lab (user-level settings override the ones above):
#   jupyter labextension enable --level=user @jupyter/nbgrader:formgrader
#   jupyter labextension enable --level=user @jupyter/nbgrader:create-assignment
#   jupyter server extension enable --user nbgrader.server_extensions.formgrader
#   cp instructor_nbgrader_config.py ~/.jupyter/nbgrader_config.py
#   python -c "from autograder.authoring.build import write_course; write_course('$HOME/backprop-lab')"
#   (the course root: source/ and the course's own nbgrader_config.py)
c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)

# nbgrader finds a course's formgrader by looking for a hub service with the course's id.
COURSE = "backprop-lab"
GRADER_ACCOUNT = f"grader-{COURSE}"
GRADERS = ["instructor1", "instructor2"]  # EDIT: who may grade

c.Authenticator.allowed_users = set(GRADERS) | {"student1", "student2"}  # EDIT
c.Spawner.default_url = "/lab"

# The graders' group (named as nbgrader's JupyterHub plugin expects, should you enable it);
# the role below lets its members open the formgrader service.
c.JupyterHub.load_groups = {f"formgrade-{COURSE}": GRADERS}

c.JupyterHub.services = [
    {
        "name": COURSE,
        "url": "http://127.0.0.1:9999",  # any free local port
        "command": ["jupyterhub-singleuser"],
        "user": GRADER_ACCOUNT,  # the hub starts it as this account (the hub runs as root)
        "cwd": f"/home/{GRADER_ACCOUNT}",
        "environment": {
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            # Its own (user-level) settings, with the formgrader on, must win over the
            # environment's even where the account owns the Python environment.
            "JUPYTER_PREFER_ENV_PATH": "0",
        },
        "oauth_no_confirm": True,
    },
]

c.JupyterHub.load_roles = [
    {
        "name": f"formgrade-{COURSE}",
        "groups": [f"formgrade-{COURSE}"],
        "scopes": [f"access:services!service={COURSE}", "list:services",
                   f"read:services!service={COURSE}"],
    },
    # The Courses tab in a grader's own server checks, with that server's token, whether the
    # service named after the course answers: the token needs its owner's permissions.
    {"name": "server", "scopes": ["inherit"]},
]

# Open the formgrader in a browser tab of its own: https://<hub>/services/backprop-lab/formgrader
# Since JupyterHub 4.1 single-user servers refuse to be framed (Content-Security-Policy
# frame-ancestors 'none'), so the Formgrader panel inside JupyterLab stays blank. Allowing
# "frame-ancestors 'self'" in the grading server brings it back, but is only safe when every
# server has its own origin:
# c.JupyterHub.subdomain_host = "https://hub.example.org"  # EDIT, needs wildcard DNS and TLS

# With containers (DockerSpawner, KubeSpawner) mount one shared volume at the exchange path
# in every server, e.g. c.DockerSpawner.volumes = {"nbgrader-exchange": "/srv/nbgrader/exchange"}.
# Every container then runs as "jovyan" and nbgrader names submissions after the hub user.
