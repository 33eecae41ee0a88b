"""``backprop-lab``: the instructor's commands, from any folder.

Installed as a console script with the package (``pip install --no-deps -e <checkout>``),
so a grading account that cannot write the checkout runs them from its own folders:

* ``backprop-lab grade SUBMISSIONS [--out FOLDER] [options]``: grade a class
  (:mod:`autograder.pipeline.grade`, which says where its results go by default);
* ``backprop-lab course ROOT [ASSIGNMENT ...]``: write an nbgrader course root (source
  notebooks and the course's ``nbgrader_config.py``) from the checkout's ``source/``;
* ``backprop-lab sandbox``: say whether student code can be sandboxed here.

Each command reads the checkout the package was installed from (``source/``, next to the
package), which an editable install keeps; a plain copy of the package does not have it,
and the command says so.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import REPO_ROOT, SOURCE_DIR, assignments

__all__ = ["COMMANDS", "main"]


def _grade(rest: list[str]) -> int:
    from .pipeline import grade

    return grade.main(rest)


def _course(rest: list[str]) -> int:
    from .authoring.build import write_course

    parser = argparse.ArgumentParser(
        prog="backprop-lab course",
        description="Write an nbgrader course root from the course's source/: "
                    "source/<assignment>/ notebooks and nbgrader_config.py.")
    parser.add_argument("root", help="the course root to write (created if missing)")
    parser.add_argument("assignment", nargs="*", metavar="ASSIGNMENT",
                        help="only these (default: every assignment)")
    args = parser.parse_args(rest)
    unknown = sorted(set(args.assignment) - set(assignments()))
    if unknown:
        parser.error(f"no such assignment: {', '.join(unknown)} "
                     f"(the course has {', '.join(assignments())})")
    root = Path(args.root).expanduser().resolve()
    written = write_course(root, args.assignment or None)
    print(f"course root {root}: {len(written)} assignments in source/ "
          f"({', '.join(written)}); next: nbgrader generate_assignment NAME there")
    return 0


def _sandbox(rest: list[str]) -> int:
    from .sandbox import bwrap

    argparse.ArgumentParser(prog="backprop-lab sandbox",
                            description="Say whether student code can be sandboxed here "
                                        "(bubblewrap), or why not and what to do.").parse_args(rest)
    return bwrap.main()


COMMANDS: dict[str, tuple[Callable[[list[str]], int], str]] = {
    "grade": (_grade, "grade a class's submissions (a folder or a .zip); "
                      "`backprop-lab grade --help` lists the options"),
    "course": (_course, "write an nbgrader course root from the course's source/"),
    "sandbox": (_sandbox, "say whether student code can be sandboxed here"),
}


def _usage() -> str:
    lines = ["usage: backprop-lab COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<8} {summary}" for name, (_, summary) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backprop-lab COMMAND ...``; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program's name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 2 for a usage error; what the command returns otherwise.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    if args[0] not in COMMANDS:
        print(f"backprop-lab: unknown command {args[0]!r}\n{_usage()}", file=sys.stderr)
        return 2
    if not SOURCE_DIR.is_dir():
        print(f"backprop-lab: the course's source/ is not beside the package ({REPO_ROOT}): "
              "install it from a checkout with `pip install --no-deps -e <checkout>`",
              file=sys.stderr)
        return 2
    command, _ = COMMANDS[args[0]]
    return command(args[1:])


if __name__ == "__main__":
    sys.exit(main())
