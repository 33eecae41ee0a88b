"""Every public function of bplab and autograder says what it takes and gives back.

Public: named in its module's ``__all__``, or defined in the module under a name without a
leading underscore; for a public class, its methods without a leading underscore, and
``__init__`` / ``__call__`` where the class defines them. Each parameter but ``self`` and
``cls`` needs an annotation, and so does the return.
"""

import importlib
import inspect
import pkgutil

import pytest

import autograder
import bplab

_ALWAYS_PUBLIC = ("__init__", "__call__")
# configuration files that nbgrader and JupyterHub execute, not modules to import
_NOT_MODULES = ("autograder.nbgrader_config", "autograder.jupyterhub")


def _modules():
    names = []
    for package in (bplab, autograder):
        names += [package.__name__]
        names += [info.name for info in pkgutil.walk_packages(package.__path__,
                                                              f"{package.__name__}.")
                  if not info.name.startswith(_NOT_MODULES)]
    return sorted(names)


def _public_names(module):
    declared = set(getattr(module, "__all__", ()))
    defined = {name for name, value in vars(module).items() if not name.startswith("_")
               and getattr(value, "__module__", None) == module.__name__}
    return sorted(declared | defined)


def _methods(cls):
    for name, value in vars(cls).items():
        if name.startswith("_") and name not in _ALWAYS_PUBLIC:
            continue
        if isinstance(value, (staticmethod, classmethod)):
            yield name, value.__func__
        elif isinstance(value, property):
            yield name, value.fget
        elif inspect.isfunction(value):
            yield name, value


def _functions(module):
    """``(qualified name, function)`` for every public function and public method."""
    for name in _public_names(module):
        value = getattr(module, name)
        if inspect.isclass(value) and value.__module__ == module.__name__:
            for method_name, method in _methods(value):
                yield f"{module.__name__}.{name}.{method_name}", method
        elif inspect.isfunction(value):
            yield f"{module.__name__}.{name}", value


def _missing(function):
    """Names of the parameters without an annotation, and ``return`` if it has none."""
    signature = inspect.signature(function, follow_wrapped=True)
    missing = [name for name, parameter in signature.parameters.items()
               if parameter.annotation is inspect.Parameter.empty and name not in ("self", "cls")]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


@pytest.mark.parametrize("module_name", _modules())
def test_public_functions_are_annotated(module_name):
    module = importlib.import_module(module_name)
    unannotated = {name: missing for name, function in _functions(module)
                   if (missing := _missing(function))}
    assert not unannotated, "public functions without annotations (name: what lacks one): " + (
        "; ".join(f"{name}: {', '.join(missing)}" for name, missing in sorted(unannotated.items())))


def test_the_walk_finds_the_package_parts():
    """A walk that found nothing would pass the test above vacuously."""
    names = _modules()
    assert {"bplab.booth", "bplab.explore.widgets", "bplab.checks.assertions",
            "autograder.pipeline.grade", "autograder.sandbox.bwrap"} <= set(names)
    functions = dict(_functions(importlib.import_module("bplab.booth")))
    assert "bplab.booth.booth_grad" in functions


def test_a_missing_annotation_is_named():
    def half(x: float, y):
        return x / 2

    assert _missing(half) == ["y", "return"]
