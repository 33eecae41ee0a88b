"""The template course of a grading run: built once, in this process, kept in memory.

Every worker grades from the same template: for each assignment the instructor's source
notebook (solutions and hidden tests), its student release, the names of ``bplab`` it
hands its students (its answer processes get those alone), and a gradebook in which
nbgrader's ``generate_assignment`` defined them all. :func:`build` makes it from
``source/`` in a scratch folder that is removed at once, with nbgrader's converter run in
this process (:mod:`autograder.converters`); what workers receive is the
:class:`Template` itself, plain data, so no file of it lies where anything could change it
between two submissions. :func:`source_hash` fingerprints what a template is built from,
so that a result graded from other tests is graded again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import CONFIG_FILE, SOURCE_DIR
from ..authoring.build import write_course
from ..authoring.tools import declared_tools, tools_file
from ..converters import course_config, generate_assignment
from ..scratch import scratch_folder
from ..settings import DEFAULT_LIMITS

__all__ = ["Template", "TemplateError", "source_hash", "build"]

log = logging.getLogger(__name__)


class TemplateError(RuntimeError):
    """nbgrader could not generate an assignment of the template."""


@dataclass(frozen=True)
class Template:
    """What every submission of a run is graded from (see the module docstring)."""

    names: tuple[str, ...]
    sources: dict[str, dict[str, Any]]  # assignment -> source notebook (hidden tests kept)
    releases: dict[str, dict[str, Any]]  # assignment -> student release
    gradebook: bytes  # SQLite file defining every assignment, no students
    fingerprints: dict[str, str] = field(default_factory=dict)  # assignment -> tests' hash
    tools: dict[str, list[str]] = field(default_factory=dict)  # assignment -> its bplab names

    @property
    def key(self) -> str:
        """One fingerprint for the whole template (workers keep one scratch root per key)."""
        return hashlib.sha256(" ".join(f"{n}:{self.fingerprints[n]}" for n in self.names)
                              .encode()).hexdigest()[:16]


def source_hash(names: Iterable[str]) -> str:
    """Fingerprint of what the template of ``names`` is built from (sources and config)."""
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update((SOURCE_DIR / name / f"{name}.py").read_bytes())
        if tools_file(name).exists():
            digest.update(tools_file(name).read_bytes())
    digest.update(CONFIG_FILE.read_bytes())
    return digest.hexdigest()


def build(names: Iterable[str]) -> Template:
    """Build the template of assignments ``names`` (see the module docstring).

    Raises
    ------
    TemplateError
        If nbgrader cannot generate one of them (its log says why); nothing is reused.
    """
    names = tuple(sorted(set(names)))
    began = time.monotonic()
    root = scratch_folder("bplab-template-")  # no kernel runs here: only nbgrader's writes
    try:
        write_course(root, list(names))
        config = course_config(root, DEFAULT_LIMITS)
        for name in names:
            if not generate_assignment(config, name):
                raise TemplateError(f"nbgrader could not generate the assignment {name}")
        template = Template(
            names=names,
            sources={n: _read(root / "source" / n / f"{n}.ipynb") for n in names},
            releases={n: _read(root / "release" / n / f"{n}.ipynb") for n in names},
            gradebook=(root / "gradebook.db").read_bytes(),
            fingerprints={n: source_hash([n]) for n in names},
            tools={n: declared_tools(n) for n in names})
    finally:
        shutil.rmtree(root, ignore_errors=True)
    log.info("built the template of %s in %.1f s", ", ".join(names), time.monotonic() - began)
    return template


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())
