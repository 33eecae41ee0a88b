"""The helper package as a notebook hands it to its students, and nothing more of it.

Where the independent check runs a student's cells, ``bplab`` is replaced by a copy built
by :func:`build_tools` from the notebook's declared tools (``source/<notebook>/tools.toml``,
the names its text gives the student to use, such as ``losses.mse`` or
``explore.losses.loss_explorer``). The copy keeps those names and exactly what they need to
run, followed through the package's own imports; every other function, class and
constant is absent: other notebooks' references, private helpers, engines, the
finite-difference and complex-step helpers. A module left with nothing is absent too, so
``bp.autograd`` in notebook 1 is an ``AttributeError``. The graded notebook's own
references (``@reference(N)``) never keep a body, even where a tool needs them
(:mod:`autograder.sandbox.references`).

What is needed is found from the syntax of every module: the names a kept definition
reads (decorators, defaults and annotations included), ``module.name`` through an imported
module, and the definitions an ``import`` brings in. It errs on the side of keeping: a
local variable with a module-level name keeps that name.
"""

from __future__ import annotations

import ast
import compileall
import shutil
import tomllib
from collections.abc import Iterable
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .references import strip_references

__all__ = ["read_tools", "build_tools", "Module", "parse_package"]

Key = tuple[str, str]  # (module, name): "mlp._network", "forward"
_ALWAYS = {"__getattr__", "__version__", "__all__", "annotations", "TYPE_CHECKING"}


def read_tools(path: str | Path) -> list[str]:
    """The tools a notebook declares (``tools = [...]`` in its ``tools.toml``)."""
    data = tomllib.loads(Path(path).read_text())
    tools = data.get("tools")
    if not isinstance(tools, list) or not all(isinstance(t, str) for t in tools):
        raise ValueError(f"{path}: expected tools = [\"module.name\", ...] (a list of strings)")
    return tools


@dataclass
class Module:
    """One module of the package: its top-level bindings and what each needs."""

    name: str  # "" for the package itself, "mlp._network", "mlp" for its __init__
    path: Path
    tree: ast.Module
    is_package: bool
    binds: dict[str, bool] = field(default_factory=dict)
    needs: dict[str, set[Key]] = field(default_factory=lambda: defaultdict(set))
    roots: set[Key] = field(default_factory=set)  # needed by statements that bind nothing

    def resolve(self, level: int, target: str | None) -> str:
        """The module a relative import of ``level`` dots names, within the package."""
        parts = self.name.split(".") if self.name else []
        if not self.is_package:
            parts = parts[:-1]
        parts = parts[:len(parts) - (level - 1)] if level else []
        return ".".join([*parts, *([target] if target else [])])


def _reads(node: ast.AST, module: Module, aliases: dict[str, str],
           submodules: set[str]) -> set[Key]:
    """What ``node`` needs: names it reads (as this module's), ``(module, attr)`` where it
    reads an imported module's attribute, and what imports inside it bring in."""
    keys: set[Key] = set()
    bases: set[int] = set()
    for inner in ast.walk(node):
        if (isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name)
                and inner.value.id in aliases):
            # the attribute, its module, and the import that binds the module's name here
            keys |= {(aliases[inner.value.id], inner.attr), (aliases[inner.value.id], ""),
                     (module.name, inner.value.id)}
            bases.add(id(inner.value))
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and id(inner) not in bases:
            keys.add((aliases[inner.id], "*") if inner.id in aliases else (module.name, inner.id))
        elif isinstance(inner, ast.ImportFrom) and inner.level and inner is not node:
            base = module.resolve(inner.level, inner.module)
            for alias in inner.names:
                whole = f"{base}.{alias.name}" if base else alias.name
                keys.add((whole, "") if whole in submodules else (base, alias.name))
    return keys


def _analyse(module: Module, submodules: set[str]) -> None:
    """Fill ``module.binds``, ``needs`` and ``roots`` from its top-level statements."""
    aliases: dict[str, str] = {}  # local name -> module it names (from . import losses)
    for statement in module.tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.level:
            base = module.resolve(statement.level, statement.module)
            for alias in statement.names:
                whole = f"{base}.{alias.name}" if base else alias.name
                if whole in submodules:
                    aliases[alias.asname or alias.name] = whole
    for statement in module.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _bind(module, [statement.name], _reads(statement, module, aliases, submodules))
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [
                statement.target]
            names = [leaf.id for t in targets for leaf in ast.walk(t)
                     if isinstance(leaf, ast.Name)]
            _bind(module, names, _reads(statement, module, aliases, submodules))
        elif isinstance(statement, ast.ImportFrom) and statement.level:
            base = module.resolve(statement.level, statement.module)
            for alias in statement.names:
                local = alias.asname or alias.name
                whole = f"{base}.{alias.name}" if base else alias.name
                _bind(module, [local], {(whole, "")} if whole in submodules
                      else {(base, alias.name)})
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            _bind(module, [(a.asname or a.name).split(".")[0] for a in statement.names], set())
        elif _is_docstring(statement) or _is_type_checking(statement):
            continue
        else:  # statements that run at import and bind nothing of their own
            module.roots |= _reads(statement, module, aliases, submodules)


def _bind(module: Module, names: list[str], needs: set[Key]) -> None:
    for name in names:
        module.binds[name] = True  # type: ignore[assignment]
        module.needs[name] |= {key for key in needs if key != (module.name, name)}


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _is_type_checking(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.If) and isinstance(statement.test, ast.Name)
            and statement.test.id == "TYPE_CHECKING")


def parse_package(package: str | Path) -> dict[str, Module]:
    """Every module of the package at ``package``, analysed (keyed by dotted name)."""
    package = Path(package)
    modules = {}
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(package).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = Module(name, path, ast.parse(path.read_text()), is_package)
    for module in modules.values():
        _analyse(module, set(modules))
    return modules


def _needed(modules: dict[str, Module], tools: Iterable[str]) -> tuple[set[Key], set[str]]:
    """Every (module, name) the tools need, followed to a fixed point; and the modules kept.

    A module is kept when anything of it is needed; then its parent packages are kept
    too, and whatever its import-time statements need.
    """
    wanted: list[Key] = []
    for tool in tools:
        module, _, name = tool.rpartition(".")
        if tool in modules:  # a whole module: all its public names
            wanted += [(tool, n) for n in modules[tool].binds if not n.startswith("_")]
        elif module in modules:
            wanted.append((module, name))
        else:
            raise ValueError(f"the tool {tool!r} names no module or definition of the package")
    needed: set[Key] = set()
    kept: set[str] = set()
    while wanted:
        key = wanted.pop()
        if key in needed:
            continue
        needed.add(key)
        module_name, name = key
        module = modules.get(module_name)
        if module is None:
            continue
        if module_name not in kept:
            kept.add(module_name)
            wanted += list(module.roots) + [(module_name, n) for n in module.binds
                                            if n in _ALWAYS]
            parent = module_name.rpartition(".")[0]
            if module_name:
                wanted.append((parent, ""))
        if name == "*":
            wanted += [(module_name, n) for n in module.binds]
        elif name and name not in module.binds:
            child = f"{module_name}.{name}" if module_name else name
            if child in modules:  # bp.explore.losses: a submodule reached as an attribute
                wanted.append((child, ""))
        elif name:
            wanted += list(module.needs.get(name, ()))
    return needed, kept


def _pruned(module: Module, needed: set[Key]) -> str:
    """The module's source with only what is needed of it."""
    kept_names = {name for (owner, name) in needed if owner == module.name}
    body = []
    for statement in module.tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module != "__future__":
            names = [a for a in statement.names if (a.asname or a.name) in kept_names]
            if not names:
                continue
            statement.names = names
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if statement.name not in kept_names:
                continue
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [
                statement.target]
            names = {leaf.id for t in targets for leaf in ast.walk(t) if isinstance(leaf, ast.Name)}
            if not names & kept_names:
                continue
            if names == {"__all__"} and isinstance(statement.value, (ast.List, ast.Tuple)):
                statement.value.elts = [e for e in statement.value.elts
                                        if isinstance(e, ast.Constant) and e.value in kept_names]
        elif isinstance(statement, ast.Import):
            if not any((a.asname or a.name).split(".")[0] in kept_names for a in statement.names):
                continue
        body.append(statement)
    module.tree.body = body
    return ast.unparse(ast.fix_missing_locations(module.tree)) + "\n"


def build_tools(package: str | Path, tools: Iterable[str], notebook: int,
                target: str | Path) -> list[str]:
    """Write to ``target`` the package at ``package`` with only ``tools`` and what they
    need (see the module docstring); notebook ``notebook``'s references lose their bodies.

    Returns
    -------
    list of str
        The dotted names of the definitions kept, sorted.
    """
    package, target = Path(package), Path(target)
    modules = parse_package(package)
    needed, kept_modules = _needed(modules, tools)
    shutil.rmtree(target, ignore_errors=True)
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
            out = target / path.relative_to(package)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)  # data the package reads (notebook 9's digits, say)
    kept = []
    for name, module in modules.items():
        if name not in kept_modules:
            continue
        text = _pruned(module, needed)
        text, _ = strip_references(text, f"bplab.{name}".rstrip("."), notebook)
        out = target / module.path.relative_to(package)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        kept += [f"{name}.{b}".lstrip(".") for b in module.binds
                 if (name, b) in needed and not b.startswith("__")]
    compileall.compile_dir(str(target), quiet=2)
    return sorted(kept)
