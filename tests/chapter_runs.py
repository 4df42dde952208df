"""Each chapter executed once per test session: alone in an empty folder, by nbval, from a wheel.

That one execution serves two checks.  tests/test_student_run.py asserts that every cell
ran and that ``ganbook`` came from the wheel, so a chapter runs alone as in Colab;
tests/test_book_build.py renders the executed copies into the smoke book, so the site
shows what ran there.  The run sets GANBOOK_CHECK_CLAIMS=1 and leaves myst-nb visible,
because the book needs both (the claim checks, the glued numbers).  What a student's
session lacks is checked without running twice: a claim check binds no name another cell
reads (tests/test_notebooks.py), and ``plot.glue`` without myst-nb is a unit test.
``make student`` runs chapters in the strict student environment (no claims, no myst-nb).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
_spec = importlib.util.spec_from_file_location("student_run", ROOT / "benchmarks" / "student_run.py")
student_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student_run)

CHAPTERS = student_run.CHAPTERS
SMOKE_OUTPUT = ROOT / "_build" / "smoke"  # the smoke book; `make book` writes _build/

# Written as the conftest.py of the run's root folder (beside pytest.ini, above the chapter's
# folder): when nbval is done, it saves what each cell printed and displayed into a copy of
# the notebook in executed/, in the form a build with execution switched off renders.
KEEP_OUTPUTS_PLUGIN = '''
import nbformat


def pytest_sessionfinish(session):
    notebooks = {}
    for item in session.items:
        outputs = getattr(item, "test_outputs", None)
        if outputs is None:
            continue
        item.cell.outputs = [nbformat.from_dict(dict(o)) for o in outputs]
        item.cell.execution_count = item.cell_num + 1
        notebooks[item.parent.path.name] = item.parent.nb
    folder = session.config.rootpath / "executed"
    folder.mkdir(exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)
'''


@dataclass
class ChapterRun:
    """One chapter's nbval run: the process, its copy, the executed copy, its code cells."""

    result: subprocess.CompletedProcess
    notebook: Path
    executed: Path
    code_cells: int


def run_alone(notebook: Path, site: Path) -> ChapterRun:
    """nbval over ``notebook`` (already copied alone) in a pytest that sees none of the
    repository's settings, with ganbook from ``site``, in the smoke profile with claim checks."""
    root = notebook.parent.parent
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "conftest.py").write_text(KEEP_OUTPUTS_PLUGIN)
    env = {**student_run.student_environment(site, "smoke"), "GANBOOK_CHECK_CLAIMS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(root / "pytest.ini"),
         "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
         "--nbval-cell-timeout=900", str(notebook)],
        cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=1800)
    cells = sum(1 for c in nbformat.read(notebook, 4).cells if c.cell_type == "code")
    return ChapterRun(result, notebook, root / "executed" / notebook.name, cells)


def run_chapter(chapter: str, scratch: Path, site: Path) -> ChapterRun:
    """Copy ``chapter`` alone into an empty folder under ``scratch`` and run it there."""
    return run_alone(student_run.copy_alone(chapter, scratch / "chapter", {}, site), site)


def build_book(runs: dict[str, ChapterRun], source: Path, output: Path) -> subprocess.CompletedProcess:
    """Render the book into ``output`` from the executed copies in ``runs``, execution off.

    The book's sources are copied to ``source`` with each chapter replaced by its executed
    copy (without the wheel check the run appended); the maths' static files are linked.
    """
    failed = sorted(chapter for chapter, run in runs.items() if run.result.returncode != 0)
    if failed:
        raise AssertionError(f"not rendered: these chapters failed their runs alone: {failed}")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "book", source / "book",
                    ignore=shutil.ignore_patterns("*.ipynb", "checkpoints", "__pycache__"))
    (source / ".cache").mkdir()
    (source / ".cache" / "static").symlink_to(ROOT / ".cache" / "static", target_is_directory=True)
    for chapter, run in runs.items():
        nb = nbformat.read(run.executed, 4)
        nb.cells.pop()  # the check that ganbook came from the wheel
        nbformat.write(nb, source / "book" / f"{chapter}.ipynb")
    config = source / "_config.yml"
    text = config.read_text()
    if "execute_notebooks: cache" not in text:
        raise ValueError("_config.yml no longer says `execute_notebooks: cache`")
    config.write_text(text.replace("execute_notebooks: cache", 'execute_notebooks: "off"'))
    shutil.rmtree(output, ignore_errors=True)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run(
        [str(jupyter_book), "build", str(source), "--path-output", str(output),
         "--warningiserror", "--nitpick", "--keep-going"],
        capture_output=True, text=True, timeout=1800)
