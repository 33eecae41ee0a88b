# Backprop Lab, grading side: ~/.jupyter/nbgrader_config.py of the account that grades
# (on the hub, the shared account that runs the formgrader service). setup.sh writes it
# there with the exchange folder and gradebook it was given (--exchange, --gradebook).
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# First the course's settings (per-cell timeout, restored test cells, a kernel that ignores
# files shipped beside the notebook, the sandbox), so that grading here is grading as the
# tests check it: from the checkout named by BACKPROP_LAB_CHECKOUT, else from the one the
# course is installed from (`pip install --no-deps -e <checkout>`).
if os.environ.get("BACKPROP_LAB_CHECKOUT"):
    COURSE_CONFIG = os.path.join(os.environ["BACKPROP_LAB_CHECKOUT"], "autograder",
                                 "nbgrader_config.py")
else:
    from autograder import CONFIG_FILE as COURSE_CONFIG
load_subconfig(str(COURSE_CONFIG))  # noqa: F821

# Then what belongs to this hub. The formgrader runs in the home folder, not in the course
# root, so the course root must be named here.
c.CourseDirectory.root = os.path.expanduser("~/backprop-lab")
c.CourseDirectory.course_id = "backprop-lab"
c.Exchange.root = "/srv/nbgrader/exchange"  # the same as in the students' config

# One gradebook on a database server, so that several graders (each in their own course
# root, or the formgrader and a terminal at the same time) can write to it at once; nbgrader
# does not support several writers on one SQLite file. Needs psycopg (setup.sh installs
# it). Keep the password out of this file: libpq reads it from ~/.pgpass.
c.CourseDirectory.db_url = "postgresql+psycopg://grader@dbhost/backprop_lab"

# nbgrader started by the hub logs nowhere you can see; this is where to look first.
c.NbGrader.logfile = os.path.expanduser("~/nbgrader.log")
