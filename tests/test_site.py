"""The built book as a reader's browser shows it: headless Chromium, scripts on, no network.

After the smoke build (the ``smoke_book`` fixture of tests/conftest.py), every page is opened in Debian's
`chromium` (`make test` installs it when missing) with every host name unresolvable, and
the DOM it ends with is checked: the maths is typeset by the book's own MathJax, every
image decodes, animations have frames, the title comes before the first code cell, no
output shows an error or a warning, and each chapter's Colab button opens that chapter.
A screenshot of each page is saved in a screenshots/ folder beside the html/ folder
(_build/smoke/_build/screenshots/) for a human to look at.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
# GANBOOK_SITE_DIR=_build/html checks the full book that `make book` built instead.
HTML = ROOT / os.environ.get("GANBOOK_SITE_DIR", "_build/smoke/_build/html")
SCREENSHOTS = HTML.parent / "screenshots"
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND"]  # every network request fails
PROBLEM_IN_OUTPUT = re.compile(r"Traceback|\w*Error\b|\w*Warning\b")


def chromium(*arguments: str, timeout: int = 120) -> str:
    """Run headless Chromium offline with ``arguments``; its standard output."""
    browser = shutil.which("chromium")
    assert browser, "the site check needs Debian's chromium: `make test` installs it"
    command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               *OFFLINE, *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True).stdout


def rendered_dom(page: Path) -> BeautifulSoup:
    """The page's DOM after its scripts ran (MathJax has up to 20 s of virtual time)."""
    return BeautifulSoup(chromium("--virtual-time-budget=20000", "--dump-dom", page.as_uri()),
                         "html.parser")


def image_width(src: str, page: Path) -> int:
    """The natural width of an image given by a data URI or a path relative to ``page``."""
    if src.startswith("data:"):
        header, payload = src.split(",", 1)
        data = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
    else:
        path = (page.parent / src.split("?")[0]).resolve()
        if not path.is_file():
            return 0
        data = path.read_bytes()
    if src.endswith(".svg") or src.startswith("data:image/svg"):
        return 1 if b"<svg" in data else 0
    with Image.open(io.BytesIO(data)) as image:
        return image.width


def problems(page: Path, dom: BeautifulSoup, chapter: str | None) -> list[str]:
    """What a reader would see wrong on ``page``: an empty list when nothing."""
    found = []
    for math in dom.select("span.math, div.math"):
        if not math.find("mjx-container") or re.search(r"\\\(|\\\[|\$\$", math.get_text()):
            found.append(f"maths not typeset: {math.get_text()[:60]!r}")
            break
    for img in dom.find_all("img"):
        if img.get("src") and image_width(img["src"], page) <= 0:
            found.append(f"image does not load: {img['src'][:80]}")
    for script in dom.find_all("script"):
        if "new Animation(" in (script.string or ""):
            frames = {int(k) for k in re.findall(r"frames\[(\d+)\]", script.string)}
            if len(frames) < 2:
                found.append("an animation with fewer than two frames")
    first = next((tag for tag in dom.find_all(["h1", "div"])
                  if tag.name == "h1" or "cell" in tag.get("class", [])), None)
    if first is not None and first.name != "h1":
        found.append("a code cell comes before the title")
    for output in dom.select("div.cell_output"):
        match = PROBLEM_IN_OUTPUT.search(output.get_text())
        if match:
            found.append(f"output shows {match.group(0)!r}")
    if chapter is not None:
        expected = f"colab.research.google.com/github/gan-book/gan-book/blob/main/book/{chapter}.ipynb"
        if not any(expected in (a.get("href") or "") for a in dom.find_all("a")):
            found.append(f"no Colab button for {chapter}.ipynb")
    return found


@pytest.fixture
def book_pages(request) -> list[Path]:
    """Every page of the built book (the smoke build, unless GANBOOK_SITE_DIR names one)."""
    if "GANBOOK_SITE_DIR" not in os.environ:
        assert request.getfixturevalue("smoke_book").returncode == 0, "the smoke build failed"
    return sorted((HTML / "book").glob("*.html"))


def test_every_page_reads_well_offline_in_a_browser(book_pages):
    notebooks = {p.stem for p in (ROOT / "book").glob("*.ipynb")}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def check(page: Path) -> list[str]:
        found = problems(page, rendered_dom(page), page.stem if page.stem in notebooks else None)
        chromium("--virtual-time-budget=20000", "--window-size=1280,2400",
                 f"--screenshot={SCREENSHOTS / (page.stem + '.png')}", page.as_uri())
        return found

    with ThreadPoolExecutor(max_workers=2) as pool:  # two browsers at once, one per core
        report = {page.name: found for page, found in zip(book_pages, pool.map(check, book_pages))
                  if found}
    assert not report, report
    assert len(list(SCREENSHOTS.glob("*.png"))) == len(book_pages)


def test_site_check_catches_a_title_below_code_a_cdn_mathjax_and_a_broken_image(tmp_path):
    page = tmp_path / "chapter.html"
    page.write_text(
        "<html><head><script defer src='https://cdn.jsdelivr.net/npm/mathjax@3/es5/"
        "tex-mml-chtml.js'></script></head><body>"
        "<div class='cell'><pre>import sys</pre></div><h1>A chapter</h1>"
        "<p><span class='math notranslate nohighlight'>\\(x^2\\)</span></p>"
        "<img src='missing.png'>"
        "<div class='cell_output'><pre>UserWarning: something</pre></div></body></html>")
    found = problems(page, rendered_dom(page), "chapter")
    assert any(p.startswith("maths not typeset") for p in found), found
    assert "a code cell comes before the title" in found
    assert "image does not load: missing.png" in found
    assert "output shows 'UserWarning'" in found
    assert "no Colab button for chapter.ipynb" in found
