"""Grading on several machines: a real Dask scheduler and two workers on loopback.

The scheduler and the workers are started as the programs an instructor starts (``dask
scheduler``, ``dask worker``), each a process of its own. A class is graded through
them with ``--scheduler``; one worker is killed while the class is being graded. Every
submission must still get exactly its score, written once, by the instructor's process.
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder import NOTEBOOKS_DIR, REPO_ROOT
from autograder.authoring.mutants import answers, fill_answers, load_mutants, mutate
from autograder.pipeline.grade import Options, run

pytestmark = pytest.mark.slow

NAME = "01_loss_functions"
DASK = Path(sys.executable).parent / "dask"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(*args):
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT), DASK_DISTRIBUTED__WORKER__DAEMON="False")
    return subprocess.Popen([str(DASK), *args], cwd=REPO_ROOT, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture()
def cluster():
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _start("scheduler", "--host", "127.0.0.1", "--port", str(port),
                       "--no-dashboard")
    workers = [_start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                      "--name", f"grader-{n}") for n in range(2)]
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    yield address, workers
    for process in [*workers, scheduler]:
        _stop(process)


def _class(folder):
    release = nbformat.read(NOTEBOOKS_DIR / NAME / f"{NAME}.ipynb", as_version=4)
    solution = answers(NAME)
    students = {"solution": fill_answers(release, solution), "blank": release}
    for mutant in load_mutants(NAME)[:4]:
        students[mutant["name"]] = fill_answers(release, mutate(solution, mutant))
    for student, nb in students.items():
        (folder / student).mkdir(parents=True)
        nbformat.write(nb, folder / student / f"{NAME}.ipynb")
    return students


def test_a_class_graded_on_two_dask_workers_survives_one_being_killed(cluster, tmp_path):
    address, workers = cluster
    folder, out = tmp_path / "submissions", tmp_path / "grading"
    students = _class(folder)
    finished = {}

    def grade():
        finished["results"], _ = run(folder, out, Options(scheduler=address, quiet=True))

    grading = threading.Thread(target=grade)
    grading.start()
    deadline = time.monotonic() + 600
    while not list((out / "results").glob(f"{NAME}/*.json")):
        assert grading.is_alive(), "the class was graded before a worker could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    _stop(workers[0])  # mid-run: the other worker grades what it had
    grading.join(timeout=900)
    assert not grading.is_alive()
    results = {r.student: r for r in finished["results"]}
    assert set(results) == set(students)
    assert results["solution"].score == results["solution"].max_score
    assert results["blank"].score == 0
    assert all(str(r.status) == "graded" for r in results.values())
    assert sorted(p.stem for p in (out / "results" / NAME).glob("*.json")) == sorted(students)
    with open(out / "grades.csv") as handle:
        totals = {row["student"]: float(row["total"]) for row in csv.DictReader(handle)}
    assert totals == {s: r.score for s, r in results.items()}

    # the same class on this machine's own workers gives the same scores
    local, _ = run(folder, tmp_path / "local", Options(workers=2, quiet=True))
    assert {r.student: r.score for r in local} == totals
