"""Build the course: source/*.py -> nbgrader course -> notebooks/ (release) and solutions/.

``python -m autograder.authoring.build`` (``make release``) regenerates both folders and the
README's course map; ``python -m autograder.authoring.build --check`` rebuilds into a scratch
folder and reports any drift from what is committed, which the test suite also does.

Every notebook is a folder ``source/NN_name/``. Those with graded test cells are nbgrader
assignments; the start page (:data:`autograder.START`), which has none, is built without
nbgrader: its release has no outputs, its solution is the release run. What the build adds
to the authored cells (navigation, progress recording, the course map) is in
:mod:`.learner`; the pages shipped beside each assignment's notebook, and the links that
resolve in its folder wherever it is fetched, are in :mod:`.pages`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import nbformat

from .. import (CONFIG_FILE, NOTEBOOKS_DIR, README, REPO_ROOT, SOLUTIONS_DIR, assignments,
                notebooks)
from ..converters import course_config as converter_config
from ..converters import generate_assignment, generate_solution
from ..converters import log as converter_log
from ..environment import variables
from ..scratch import memory_dir
from ..settings import DEFAULT_LIMITS
from .coursemap import README_END, README_START, with_readme_table
from .learner import course_cells, headers, readme_map
from .pages import PAGES, resolvable, write_pages
from .sourcefmt import TIMING_TAG, to_notebook

__all__ = ["write_course", "course_config", "release", "reproducible", "stable_widget_ids",
           "comparable", "readme_drift", "page_drift", "drift"]


def write_course(course_root: str | Path, names: Iterable[str] | None = None) -> list[str]:
    """Write nbgrader source notebooks and the course config under ``course_root``.

    Each assignment's folder ``source/<name>/`` also gets the pages its notebook links to
    (:data:`.pages.PAGES`), which nbgrader releases with it.

    Returns
    -------
    list of str
        The assignments written.
    """
    course_root = Path(course_root)
    names = list(names or assignments())
    course = headers()
    course_root.mkdir(parents=True, exist_ok=True)
    (course_root / "nbgrader_config.py").write_text(course_config())
    for name in names:
        target = course_root / "source" / name
        target.mkdir(parents=True, exist_ok=True)
        cells = resolvable(course_cells(name, course), name, [h.name for h in course])
        nbformat.write(to_notebook(cells), target / f"{name}.ipynb")
        write_pages(target, course)
    return names


def course_config(checkout_config: str | Path = CONFIG_FILE) -> str:
    """The ``nbgrader_config.py`` of a course root: the course's settings, from the checkout.

    The course's configuration imports the sandbox and the limits from the checkout's
    ``autograder`` package, so a course root loads it where it is rather than a copy.
    """
    return ("# nbgrader configuration of this course root, written by autograder.authoring.build:\n"
            "# the course's settings, loaded from the checkout that built it.\n"
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(checkout_config)!r})  # noqa: F821\n")


def _write(nb, out_dir, name):
    target = Path(out_dir) / name
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / f"{name}.ipynb")


def _build_page(name, course, notebooks_dir, solutions_dir, scratch, execute=True):
    """Release and run a notebook that is no assignment (the start page)."""
    from nbclient import NotebookClient  # here: only pages need it

    nb = to_notebook(course_cells(name, course))
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    _write(nb, notebooks_dir, name)
    if not execute:
        _write(nb, solutions_dir, name)
        return
    # Run it beside a copy of the releases and no progress file, so that its table lists
    # every exercise as not run, whatever the builder's own progress.
    run_dir = Path(scratch) / "pages"
    for other in course:
        built = Path(notebooks_dir) / other.name / f"{other.name}.ipynb"
        if other.name != name and built.exists():
            (run_dir / other.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(built, run_dir / other.name)
    (run_dir / name).mkdir(parents=True, exist_ok=True)
    executed = nbformat.from_dict(json.loads(json.dumps(nb)))
    NotebookClient(executed, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(run_dir / name)}}).execute(
                       stderr=subprocess.DEVNULL)  # the kernel's start-up chatter
    _write(reproducible(executed, name), solutions_dir, name)


def release(course_root: str | Path, notebooks_dir: str | Path = NOTEBOOKS_DIR,
            solutions_dir: str | Path = SOLUTIONS_DIR, names: Iterable[str] | None = None,
            readme: str | Path | None = README, execute: bool = True) -> list[str]:
    """Generate the release and the executed solution of every notebook (or of ``names``).

    Assignments go through nbgrader's converters, run in this process with the course's
    settings alone (an instructor's own nbgrader configuration does not change what the
    course ships); then pages (the start page), which show the others; then the README's
    course map is rewritten (unless ``readme`` is None). With ``execute=False`` the
    solutions are not run: what a drift check compares (:func:`comparable`) is the same.

    Returns
    -------
    list of str
        The notebooks built.
    """
    names = list(names or notebooks())
    graded = [name for name in names if name in assignments()]
    course = headers()
    write_course(course_root, graded)
    config = converter_config(course_root, DEFAULT_LIMITS, sandboxed=False)
    config.Execute.enabled = execute
    for name in graded:
        with variables(BPLAB_PROGRESS="off"):  # the build's runs record no progress
            if not (generate_assignment(config, name) and generate_solution(config, name)):
                raise RuntimeError(f"nbgrader could not generate {name}; its log (logger "
                                   f"{converter_log.name!r}) says why")
        for kind, out_dir in (("release", notebooks_dir), ("solution", solutions_dir)):
            built = Path(course_root) / kind / name / f"{name}.ipynb"
            _write(reproducible(nbformat.read(built, as_version=4), name), out_dir, name)
            for page in PAGES:  # what nbgrader released beside the notebook
                shutil.copy(Path(course_root) / "release" / name / page,
                            Path(out_dir) / name / page)
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            if name not in graded:
                _build_page(name, course, notebooks_dir, solutions_dir, scratch, execute)
    if readme is not None:
        readme = Path(readme)
        readme.write_text(with_readme_table(readme.read_text(), readme_map(course)))
    return names


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def reproducible(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """An executed notebook without what changes from run to run of the same source.

    Run timestamps go; stream outputs that the kernel happened to flush in pieces are
    joined; widget model ids are renumbered (:func:`stable_widget_ids`); a cell tagged
    as a timing keeps its source and loses its output, which measured the build machine.
    """
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if TIMING_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
            continue
        joined = []
        for output in cell.get("outputs", []):
            if (output.output_type == "stream" and joined
                    and joined[-1].output_type == "stream" and joined[-1].name == output.name):
                joined[-1].text += output.text
            else:
                joined.append(output)
        if cell.cell_type == "code":
            cell.outputs = joined
    return stable_widget_ids(nb, name)


def stable_widget_ids(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Rename widget model ids (random per run) to ids that depend only on the notebook.

    Models are numbered in the order the outputs show them, then the order their
    references are met, so an unchanged notebook rebuilds byte for byte.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if not state:
        return nb
    outputs = json.dumps([cell.get("outputs", []) for cell in nb.cells])
    def refs(model_id):
        return [r for r in _MODEL_REF.findall(json.dumps(state[model_id], sort_keys=True))
                if r in state]

    def content(model_id):
        return _MODEL_REF.sub("", json.dumps(state[model_id], sort_keys=True))

    def walk(order, start):
        """Append ``start`` and, breadth first, every model it references."""
        order += [i for i in start if i not in order]
        for model_id in order:  # grows while it is walked
            order += [r for r in dict.fromkeys(refs(model_id)) if r not in order]

    order: list[str] = []
    walk(order, [i for i in dict.fromkeys(re.findall(r'"model_id": "([0-9a-f]{32})"', outputs))
                 if i in state])
    # models no output shows: walked from their roots in the order of their contents, so
    # that twins (two identical sliders, say) hand out their children's ids in one way
    rest = [i for i in state if i not in order]
    referenced = {r for i in rest for r in refs(i)}
    walk(order, sorted((i for i in rest if i not in referenced), key=content))
    walk(order, sorted((i for i in state if i not in order), key=content))  # cycles
    renamed = {old: uuid.uuid5(uuid.NAMESPACE_URL, f"backprop-lab/{name}/{n}").hex
               for n, old in enumerate(order)}
    text = re.sub("|".join(renamed), lambda m: renamed[m.group(0)], json.dumps(nb))
    return nbformat.from_dict(json.loads(text))


def comparable(path: str | Path) -> dict[str, Any]:
    """What must not drift in a notebook: cell types, sources and metadata (not outputs)."""
    nb = nbformat.read(path, as_version=4)
    # widget state and the kernel's description of itself come from running, not from source/
    metadata = {k: v for k, v in nb.metadata.items() if k not in ("widgets", "language_info")}
    return {
        "metadata": metadata,
        "cells": [{"type": c.cell_type, "id": c.get("id"), "source": c.source,
                   "metadata": {k: v for k, v in c.metadata.items() if k != "execution"}}
                  for c in nb.cells],
    }


def readme_drift(readme: str | Path = README) -> list[str]:
    """``[problem]`` if the README's course map is not what the notebooks' headers give."""
    text = Path(readme).read_text()
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return [f"README.md lacks the markers {README_START} and {README_END} around the "
                "course map"]
    if text[start + len(README_START):end].strip() != readme_map().strip():
        return ["README.md's course map differs from the notebooks' headers: run "
                "`make release` and commit the result"]
    return []


def drift(names: Iterable[str] | None = None) -> list[str]:
    """Rebuild into a scratch folder; return a list of differences from what is committed.

    Given ``names``, only those notebooks are checked (not the README, nor stray folders).
    """
    whole_course = not names
    problems = readme_drift() if whole_course else []
    with tempfile.TemporaryDirectory(dir=memory_dir()) as scratch:  # runs no kernel
        scratch = Path(scratch)
        names = release(scratch / "course", scratch / "notebooks", scratch / "solutions", names,
                        readme=None, execute=False)
        for name in names:
            for committed_dir, kind in ((NOTEBOOKS_DIR, "notebooks"), (SOLUTIONS_DIR, "solutions")):
                committed = committed_dir / name / f"{name}.ipynb"
                fresh = scratch / kind / name / f"{name}.ipynb"
                if not committed.exists():
                    problems.append(f"{kind}/{name}/{name}.ipynb is missing: run `make release`")
                elif comparable(committed) != comparable(fresh):
                    problems.append(f"{kind}/{name}/{name}.ipynb differs from source/{name}/"
                                    f"{name}.py: run `make release` and commit the result")
                problems += page_drift(committed.parent, fresh.parent, f"{kind}/{name}")
        for committed_dir, kind in ((NOTEBOOKS_DIR, "notebooks"), (SOLUTIONS_DIR, "solutions")):
            folders = committed_dir.glob("*/") if whole_course and committed_dir.exists() else []
            for stray in sorted(folders):
                if stray.name not in names:
                    problems.append(f"{kind}/{stray.name} has no source: remove it")
    return problems


def page_drift(committed: Path, fresh: Path, where: str) -> list[str]:
    """Shipped pages (:data:`.pages.PAGES`) that differ between two folders, in words."""
    problems = []
    for page in PAGES:
        built, kept = fresh / page, committed / page
        if built.exists() != kept.exists() or (
                built.exists() and built.read_text() != kept.read_text()):
            problems.append(f"{where}/{page} differs from what the build ships: run "
                            "`make release` and commit the result")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift, change nothing")
    parser.add_argument("--course-root", default=str(REPO_ROOT / "build" / "course"),
                        help="where to build the nbgrader course (default: build/course)")
    parser.add_argument("assignment", nargs="*", help="only these assignments")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift(args.assignment or None)
        print("\n".join(problems) or "notebooks/ and solutions/ match source/")
        return 1 if problems else 0
    names = release(args.course_root, names=args.assignment or None)
    print(json.dumps({"built": names, "course_root": args.course_root}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
