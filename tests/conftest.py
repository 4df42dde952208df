"""Shared pytest fixtures."""

import os
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Two logical CPU devices for the tf.distribute tests (test_distribute.py).  TensorFlow
# fixes its devices when it runs its first operation, so this happens before any test
# module is imported; single-device code runs on the first of them, as before.
from ganbook import distribute, results  # noqa: E402  (imports TensorFlow quietly)

distribute.split_cpu(2)

import chapter_runs  # noqa: E402  (tests/, on the path as conftest.py's folder)
import tensorflow as tf  # noqa: E402


@pytest.fixture
def deterministic_ops():
    """Deterministic TensorFlow kernels, for tests that compare two runs bit for bit.
    (TensorFlow cannot switch them off again: later tests run deterministically too.)"""
    tf.config.experimental.enable_op_determinism()


@pytest.fixture
def profile(monkeypatch):
    """Set GANBOOK_PROFILE for one test: ``profile("smoke")``."""

    def set_profile(name: str | None) -> None:
        if name is None:
            monkeypatch.delenv("GANBOOK_PROFILE", raising=False)
        else:
            monkeypatch.setenv("GANBOOK_PROFILE", name)

    return set_profile


@pytest.fixture(scope="session")
def chapter_run(tmp_path_factory):
    """``chapter_run(name)``: that chapter run alone by nbval from a wheel, once per session
    (tests/chapter_runs.py); the student-run tests and the smoke book build share it.
    ``chapter_run.start(name)`` starts a run without waiting: two run at once, as a kernel
    spends much of its time on one core (start-up, imports, plotting)."""
    site = chapter_runs.student_run.install_wheel(tmp_path_factory.mktemp("wheel"),
                                                  hide_myst_nb=False)
    pool = ThreadPoolExecutor(max_workers=2)
    started = {}

    def start(chapter: str) -> Future:
        if chapter not in started:
            started[chapter] = pool.submit(chapter_runs.run_chapter, chapter,
                                           tmp_path_factory.mktemp(chapter), site)
        return started[chapter]

    def run(chapter: str) -> chapter_runs.ChapterRun:
        return start(chapter).result()

    run.start, run.site = start, site
    yield run
    pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="session")
def smoke_book(chapter_run, tmp_path_factory):
    """The smoke book, rendered into _build/smoke/ from the chapters' runs alone: the
    build's process; its pages are in _build/smoke/_build/html."""
    # Longest first (by the stored smoke times), so no worker is left with a long chapter
    # while the other idles.
    seconds = results.load("profile_times")["chapters"]
    for chapter in sorted(chapter_runs.CHAPTERS,
                          key=lambda name: -seconds.get(name, {}).get("smoke_seconds", 0.0)):
        chapter_run.start(chapter)
    runs = {chapter: chapter_run(chapter) for chapter in chapter_runs.CHAPTERS}
    return chapter_runs.build_book(runs, tmp_path_factory.mktemp("book"),
                                    chapter_runs.SMOKE_OUTPUT)
