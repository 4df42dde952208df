"""Every chapter as a student in Colab runs it, in the smoke profile.

Each chapter is copied alone into an empty folder and executed with ``ganbook`` from a
wheel built from this repository (so a result file missing from the package shows),
without myst-nb and without GANBOOK_CHECK_CLAIMS; the run fails on an error in any
cell and on output that shows a traceback or a missing table
(``benchmarks/student_run.py``, also ``make student``).
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
spec = importlib.util.spec_from_file_location("student_run", ROOT / "benchmarks" / "student_run.py")
student_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_run)


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory):
    return student_run.install_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.mark.parametrize("chapter", student_run.CHAPTERS)
def test_chapter_runs_alone_from_the_wheel_without_claim_checks(chapter, wheel_site, tmp_path):
    seconds = student_run.run_alone(chapter, wheel_site, "smoke", {}, tmp_path, tmp_path / "kept")
    assert seconds > 0
    executed = (tmp_path / "kept" / f"{chapter}.smoke.ipynb").read_text()
    assert "myst-nb is hidden" not in executed  # glue fell back quietly


def test_the_student_run_sees_a_failing_cell(wheel_site, tmp_path, monkeypatch):
    broken = tmp_path / "book"
    broken.mkdir()
    source = (ROOT / "book" / "getting_started.ipynb").read_text()
    (broken / "getting_started.ipynb").write_text(
        source.replace('"SEED = 0', '"SEED = 0\\n",\n    "raise RuntimeError(\\"a broken cell\\")', 1))
    monkeypatch.setattr(student_run, "ROOT", tmp_path)
    with pytest.raises(Exception, match="a broken cell"):
        student_run.run_alone("getting_started", wheel_site, "smoke", {}, tmp_path, tmp_path / "kept")
