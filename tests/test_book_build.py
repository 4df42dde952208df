"""Build the whole book in the smoke profile with Sphinx warnings as errors."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMOKE_OUTPUT = ROOT / "_build" / "smoke"


def test_book_builds_without_warnings_in_the_smoke_profile():
    env = dict(os.environ, GANBOOK_PROFILE="smoke")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--path-output", str(SMOKE_OUTPUT),
         "--warningiserror", "--nitpick", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=1800,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    # The execution cache sits inside this build's own folder, apart from the full
    # book's, so smoke outputs can never be served to `make book`.
    assert f"Using jupyter-cache at: {SMOKE_OUTPUT}" in log
    html = SMOKE_OUTPUT / "_build" / "html"
    assert (html / "index.html").is_file()
    chapter = (html / "book" / "getting_started.html").read_text()
    assert chapter.count("<img") >= 3, "the chapter shows the MNIST and Fashion-MNIST grids"
    assert "Traceback" not in chapter
    # ganbook.plot.table's Markdown output must render as an HTML table
    concepts = (html / "book" / "concepts.html").read_text()
    assert concepts.count("<table") >= 4
