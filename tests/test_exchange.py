"""A class on one machine: nbgrader's exchange between separate home folders, and one
gradebook on a real PostgreSQL server shared by two graders.

The configuration files in ``autograder/jupyterhub/`` are the ones used here. Only what a
hub fixes (the exchange folder, the database server) is overridden on the command line.
"""

import csv
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder import CONFIG_FILE, COURSE_ID, REPO_ROOT
from autograder.pipeline import exchange
from autograder.nbgrader_cli import nbgrader
from autograder.authoring.build import write_course
from autograder.authoring import mutants
from autograder.authoring.mutants import fill_answers
from autograder.gradebook import class_scores

NAME = "01_loss_functions"
HUB_DIR = REPO_ROOT / "autograder" / "jupyterhub"


@pytest.fixture(autouse=True)
def this_checkout(monkeypatch):
    """The instructor config finds the course's settings in this checkout, not /opt."""
    monkeypatch.setenv("BACKPROP_LAB_CHECKOUT", str(REPO_ROOT))


def _load(path):
    path = Path(path)
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def _home(root, user, config_name):
    """A home folder for ``user`` whose ~/.jupyter holds one of the example configs."""
    home = root / "home" / user
    (home / ".jupyter").mkdir(parents=True)
    shutil.copy(HUB_DIR / config_name, home / ".jupyter" / "nbgrader_config.py")
    return home


def _solve(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.write(fill_answers(nb, mutants.answers(NAME)), notebook)


def test_hub_and_nbgrader_configs_name_the_same_course_and_exchange():
    hub = _load(HUB_DIR / "jupyterhub_config.py")
    student = _load(HUB_DIR / "student_nbgrader_config.py")
    instructor = _load(HUB_DIR / "instructor_nbgrader_config.py")
    assert [s["name"] for s in hub.JupyterHub.services] == [COURSE_ID]
    assert student.CourseDirectory.course_id == instructor.CourseDirectory.course_id == COURSE_ID
    assert student.Exchange.root == instructor.Exchange.root
    assert instructor.CourseDirectory.db_url.startswith("postgresql+psycopg://")
    course = _load(CONFIG_FILE)
    for section in course:
        for key, value in course[section].items():
            assert instructor[section][key] == value, f"{section}.{key} is not the course's"


@pytest.mark.slow
@pytest.mark.needs("bubblewrap")
def test_round_trip_between_instructor_and_students_homes(tmp_path):
    exchange_root = tmp_path / "exchange"
    exchange_root.mkdir()
    exchange_root.chmod(0o777)  # what the administrator does once on a hub
    instructor = _home(tmp_path, "instructor", "instructor_nbgrader_config.py")
    course = instructor / "backprop-lab"  # the course root the instructor config names
    write_course(course, [NAME])
    shared = [f"--Exchange.root={exchange_root}"]
    teacher = {"options": shared + [f"--CourseDirectory.db_url=sqlite:///{course}/gradebook.db"],
               "env": exchange.user_env(instructor, "instructor")}
    students = {user: _home(tmp_path, user, "student_nbgrader_config.py")
                for user in ("ada", "bob")}

    exchange.release(course, NAME, **teacher)
    for user, home in students.items():
        exchange.fetch(home, user, NAME, shared)
    _solve(students["ada"] / NAME / f"{NAME}.ipynb")  # bob hands in the blank release
    for user, home in students.items():
        exchange.submit(home, user, NAME, shared)
    graded = exchange.collect_and_grade(course, NAME, **teacher)
    assert graded.returncode == 0, graded.stderr[-3000:]
    for user, home in students.items():
        exchange.fetch_feedback(home, user, NAME, shared)

    scores = class_scores(course, NAME)
    assert set(scores) == {"ada", "bob"}
    assert all(got == top > 0 for got, top in scores["ada"].values()), scores["ada"]
    assert all(got == 0 for got, _ in scores["bob"].values()), scores["bob"]
    total = sum(top for _, top in scores["ada"].values())
    for user, expected in (("ada", total), ("bob", 0)):
        feedback = list(students[user].glob(f"{NAME}/feedback/*/{NAME}.html"))
        assert len(feedback) == 1, f"{user} should have one feedback file, has {feedback}"
        headline = re.search(r"\(Score: ([\d.]+) / ([\d.]+)\)", feedback[0].read_text())
        assert headline and tuple(map(float, headline.groups())) == (expected, total)


def _postgres_bin():
    """Folder of the PostgreSQL server programs, or skip (fail in CI) without them."""
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if candidates:
        newest = max(candidates, key=lambda path: int(Path(path).parts[-3].split(".")[0]))
        return Path(newest).parent
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return Path(shutil.which("initdb")).parent
    pytest.fail("PostgreSQL's initdb and pg_ctl were not found (the needs marker should have "
                "skipped this test)")


@pytest.fixture
def postgres():
    """A PostgreSQL server of our own, on a free port; yields the gradebook's db_url."""
    bin_dir = _postgres_bin()
    # Outside pytest's private tmp folder: the server may run as another account.
    scratch = Path(tempfile.mkdtemp(prefix="bplab-pg-"))
    prefix = []
    if os.geteuid() == 0:  # the server refuses to run as root
        account = "postgres" if _account_exists("postgres") else "nobody"
        owner = pwd.getpwnam(account)
        os.chown(scratch, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", account, "--"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = scratch / "data"

    def run(*command):
        return subprocess.run(prefix + [str(bin_dir / command[0]), *command[1:]], cwd=scratch,
                              capture_output=True, text=True, check=False)

    try:
        made = run("initdb", "-D", str(data), "-U", "grader", "--auth=trust", "--no-sync")
        assert made.returncode == 0, made.stderr
        log = scratch / "server.log"
        started = run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-o",
                      f"-p {port} -k {scratch} -c listen_addresses=127.0.0.1 -c fsync=off",
                      "start")
        assert started.returncode == 0, started.stderr + (log.read_text() if log.exists() else "")
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=grader dbname=postgres",
                             autocommit=True) as connection:
            connection.execute("CREATE DATABASE backprop_lab")
        yield f"postgresql+psycopg://grader@127.0.0.1:{port}/backprop_lab"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(scratch, ignore_errors=True)


def _account_exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _exported(course, options, env):
    """Rows of ``nbgrader export`` run in ``course``: {student: (score, max_score)}."""
    nbgrader(course, "export", *options, env=env)
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(handle) if row["assignment"] == NAME}


@pytest.mark.slow
@pytest.mark.needs("bubblewrap", "postgresql")
def test_two_graders_share_one_gradebook_on_postgresql(postgres, tmp_path):
    from nbgrader.api import Gradebook

    options = [f"--CourseDirectory.db_url={postgres}"]
    graders = {}
    for grader in ("grader1", "grader2"):  # separate accounts, separate course roots
        home = _home(tmp_path, grader, "instructor_nbgrader_config.py")
        write_course(home / "backprop-lab", [NAME])
        graders[grader] = (home / "backprop-lab", exchange.user_env(home, grader))
    first, second = graders["grader1"], graders["grader2"]
    nbgrader(first[0], "generate_assignment", NAME, "--force", *options, env=first[1])
    release = nbformat.read(first[0] / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    work = {"ada": (first, fill_answers(release, mutants.answers(NAME))), "bob": (second, release)}
    for student, ((course, _), notebook) in work.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{NAME}.ipynb")

    # Both graders at the same time: what a database server allows and SQLite does not.
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(nbgrader, course, "autograde", NAME, *options, env=env)
                for course, env in graders.values()]
        for graded in runs:
            graded.result()

    with Gradebook(postgres, course_id=COURSE_ID) as gradebook:
        total = gradebook.find_assignment(NAME).max_score
        scores = {s.student.id: s.score for s in gradebook.assignment_submissions(NAME)}
    assert total > 0
    assert scores == {"ada": total, "bob": 0.0}
    assert not any((course / "gradebook.db").exists() for course, _ in graders.values())
    for course, env in graders.values():
        assert _exported(course, options, env) == {"ada": (total, total), "bob": (0.0, total)}
