"""The whole book in the smoke profile, rendered with Sphinx warnings as errors.

Its pages show the outputs of the chapters' runs alone (tests/chapter_runs.py): each
chapter is executed once per `make test`, with its claim checks, and the build renders
those outputs with execution off.  `make book` executes the full profile itself.
"""

from html.parser import HTMLParser
from pathlib import Path

import nbformat
from chapter_runs import CHAPTERS, SMOKE_OUTPUT


def test_book_builds_without_warnings_in_the_smoke_profile(smoke_book, chapter_run):
    log = smoke_book.stdout + smoke_book.stderr
    assert smoke_book.returncode == 0, log[-6000:]
    assert "Executing" not in log, "the build executed a chapter the runs alone had executed"
    for chapter in CHAPTERS:  # every code cell of every chapter has run once, no cell twice
        counts = [c.execution_count for c in nbformat.read(chapter_run(chapter).executed, 4).cells
                  if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), chapter
    html = SMOKE_OUTPUT / "_build" / "html"
    assert (html / "index.html").is_file()
    chapter = (html / "book" / "getting_started.html").read_text()
    assert chapter.count("<img") >= 3, "the chapter shows the MNIST and Fashion-MNIST grids"
    assert "Traceback" not in chapter
    # ganbook.plot.table's Markdown output must render as an HTML table
    concepts = (html / "book" / "concepts.html").read_text()
    assert concepts.count("<table") >= 4
    # MathJax is served with the book, so the maths renders without a network
    assert '<script defer="defer" src="../_static/mathjax/tex-mml-chtml.js' in concepts
    assert "cdn.jsdelivr.net" not in concepts
    assert (html / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    # the page opens with the chapter's title; the Colab install cell is not shown
    assert concepts.index("<h1") < concepts.index('<div class="cell')
    assert "google.colab" not in concepts
    # printed lines of one cell render as one output block, which wraps at the page edge
    assert '_static/output.css' in concepts
    dcgan = (html / "book" / "keras_dcgan.html").read_text()
    start = dcgan.index("Epoch 1/")
    assert "Epoch 2/" in dcgan[start:dcgan.index("</pre>", start)]


class _Links(HTMLParser):
    """Internal link targets (href) and element ids of one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "reference internal" in attrs.get("class", "") and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def _parse(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text())
    return links


def test_every_glossary_and_errata_link_resolves_in_the_built_book(smoke_book):
    html = SMOKE_OUTPUT / "_build" / "html" / "book"
    for page in ("glossary.html", "errata.html"):
        hrefs = [h for h in _parse(html / page).hrefs if not h.startswith("#")]
        assert len(hrefs) >= 20, f"{page} links to fewer places than it should: {hrefs}"
        for href in hrefs:
            target, _, anchor = href.partition("#")
            target_file = (html / target).resolve()
            assert target_file.is_file(), f"{page}: {href} points at a missing page"
            if anchor:
                assert anchor in _parse(target_file).ids, f"{page}: no #{anchor} in {target}"


class _TextOutsideMath(HTMLParser):
    """The page's visible text outside code, scripts and MathJax's math elements."""

    SKIPPED = {"script", "style", "pre", "code"}

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "hr", "meta", "link", "input", "wbr"):
            return
        classes = dict(attrs).get("class") or ""
        self.stack.append(tag in self.SKIPPED or "math" in classes.split())

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "hr", "meta", "link", "input", "wbr") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.text.append(data)


def stray_dollars(html_text: str) -> list[str]:
    """Snippets of text around every '$' that MathJax will not typeset."""
    parser = _TextOutsideMath()
    parser.feed(html_text)
    text = "".join(parser.text)
    return [text[max(0, i - 40):i + 40] for i, ch in enumerate(text) if ch == "$"]


def test_no_tex_is_left_outside_the_maths_on_any_page(smoke_book):
    # A line inside $...$ that starts with "+ " becomes a list item, and the TeX shows raw.
    assert stray_dollars('<p><span class="math notranslate">\\(a + b\\)</span> <code>$x</code></p>') == []
    assert stray_dollars("<ul><li><p>p_g)$; a small network</p></li></ul>") != []
    html = SMOKE_OUTPUT / "_build" / "html" / "book"
    stray = {page.name: found for page in sorted(html.glob("*.html"))
             if (found := stray_dollars(page.read_text()))}
    assert not stray, stray
