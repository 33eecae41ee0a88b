"""Unpack a zip of submissions entry by entry, refusing each bad entry on its own.

A class's zip comes from a learning platform or from students: it may hold entries that
would be written outside the folder (``../``, absolute paths), symbolic links, entries
that expand far beyond their size (a zip bomb), or too much in all. :func:`unpack` writes
every good entry and reports every bad one as a :class:`~.submissions.Problem`; one bad
entry never stops the others from being graded. Sizes are counted as the bytes are
written, not taken from the entry's header, which a forged zip can get wrong.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from .submissions import MAX_NOTEBOOK, Problem

__all__ = ["unpack", "MAX_ENTRY", "MAX_TOTAL", "MAX_RATIO"]

MAX_ENTRY = MAX_NOTEBOOK
"""The largest entry unpacked, in bytes."""
MAX_TOTAL = 4 << 30
"""The most a whole zip may unpack to, in bytes."""
MAX_RATIO = 200
"""The largest ratio of an entry's unpacked to packed size (text notebooks reach ~10)."""
_CHUNK = 1 << 20


def _refused(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is not unpacked, judging by its name and kind; None if it may be."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "a symbolic link; refused, never followed"
    if "\\" in name or "\0" in name:
        return "a name with a backslash or NUL; refused"
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/"):
        return "an absolute path; refused"
    if ".." in path.parts:
        return "a path that leads out of the folder; refused"
    if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "not a regular file; refused"
    return None


def _copy(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Write one entry to ``target``, stopping at a limit; the bytes written."""
    limit = min(MAX_ENTRY, budget, max(info.compress_size, 1) * MAX_RATIO)
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with bundle.open(info) as source, open(target, "xb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > limit:
                break
            sink.write(chunk)
    if written > limit:
        target.unlink()
        raise ValueError(
            "over the size limit for one entry" if limit == MAX_ENTRY else
            "over what the whole zip may unpack to" if limit == budget else
            f"expands more than {MAX_RATIO} times its packed size (a zip bomb?)")
    return written


def unpack(archive: str | Path, destination: str | Path) -> tuple[Path, list[Problem]]:
    """Unpack ``archive`` into ``destination`` (see the module docstring).

    Returns
    -------
    folder : Path
        The folder of student folders: ``destination``, or its one top folder when the
        zip holds a single folder of them.
    problems : list of Problem
        One per entry that was not unpacked, with the reason.
    """
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    problems: list[Problem] = []
    where = Path(archive).name
    try:
        bundle = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as error:
        return destination, [Problem(where, f"not a readable zip ({type(error).__name__})")]
    budget = MAX_TOTAL
    with bundle:
        for info in bundle.infolist():
            shown = f"{where}:{info.filename[:200]}"
            reason = _refused(info)
            if reason:
                problems.append(Problem(shown, reason))
                continue
            target = destination / PurePosixPath(info.filename)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            try:
                budget -= _copy(bundle, info, target, budget)
            except FileExistsError:
                problems.append(Problem(shown, "a second entry of the same name; refused"))
            except (ValueError, OSError, RuntimeError, zipfile.BadZipFile,
                    NotImplementedError) as error:
                problems.append(Problem(shown, str(error) if isinstance(error, ValueError)
                                        else f"cannot be unpacked ({type(error).__name__})"))
    entries = [p for p in destination.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    # A zip of the folder itself holds one top folder of student folders.
    if len(entries) == 1 and entries[0].is_dir() and all(p.is_dir() for p in entries[0].iterdir()):
        return entries[0], problems
    return destination, problems
