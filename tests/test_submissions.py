"""The submissions folder and zip are hostile: links refused, entries judged one by one."""

import json
import os
import stat
import zipfile

import nbformat
import pytest

from autograder.pipeline.archive import MAX_RATIO, unpack
from autograder.pipeline.submissions import collect

NAME = "01_loss_functions"


def _notebook(text="x = 1"):
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)]))


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "submissions"
    (root / "honest").mkdir(parents=True)
    (root / "honest" / f"{NAME}.ipynb").write_text(_notebook())
    return root


def test_links_anywhere_are_refused_never_followed_and_never_quoted(folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:do-not-quote-me")
    (folder / "linked-notebook").mkdir()
    (folder / "linked-notebook" / f"{NAME}.ipynb").symlink_to(secret)
    (folder / "linked-folder").symlink_to(folder / "honest")
    (folder / "nested").mkdir()
    (folder / "nested" / NAME).mkdir()
    (folder / "nested" / NAME / f"{NAME}.ipynb").symlink_to(folder / "honest" / f"{NAME}.ipynb")
    found, problems = collect(folder, [NAME])
    assert [s.student for s in found] == ["honest"]
    reasons = {p.where: p.reason for p in problems}
    assert reasons["linked-folder"].startswith("a symbolic link")
    assert reasons[f"linked-notebook/{NAME}.ipynb"].startswith("a symbolic link")
    assert reasons[f"nested/{NAME}/{NAME}.ipynb"].startswith("a symbolic link")
    assert not any("do-not-quote-me" in p.reason or "root:x" in p.reason for p in problems)


def test_a_file_that_is_no_notebook_is_named_without_its_contents(folder):
    (folder / "passwd").mkdir()
    (folder / "passwd" / f"{NAME}.ipynb").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (folder / "fifo").mkdir()
    os.mkfifo(folder / "fifo" / f"{NAME}.ipynb")
    _, problems = collect(folder, [NAME])
    reasons = {p.where: p.reason for p in problems}
    assert reasons[f"passwd/{NAME}.ipynb"].startswith("not a readable notebook")
    assert "root" not in reasons[f"passwd/{NAME}.ipynb"]
    assert reasons[f"fifo/{NAME}.ipynb"] == "not a regular file; refused"


def test_nbgraders_own_files_are_read_and_released_pages_left_alone(folder):
    student = folder / "ada" / NAME
    student.mkdir(parents=True)
    (student / f"{NAME}.ipynb").write_text(_notebook())
    (student / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    (student / "submission_secret.txt").write_text("ab" * 64)
    for page in ("course-map.md", "notation.md", "lectures.md"):
        (student / page).write_text("# a page the course hands out")
    (student / "notes.txt").write_text("mine")
    found, problems = collect(folder, [NAME])
    ada = next(s for s in found if s.student == "ada")
    assert ada.timestamp == "2026-12-01 10:00:00.000000 UTC" and ada.secret == "ab" * 64
    assert [p.where for p in problems] == [f"ada/{NAME}/notes.txt"]


def test_forged_nbgrader_files_are_ignored(folder):
    student = folder / "eve" / NAME
    student.mkdir(parents=True)
    (student / f"{NAME}.ipynb").write_text(_notebook())
    (student / "timestamp.txt").write_text("not a time <script>")
    (student / "submission_secret.txt").write_text("../../etc/passwd")
    eve = next(s for s in collect(folder, [NAME])[0] if s.student == "eve")
    assert eve.timestamp is None and eve.secret is None


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, data)


def test_a_zips_bad_entries_are_reported_one_by_one_and_its_good_ones_graded(tmp_path):
    archive = tmp_path / "class.zip"
    _zip(archive, [
        (f"good/{NAME}.ipynb", _notebook(), stat.S_IFREG | 0o644),
        (f"../escape/{NAME}.ipynb", _notebook(), stat.S_IFREG | 0o644),
        (f"/abs/{NAME}.ipynb", _notebook(), stat.S_IFREG | 0o644),
        (f"link/{NAME}.ipynb", "/etc/passwd", stat.S_IFLNK | 0o777),
        (f"bomb/{NAME}.ipynb", b"\0" * (MAX_RATIO * 2000), stat.S_IFREG | 0o644),
    ])
    folder, problems = unpack(archive, tmp_path / "out")
    reasons = {p.where.split(":", 1)[1]: p.reason for p in problems}
    assert "leads out of the folder" in reasons[f"../escape/{NAME}.ipynb"]
    assert "absolute" in reasons[f"/abs/{NAME}.ipynb"]
    assert "symbolic link" in reasons[f"link/{NAME}.ipynb"]
    assert "zip bomb" in reasons[f"bomb/{NAME}.ipynb"]
    found, _ = collect(folder, [NAME])
    assert [s.student for s in found] == ["good"]
    assert not (tmp_path / "escape").exists() and not (folder / "link").exists()
    assert "".join(json.loads(found[0].data)["cells"][0]["source"]) == "x = 1"


def test_a_broken_zip_is_one_problem(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    _, problems = unpack(archive, tmp_path / "out")
    assert len(problems) == 1 and problems[0].reason.startswith("not a readable zip")
