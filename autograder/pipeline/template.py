"""The template course every batch copies: built once, checked before every use.

The template holds the course's configuration, the source notebooks (hidden tests
included), their release and the gradebook that every batch starts from. It is built
from ``source/`` and reused by later runs, but only while its *contents* are what they
were built as: :func:`prepare` fingerprints the repository's sources it is built from
and every file of the template itself, and rebuilds it when either changed.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import CONFIG_FILE, SOURCE_DIR
from ..authoring.build import write_course
from ..nbgrader_cli import nbgrader

__all__ = ["TemplateChanged", "source_hash", "contents_hash", "prepare", "check"]

log = logging.getLogger(__name__)
_STAMP = "READY"


class TemplateChanged(RuntimeError):
    """The template course no longer holds what it was built as."""


def source_hash(names: Iterable[str]) -> str:
    """Fingerprint of what the template of ``names`` is built from (sources and config)."""
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update((SOURCE_DIR / name / f"{name}.py").read_bytes())
    digest.update(CONFIG_FILE.read_bytes())
    return digest.hexdigest()


def contents_hash(template: str | Path) -> str:
    """Fingerprint of every file of the template (names and bytes), the stamp left out."""
    template = Path(template)
    digest = hashlib.sha256()
    for path in sorted(p for p in template.rglob("*") if p.is_file() and p.name != _STAMP):
        digest.update(str(path.relative_to(template)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp(template: Path) -> tuple[str, str]:
    try:
        built_from, contents = (template / _STAMP).read_text().split()
        return built_from, contents
    except (OSError, ValueError):
        return "", ""


def check(template: str | Path, names: Iterable[str]) -> None:
    """Raise :class:`TemplateChanged` unless the template is exactly as it was built."""
    template = Path(template)
    built_from, contents = _stamp(template)
    if built_from != source_hash(names) or contents != contents_hash(template):
        raise TemplateChanged(f"the template course {template} changed since it was built")


def prepare(out: str | Path, names: Iterable[str],
            while_building: Callable[[], None] | None = None) -> Path:
    """Build the template course under ``out``, or reuse it if it is exactly as built.

    ``while_building()``, if given, is called once the source notebooks are written and
    before nbgrader generates the release and the gradebook (seconds, mostly nbgrader's
    imports), so that work that needs only the sources can start meanwhile.

    Returns
    -------
    Path
        ``out/template``: ``nbgrader_config.py``, ``gradebook.db``, ``source/`` and
        ``release/`` for every assignment in ``names``.
    """
    names = sorted(names)
    template = Path(out) / "template"
    try:
        check(template, names)
        log.info("reusing the template course %s", template)
        return template
    except TemplateChanged:
        if template.exists():
            log.info("rebuilding the template course: its sources or its contents changed")
    began = time.monotonic()
    shutil.rmtree(template, ignore_errors=True)
    write_course(template, names)
    if while_building is not None:
        while_building()
    for name in names:
        nbgrader(template, "generate_assignment", name, "--force")
    (template / _STAMP).write_text(f"{source_hash(names)} {contents_hash(template)}\n")
    log.info("built the template course %s for %s in %.1f s", template, ", ".join(names),
             time.monotonic() - began)
    return template
