# Backprop Lab, grading side: ~/.jupyter/nbgrader_config.py of the account that grades
# (on the hub, the shared account that runs the formgrader service).
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The checkout of the course that the hub's servers use (see jupyterhub_config.py).
COURSE_CHECKOUT = os.environ.get("BACKPROP_LAB_CHECKOUT", "/opt/backprop-lab")

# First the course's settings (per-cell timeout, restored test cells, a kernel that ignores
# files shipped beside the notebook), so that grading here is grading as the tests check it.
load_subconfig(os.path.join(COURSE_CHECKOUT, "autograder", "nbgrader_config.py"))  # noqa: F821

# Then what belongs to this hub. The formgrader runs in the home folder, not in the course
# root, so the course root must be named here.
c.CourseDirectory.root = os.path.expanduser("~/backprop-lab")
c.CourseDirectory.course_id = "backprop-lab"
c.Exchange.root = "/srv/nbgrader/exchange"  # the same as in the students' config

# One gradebook on a database server, so that several graders (each in their own course
# root, or the formgrader and a terminal at the same time) can write to it at once; nbgrader
# does not support several writers on one SQLite file. Needs `pip install psycopg[binary]`
# here. Keep the password out of this file: libpq reads it from ~/.pgpass.
c.CourseDirectory.db_url = "postgresql+psycopg://grader@dbhost/backprop_lab"

# nbgrader started by the hub logs nowhere you can see; this is where to look first.
c.NbGrader.logfile = os.path.expanduser("~/nbgrader.log")
