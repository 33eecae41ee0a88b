"""A sandboxed process sees only the grader files listed in ``zygote.WORKER_FILES``.

The zygote and the answer process import the sandbox package inside their sandbox; a
module of the grader that those imports reach but the list leaves out is missing there,
and every zygote then ends at its start. This check needs no sandbox, so it runs
everywhere, in the fast suite too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from autograder import REPO_ROOT
from autograder.sandbox.zygote import WORKER_FILES

# the modules run as programs inside a sandbox
ENTRY_POINTS = ("autograder.sandbox.zygote", "autograder.sandbox.answer_worker")

_LIST_GRADER_FILES = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(module.__file__ for name, module in sys.modules.items()
                        if name.split(".")[0] == "autograder" and module.__file__)))
"""


def _covered(path: Path) -> bool:
    return any(path == REPO_ROOT / part or path.is_relative_to(REPO_ROOT / part)
               for part in WORKER_FILES)


def test_every_grader_module_a_sandboxed_process_imports_is_bound_into_its_sandbox():
    done = subprocess.run([sys.executable, "-c", _LIST_GRADER_FILES, *ENTRY_POINTS],
                          capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    imported = [Path(file).resolve() for file in json.loads(done.stdout)]
    assert any(path.name == "answer_worker.py" for path in imported)
    missing = [str(path.relative_to(REPO_ROOT)) for path in imported if not _covered(path)]
    assert not missing, f"imported inside the sandbox but not in WORKER_FILES: {missing}"
