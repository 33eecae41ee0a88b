"""Scratch folders: throw-away gradebooks in memory, and nothing left when a worker ends."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from autograder import scratch


def test_scratch_folders_are_private_and_in_memory_where_there_is_memory(tmp_path,
                                                                       monkeypatch):
    folder = scratch.scratch_folder("bplab-test-")
    try:
        assert folder.stat().st_mode & 0o777 == 0o700
        if scratch.memory_dir():
            assert folder.parent == scratch.MEMORY_FS
    finally:
        folder.rmdir()
    monkeypatch.setattr(scratch, "MEMORY_FS", tmp_path / "no-such-file-system")
    assert scratch.memory_dir() is None


def _this_process_workers_folders(template):
    from autograder.pipeline.worker import process_worker

    worker = process_worker(template, sandboxed=False)
    return str(worker.root), str(worker.gradebook_folder)


@pytest.mark.slow
def test_a_pool_workers_scratch_folders_go_when_the_pool_ends():
    from autograder.pipeline.template import build

    template = build(["01_loss_functions"])
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        folders = [Path(f) for f in pool.submit(_this_process_workers_folders, template).result()]
        assert all(folder.is_dir() for folder in folders)
    assert not [folder for folder in folders if folder.exists()]
