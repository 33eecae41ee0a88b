# Backprop Lab on a JupyterHub: one course, students and graders with local accounts.
#
# Set the machine up once with setup.sh beside this file (as root: it installs the course
# into the servers' Python environment, writes the nbgrader configurations, creates the
# exchange folder, the grading account and the two groups below). Then start the hub, as
# root, from the hub's own folder:
#   cd /srv/jupyterhub && /opt/backprop-lab-env/bin/jupyterhub \
#       -f /opt/backprop-lab/autograder/jupyterhub/jupyterhub_config.py
#
# Who gets what:
# - members of the Unix group "backprop-lab" (students) and "formgrade-backprop-lab"
#   (graders) log in with their account's password (PAM), each to their own server, run
#   as their own account in their home folder, with the Assignments tab to fetch and submit;
# - the account grader-backprop-lab runs one more server as a hub service named after the
#   course; its formgrader, at https://<hub>/services/backprop-lab/formgrader, is where
#   graders grade, in one course root (~grader-backprop-lab/backprop-lab). Only graders
#   may open it.
# Adding a student: `adduser NAME backprop-lab`. Adding a grader:
# `adduser NAME formgrade-backprop-lab`, then restart the hub (graders are read at start).
import grp
import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)

# nbgrader finds a course's formgrader by looking for a hub service with the course's id.
COURSE = "backprop-lab"
GRADER_ACCOUNT = f"grader-{COURSE}"
STUDENTS_GROUP = COURSE
GRADERS_GROUP = f"formgrade-{COURSE}"  # also the name nbgrader's hub plugin expects


def members(group):
    """The accounts listed in a Unix group (none if it does not exist yet)."""
    try:
        return sorted(grp.getgrnam(group).gr_mem)
    except KeyError:
        return []


# The servers run from the Python environment the hub runs from (setup.sh installs the
# course, nbgrader and JupyterLab there), whatever the PATH of the hub's process; its
# commands (nbgrader, backprop-lab, and alembic, which nbgrader runs) come first on theirs.
ENV_BIN = os.path.dirname(sys.executable)
SINGLEUSER = os.path.join(ENV_BIN, "jupyterhub-singleuser")
PATH = os.pathsep.join([ENV_BIN, os.environ.get("PATH") or "/usr/local/bin:/usr/bin:/bin"])

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {STUDENTS_GROUP, GRADERS_GROUP}
c.Spawner.cmd = [SINGLEUSER]
c.Spawner.environment = {"PATH": PATH}
c.Spawner.default_url = "/lab"

# The graders' hub group; the role below lets its members open the formgrader service.
c.JupyterHub.load_groups = {GRADERS_GROUP: {"users": members(GRADERS_GROUP)}}

c.JupyterHub.services = [
    {
        "name": COURSE,
        "url": "http://127.0.0.1:9999",  # any free local port
        "command": [SINGLEUSER],
        "user": GRADER_ACCOUNT,  # the hub starts it as this account (the hub runs as root)
        "cwd": os.path.expanduser(f"~{GRADER_ACCOUNT}"),  # its home folder
        "environment": {
            "PATH": PATH,
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            # Its own (user-level) settings, with the formgrader on, must win over the
            # environment's, where setup.sh switched it off for everyone else.
            "JUPYTER_PREFER_ENV_PATH": "0",
        },
        "oauth_no_confirm": True,
    },
]

c.JupyterHub.load_roles = [
    {
        "name": f"formgrade-{COURSE}",
        "groups": [GRADERS_GROUP],
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
# c.JupyterHub.subdomain_host = "https://hub.example.org"  # needs wildcard DNS and TLS

# Serve the hub over HTTPS (or behind a proxy that does): passwords are sent at login.
# c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/hub.example.org/fullchain.pem"
# c.JupyterHub.ssl_key = "/etc/letsencrypt/live/hub.example.org/privkey.pem"

# With containers (DockerSpawner, KubeSpawner) mount one shared volume at the exchange path
# in every server, e.g. c.DockerSpawner.volumes = {"nbgrader-exchange": "/srv/nbgrader/exchange"}.
# Every container then runs as "jovyan" and nbgrader names submissions after the hub user.
