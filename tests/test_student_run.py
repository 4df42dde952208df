"""Every chapter as a student in Colab runs it: copied alone into an empty folder and
executed by nbval in the smoke profile, with ``ganbook`` from a wheel built from this
repository (so a result file missing from the package shows).

The same execution feeds the smoke book build (tests/chapter_runs.py says why it runs
with the claim checks).  `make student` runs the copies through benchmarks/student_run.py
as a student's session has them (no claim checks, no myst-nb), in either profile and with
a parameter edited as an exercise would.
"""

import nbformat
import pytest
from chapter_runs import CHAPTERS, ROOT, run_alone, student_run


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_alone_from_the_wheel(chapter, chapter_run):
    run = chapter_run(chapter)
    assert run.result.returncode == 0, run.result.stdout[-5000:]
    assert f"{run.code_cells} passed" in run.result.stdout, run.result.stdout[-2000:]  # every cell ran
    executed = nbformat.read(run.executed, 4)
    where = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert where.startswith(f"ganbook from {chapter_run.site}"), where


def test_the_student_run_sees_a_failing_cell_and_keeps_the_outputs(chapter_run, tmp_path, monkeypatch):
    book = tmp_path / "repo" / "book"
    book.mkdir(parents=True)
    nb = nbformat.read(ROOT / "book" / "getting_started.ipynb", 4)
    nb.cells.insert(3, nbformat.v4.new_code_cell('print("before")\nraise RuntimeError("a broken cell")'))
    nbformat.write(nb, book / "getting_started.ipynb")
    monkeypatch.setattr(student_run, "ROOT", tmp_path / "repo")
    notebook = student_run.copy_alone("getting_started", tmp_path / "alone" / "chapter", {},
                                      chapter_run.site)
    run = run_alone(notebook, chapter_run.site)
    assert run.result.returncode != 0 and "a broken cell" in run.result.stdout
    broken = nbformat.read(run.executed, 4).cells[3]
    assert broken.outputs[0].text == "before\n" and broken.outputs[-1].ename == "RuntimeError"
