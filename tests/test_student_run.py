"""Every chapter as a student in Colab runs it, executed by nbval in the smoke profile.

Each chapter is copied alone into an empty folder and executed by nbval in a pytest of
its own, with ``ganbook`` from a wheel built from this repository (so a result file
missing from the package shows), without myst-nb and without GANBOOK_CHECK_CLAIMS:
this is the execution that checks every cell runs.  The claim checks run in the smoke
book build (tests/test_book_build.py), which sets GANBOOK_CHECK_CLAIMS as `make test`
does.  `make student` runs the same copies through benchmarks/student_run.py, in
either profile and with a parameter edited as an exercise would.
"""

import importlib.util
import subprocess
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


def run_nbval(notebook: Path, site: Path) -> subprocess.CompletedProcess:
    """nbval over one copied chapter, in a pytest that sees none of the repository's settings."""
    settings = notebook.parent.parent / "pytest.ini"
    settings.write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(settings), "-p", "no:cacheprovider",
         "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=900", str(notebook)],
        cwd=notebook.parent, env=student_run.student_environment(site, "smoke"),
        capture_output=True, text=True, timeout=1800)


@pytest.mark.parametrize("chapter", student_run.CHAPTERS)
def test_chapter_runs_alone_from_the_wheel(chapter, wheel_site, tmp_path):
    notebook = student_run.copy_alone(chapter, tmp_path / chapter, {}, wheel_site)
    result = run_nbval(notebook, wheel_site)
    assert result.returncode == 0, result.stdout[-5000:]
    cells = sum(1 for c in student_run.nbformat.read(notebook, 4).cells if c.cell_type == "code")
    assert f"{cells} passed" in result.stdout, result.stdout[-2000:]  # every code cell ran


def test_the_student_run_sees_a_failing_cell(wheel_site, tmp_path, monkeypatch):
    book = tmp_path / "repo" / "book"
    book.mkdir(parents=True)
    nb = student_run.nbformat.read(ROOT / "book" / "getting_started.ipynb", 4)
    nb.cells.insert(3, student_run.nbformat.v4.new_code_cell('raise RuntimeError("a broken cell")'))
    student_run.nbformat.write(nb, book / "getting_started.ipynb")
    monkeypatch.setattr(student_run, "ROOT", tmp_path / "repo")
    notebook = student_run.copy_alone("getting_started", tmp_path / "alone", {}, wheel_site)
    result = run_nbval(notebook, wheel_site)
    assert result.returncode != 0 and "a broken cell" in result.stdout
