"""The instructor's pipeline end to end: a synthetic class graded exactly right.

The class holds honest, partial and blank work, every kind of cheating the grading must
withstand, submissions that kill their kernel or the grader, and malformed files. Every
student's expected score is stated and asserted exactly. The red team (``RED_TEAM``)
attacks the grading itself: daemons that outlive their notebook and rewrite results, the
template course, other students' files, the network, the package's references; each is
scored cell for cell exactly as its honest twin.
"""

import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder import NOTEBOOKS_DIR, SOURCE_DIR
from autograder.authoring import mutants
from autograder.authoring.mutants import fill_answers
from autograder.gradebook import db_url
from autograder.nbgrader_cli import nbgrader
from autograder.pipeline.feedback import hidden_lines
from autograder.pipeline.grade import Options, run
from autograder.settings import Limits

pytestmark = [pytest.mark.slow, pytest.mark.needs("bubblewrap")]
# The class is graded once per process that asks for it, so its tests share one worker
# (`--dist loadgroup`; requirements-dev.txt pins the pytest under which xdist grants it).
ON_THE_CLASS_S_WORKER = pytest.mark.xdist_group("graded-class")

LOSS, DESCENT = "01_loss_functions", "02_gradient_descent"


def _points(name, prefix=""):
    """Points of the test cells of assignment ``name`` whose id starts with ``prefix``."""
    source = (SOURCE_DIR / name / f"{name}.py").read_text()
    return float(sum(int(points) for grade_id, points in
                     re.findall(r'^# %% tests id="([^"]+)" points=(\d+)', source, re.M)
                     if grade_id.startswith(prefix)))


FULL = {LOSS: _points(LOSS), DESCENT: _points(DESCENT)}
NO_MSE = FULL[LOSS] - _points(LOSS, "mse__")  # every mse cell lost, nothing else
WRONG_MSE = "def mse(y_hat, t):\n    return float(np.sum((np.asarray(y_hat) - t) ** 2))\n"
PATCH_CHECKS = ("bp.checks.close = lambda *args, **kwargs: None\n"
                "bp.checks.true = lambda *args, **kwargs: None\n"
                "bp.checks.gradient = lambda *args, **kwargs: None\n")
FINITE_DIFFERENCE_GRAD = '''def booth_grad(x, y):
    h = 1e-6
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return ((booth(x + h, y) - booth(x - h, y)) / (2 * h),
            (booth(x, y + h) - booth(x, y - h)) / (2 * h))
'''


# a derivative computed by a complex step, where the notebook asks to derive it: exact to
# round-off, so it keeps its points, and the report names it for the instructor
COMPLEX_STEP = ("def mse_grad(y_hat, t):\n"
                "    y_hat, t = np.asarray(y_hat, dtype=float), np.asarray(t, dtype=float)\n"
                "    return np.imag((y_hat + 1e-30j - t) ** 2) / 1e-30 / len(y_hat)\n")


def _release(name):
    return nbformat.read(NOTEBOOKS_DIR / name / f"{name}.ipynb", as_version=4)


def _notebook(name, answers=None, after=None, edit=None):
    """The release with the solution filled in, then changed as a student might.

    ``answers`` replaces answer cells; ``after`` adds a code cell after the cell with that
    grade id; ``edit(cell)`` may return a replacement cell, or None to delete it.
    """
    nb = fill_answers(_release(name), dict(mutants.answers(name), **(answers or {})))
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        changed = edit(cell) if edit else cell
        if changed is not None:
            cells.append(changed)
        if grade_id in (after or {}):
            cells.append(nbformat.v4.new_code_cell(after[grade_id]))
    nb.cells = cells
    return nb


def _mse_tests(change):
    def edit(cell):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        return change(cell) if grade_id.startswith("mse__") else cell
    return edit


def _blank_tests(cell):
    cell.source = "pass"
    return cell


def _strip_metadata(cell):
    cell.metadata = {}
    return cell


# student -> (notebook factories, expected score per assignment, expected status)
CLASS = {
    "honest-full": ({LOSS: lambda: _notebook(LOSS)}, {LOSS: FULL[LOSS]}, "graded"),
    "honest-partial": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE})}, {LOSS: NO_MSE},
                       "graded"),
    "blank": ({LOSS: lambda: _release(LOSS)}, {LOSS: 0.0}, "graded"),
    "patches-the-checker": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE + PATCH_CHECKS})},
                            {LOSS: NO_MSE}, "graded"),
    "patches-numpy": ({LOSS: lambda: _notebook(
        LOSS, {"mse": WRONG_MSE + "np.allclose = lambda *a, **k: True\n"
                                  "import bplab.checks.diagnosis\n"
                                  "bplab.checks.diagnosis.relative_error = "
                                  "lambda *a, **k: 0 * a[0]\n"})},
        {LOSS: NO_MSE}, "graded"),
    "edits-test-cells": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE},
                                                  edit=_mse_tests(_blank_tests))},
                         {LOSS: NO_MSE}, "graded"),
    "deletes-test-cells": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE},
                                                    edit=_mse_tests(lambda cell: None))},
                           {LOSS: NO_MSE}, "graded"),
    "strips-test-metadata": ({LOSS: lambda: _notebook(LOSS, {"mse": WRONG_MSE},
                                                      edit=_mse_tests(_strip_metadata))},
                             {LOSS: NO_MSE}, "graded"),
    "redefines-the-reference": ({LOSS: lambda: _notebook(
        LOSS, {"mse_grad": "def mse_grad(y_hat, t):\n    return 0 * np.asarray(y_hat)\n"},
        after={"mse_grad": "bp.losses.mse = lambda y_hat, t: 0.0\n"})},
        # its zeros have the right shape: mse_grad's shape cell, nothing else of mse_grad
        {LOSS: FULL[LOSS] - _points(LOSS, "mse_grad__") + _points(LOSS, "mse_grad__shape")},
        "graded"),
    "loops-forever": ({LOSS: lambda: _notebook(
        LOSS, {"bce_grad": "def bce_grad(y_hat, t):\n    while True:\n        pass\n"})},
        {LOSS: FULL[LOSS] - _points(LOSS, "bce_grad__")}, "graded"),
    "floods-output": ({LOSS: lambda: _notebook(
        LOSS, after={"mse": "import sys\nfor i in range(20000):\n    print('x' * 100)\n"
                            "    sys.stderr.write('y' * 100 + '\\n')\n"})},
        {LOSS: FULL[LOSS]}, "graded"),
    "hogs-memory": ({LOSS: lambda: _notebook(LOSS, after={"mse": "hog = np.ones((40_000, 40_000))\n"})},
                    {LOSS: FULL[LOSS]}, "graded"),  # a MemoryError at 6 GiB, in that cell alone
    "exits-the-kernel": ({LOSS: lambda: _notebook(LOSS, after={"bce": "import os\nos._exit(1)\n"})},
                         {LOSS: FULL[LOSS]}, "checked-only"),
    # The kernel is the first process of namespaces and a session of its own: its parent is
    # outside them (getppid() is 0), so the signal goes to its own process group, whose
    # first process ignores it. Nothing outside is reached; the notebook is graded as it is.
    "kills-the-grader": ({LOSS: lambda: _notebook(
        LOSS, after={"mse": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"})},
        {LOSS: FULL[LOSS]}, "graded"),
    "numerical-gradient": ({DESCENT: lambda: _notebook(DESCENT, {"booth_grad":
                                                                 FINITE_DIFFERENCE_GRAD})},
                           {DESCENT: FULL[DESCENT] - _points(DESCENT, "booth_grad__exact")},
                           "graded"),
    "two-assignments": ({LOSS: lambda: _notebook(LOSS), DESCENT: lambda: _notebook(DESCENT)},
                        FULL, "graded"),
    "complex-step-derivative": ({LOSS: lambda: _notebook(LOSS, {"mse_grad": COMPLEX_STEP})},
                                {LOSS: FULL[LOSS]}, "graded"),
}


# Where the red team aims: filled in by the fixture before the class is written.
TARGETS = {}

CORRECT_MSE = ("def mse(y_hat, t):\n    y_hat, t = np.asarray(y_hat), np.asarray(t)\n"
               "    return float(np.sum((y_hat - t) ** 2) / len(y_hat))\n")
BLANK_MSE = "def mse(y_hat, t):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"


def _daemon(body):
    """A cell that leaves a daemon behind: fork, setsid, fork, close every descriptor."""
    indented = "\n".join("            " + line for line in body.strip().splitlines())
    return f"""import os, json, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        try:
            os.closerange(0, 4096)
            deadline = time.time() + 240
            while time.time() < deadline:
{indented}
                time.sleep(0.2)
        finally:
            os._exit(0)
    os._exit(0)
os.wait()
"""


def _rewrite_result(student, to_full):
    return _daemon(f"""
try:
    path = {str(TARGETS["out"])!r} + "/results/{LOSS}/{student}.json"
    data = json.load(open(path))
    for cell in data["cells"].values():
        cell["score"] = cell["max"] if {to_full!r} else 0.0
    json.dump(data, open(path, "w"))
except Exception:
    pass""")


def _rewrite_template():
    out = str(TARGETS["out"])
    return f"""import glob, json, sqlite3
for path in glob.glob({out!r} + "/template/source/*/*.ipynb"):
    try:
        nb = json.load(open(path))
        for cell in nb["cells"]:
            if cell.get("metadata", {{}}).get("nbgrader", {{}}).get("grade"):
                cell["source"] = "pass"
        json.dump(nb, open(path, "w"))
    except Exception:
        pass
for path in glob.glob({out!r} + "/template/gradebook.db"):
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE source_cell SET source = 'pass' WHERE name LIKE '%__%'")
        db.commit()
    except Exception:
        pass
"""


def _steal():
    """Look for classmates' notebooks and the hidden tests; use them if found."""
    places = [f"{TARGETS['submissions']}/*/{LOSS}.ipynb", f"{TARGETS['out']}/**/*.ipynb",
              f"{TARGETS['out']}/**/gradebook.db", "../../*/*/*.ipynb", "../../../gradebook.db",
              "../../../../template/source/*/*.ipynb", f"{SOURCE_DIR}/*/*.py", "/root/*",
              os.path.expanduser("~") + "/*"]
    return f"""import glob, os
mine = os.path.realpath(os.getcwd())
stolen = [p for pattern in {places!r} for p in glob.glob(pattern, recursive=True)
          if not os.path.realpath(p).startswith(mine)]
if stolen:
{textwrap_indent(CORRECT_MSE)}"""


def textwrap_indent(code):
    return "\n".join("    " + line for line in code.splitlines()) + "\n"


def _phone_home():
    return f"""import socket
try:
    socket.create_connection(("127.0.0.1", {TARGETS["port"]}), timeout=2).sendall(b"hello")
{textwrap_indent(textwrap_indent(CORRECT_MSE))}except OSError:
    pass
"""


REFERENCE_ROUTES = {
    "expected": ("def mse(y_hat, t):\n"
                 "    return bp.checks.testdata.expected(bp.losses.mse, y_hat, t)\n"),
    "unlocked": ("def mse(y_hat, t):\n    with bp.course.references_unlocked():\n"
                 "        return bp.losses.mse(y_hat, t)\n"),
    "wrapped": "def mse(y_hat, t):\n    return bp.losses.mse.__wrapped__(y_hat, t)\n",
    "module-file": ("import importlib.util\n"
                    "spec = importlib.util.spec_from_file_location('bplab.losses_copy', "
                    "bp.losses.__file__)\nlosses_copy = importlib.util.module_from_spec(spec)\n"
                    "spec.loader.exec_module(losses_copy)\n"
                    "def mse(y_hat, t):\n    return losses_copy.mse.__wrapped__(y_hat, t)\n"),
    "source": ("import inspect\n"
               "lines = inspect.getsource(bp.losses.mse).splitlines()\n"
               "namespace = dict(vars(bp.losses))\n"
               "exec('\\n'.join(l for l in lines if not l.startswith('@')), namespace)\n"
               "mse = namespace['mse']\n"),
}
MARKERS = ("4321.5", "4321.6")
WARNS = ("import warnings\n" + CORRECT_MSE.replace(
    "    y_hat, t =", "    warnings.warn('this mse is slow on big batches')\n    y_hat, t =", 1))

# Makes every later cell pass in the student's own kernel, whatever it does: an IPython
# input transformer that wraps each cell in try/except and patches the checks to pass.
ALWAYS_PASS = """import ast
def _forgive(lines):
    body = "".join(lines)
    indented = "".join("    " + line for line in body.splitlines(True)) or "    pass\\n"
    return ["try:\\n", indented + "\\n", "except BaseException:\\n", "    pass\\n"]
get_ipython().input_transformers_post.append(_forgive)
"""
# Then breaks the independent check: a reply the verifier cannot use, or one more reply
# written straight into the answer process's pipe.
BREAK_CHECK = {
    # the loop that answers the verifier, however the answer process was started
    "malformed-value": ("import sys\nfor module in [sys.modules['__main__'], "
                        "sys.modules.get('autograder.sandbox.answer_worker')]:\n"
                        "    if hasattr(module, '_pack_names'):\n"
                        "        module._pack_names = lambda channel, namespace, names: [1, 2]\n"),
    # one more reply, written into the pipe that loop answers on
    "extra-reply": ("import json, os, struct, sys\nframe = sys._getframe()\n"
                    "while frame is not None and 'outgoing' not in frame.f_locals:\n"
                    "    frame = frame.f_back\nif frame is not None:\n"
                    "    data = json.dumps({'op': 'result', 'id': 1, 'value': None}).encode()\n"
                    "    os.write(frame.f_locals['outgoing'].fileno(), "
                    "struct.pack('>I', len(data)) + data)\n"),
}


def _blank_after(name, grade_id):
    """The release's answer cells after ``grade_id`` left as handed out (blank)."""
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in _release(name).cells
           if c.metadata.get("nbgrader", {}).get("solution")]
    later = ids[ids.index(grade_id) + 1:]
    stubs = {c.metadata["nbgrader"]["grade_id"]: c.source for c in _release(name).cells
             if c.metadata.get("nbgrader", {}).get("grade_id") in later}
    return stubs


def _links_out():
    """Replace every file the kernel can see with links to a classmate's result and the
    instructor's gradebook, as if one of them were the notebook nbgrader writes back."""
    out = str(TARGETS["out"])
    return f"""import glob, os
targets = [{out!r} + "/results/{LOSS}/honest-full.json", {out!r} + "/course/gradebook.db"]
for folder in [os.getcwd(), os.path.dirname(os.getcwd()), "/tmp"]:
    for path in glob.glob(folder + "/*") + [folder + "/{LOSS}.ipynb"]:
        for target in targets:
            try:
                if os.path.isfile(path) or os.path.islink(path):
                    os.remove(path)
                os.symlink(target, path)
                break
            except OSError:
                continue
"""


def _read_secrets():
    return ("found = []\nfor path in ['/etc/shadow', '/etc/gshadow', '/root/.bash_history']:\n"
            "    try:\n        found.append(open(path).read()[:80])\n"
            "    except OSError:\n        pass\nprint('SECRETS:', found)\n"
            "if found:\n" + textwrap_indent(CORRECT_MSE))


LEAKS_CALLER = ("import inspect\ndef mse(y_hat, t):\n"
                "    for frame in inspect.stack()[1:4]:\n"
                "        try:\n            print(''.join(frame.frame.f_globals.get('_ih', [])[-3:]))\n"
                "            print(''.join(inspect.getsource(frame.frame)))\n"
                "        except Exception:\n            pass\n"
                "    y_hat, t = np.asarray(y_hat), np.asarray(t)\n"
                "    return float(np.sum((y_hat - t) ** 2) / len(y_hat))\n")
PRINTS_HISTORY = "print('\\n'.join(In))\n"
ACTIVE_CONTENT = ("from IPython.display import HTML, Javascript, display\n"
                  "display(HTML('<img src=x onerror=\"alert(1)\"><script>alert(2)</script>'))\n"
                  "display(Javascript('alert(3)'))\n")
MARKDOWN_ATTACK = ("<script>alert('md')</script> <img src=x onerror=alert(4)> "
                   "[click](javascript:alert(5))")
FORK_BOMB = ("import os\nfor _ in range(10000):\n    try:\n        if os.fork() == 0:\n"
             "            import time; time.sleep(2); os._exit(0)\n"
             "    except OSError:\n        break\n")
MEMORY_SPLIT = ("import os, time\nfor _ in range(6):\n    if os.fork() == 0:\n"
                "        block = b'x' * (900 << 20)\n        time.sleep(3)\n        os._exit(0)\n")
FILLS_DISK = ("import os\nfor i in range(64):\n    try:\n"
              "        open(f'fill-{i}', 'wb').write(b'x' * (64 << 20))\n"
              "    except OSError:\n        break\n")
HUGE_REPLY = ("def mse(y_hat, t):\n    return np.zeros(12_000_000)\n")
# an answer made of another notebook's tools: full marks in its own kernel, where all of
# bplab is there; nothing where it is graded, where the notebook's tools alone are
COMPOSES = ("def mse(y_hat, t):\n    y_hat, t = np.asarray(y_hat, float), np.asarray(t, float)\n"
            "    return float(bp.mlp.mean_loss(y_hat.reshape(len(y_hat), -1),\n"
            "                                  t.reshape(len(t), -1), 'mse'))\n")
WARNS_IN_A_DEMO = ("import warnings\nwarnings.warn('a demo that warns')\nnoted = 42\n"
                   "warnings.warn('and again')\n")

# cheater -> (notebook factory, honest twin); each must score cell for cell as its twin
RED_TEAM = {
    "daemon-rewrites-its-result": (lambda: _notebook(LOSS, {"mse": WRONG_MSE}, after={
        "mse": _rewrite_result("daemon-rewrites-its-result", True)}), "honest-partial"),
    "daemon-zeroes-a-classmate": (lambda: _notebook(LOSS, after={
        "mse": _rewrite_result("honest-full", False)}), "honest-full"),
    "keeps-inherited-pipes-open": (lambda: _notebook(LOSS, after={
        "mse": "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(600)\n"
               "    os._exit(0)\n"}), "honest-full"),
    "rewrites-the-template": (lambda: _notebook(LOSS, {"mse": WRONG_MSE}, after={
        "mse": _rewrite_template()}), "honest-partial"),
    "reads-classmates-and-hidden-tests": (lambda: _notebook(LOSS, {"mse": WRONG_MSE}, after={
        "mse": _steal()}), "honest-partial"),
    "opens-a-network-connection": (lambda: _notebook(LOSS, {"mse": WRONG_MSE}, after={
        "mse": _phone_home()}), "honest-partial"),
    **{f"calls-the-reference-{route}": (lambda code=code: _notebook(LOSS, {"mse": code}),
                                        "leaves-mse-blank")
       for route, code in REFERENCE_ROUTES.items()},
    "warns-on-every-call": (lambda: _notebook(LOSS, {"mse": WARNS}), "honest-full"),
    **{f"passes-in-its-kernel-then-breaks-the-check-{how}": (
        lambda code=code: _notebook(LOSS, {"mse": WRONG_MSE},
                                    after={"predict_mean_fraction": ALWAYS_PASS, "mse": code}),
        "wrong-mse-and-nothing-after") for how, code in BREAK_CHECK.items()},
    "links-its-notebook-to-a-classmate-and-the-gradebook": (lambda: _notebook(LOSS, after={
        "mse": _links_out()}), "honest-full"),
    "reads-the-hosts-secrets": (lambda: _notebook(LOSS, {"mse": WRONG_MSE}, after={
        "mse": _read_secrets()}), "honest-partial"),
    "prints-the-code-that-calls-it": (lambda: _notebook(LOSS, {"mse": LEAKS_CALLER}, after={
        "bce_grad": PRINTS_HISTORY}), "honest-full"),
    "shows-active-content": (lambda: _with_markdown(_notebook(LOSS, after={
        "mse": ACTIVE_CONTENT}), MARKDOWN_ATTACK), "honest-full"),
    "starts-a-fork-bomb": (lambda: _notebook(LOSS, after={"mse": FORK_BOMB}), "honest-full"),
    "splits-its-memory-over-processes": (lambda: _notebook(LOSS, after={"mse": MEMORY_SPLIT}),
                                         "honest-full"),
    "fills-the-disk": (lambda: _notebook(LOSS, after={"mse": FILLS_DISK}), "honest-full"),
    "sends-a-huge-reply": (lambda: _notebook(LOSS, {"mse": HUGE_REPLY}), "leaves-mse-blank"),
    "warns-in-a-demo-cell": (lambda: _notebook(LOSS, after={"mse": WARNS_IN_A_DEMO}),
                             "honest-full"),
    "composes-another-notebooks-tools": (lambda: _notebook(LOSS, {"mse": COMPOSES}),
                                         "leaves-mse-blank"),
    "starts-processes": (lambda: _notebook(LOSS, after={"mse": (
        "import os, subprocess\n"
        f"subprocess.Popen(['sleep', '{MARKERS[0]}'], start_new_session=True)\n"
        "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execv('/bin/sleep', ['sleep', '{MARKERS[1]}'])\n    os._exit(0)\n"
        "os.wait()\n")}), "honest-full"),
}
def _with_markdown(nb, text):
    nb.cells.insert(3, nbformat.v4.new_markdown_cell(text))
    return nb


TWINS = {"leaves-mse-blank": ({LOSS: lambda: _notebook(LOSS, {"mse": BLANK_MSE})},
                              {LOSS: NO_MSE}, "graded"),
         # its score: what it answered before "mse", nothing of mse, nothing after it
         "wrong-mse-and-nothing-after": ({LOSS: lambda: _notebook(
             LOSS, {"mse": WRONG_MSE, **_blank_after(LOSS, "mse")})},
             {LOSS: _points(LOSS, "predict_mean_fraction")}, "graded")}
# the check reaches no verdict after the break: those cells score 0, marked for review
NO_VERDICT = {f"passes-in-its-kernel-then-breaks-the-check-{how}" for how in BREAK_CHECK}


def _write_class(folder, students):
    for student in students:
        if student in RED_TEAM:
            (folder / student).mkdir(parents=True, exist_ok=True)
            nbformat.write(RED_TEAM[student][0](), folder / student / f"{LOSS}.ipynb")
            continue
        notebooks, _, _ = {**CLASS, **TWINS}[student]
        for name, make in notebooks.items():
            (folder / student).mkdir(parents=True, exist_ok=True)
            nbformat.write(make(), folder / student / f"{name}.ipynb")


class _Listener:
    """A TCP server on the host's loopback that counts the connections it gets."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def _running(markers):
    """Command lines of running processes that contain one of ``markers``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(marker in line for marker in markers):
            found.append(line)
    return found


# Session-wide: a module-wide fixture is graded again whenever its worker comes back
# from another module's tests.
@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grading")
    listener = _Listener()
    TARGETS.update(out=out, submissions=folder, port=listener.port)
    _write_class(folder, [*CLASS, *TWINS, *RED_TEAM])
    (folder / "shadows-numpy").mkdir()
    nbformat.write(_notebook(LOSS), folder / "shadows-numpy" / f"{LOSS}.ipynb")
    (folder / "shadows-numpy" / "numpy.py").write_text("raise SystemExit('shadowed')\n")
    (folder / "corrupt").mkdir()
    (folder / "corrupt" / f"{LOSS}.ipynb").write_text('{"cells": [')
    (folder / "wrong-name").mkdir()
    nbformat.write(_notebook(LOSS), folder / "wrong-name" / "homework1.ipynb")
    (folder / "no-notebook").mkdir()
    (folder / "no-notebook" / "answers.txt").write_text("42")
    gradebook = db_url(out / "course")
    options = Options(limits=Limits(cell_timeout=5), workers=2, quiet=True,
                      gradebook=gradebook, course_root=out / "course")
    results, problems = run(folder, out, options)
    time.sleep(2)  # time for any daemon that survived to do its work
    return out, results, problems, listener


def _on_disk(out):
    """Per (student, assignment): per-cell scores and status, as the result files say now."""
    found = {}
    for path in (out / "results").glob("*/*.json"):
        data = json.loads(path.read_text())
        found[(data["student"], data["assignment"])] = (
            {gid: cell["score"] for gid, cell in data["cells"].items()}, data["status"])
    return found


@ON_THE_CLASS_S_WORKER
def test_every_student_gets_exactly_the_expected_score(graded_class):
    out, results, _, _ = graded_class
    by_key = {(r.student, r.assignment): r for r in results}
    expected = {(student, name): (score, status)
                for student, (_, scores, status) in {**CLASS, **TWINS}.items()
                for name, score in scores.items()}
    expected[("shadows-numpy", LOSS)] = (FULL[LOSS], "graded")
    # an attacker's own status may say what it did (its kernel died, no verdict): its score
    # is its twin's; everyone else's status is exactly as expected
    attackers = {(cheater, LOSS) for cheater in RED_TEAM}
    for cheater, (_, twin) in RED_TEAM.items():
        expected[(cheater, LOSS)] = expected[(twin, LOSS)]
    assert set(by_key) == set(expected)
    got = {key: (r.score, str(r.status)) for key, r in by_key.items()}
    assert {k: v for k, v in got.items() if k not in attackers} == {
        k: v for k, v in expected.items() if k not in attackers}
    assert {k: got[k][0] for k in attackers} == {k: expected[k][0] for k in attackers}
    assert all(got[(cheater, LOSS)][1] == "needs-review" for cheater in NO_VERDICT)
    on_disk = {key: (sum(cells.values()), status) for key, (cells, status) in
               _on_disk(out).items()}
    assert on_disk == got, "a result file changed after it was written"


@pytest.mark.parametrize("cheater", sorted(RED_TEAM))
@ON_THE_CLASS_S_WORKER
def test_each_attack_scores_cell_for_cell_as_its_honest_twin(graded_class, cheater):
    out, _, _, _ = graded_class
    on_disk = _on_disk(out)
    twin = RED_TEAM[cheater][1]
    assert on_disk[(cheater, LOSS)][0] == on_disk[(twin, LOSS)][0]


@ON_THE_CLASS_S_WORKER
def test_nothing_a_student_started_is_left_running(graded_class):
    assert _running(MARKERS) == []


@ON_THE_CLASS_S_WORKER
def test_no_student_code_reached_the_network(graded_class):
    _, _, _, listener = graded_class
    assert listener.connections == 0


@ON_THE_CLASS_S_WORKER
def test_a_reference_called_in_the_kernel_passes_there_and_is_withdrawn(graded_class):
    _, results, _, _ = graded_class
    by_student = {r.student: r for r in results}
    for route in REFERENCE_ROUTES:
        cells = by_student[f"calls-the-reference-{route}"].cells
        mse = {gid: cell for gid, cell in cells.items() if gid.startswith("mse__")}
        assert all(cell.kernel_score == cell.max and cell.score == 0 and cell.withdrawn
                   for cell in mse.values()), route


@ON_THE_CLASS_S_WORKER
def test_a_warning_keeps_its_points_and_is_shown_in_the_feedback(graded_class):
    out, results, _, _ = graded_class
    warns = next(r for r in results if r.student == "warns-on-every-call")
    assert any("this mse is slow" in text for text in warns.warnings)
    feedback = (out / "feedback" / "warns-on-every-call" / f"{LOSS}.html").read_text()
    assert "this mse is slow on big batches" in feedback


@ON_THE_CLASS_S_WORKER
def test_the_instructors_gradebook_equals_grades_csv(graded_class):
    out, _, _, _ = graded_class
    exported, graded = _export(out / "course"), _csv_totals(out)
    # nbgrader exports every student for every assignment, 0 where nothing was handed in
    assert {key: exported[key] for key in graded} == graded
    assert all(score == 0 for key, score in exported.items() if key not in graded)
    assert (out / "course" / "autograded" / "honest-full" / LOSS / f"{LOSS}.ipynb").exists()


def _export(course_root):
    """(student, assignment) -> score, from ``nbgrader export`` of the course root."""
    target = course_root / "export.csv"
    nbgrader(course_root, "export", f"--to={target}",
             f"--CourseDirectory.db_url={db_url(course_root)}")
    with open(target) as handle:
        return {(row["student_id"], row["assignment"]): float(row["score"])
                for row in csv.DictReader(handle)}


def _csv_totals(out):
    with open(out / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    return {(row["student"], column.split("/")[0]): float(row[column]) for row in rows
            for column in row if column.endswith("/total") and row[column] != ""}


@ON_THE_CLASS_S_WORKER
def test_the_report_starts_with_what_needs_the_instructor_and_fits_a_laptop(graded_class):
    out, _, _, _ = graded_class
    report = (out / "report.html").read_text()
    attention, plots = report.index("Needs your attention"), report.index("data:image/png")
    assert attention < plots
    assert "Possible plagiarism" in report[:plots]
    assert "WITHOUT the sandbox" not in report
    widths = _png_widths(report)
    assert widths and max(widths) <= 1240, widths  # inside 1,300 pixels with the margins


def _png_widths(page):
    import base64
    import struct

    return [struct.unpack(">I", base64.b64decode(data)[16:20])[0]
            for data in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)]


@ON_THE_CLASS_S_WORKER
def test_cheating_is_named_in_the_results_and_the_feedback(graded_class):
    out, results, _, _ = graded_class
    cheat = next(r for r in results if r.student == "patches-the-checker")
    assert {c.diagnosis for g, c in cheat.cells.items() if g.startswith("mse__")} == {
        "unconfirmed"}
    feedback = (out / "feedback" / "patches-the-checker" / f"{LOSS}.html").read_text()
    assert "run apart from your code" in feedback
    honest = next(r for r in results if r.student == "honest-partial")
    assert {c.diagnosis for g, c in honest.cells.items() if g.startswith("mse__")} == {
        "factor"}


@ON_THE_CLASS_S_WORKER
def test_problems_are_reported_and_never_graded(graded_class):
    _, _, problems, _ = graded_class
    reasons = {p.where: p.reason for p in problems}
    assert "not a readable notebook" in reasons[f"corrupt/{LOSS}.ipynb"]
    assert "no assignment of this course" in reasons["wrong-name/homework1.ipynb"]
    assert reasons["no-notebook"] == "no notebook found"
    assert "not used in grading" in reasons["shadows-numpy/numpy.py"]


@ON_THE_CLASS_S_WORKER
def test_grades_csv_has_a_column_per_exercise_and_the_report_its_plots(graded_class):
    out, _, _, _ = graded_class
    with open(out / "grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["honest-partial"][f"{LOSS}/mse"] == "0"
    assert rows["honest-partial"][f"{LOSS}/mse_grad"] == "3"
    assert float(rows["two-assignments"]["total"]) == FULL[LOSS] + FULL[DESCENT]
    assert rows["exits-the-kernel"]["status"] == f"{LOSS}: checked-only"
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") >= 2
    assert "passed only in the student&#x27;s own kernel" in report


@ON_THE_CLASS_S_WORKER
def test_no_hidden_test_reaches_a_feedback_page_or_a_graded_notebook(graded_class):
    """Not even from a student's function that prints the code that called it, or a cell
    that prints the kernel's whole input history."""
    import html as html_module

    from autograder.authoring.sourcefmt import parse, to_notebook

    out, _, _, _ = graded_class
    hidden = []
    for name in (LOSS, DESCENT):
        source = to_notebook(parse((SOURCE_DIR / name / f"{name}.py").read_text()))
        hidden += hidden_lines(source, _release(name), shortest=20)
    assert len(hidden) > 20
    files = [*(out / "feedback").rglob("*.html"), *(out / "autograded").rglob("*.ipynb"),
             *(out / "course" / "autograded").rglob("*.ipynb")]
    assert len(files) >= 30
    for path in files:
        text = path.read_text()
        text = html_module.unescape(text) if path.suffix == ".html" else json.dumps(
            json.loads(text))
        leaked = [line for line in hidden if line in text or json.dumps(line)[1:-1] in text]
        assert not leaked, f"{path}: {leaked[:2]}"
    page = (out / "feedback" / "prints-the-code-that-calls-it" / f"{LOSS}.html").read_text()
    assert "mse" in page  # the attack ran and printed what it could


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_run_resumes_with_nothing_lost_or_counted_twice(tmp_path, stop):
    students = ["honest-full", "honest-partial", "blank", "patches-the-checker",
                "redefines-the-reference", "floods-output"]
    folder, out = tmp_path / "submissions", tmp_path / "grading"
    _write_class(folder, students)
    course = tmp_path / "course"
    command = [sys.executable, "-m", "autograder.pipeline.grade", str(folder), "--out", str(out),
               "--workers", "1", "--quiet", "--course-root", str(course)]
    first = subprocess.Popen(command, start_new_session=True)
    results_dir = out / "results" / LOSS
    deadline = time.monotonic() + 300
    while not (results_dir.exists() and len(list(results_dir.glob("*.json"))) >= 2):
        assert first.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(first.pid, stop)  # the grading process only: its children must follow
    first.wait(timeout=30)
    kept = {p.name: p.stat().st_mtime_ns for p in results_dir.glob("*.json")}
    assert 2 <= len(kept) < len(students)
    subprocess.run(command, check=True, timeout=600)
    after = {p.name: p.stat().st_mtime_ns for p in results_dir.glob("*.json")}
    assert set(after) == {f"{s}.json" for s in students}
    assert all(after[name] == mtime for name, mtime in kept.items()), "a result was graded twice"
    with open(out / "grades.csv") as handle:
        totals = {row["student"]: float(row["total"]) for row in csv.DictReader(handle)}
    assert totals == {s: CLASS[s][1][LOSS] for s in students}
    assert _export(course) == _csv_totals(out), "the gradebook and grades.csv differ"
    assert not list((out / "private").glob("work/*")), "scratch folders of the killed run remain"


def test_a_changed_submission_is_graded_again_and_replaced_in_the_gradebook(tmp_path):
    folder, out, course = tmp_path / "submissions", tmp_path / "grading", tmp_path / "course"
    options = Options(workers=1, quiet=True, gradebook=db_url(course), course_root=course)
    _write_class(folder, ["blank"])
    run(folder, out, options)
    assert _export(course) == {("blank", LOSS): 0.0}
    nbformat.write(_notebook(LOSS), folder / "blank" / f"{LOSS}.ipynb")
    results, _ = run(folder, out, options)
    assert [r.score for r in results] == [FULL[LOSS]]
    assert json.loads((out / "results" / LOSS / "blank.json").read_text())["status"] == "graded"
    assert _export(course) == {("blank", LOSS): FULL[LOSS]}


@ON_THE_CLASS_S_WORKER
def test_the_output_keeps_instructor_only_files_in_private_and_feedback_is_inert(graded_class):
    out, _, _, _ = graded_class
    top = {p.name for p in out.iterdir()}
    assert top <= {"results", "feedback", "autograded", "private", "course", "grades.csv",
                   "problems.csv", "report.html", "grading.log"}, top
    assert not list((out / "private").rglob("*.ipynb")), "the workers' roots were left"
    for page in (out / "feedback").rglob("*.html"):
        assert _active(page.read_text()) == [], page
    for notebook in (out / "course" / "autograded").rglob("*.ipynb"):
        data = json.loads(notebook.read_text())
        kinds = {kind for cell in data["cells"] for output in cell.get("outputs", [])
                 for kind in output.get("data", {})}
        assert not kinds & {"application/javascript", "image/svg+xml"}, notebook
        shown = ["".join(cell["source"]) for cell in data["cells"]
                 if cell["cell_type"] == "markdown"]
        shown += ["".join(output["data"]["text/html"]) for cell in data["cells"]
                  for output in cell.get("outputs", []) if "text/html" in output.get("data", {})]
        assert _active("\n".join(shown)) == [], notebook
    page = (out / "feedback" / "shows-active-content" / f"{LOSS}.html").read_text()
    assert "alert(2)" in page  # shown as text, not run


def _active(page):
    """What in an HTML page could run: script-like elements, event handlers, script URLs."""
    from html.parser import HTMLParser

    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "object", "embed", "form", "base"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or (value or "").strip().lower().startswith(
                        ("javascript:", "vbscript:", "data:text/html")):
                    found.append(f"{tag} {name}={value}")

    Finder().feed(page)
    return found


@ON_THE_CLASS_S_WORKER
def test_attacks_on_files_the_grader_writes_change_nothing(graded_class):
    out, results, _, _ = graded_class
    honest = json.loads((out / "results" / LOSS / "honest-full.json").read_text())
    assert honest["status"] == "graded" and sum(c["score"] for c in honest["cells"].values()) == FULL[LOSS]
    assert (out / "course" / "gradebook.db").read_bytes()[:16] == b"SQLite format 3\x00"
    secrets = next(r for r in results if r.student == "reads-the-hosts-secrets")
    page = (out / "feedback" / "reads-the-hosts-secrets" / f"{LOSS}.html").read_text()
    assert "SECRETS: []" in page  # it ran, and found nothing to read
    assert secrets.score == NO_MSE


@ON_THE_CLASS_S_WORKER
def test_derivations_computed_instead_are_named_for_the_instructor(graded_class):
    out, results, _, _ = graded_class
    report = (out / "report.html").read_text()
    section = report[report.index("Derivations computed instead"):]
    assert "numerical-gradient" in section[:section.index("</ul>")]
    assert "complex-step-derivative" in section[:section.index("</ul>")]
    assert "a difference quotient" in section and "complex step" in section
    complex_step = next(r for r in results if r.student == "complex-step-derivative")
    assert complex_step.score == FULL[LOSS]  # the points stand: the instructor decides


@ON_THE_CLASS_S_WORKER
def test_protocol_breakers_are_marked_for_review_with_the_command_to_grade_again(graded_class):
    _, results, _, _ = graded_class
    for cheater in NO_VERDICT:
        result = next(r for r in results if r.student == cheater)
        assert str(result.status) == "needs-review"
        assert f"--regrade {cheater}" in result.note
        assert any(c.kernel_score and c.score == 0 and c.checked is None
                   for c in result.cells.values())


def test_without_bubblewrap_grading_stops_before_it_starts(tmp_path, monkeypatch, capsys):
    from autograder.pipeline import grade
    from autograder.sandbox import bwrap

    monkeypatch.setattr(bwrap, "EXECUTABLE", "no-such-bwrap")
    bwrap.reset()
    try:
        folder, out = tmp_path / "submissions", tmp_path / "grading"
        _write_class(folder, ["blank"])
        assert grade.main([str(folder), "--out", str(out), "--quiet", "--no-gradebook"]) == 3
        message = capsys.readouterr().err.strip()
        assert len(message.splitlines()) == 1
        assert "bubblewrap (bwrap) is not installed" in message and "apt-get install" in message
        assert "--no-sandbox" in message
        assert not (out / "results").exists() and not (out / "template").exists()
    finally:
        bwrap.reset()


@pytest.mark.xdist_group("no-sandbox")
def test_no_sandbox_grades_anyway_and_the_report_says_so_in_red(tmp_path, monkeypatch):
    from autograder.sandbox import bwrap

    monkeypatch.setattr(bwrap, "EXECUTABLE", "no-such-bwrap")
    bwrap.reset()
    try:
        folder, out = tmp_path / "submissions", tmp_path / "grading"
        _write_class(folder, ["honest-partial"])
        results, _ = run(folder, out, Options(workers=1, quiet=True, sandboxed=False))
    finally:
        bwrap.reset()
    assert [(r.score, r.sandboxed) for r in results] == [(NO_MSE, False)]
    report = (out / "report.html").read_text()
    assert report.index("class='danger'") < report.index("<h1>")
    assert "WITHOUT the sandbox" in report
