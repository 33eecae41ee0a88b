"""The independent check: tests run where the student's code never runs.

Each test builds a submission of notebook 1 from its source (the solution, with one
change a student could make) and asserts exactly which exercises the verifier passes.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import SOURCE_DIR
from autograder.authoring import mutants
from autograder import exercise_of
from autograder.authoring.sourcefmt import parse, to_notebook
from autograder.sandbox.verify import AnswerProcess, defined_names, verify
from autograder.settings import Limits

pytestmark = pytest.mark.needs("bubblewrap")

NAME = "01_loss_functions"
HOME = os.path.expanduser("~")
EXERCISES = {"mse", "mse_grad", "bce", "bce_grad", "central_difference", "logcosh_grad",
             "predict_mean_fraction", "predict_best_step"}
TIMEOUT = 3.0
LIMITS = Limits(cell_timeout=TIMEOUT)


@pytest.fixture(autouse=True)
def grading_environment(monkeypatch):
    """As the pipeline starts the check: plots and explorers are skipped while grading."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")


_SHARED = {}


@pytest.fixture(scope="module", autouse=True)
def answers_zygote(tmp_path_factory):
    """Answer processes forked from one zygote, as a grading worker's are."""
    from autograder.authoring.tools import declared_tools
    from autograder.sandbox import bwrap
    from autograder.sandbox.tools import build_tools
    from autograder.sandbox.zygote import Zygote

    package = tmp_path_factory.mktemp("tools") / "bplab"
    build_tools(bwrap.package_dir("bplab"), declared_tools(NAME), 1, package)
    zygote = Zygote("answers", LIMITS, overlays=[(package, bwrap.package_dir("bplab"))])
    _SHARED.update(package=package, zygote=zygote)
    yield zygote
    zygote.close()


def check(source_nb, nb, limits=LIMITS):
    """:func:`verify` with the module's zygote and the notebook's tools."""
    return verify(source_nb, nb, limits, package=_SHARED["package"], zygote=_SHARED["zygote"])


@pytest.fixture(scope="module")
def source_nb():
    return to_notebook(parse((SOURCE_DIR / NAME / f"{NAME}.py").read_text()))


def submission(source_nb, answers=None, after=None, tests=None, drop=()):
    """The solution notebook with answer cells, extra cells or test cells changed.

    ``answers`` replaces answer cells by grade id; ``after`` inserts a code cell after the
    answer cell named; ``tests`` replaces test cells; ``drop`` deletes cells by grade id.
    """
    code = dict(mutants.answers(NAME), **(answers or {}))
    nb = nbformat.from_dict(json.loads(json.dumps(source_nb)))
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in drop:
            continue
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = code[grade_id]
        if grade_id in (tests or {}):
            cell.source = tests[grade_id]
        cells.append(cell)
        if grade_id in (after or {}):
            cells.append(nbformat.v4.new_code_cell(after[grade_id], id=f"extra-{grade_id}"))
    nb.cells = cells
    return nb


def passed_exercises(results):
    """Exercises all of whose test cells passed."""
    failed = {exercise_of(g) for g, r in results.items() if not r.passed}
    return {exercise_of(g) for g in results} - failed


WRONG_MSE = "def mse(y_hat, t):\n    return float(np.sum((y_hat - t) ** 2))\n"


def test_the_solution_passes_every_test_cell(source_nb):
    results = check(source_nb, submission(source_nb))
    assert set(results) == {c.metadata["nbgrader"]["grade_id"] for c in source_nb.cells
                            if c.metadata.get("nbgrader", {}).get("grade")}
    assert all(r.passed for r in results.values()), results


def test_blank_answers_pass_nothing(source_nb):
    blank = {name: f"def {name}(*args):\n    raise NotImplementedError()\n" for name in EXERCISES}
    results = check(source_nb, submission(source_nb, blank))
    assert passed_exercises(results) == set()
    assert "not written yet" in results["mse__one_output"].message


def test_patching_numpy_and_the_checker_changes_nothing(source_nb):
    cheat = WRONG_MSE + ("bp.checks.close = lambda *args, **kwargs: None\n"
                         "bp.checks.true = lambda *args, **kwargs: None\n"
                         "np.allclose = lambda *args, **kwargs: True\n"
                         "import bplab.checks.diagnosis\n"
                         "bplab.checks.diagnosis.diagnose = None\n")
    results = check(source_nb, submission(source_nb, {"mse": cheat}))
    assert passed_exercises(results) == EXERCISES - {"mse"}
    assert "[diagnosis: factor]" in results["mse__one_output"].message


def test_edited_test_cells_and_a_redefined_reference_change_nothing(source_nb):
    # The submission's own test cells are never run: the source's are.
    emptied = {"mse__one_output": "pass", "mse__several_outputs": "pass"}
    patch_reference = ("import bplab.losses\n"
                       "bplab.losses.mse = lambda y_hat, t: float(np.sum((y_hat - t) ** 2))\n"
                       "bplab.numdiff.gradient = lambda f, x, **kwargs: np.zeros_like(x)\n")
    zero_grad = "def mse_grad(y_hat, t):\n    return np.zeros_like(y_hat)\n"
    nb = submission(source_nb, {"mse": WRONG_MSE, "mse_grad": zero_grad},
                    after={"mse": patch_reference}, tests=emptied)
    results = check(source_nb, nb)
    assert passed_exercises(results) == EXERCISES - {"mse", "mse_grad"}


@pytest.mark.slow  # every test of the endless function waits out its deadline
def test_an_endless_function_costs_its_own_tests_only(source_nb):
    loop = "def mse(y_hat, t):\n    while True:\n        pass\n"
    results = check(source_nb, submission(source_nb, {"mse": loop}))
    assert passed_exercises(results) == EXERCISES - {"mse"}
    assert f"ran over {TIMEOUT:g} s" in results["mse__one_output"].message


def test_an_endless_cell_and_an_exiting_cell_are_left_out(source_nb):
    nb = submission(source_nb, after={"mse": "while True:\n    pass\n",
                                      "bce": "import os\nos._exit(3)\n"})
    results = check(source_nb, nb)
    assert passed_exercises(results) == EXERCISES


def test_a_function_that_ends_its_process_fails_alone(source_nb):
    exiting = "def bce(y_hat, t):\n    import os\n    os._exit(1)\n"
    results = check(source_nb, submission(source_nb, {"bce": exiting}))
    assert passed_exercises(results) == EXERCISES - {"bce"}
    assert "ended its own process" in results["bce__value"].message


def test_a_flood_of_output_is_harmless(source_nb):
    flood = "import sys\nfor _ in range(2000):\n    print('x' * 10_000)\n    sys.stderr.write('y' * 10_000)\n"
    results = check(source_nb, submission(source_nb, after={"mse": flood}))
    assert passed_exercises(results) == EXERCISES


def test_a_deleted_answer_cell_fails_with_a_message_that_says_so(source_nb):
    results = check(source_nb, submission(source_nb, drop={"bce"}))
    assert passed_exercises(results) == EXERCISES - {"bce"}
    assert "answer cell of this exercise is missing" in results["bce__value"].message


def test_hard_coded_visible_answers_fail_the_hidden_checks(source_nb):
    hard_coded = "def mse(y_hat, t):\n    return 0.07\n"
    results = check(source_nb, submission(source_nb, {"mse": hard_coded}))
    assert "mse" not in passed_exercises(results)


def test_command_line_prints_json(source_nb, tmp_path):
    nbformat.write(source_nb, tmp_path / "source.ipynb")
    nbformat.write(submission(source_nb, {"mse": WRONG_MSE}), tmp_path / "submission.ipynb")
    run = subprocess.run([sys.executable, "-m", "autograder.sandbox.verify", str(tmp_path / "source.ipynb"),
                          str(tmp_path / "submission.ipynb"), "--cell-timeout", "5"],
                         capture_output=True, text=True, timeout=120, check=True)
    line = json.loads(run.stdout.splitlines()[0])
    assert line["submission"] == str(tmp_path / "submission.ipynb")
    failed = {exercise_of(g) for g, r in line["cells"].items() if not r["passed"]}
    assert failed == {"mse"}


def test_the_command_line_reports_a_broken_submission_and_checks_the_others(source_nb,
                                                                            tmp_path):
    nbformat.write(source_nb, tmp_path / "source.ipynb")
    nbformat.write(submission(source_nb), tmp_path / "right.ipynb")
    (tmp_path / "broken.ipynb").write_text("{")
    run = subprocess.run([sys.executable, "-m", "autograder.sandbox.verify",
                          str(tmp_path / "source.ipynb"), str(tmp_path / "broken.ipynb"),
                          str(tmp_path / "right.ipynb"), "--cell-timeout", "5"],
                         capture_output=True, text=True, timeout=120, check=True)
    broken, right = (json.loads(line) for line in run.stdout.splitlines())
    assert "cells" not in broken and "failed" in broken["problem"]
    assert all(cell["passed"] for cell in right["cells"].values())


# A student's cell that writes into the answer process's own pipe: whatever it sends, the
# verifier must stop trusting the process and judge nothing more from it.
_FORGE = """import json, os, struct, sys
frame = sys._getframe()
while frame is not None and 'message' not in frame.f_locals:
    frame = frame.f_back
request = frame.f_locals['message'] if frame is not None else {{'id': 1}}
out = frame.f_locals['outgoing'].fileno()
def send(message):
    data = json.dumps(message).encode()
    os.write(out, struct.pack('>I', len(data)) + data)
{body}
"""
FORGERIES = {
    "an-extra-well-formed-reply": "send({'op': 'result', 'id': request['id'], 'value': None})",
    "a-reply-to-a-request-never-asked": "send({'op': 'result', 'id': 10**6, 'value': None})",
    "a-message-of-an-unknown-kind": "send({'op': 'grade', 'id': request['id']})",
    "a-malformed-value": ("send({'op': 'result', 'id': request['id'], 'value': "
                          "{'__ndarray__': '!!', 'dtype': '<f8', 'shape': [9**99]}})"),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_broken_protocol_leaves_every_later_cell_without_a_verdict(source_nb, forgery):
    """The cells checked before the forgery keep their verdicts; every later one has none,
    so it can never count as passed, whatever the student's own kernel said."""
    cheat = _FORGE.format(body=FORGERIES[forgery])
    results = check(source_nb, submission(source_nb, after={"mse_grad": cheat}))
    order = [g for g in results]
    first_after = next(i for i, g in enumerate(order) if exercise_of(g) == "bce")
    assert all(results[g].passed is True for g in order[:first_after]
               if exercise_of(g) in {"mse", "mse_grad", "predict_mean_fraction"})
    assert all(results[g].passed is None for g in order[first_after:]), forgery
    assert "protocol" in results[order[-1]].message or "other names" in results[order[-1]].message


def test_an_answer_over_the_size_limit_fails_its_own_cells_only(source_nb):
    huge = "def mse(y_hat, t):\n    return np.zeros(3_000_000)\n"
    results = check(source_nb, submission(source_nb, {"mse": huge}),
                    Limits(cell_timeout=TIMEOUT, reply=4 << 20))
    assert passed_exercises(results) == EXERCISES - {"mse"}
    assert "too much to check" in results["mse__one_output"].message


def test_a_value_the_verifier_cannot_use_leaves_the_cells_without_a_verdict(source_nb):
    """Names read back as something that is no mapping of those names: no verdicts."""
    cheat = ("import sys\n"  # the answer process's own loop, however it was started
             "for module in [sys.modules['__main__'], "
             "sys.modules.get('autograder.sandbox.answer_worker')]:\n"
             "    if hasattr(module, '_pack_names'):\n"
             "        module._pack_names = lambda channel, namespace, names: [1, 2]\n")
    results = check(source_nb, submission(source_nb, after={"mse": cheat}))
    later = [r for g, r in results.items() if exercise_of(g) not in {"mse", "predict_mean_fraction"}]
    assert later and all(r.passed is None for r in later)
    assert "protocol" in later[0].message or "other names" in later[0].message


def test_defined_names_reads_functions_and_assignments():
    assert defined_names("def f():\n    pass\nx = y = 1\na, (b, c) = 1, (2, 3)\n"
                         "import os\nclass K:\n    pass\n") == ["f", "x", "y", "a", "b", "c", "K"]


def _answers(cells, names, **kwargs):
    """Run ``cells`` in a (sandboxed) answer process; the values of ``names`` after them."""
    answers = AnswerProcess(cells, Limits(cell_timeout=TIMEOUT * 4), **kwargs)
    try:
        answers.run_until(len(cells) - 1)
        return answers.get(names)
    finally:
        answers.kill()


def test_the_answer_process_has_the_memory_limit_of_the_settings():
    values = _answers(["import resource\nlimit = resource.getrlimit(resource.RLIMIT_AS)",
                       "import numpy as np\ntry:\n    np.ones((40_000, 40_000))\n"
                       "    outcome = 'allocated'\nexcept MemoryError:\n"
                       "    outcome = 'refused'\n"], ["limit", "outcome"])
    memory = Limits().memory
    assert values == {"limit": (memory, memory), "outcome": "refused"}


def test_the_answer_process_sees_no_files_of_the_grader_and_no_network(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("hidden")
    listener = socket.create_server(("127.0.0.1", 0))
    values = _answers([
        "import os, socket\n"
        f"readable = [p for p in {[str(secret), str(SOURCE_DIR)]!r} if os.path.exists(p)]\n"
        f"home = sorted(os.listdir({HOME!r})) if os.path.isdir({HOME!r}) else []\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {listener.getsockname()[1]}), timeout=2)\n"
        "    network = 'reached'\n"
        "except OSError as error:\n"
        "    network = 'refused'\n"
        "user = os.getuid()\n"
        "processes = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"],
        ["readable", "home", "network", "user", "processes"])
    listener.close()
    assert values["readable"] == []
    # of the home folder, at most the way to the Python installation (pyenv keeps it there)
    python = Path(os.path.realpath(sys.base_prefix))
    assert set(values["home"]) <= ({python.relative_to(HOME).parts[0]}
                                   if python.is_relative_to(HOME) else set())
    assert values["network"] == "refused"
    assert values["user"] != 0
    assert len(values["processes"]) <= 3  # its own PID namespace: init, itself, maybe a child


@pytest.mark.parametrize("route", ["expected", "unlocked", "wrapped", "source", "file"])
def test_no_route_reaches_the_reference_in_the_answer_process(source_nb, route):
    call = {
        "expected": "bp.checks.testdata.expected(bp.losses.mse, y_hat, t)",
        "unlocked": "UNLOCKED(y_hat, t)",
        "wrapped": "bp.losses.mse.__wrapped__(y_hat, t)",
        "source": "FROM_SOURCE(y_hat, t)",
        "file": "FROM_FILE(y_hat, t)",
    }[route]
    prelude = ("import inspect, importlib.util\n"
               "namespace = dict(vars(bp.losses))\n"
               "exec('\\n'.join(l for l in inspect.getsource(bp.losses.mse).splitlines()"
               " if not l.startswith('@')), namespace)\n"
               "FROM_SOURCE = namespace['mse']\n"
               "spec = importlib.util.spec_from_file_location('bplab.copy', bp.losses.__file__)\n"
               "module = importlib.util.module_from_spec(spec)\n"
               "spec.loader.exec_module(module)\n"
               "FROM_FILE = module.mse.__wrapped__\n"
               "def UNLOCKED(y_hat, t):\n"
               "    with bp.course.references_unlocked():\n"
               "        return bp.losses.mse(y_hat, t)\n")
    cheat = prelude + f"def mse(y_hat, t):\n    return {call}\n"
    results = check(source_nb, submission(source_nb, {"mse": cheat}))
    assert passed_exercises(results) == EXERCISES - {"mse"}
    # the reference has no body there, and most routes to it are not there at all
    assert any(words in results["mse__one_output"].message for words in (
        "not available where this notebook is graded", "has no attribute", "not defined"))


def test_a_warning_of_the_students_own_is_no_failure(source_nb):
    warns = ("import warnings\ndef mse(y_hat, t):\n    warnings.warn('slow')\n"
             "    return float(np.sum((np.asarray(y_hat) - t) ** 2) / len(y_hat))\n")
    results = check(source_nb, submission(source_nb, {"mse": warns}))
    assert passed_exercises(results) == EXERCISES


def test_verify_leaves_the_environment_and_no_temporary_folders(source_nb, tmp_path,
                                                                monkeypatch):
    import os
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = dict(os.environ)
    verify(source_nb, submission(source_nb, after={"bce": "import os\nos._exit(3)\n"}), LIMITS)
    assert dict(os.environ) == before
    assert list(tmp_path.iterdir()) == []


def test_the_package_without_references_loses_their_bodies_and_keeps_the_rest(tmp_path):
    from autograder.sandbox.references import build_package, reference_functions

    package = Path(__file__).resolve().parent.parent / "bplab"
    removed = build_package(package, 1, tmp_path / "bplab")
    references = set(reference_functions(package, 1))
    assert references >= {"bplab.losses.mse"}
    # and the private helpers those references call, which hold their answers too
    assert set(removed) >= references
    assert all(name.rpartition(".")[2].startswith("_") for name in set(removed) - references)
    losses = (tmp_path / "bplab" / "losses.py").read_text()
    assert "def mse(" in losses and "** 2) / len(y_hat)" not in losses
    copied = {p.relative_to(package) for p in package.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    assert copied <= {p.relative_to(tmp_path / "bplab") for p in (tmp_path / "bplab").rglob("*")}


def test_references_in_a_subpackage_lose_their_bodies_and_keep_their_public_name(tmp_path):
    """Notebook 5's references live in bplab.mlp's private modules: stripped all the same."""
    from autograder.sandbox.references import build_package

    package = Path(__file__).resolve().parent.parent / "bplab"
    removed = build_package(package, 5, tmp_path / "bplab")
    assert {"bplab.mlp._network.forward", "bplab.mlp._output.output_delta"} <= set(removed)
    script = ("import bplab as bp, numpy as np\n"
              "params = bp.mlp.init_params([2, 1], np.random.default_rng(0))\n"
              "try:\n"
              "    bp.mlp.forward(params, np.zeros((1, 2)))\n"
              "except bp.course.ReferenceLockedError as error:\n"
              "    print(error)\n")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(tmp_path)), cwd=tmp_path,
                         timeout=60)
    assert "forward is not available where this notebook is graded" in ran.stdout, ran.stderr


def test_a_zygote_that_cannot_start_says_why():
    # Python's own library is not where PYTHONHOME says: the error quotes Python's words
    from autograder.sandbox.zygote import Zygote, ZygoteError

    with pytest.raises(ZygoteError, match=r"did not start .*No module named 'encodings'"):
        Zygote("answers", LIMITS, env={"PYTHONHOME": "/nowhere"})
