"""The folders show who runs what and who trusts whom; these rules keep them honest.

* every import between the project's parts is one that ``docs/architecture.md``'s table
  allows (:data:`MAY_IMPORT`, which that table must state): ``bplab``'s mathematics never
  imports its face, ``bplab.explore``, nor its checks; nothing a student imports
  (``bplab``) imports the instructor's tools (``autograder``); ...
* only ``bplab.explore`` imports matplotlib or ipywidgets, and only ``bplab.checks`` and
  ``bplab.explore`` import the grader's diagnosis kinds (``bplab.checks``);
* ``bplab``'s import graph has no cycle, and no top-level module of ``bplab`` is a family
  spelled as a name prefix (``mlp_output`` beside ``mlp``): a family is a subpackage;
* the grading pipeline never imports the test-the-tests tools (``autograder.authoring.gate``
  and its mutants);
* no module reaches into another's private names (``from x import _y``, ``x._y``), nor into
  another package's private modules (``bplab.mlp._network``): a package's own modules may
  use its private modules, everyone else its public names.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted(p for folder in ("bplab", "autograder", "bench", "tests")
              for p in (ROOT / folder).rglob("*.py"))
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# The parts of the project, by the modules they hold (the longest prefix names the part;
# a module of bplab or autograder that no longer prefix names is in its first fallback).
PARTS = {
    "foundations": ("bplab.course", "bplab.validation", "bplab.lazy"),
    "mathematics": ("bplab.",),
    "bplab": ("bplab",),
    "bplab.progress": ("bplab.progress",),
    "bplab.checks": ("bplab.checks",),
    "bplab.explore": ("bplab.explore",),
    "autograder": ("autograder",),
    "autograder.sandbox": ("autograder.sandbox",),
    "autograder.authoring": ("autograder.authoring",),
    "autograder.pipeline": ("autograder.pipeline",),
    "autograder.cli": ("autograder.cli",),
    "bench": ("bench",),
    "tests": ("tests",),
}
# Which parts each part may import (a part may always import itself).
MAY_IMPORT = {
    "foundations": set(),
    "mathematics": {"foundations"},
    "bplab.progress": {"foundations"},
    "bplab": {"foundations", "bplab.progress"},
    "bplab.checks": {"foundations", "mathematics"},
    "bplab.explore": {"foundations", "mathematics", "bplab.checks"},
    "autograder": {"autograder.sandbox"},
    "autograder.sandbox": {"autograder"},
    "autograder.authoring": {"autograder", "autograder.sandbox", "autograder.pipeline"},
    "autograder.pipeline": {"autograder", "autograder.sandbox", "autograder.authoring",
                            "bplab.checks"},
    "autograder.cli": {"autograder", "autograder.sandbox", "autograder.authoring",
                       "autograder.pipeline"},
    "bench": set(PARTS),
    "tests": set(PARTS),
}
# What only the face may import: drawing and widgets.
FACE_ONLY = ("matplotlib", "ipywidgets")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name):
    """True if ``name`` (``bplab.mlp``, ``bplab.losses``) is a module or package of ours."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


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


def resolved_imports(path):
    """``(module, line)`` for every module ``path`` imports: ``from bplab import mlp`` is
    ``bplab.mlp``, ``from bplab.mlp import forward`` is ``bplab.mlp``."""
    found = []
    for target, names, line in imports(path):
        if names:
            modules = [f"{target}.{name}" for name in names if is_module(f"{target}.{name}")]
            found += [(target, line)] if len(modules) < len(names) else []
        elif is_module(target) or target.split(".")[0] not in OURS:
            found.append((target, line))
    return found


def violations(rule, resolved=False):
    found = []
    for path in CODE:
        for entry in resolved_imports(path) if resolved else imports(path):
            target, line = entry[0], entry[-1]
            names = [] if resolved else entry[1]
            problem = rule(module_name(path), target, names)
            if problem:
                found.append(f"{path.relative_to(ROOT)}:{line}: {problem}")
    return found


def _within(name, package):
    return name == package or name.startswith(package + ".")


def part_of(module):
    """The part of :data:`PARTS` that holds ``module``, or None for what is not ours."""
    best, length = None, -1
    for part, prefixes in PARTS.items():
        for prefix in prefixes:
            matches = (module.startswith(prefix) if prefix.endswith(".")
                       else _within(module, prefix))
            if matches and len(prefix) > length:
                best, length = part, len(prefix)
    return best


def test_every_import_between_parts_is_one_the_map_allows():
    def rule(module, target, names):
        mine, theirs = part_of(module), part_of(target)
        if theirs and mine and theirs != mine and theirs not in MAY_IMPORT[mine]:
            return f"{module} ({mine}) imports {target} ({theirs})"
    assert violations(rule, resolved=True) == []


def test_the_parts_cover_the_package_and_the_tools():
    """A rule about parts that held no module would pass vacuously."""
    held = {part_of(module_name(path)) for path in CODE}
    assert held == set(PARTS)
    assert part_of("bplab.mlp._network") == "mathematics"
    assert part_of("bplab.progress._hook") == "bplab.progress"
    assert part_of("bplab") == "bplab" and part_of("numpy") is None


def test_only_the_face_draws_and_only_checks_and_face_know_the_diagnosis_kinds():
    def rule(module, target, names):
        if not _within(module, "bplab"):
            return None
        if target.split(".")[0] in FACE_ONLY and not _within(module, "bplab.explore"):
            return f"{module} imports {target}: only bplab.explore draws"
        if _within(target, "bplab.checks") and not (_within(module, "bplab.checks")
                                                     or _within(module, "bplab.explore")):
            return f"{module} imports {target}: only checks and the face know the kinds"
    assert violations(rule, resolved=True) == []


def import_graph(package="bplab"):
    """``{module: {modules of the package it imports}}``, from every import in every file."""
    graph = {}
    for path in CODE:
        module = module_name(path)
        if _within(module, package):
            graph[module] = {target for target, _ in resolved_imports(path)
                             if _within(target, package) and target != module}
    return graph


def cycles(graph):
    """Every cycle of strongly connected modules (Tarjan's algorithm), as sorted lists."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_student_package_imports_without_a_cycle():
    graph = import_graph()
    assert "bplab.progress._table" in graph and graph["bplab.mlp._problems"]
    assert cycles(graph) == []


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def family_prefixed(names):
    """Names that spell a family as a prefix: ``mlp_output`` beside ``mlp`` or ``mlp_x``."""
    def first(name):
        return name.split("_")[0]
    return sorted(n for n in names
                  if "_" in n and any(o != n and first(o) == first(n) for o in names))


def test_no_top_level_module_of_bplab_has_a_family_prefix():
    names = {p.stem for p in (ROOT / "bplab").glob("*.py") if not p.name.startswith("_")}
    names |= {p.parent.name for p in (ROOT / "bplab").glob("*/__init__.py")}
    assert {"losses", "mlp", "autograd", "checks"} <= names
    assert family_prefixed(names) == []
    assert family_prefixed({"mlp", "mlp_output", "xor_a", "xor_b", "losses"}) == [
        "mlp_output", "xor_a", "xor_b"]


def test_the_pipeline_never_imports_the_gate():
    def rule(module, target, names):
        if _within(module, "autograder.pipeline") and (
                _within(target, "autograder.authoring.gate")
                or _within(target, "autograder.authoring.mutants")):
            return f"{module} imports {target}"
    assert violations(rule) == []


def _private(name):
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_a_private_name_of_another():
    def rule(module, target, names):
        # a package's own modules may import its private modules: `from . import _rules`
        private = [n for n in names if _private(n)
                   and not (_within(module, target) and is_module(f"{target}.{n}"))]
        if private and target != module:
            return f"{module} takes {private} from {target}"
    assert violations(rule) == []


def test_private_modules_are_imported_only_inside_their_package():
    def rule(module, target, names):
        parts = target.split(".")
        for depth, part in enumerate(parts):
            owner = ".".join(parts[:depth])
            if _private(part) and owner and not _within(module, owner):
                return f"{module} reaches into {owner}'s private module {target}"
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
                    and node.value.id in modules and _private(node.attr)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: "
                             f"{node.value.id}.{node.attr}")
    assert found == []


_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|.*\|([^|]*)\|\s*$")


def documented_rules(text):
    """``{part: {parts it may import}}`` from the table between the map's markers."""
    table = text.split("<!-- import-rules:start -->")[1].split("<!-- import-rules:end -->")[0]
    rules = {}
    for line in table.splitlines():
        row = _ROW.match(line.strip())
        if row:
            allowed = row.group(2)
            rules[row.group(1)] = (set(PARTS) - {row.group(1)} if "anything" in allowed
                                   else set(re.findall(r"`([^`]+)`", allowed)))
    return rules


def test_the_contributors_map_states_the_rules_these_tests_enforce():
    documented = documented_rules(ARCHITECTURE.read_text())
    assert documented == {part: allowed - {part} for part, allowed in MAY_IMPORT.items()}
    readme = (ROOT / "README.md").read_text().split("## For contributors")[1]
    assert "docs/architecture.md" in readme


def _plant(tmp_path, monkeypatch, files):
    """A tree of ``files`` (path: text) that the rules read instead of the project."""
    planted = []
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        planted.append(path)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.CODE", sorted(planted))


@pytest.mark.parametrize("rule_test, files", [
    (test_every_import_between_parts_is_one_the_map_allows,
     {"bplab/__init__.py": "", "bplab/planted.py": "from .explore import plotting\n",
      "bplab/explore/__init__.py": "", "bplab/explore/plotting.py": ""}),
    (test_every_import_between_parts_is_one_the_map_allows,
     {"bplab/__init__.py": "", "bplab/planted.py": "import autograder.settings\n",
      "autograder/__init__.py": "", "autograder/settings.py": ""}),
    (test_only_the_face_draws_and_only_checks_and_face_know_the_diagnosis_kinds,
     {"bplab/__init__.py": "", "bplab/planted.py": "import matplotlib.pyplot as plt\n"}),
    (test_only_the_face_draws_and_only_checks_and_face_know_the_diagnosis_kinds,
     {"bplab/__init__.py": "", "bplab/progress/__init__.py": "from ..checks import kinds\n",
      "bplab/checks/__init__.py": "", "bplab/checks/kinds.py": ""}),
    (test_the_student_package_imports_without_a_cycle,
     {"bplab/__init__.py": "", "bplab/progress/_table.py": "from ._record import load\n",
      "bplab/progress/_record.py": "def f():\n    from ._table import report\n",
      "bplab/mlp/_problems.py": "from ._network import forward\n",
      "bplab/mlp/_network.py": ""}),
    (test_private_modules_are_imported_only_inside_their_package,
     {"tests/test_planted.py": "from bplab.mlp._network import forward\n"}),
    (test_no_module_imports_a_private_name_of_another,
     {"bplab/xor/_batch.py": "from ._network import _SHAPES\n"}),
])
def test_the_rules_catch_a_violation(rule_test, files, monkeypatch, tmp_path):
    """A planted violation of each rule is reported."""
    _plant(tmp_path, monkeypatch, files)
    with pytest.raises(AssertionError):
        rule_test()


def test_every_package_of_bplab_is_distributed():
    import tomllib

    from setuptools import find_packages

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "tool"]["setuptools"]["packages"]["find"]["include"]
    listed = [p for p in find_packages(str(ROOT), include=patterns) if _within(p, "bplab")]
    found = sorted(module_name(p.parent) for p in (ROOT / "bplab").rglob("__init__.py"))
    assert sorted(listed) == found
