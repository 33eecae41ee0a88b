# nbgrader configuration for Backprop Lab. `make release` writes a course root (build/course
# by default) whose own nbgrader_config.py loads this file from the checkout; instructors may
# load it for their own course root the same way (see jupyterhub/instructor_nbgrader_config.py).
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The sandbox and the limits live in the checkout's `autograder` package, which nbgrader
# imports from here (it is not installed).
CHECKOUT = str(Path(__file__).resolve().parent.parent)
if CHECKOUT not in sys.path:
    sys.path.insert(0, CHECKOUT)
from autograder.sandbox.kernel import WARNINGS_TO_STDOUT  # noqa: E402
from autograder.settings import DEFAULT_LIMITS  # noqa: E402

c.CourseDirectory.course_id = "backprop-lab"

# Solution cells are replaced by this stub in the student release.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A cell that loops forever costs this many seconds, not the whole class's grading.
c.Execute.timeout = int(DEFAULT_LIMITS.cell_timeout)
c.Execute.interrupt_on_timeout = True
# A file submitted beside the notebook (numpy.py, bplab.py) must not shadow real modules,
# and a correct answer that warns keeps its points: warnings go to stdout, which nbgrader
# shows in the feedback without counting it as a failure, as it does anything on stderr.
c.Execute.extra_arguments = [
    "--InteractiveShellApp.ignore_cwd=True",
    "--InteractiveShellApp.exec_lines=" + WARNINGS_TO_STDOUT,
]

# Every kernel that runs a student's notebook for `nbgrader autograde` runs in a sandbox
# (autograder/sandbox/kernel.py): no network, no view of other submissions, the gradebook,
# the course's sources or the home folder, nothing left running after the notebook, and
# at most this much memory (a larger allocation is a MemoryError in that cell alone).
c.Autograde.autograde_preprocessors = [
    "autograder.sandbox.kernel.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.SandboxedKernelManager.memory_limit = DEFAULT_LIMITS.memory
# Without bubblewrap (see the README), autograde stops with a message naming the fix;
# `c.SandboxedKernelManager.sandboxed = False` grades anyway, unsandboxed.

# Test cells deleted or stripped of their metadata by a student are put back.
c.OverwriteCells.add_missing_cells = True
