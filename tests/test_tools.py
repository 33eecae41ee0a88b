"""Only what a notebook hands its students is callable where the grade is decided.

Each notebook declares its tools (``source/<notebook>/tools.toml``); its answer processes
import a ``bplab`` built from them alone (``autograder/sandbox/tools.py``). These tests
hold each declaration to the notebook's code, and then try every exercise with every
callable that built package holds, private helpers and what the tools need included:
none may pass all of an exercise's tests, hidden ones included.
"""

import contextlib
import importlib
import io
import os
import subprocess
import sys
import warnings

import pytest

from autograder import SOURCE_DIR, assignments, exercise_of
from autograder.authoring.mutants import solution_code
from autograder.authoring.sourcefmt import parse
from autograder.authoring.tools import declared_tools, used_tools
from autograder.sandbox import bwrap
from autograder.sandbox.references import notebook_number, reference_functions
from autograder.sandbox.tools import build_tools

PACKAGE = bwrap.package_dir("bplab")


def _source(name):
    return (SOURCE_DIR / name / f"{name}.py").read_text()


@pytest.mark.parametrize("name", assignments())
def test_each_notebook_declares_exactly_the_tools_its_code_uses(name):
    assert declared_tools(name) == used_tools(_source(name), PACKAGE), (
        f"source/{name}/tools.toml differs from the bplab names its code uses outside its "
        "test cells: hand students a new tool on purpose, then list it there")


@pytest.mark.parametrize("name", assignments())
def test_no_notebook_hands_out_a_reference_of_its_own(name):
    own = {qualified.removeprefix("bplab.").replace("._", ".").split(".")[-1]
           for qualified in reference_functions(PACKAGE, notebook_number(name))}
    handed = {tool.split(".")[-1] for tool in declared_tools(name)}
    assert not own & handed


def test_the_built_package_holds_the_tools_and_nothing_unneeded(tmp_path):
    kept = build_tools(PACKAGE, ["losses.logcosh", "start_notebook"], 1, tmp_path / "bplab")
    assert "losses.logcosh" in kept and "start_notebook" in kept
    assert "losses.mse" not in kept  # notebook 1's reference, and no tool needs it
    for absent in ("autograd", "mlp", "numdiff", "complexstep", "net221"):
        assert not (tmp_path / "bplab" / absent).exists()
        assert not (tmp_path / "bplab" / f"{absent}.py").exists()


@pytest.mark.parametrize("name", assignments())
def test_every_module_of_the_built_package_imports(name, tmp_path):
    """An import the pruning dropped (a module's name read as ``module.attribute``)
    breaks every tool that module holds: each module must import on its own."""
    build_tools(PACKAGE, declared_tools(name), notebook_number(name), tmp_path / "bplab")
    modules = sorted(".".join(("bplab", *p.relative_to(tmp_path / "bplab").with_suffix("").parts))
                     .removesuffix(".__init__") for p in (tmp_path / "bplab").rglob("*.py"))
    script = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    ran = subprocess.run([sys.executable, "-c", script, *modules], cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(tmp_path), "MPLBACKEND": "Agg"},
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr[-2000:]


def _candidates(package_name):
    """Every callable defined in the built package (under ``package_name``)."""
    found = {}
    for module_name in sorted(m for m in sys.modules if m == package_name
                              or m.startswith(package_name + ".")):
        module = sys.modules[module_name]
        for attribute, value in vars(module).items():
            if callable(value) and str(getattr(value, "__module__", "")).startswith(
                    package_name):
                found[f"{module_name}.{attribute}"] = value
    return found


def _load(folder, package_name):
    """Import every module of the built package at ``folder`` as ``package_name``."""
    sys.path.insert(0, str(folder))
    try:
        for path in sorted((folder / package_name).rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            with contextlib.suppress(Exception):  # a module only a tool's call would import
                importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))


def _run(source, namespace):
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, "<test cell>", "exec"), namespace)


@pytest.mark.slow
@pytest.mark.parametrize("name", assignments())
def test_no_single_tool_answers_an_exercise(name, tmp_path, monkeypatch):
    """Every callable of the built package, put in place of each exercise's answer."""
    from IPython.core.inputtransformer2 import TransformerManager

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # demos skip their slow parts
    package_name = f"bplab_tools_{notebook_number(name):02d}"
    build_tools(PACKAGE, declared_tools(name), notebook_number(name),
                tmp_path / package_name)
    _load(tmp_path, package_name)
    candidates = _candidates(package_name)
    assert candidates, "the built package holds no callable"
    transform = TransformerManager().transform_cell
    cells = parse(_source(name))
    namespace = {"__name__": "__main__"}
    answered, tried = [], []
    try:
        for index, cell in enumerate(cells):
            if cell.kind == "markdown" or cell.kind == "tests":
                continue
            code = solution_code(cell.source) if cell.kind == "solution" else cell.source
            with contextlib.suppress(Exception):
                _run(transform(code), namespace)
            if cell.kind != "solution":
                continue
            tests = [transform(c.source) for c in cells[index + 1:]
                     if c.kind == "tests" and exercise_of(c.grade_id) == cell.grade_id]
            defined = [n for n in _defined_functions(code) if callable(namespace.get(n))]
            if not tests or not defined or _passes(tests, namespace, defined[0], _nothing):
                # a checkpoint answers with a value; and where an answer that does nothing
                # passes, the tests reach the answer through something else (an engine
                # built from it): putting a tool in its place would say nothing
                continue
            tried.append(cell.grade_id)
            for label, candidate in candidates.items():
                if _passes(tests, namespace, defined[0], candidate):
                    answered.append(f"{cell.grade_id} <- {label}")
    finally:
        for module in [m for m in sys.modules if m.startswith(package_name)]:
            del sys.modules[module]
    assert answered == [], "these alone answer an exercise where it is graded"
    assert tried, "no exercise could be tried: the test would prove nothing"
    print(f"{name}: {len(candidates)} callables tried on {', '.join(tried)}")


def _nothing(*args, **kwargs):
    raise NotImplementedError


def _passes(tests, namespace, name, candidate):
    """True if every test passes with ``candidate`` as the answer ``name``."""
    trial = dict(namespace, **{name: candidate})
    try:
        for test in tests:
            _run(test, trial)
    except BaseException:  # noqa: BLE001 - any failure means it does not answer
        return False
    return True


def _defined_functions(code):
    import ast

    try:
        return [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    except SyntaxError:
        return []
