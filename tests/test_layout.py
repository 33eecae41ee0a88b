"""The folders show who runs what and who trusts whom; these rules keep them honest.

* ``bplab``'s mathematics (its top-level modules) never imports its face, ``bplab.explore``;
  ``bplab.checks`` never imports it either;
* nothing a student imports (``bplab``) imports the instructor's tools (``autograder``);
* the grading pipeline never imports the test-the-tests tools (``autograder.authoring.gate``
  and its mutants);
* no module reaches into another's private names (``from x import _y``, ``x._y``).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted(p for folder in ("bplab", "autograder", "bench", "tests")
              for p in (ROOT / folder).rglob("*.py"))


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path):
    """``(imported module, names taken from it, line)`` for every import in ``path``."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            names = [alias.name for alias in node.names]
            found.append((target, names, node.lineno))
            # `from . import diagnosis` imports a module: count it as one
            found += [(f"{target}.{name}", [], node.lineno) for name in names]
    return found


def violations(rule):
    found = []
    for path in CODE:
        for target, names, line in imports(path):
            problem = rule(module_name(path), target, names)
            if problem:
                found.append(f"{path.relative_to(ROOT)}:{line}: {problem}")
    return found


def _within(name, package):
    return name == package or name.startswith(package + ".")


def test_the_mathematics_never_imports_the_face():
    def rule(module, target, names):
        math = _within(module, "bplab") and not _within(module, "bplab.explore")
        if math and _within(target, "bplab.explore"):
            return f"{module} imports {target}"
    assert violations(rule) == []


def test_the_student_package_never_imports_the_grader():
    def rule(module, target, names):
        if _within(module, "bplab") and _within(target, "autograder"):
            return f"{module} imports {target}"
    assert violations(rule) == []


def test_the_pipeline_never_imports_the_gate():
    def rule(module, target, names):
        if _within(module, "autograder.pipeline") and (
                _within(target, "autograder.authoring.gate")
                or _within(target, "autograder.authoring.mutants")):
            return f"{module} imports {target}"
    assert violations(rule) == []


def test_no_module_imports_a_private_name_of_another():
    def rule(module, target, names):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private and target != module:
            return f"{module} takes {private} from {target}"
    assert violations(rule) == []


def _ours(node):
    """True for an import of the project's own code (the standard library has its own rules)."""
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or node.module.split(".")[0] in OURS
    return any(alias.name.split(".")[0] in OURS for alias in node.names)


OURS = {"bplab", "autograder", "bench", "tests"}


def test_no_module_reads_a_private_attribute_of_an_imported_module():
    found = []
    for path in CODE:
        tree = ast.parse(path.read_text())
        modules = {alias.asname or alias.name.split(".")[0]
                   for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                   if _ours(node) for alias in node.names}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in modules and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: "
                             f"{node.value.id}.{node.attr}")
    assert found == []


@pytest.mark.parametrize("rule_test", [test_the_mathematics_never_imports_the_face])
def test_the_rules_catch_a_violation(rule_test, monkeypatch, tmp_path):
    """A planted import of the face into the mathematics is reported."""
    planted = tmp_path / "bplab" / "planted.py"
    planted.parent.mkdir()
    planted.write_text("from .explore import plotting\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.CODE", [planted])
    with pytest.raises(AssertionError):
        rule_test()
