"""The ``backprop-lab`` command and the packaging that installs it.

The command works from any folder: ``grade`` hands its arguments to the grading pipeline,
``course`` writes a course root wherever it is asked to, ``sandbox`` says whether grading
can be sandboxed.
The packaging finds both packages and all their subpackages by pattern and declares the
command. tests/test_hub.py installs the checkout with pip and runs the command as an
account that cannot write it.
"""

import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

from autograder import REPO_ROOT, cli
from autograder.pipeline import grade
from autograder.sandbox import bwrap

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())


def test_usage_lists_the_commands(capsys):
    assert cli.main([]) == 2
    assert cli.main(["--help"]) == 0
    shown = capsys.readouterr().out
    assert all(f"  {name} " in shown for name in cli.COMMANDS)
    assert cli.main(["gradee"]) == 2
    assert "unknown command 'gradee'" in capsys.readouterr().err


def test_grade_hands_its_arguments_to_the_pipeline(monkeypatch):
    seen = []
    monkeypatch.setattr(grade, "main", lambda argv: seen.append(list(argv)) or 0)
    assert cli.main(["grade", "submitted", "--out", "elsewhere", "--quiet"]) == 0
    assert seen == [["submitted", "--out", "elsewhere", "--quiet"]]


def test_grade_passes_the_pipelines_status_on(monkeypatch):
    monkeypatch.setattr(grade, "main", lambda argv: 3)
    assert cli.main(["grade", "x"]) == 3


def test_course_writes_a_course_root(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["course", "root", "01_loss_functions"]) == 0
    assert (tmp_path / "root" / "nbgrader_config.py").is_file()
    assert sorted(p.name for p in (tmp_path / "root" / "source" / "01_loss_functions").iterdir()) \
        == ["01_loss_functions.ipynb", "course-map.md", "lectures.md", "notation.md"]
    assert "1 assignments" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["course", "root", "99_nothing"])
    assert "no such assignment: 99_nothing" in capsys.readouterr().err


def test_sandbox_says_what_bwrap_says(monkeypatch):
    monkeypatch.setattr(bwrap, "main", lambda: 1)
    assert cli.main(["sandbox"]) == 1


def test_a_copy_without_the_checkout_says_how_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "SOURCE_DIR", tmp_path / "source")
    assert cli.main(["course", "x"]) == 2
    assert "pip install --no-deps -e <checkout>" in capsys.readouterr().err


def test_the_packaging_finds_every_package_and_declares_the_command():
    found = set(find_packages(str(REPO_ROOT),
                              include=PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]))
    on_disk = {".".join(p.parent.relative_to(REPO_ROOT).parts)
               for top in ("bplab", "autograder") for p in (REPO_ROOT / top).rglob("__init__.py")}
    assert on_disk and found == on_disk
    assert PYPROJECT["project"]["scripts"]["backprop-lab"] == "autograder.cli:main"
    module, _, function = PYPROJECT["project"]["scripts"]["backprop-lab"].partition(":")
    assert getattr(__import__(module, fromlist=[function]), function) is cli.main


def test_setup_sh_installs_the_pinned_hub_packages():
    hub = (REPO_ROOT / "autograder" / "jupyterhub" / "requirements.txt").read_text()
    pins = [line for line in hub.splitlines() if line and not line.startswith("#")]
    assert pins and all("==" in pin for pin in pins)
    assert "-r autograder/jupyterhub/requirements.txt" in (
        REPO_ROOT / "requirements-dev.txt").read_text()
    setup = (REPO_ROOT / "autograder" / "jupyterhub" / "setup.sh").read_text()
    assert '-r "$HERE/requirements.txt"' in setup and '--no-deps -e "$CLONE"' in setup
    assert Path(REPO_ROOT / "autograder" / "jupyterhub" / "setup.sh").stat().st_mode & 0o111
