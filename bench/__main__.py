"""``python -m bench``: run the benchmarks, print one table, save it under bench/results/.

Options: ``--quick`` for a smoke run (small sizes, one or two repeats; its figures are not
for judging), ``--only NAME`` (repeatable, or comma-separated) to run some modules,
``--repeats N`` to change every module's number of rounds, and ``--out FOLDER`` to save
elsewhere. A module that fails becomes one row saying so, the others still run, and the
exit status is 1.
"""

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

from . import MODULES
from .table import Row, machine_info, render_text, write_results
from .timing import log

RESULTS = Path(__file__).resolve().parent / "results"


def _selected(only):
    names = [name.strip() for item in only or [] for name in item.split(",") if name.strip()]
    unknown = sorted(set(names) - set(MODULES))
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; choose from "
                         f"{', '.join(MODULES)}")
    return [name for name in MODULES if name in names] if names else list(MODULES)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks "
                                     "and print one table; save it under bench/results/.")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only these ({', '.join(MODULES)})")
    parser.add_argument("--repeats", type=int, default=None,
                        help="rounds per figure (default: each module's own, 3 to 9)")
    parser.add_argument("--out", default=str(RESULTS), help="where to save the table")
    args = parser.parse_args(argv)
    machine = machine_info(quick=args.quick)
    rows, failed = [], False
    for name in _selected(args.only):
        started = time.monotonic()
        try:
            module = importlib.import_module(f"bench.{name}")
            rows += module.run(quick=args.quick, repeats=args.repeats)
        except Exception as error:  # one broken benchmark must not hide the others
            traceback.print_exc(file=sys.stderr)
            failed = True
            rows.append(Row(f"{name}: failed", f"{type(error).__name__}: {error}"[:120], "-",
                            met=False))
        log(f"{name} took {time.monotonic() - started:.0f} s")
    print(render_text(rows), end="")
    saved = write_results(rows, machine, args.out)
    log(f"saved {saved}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
