"""A class on a real JupyterHub, set up by ``autograder/jupyterhub/setup.sh`` as the README says.

On this machine, as root: a copy of the checkout stands for the clone in /opt, setup.sh
installs it into a new Python environment and sets the machine up (only its paths are
given: the environment, the exchange folder, the students' configuration folder, which is
the environment's, and the hub's folder, all in one scratch folder; and the gradebook, on
a PostgreSQL server of the test's own). The hub runs the template as shipped, on loopback
ports, with configurable-http-proxy from npm and real local accounts that log in through
PAM. Two students in Chromium log in, fetch notebook 1 from the Assignments tab, answer it
(one with the solution's answers, one with two typical mistakes), run the visible tests and
submit; the grading account collects, grades with the course's own command into the
PostgreSQL gradebook and releases the feedback; both students fetch and open it.

Asserted: the scores of grades.csv, of the gradebook (``nbgrader export`` and its cells)
and of each feedback page agree, and the feedback's formulas are MathML; nothing that
nbgrader hands out and collects is reported as a problem; a student gets 403 at the
formgrader and has no formgrader of their own, a grader gets it; home folders are private;
every link of the fetched notebook opens; setup.sh run again changes nothing and keeps its
settings; the hub logs no deprecation warning; and nothing is left running or created. Without root, Node.js, Chromium or PostgreSQL the test is skipped with the reason
(under CI=true it fails instead). It prints how long each step took.
"""

import csv
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from autograder import COURSE_ID, REPO_ROOT, exercise_of
from autograder.authoring import mutants
from tests.browser import lab
from tests.hub.hub import Hub, proxy_bin
from tests.hub.machine import GRADER, GROUPS, Machine, missing
from tests.hub.student import Person
from tests.test_exchange import postgres  # noqa: F401 (the PostgreSQL server fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.needs("bubblewrap", "chromium", "postgresql", "node", "python3-venv")]

NAME = "01_loss_functions"
STUDENTS_GROUP, GRADERS_GROUP = GROUPS
SETUP = Path("autograder") / "jupyterhub" / "setup.sh"
MISTAKES = ("mse-sum-not-mean", "mse-grad-sign-flipped")  # the second student's, from mutants.toml
LOG = REPO_ROOT / "build" / "hub-test.log"
TOTAL = re.compile(r"Score: ([\d.]+) / [\d.]+")  # the notebook's, first on the page
CELL = re.compile(r":\s*([\d.]+) / [\d.]+\s*$")  # "<cell's title>: 1 / 2" in the summary


def unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true, so the hub test must run, not skip", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def proxy():
    """The folder of configurable-http-proxy, or skip (fail in CI) without what it needs."""
    reason = missing()
    if reason is None and lab.chromium_path() is None:
        reason = "needs chromium (Debian: apt-get install chromium)"
    if reason is None:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "needs the playwright package (pip install -r requirements-dev.txt)"
    found = None if reason else proxy_bin()
    if reason is None and found is None:
        reason = "needs Node.js and npm for configurable-http-proxy (apt-get install nodejs npm)"
    if reason:
        unavailable(f"the hub test {reason}")
    return found


def copy_clone(target):
    """The checkout's files (tracked, and new ones not ignored), as a clone would have them."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"],
                            cwd=REPO_ROOT, capture_output=True, check=True).stdout
    for relative in filter(None, listed.decode().split("\0")):
        source = REPO_ROOT / relative
        if relative.split("/")[0] == ".venv" or not source.is_file():
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / relative)


def ok(run, what):
    assert run.returncode == 0, f"{what} failed ({run.returncode}):\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    return run


def float_rows(path, key):
    with open(path, newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def feedback_scores(page):
    """``(total, {grade id: score})`` as a feedback page shows them: its summary's first
    line, and its list of graded cells, each linked to the cell (``#<grade id>``)."""
    total = TOTAL.search(page["text"])
    cells = {target.lstrip("#"): float(CELL.search(text)[1])
             for target, text in page["summary"] if target and CELL.search(text)}
    return (float(total[1]) if total else None), cells


def test_a_class_on_a_real_jupyterhub(proxy, postgres, request):  # noqa: F811 (the fixture)
    from nbgrader.api import Gradebook

    machine = Machine()
    refused = machine.refuse_a_real_hub()
    if refused:
        unavailable(refused)
    timings: dict[str, float] = {}
    # Not below /tmp: every process of the grading sandbox gets a private /tmp, which would
    # hide an environment or a clone there.
    root = Path(tempfile.mkdtemp(prefix="bplab-hub-", dir="/var/tmp"))
    root.chmod(0o755)  # every account reads the clone and the environment below it
    env_dir, hub_dir, exchange = root / "env", root / "hub", root / "exchange"
    tag = secrets.token_hex(2)
    ada, bob, tutor = (f"bpl{tag}-{who}" for who in ("ada", "bob", "tutor"))
    passwords = {name: secrets.token_urlsafe(12) for name in (ada, bob, tutor)}
    hub = browser = None
    people = {}
    try:
        clone = root / "backprop-lab"
        copy_clone(clone)
        ada_home = machine.add_account(ada, passwords[ada])  # there before setup.sh
        places = [str(clone / SETUP), "--env", str(env_dir), "--hub-dir", str(hub_dir),
                  "--jupyter-config", str(env_dir / "etc" / "jupyter")]
        setup = [*places, "--exchange", str(exchange), "--gradebook", postgres]
        setup_env = {"PATH": f"{proxy}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                     "HOME": "/root"}
        began = time.monotonic()
        first = subprocess.run(setup, env=setup_env, capture_output=True, text=True, timeout=1200)
        machine.adopt(GRADER)
        timings["setup.sh, first run"] = time.monotonic() - began
        ok(first, "setup.sh")
        began = time.monotonic()
        again = ok(subprocess.run(places, env=setup_env, capture_output=True, text=True,
                                  timeout=600), "setup.sh, run again")  # as after a git pull
        timings["setup.sh, run again"] = time.monotonic() - began
        assert "created" not in again.stdout and "made private" not in again.stdout, again.stdout
        assert "requirements unchanged" in again.stdout, again.stdout
        assert f"gradebook {postgres}" in again.stdout and f"exchange {exchange}" in again.stdout
        assert f"home folder of {ada} made private" in first.stdout

        machine.join(ada, STUDENTS_GROUP)
        bob_home = machine.add_account(bob, passwords[bob], groups=(STUDENTS_GROUP,))
        machine.add_account(tutor, passwords[tutor], groups=(GRADERS_GROUP,))
        for home in (ada_home, bob_home):
            assert home.stat().st_mode & 0o777 == 0o700, f"{home} is not private"
        assert machine.run_as(bob, ["ls", str(ada_home)]).returncode != 0

        # The instructor, in a terminal of the grading account: the course, then a release.
        grader_home = Path(pwd.getpwnam(GRADER).pw_dir)
        course = grader_home / "backprop-lab"

        def as_grader(*argv, cwd=course, what=None):
            run = machine.run_as(GRADER, [*argv], cwd=cwd, path=f"{env_dir}/bin:/usr/bin:/bin")
            return ok(run, what or " ".join(argv))

        assert "the sandbox works here" in as_grader("backprop-lab", "sandbox", cwd=grader_home).stdout
        as_grader("backprop-lab", "course", str(course), cwd=grader_home)
        as_grader("nbgrader", "generate_assignment", NAME)
        as_grader("nbgrader", "release_assignment", NAME)

        hub = Hub(env_dir, hub_dir, proxy).start()
        timings["hub start"] = hub.started_in
        browser = lab.launch(request.getfixturevalue("playwright_driver"))
        people = {name: Person(browser, hub.url, name, passwords[name]) for name in (ada, bob)}
        homes = {ada: ada_home, bob: bob_home}
        began = time.monotonic()
        for person in people.values():  # both log in, then both servers start at once
            person.log_in(wait=False)
        for name, person in people.items():
            person.wait_for_lab()
        timings["log in and spawn (both at once)"] = time.monotonic() - began
        instructors_only = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
        assert instructors_only <= people[ada].disabled_extensions()

        solution = mutants.answers(NAME)
        wrong = dict(solution)
        for mutant in mutants.load_mutants(NAME):
            if mutant["name"] in MISTAKES:
                wrong = mutants.mutate(wrong, mutant)
        work = {ada: solution, bob: wrong}
        began = time.monotonic()
        for name, person in people.items():
            person.assignments()
            person.fetch(NAME)
            fetched = homes[name] / NAME
            assert sorted(p.name for p in fetched.iterdir()) == sorted(
                [f"{NAME}.ipynb", "course-map.md", "lectures.md", "notation.md"])
            person.lab(tree=f"{NAME}/{NAME}.ipynb")
            lab.wait_for_kernel(person.page)
            person.answer(fetched / f"{NAME}.ipynb", work[name])
            lab.run_all(person.page)
        errors = {}
        for name, person in people.items():  # both kernels ran at once
            lab.wait_until_finished(person.page, timeout=300_000)
            errors[name] = person.error_outputs()
            person.save()
        timings["fetch, answer, run the visible tests (both)"] = time.monotonic() - began
        assert errors[ada] == [], errors[ada]
        assert errors[bob] and "mse" in errors[bob][0], errors[bob]
        for href in ("course-map.md", "notation.md"):  # nothing dead in the fetched notebook
            assert people[ada].follow_link(href) == href
            people[ada].lab(tree=f"{NAME}/{NAME}.ipynb")
        for name, person in people.items():
            person.lab()
            person.assignments()
            person.submit(NAME)

        # The instructor collects, grades with the course's command, releases the feedback.
        as_grader("nbgrader", "collect", NAME)
        out = grader_home / "grading"
        began = time.monotonic()
        as_grader("backprop-lab", "grade", str(course / "submitted"), "--out", str(out),
                  "--quiet", cwd=grader_home)
        timings["backprop-lab grade (2 students)"] = time.monotonic() - began
        as_grader("nbgrader", "release_feedback", NAME)

        pages = {}
        for name, person in people.items():
            person.lab()
            person.assignments()
            person.fetch_feedback(NAME)
            person.open_from_file_browser(f"{NAME}.html")
            pages[name] = person.feedback_page(f"{NAME}.html")
            assert pages[name]["formulas"] > 0 and "\\frac" not in pages[name]["text"], (
                "the feedback's formulas are not MathML")

        # Every score agrees: grades.csv, the gradebook, the feedback each student sees.
        grades = float_rows(out / "grades.csv", "student")
        as_grader("nbgrader", "export")
        exported = {row["student_id"]: row for row in float_rows(
            course / "grades.csv", "student_id").values() if row["assignment"] == NAME}
        with Gradebook(postgres, course_id=COURSE_ID) as gradebook:
            cells = {s.student.id: {g.name: g.score for n in s.notebooks for g in n.grades}
                     for s in gradebook.assignment_submissions(NAME)}
            top = gradebook.find_assignment(NAME).max_score
        assert set(grades) == set(exported) == set(cells) == {ada, bob}
        for name in (ada, bob):
            total, shown = feedback_scores(pages[name])
            assert shown == cells[name], f"{name}: the feedback page shows {shown}"
            assert total == float(grades[name][f"{NAME}/total"]) == float(
                exported[name]["score"]), (name, total, grades[name], exported[name])
            for exercise in {exercise_of(g) for g in cells[name]}:
                in_book = sum(s for g, s in cells[name].items() if exercise_of(g) == exercise)
                assert float(grades[name][f"{NAME}/{exercise}"]) == pytest.approx(in_book)
        assert float(grades[ada][f"{NAME}/total"]) == top > float(grades[bob][f"{NAME}/total"])
        for exercise in ("mse", "mse_grad"):
            assert float(grades[bob][f"{NAME}/{exercise}"]) < float(grades[ada][f"{NAME}/{exercise}"])

        with open(out / "problems.csv", newline="") as handle:
            problems = list(csv.DictReader(handle))
        assert problems == [], f"what nbgrader hands out and collects is no problem: {problems}"

        # The formgrader: a grader's, not a student's.
        assert people[ada].status_of(f"/services/{COURSE_ID}/formgrader") == 403
        assert people[ada].status_of(f"/user/{ada}/formgrader") == 404
        grader_person = Person(browser, hub.url, tutor, passwords[tutor])
        grader_person.log_in(next_path=f"/services/{COURSE_ID}/formgrader")
        assert grader_person.status_of(f"/services/{COURSE_ID}/formgrader") == 200
        assert "Manage Assignments" in grader_person.page.content()
        grader_person.page.goto(f"{hub.url}/services/{COURSE_ID}/lab")
        grader_person.page.locator("#jp-main-dock-panel").wait_for(state="visible")
        assert not instructors_only & grader_person.disabled_extensions()

        browser.close()
        browser = None
        deprecated = [line for line in hub.log(tail=10**7).splitlines() if "deprecat" in line.lower()]
        killed = hub.stop()
        assert killed == [], killed
        left = machine.processes(settle=10.0)
        assert left == {}, f"still running after the hub stopped: {left}"
    finally:
        if browser is not None:
            for name, person in people.items():  # what each student saw last, for a look
                LOG.parent.mkdir(parents=True, exist_ok=True)
                person.page.screenshot(path=str(LOG.with_name(f"hub-test-{name[8:]}.png")))
            browser.close()
        if hub is not None:
            hub.stop()
            LOG.parent.mkdir(parents=True, exist_ok=True)
            LOG.write_text(hub.log(tail=10**7))  # kept for a look after a failure
        machine.restore()
        shutil.rmtree(root, ignore_errors=True)
        measured = json.dumps({k: round(v, 1) for k, v in timings.items()})
        print(f"\nhub test timings (s): {measured}")
        LOG.parent.mkdir(parents=True, exist_ok=True)
        LOG.with_name("hub-test-timings.json").write_text(measured + "\n")
    assert deprecated == [], deprecated
    assert machine.leftovers == []
    for name in (ada, bob, tutor, GRADER):
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
    assert not any(Path("/home", name).exists() for name in (ada, bob, tutor, GRADER))
    assert not root.exists()
