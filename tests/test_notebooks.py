"""Conventions every committed notebook follows (nbval executes them separately)."""

import ast
import importlib.util
import re
import symtable
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
spec = importlib.util.spec_from_file_location("sync_notebooks", ROOT / "tools" / "sync_notebooks.py")
sync_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync_notebooks)


def toc_files():
    """Every file named in _toc.yml."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "root"):
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return found


def test_there_are_notebooks():
    assert NOTEBOOKS, "book/ must hold the chapters as .ipynb files"


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_notebook_is_stored_without_outputs(notebook):
    dirty = [i for i, c in enumerate(notebook.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"cells {dirty} have outputs or execution counts; clear them before committing"


def test_title_comes_first_then_the_install_cell_hidden_from_the_page(notebook):
    title, install = notebook.cells[:2]
    assert title.cell_type == "markdown" and title.source.startswith("# "), (
        "the chapter's title comes first, so the rendered page opens with it")
    assert install.cell_type == "code"
    assert install.source == sync_notebooks.install_cell_source(), (
        "the Colab install cell is out of sync with _config.yml: run `make sync-notebooks`"
    )
    assert 'if "google.colab" in sys.modules:' in install.source
    assert install.metadata.get("tags") == ["remove-cell"], "the install cell stays out of the page"
    assert sum(sync_notebooks.is_install_cell(c) for c in notebook.cells) == 1


def test_sync_moves_the_install_cell_after_the_title_and_tags_it(tmp_path):
    stale = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('# old\nif "google.colab" in sys.modules:\n    pass'),
        nbformat.v4.new_markdown_cell("# A chapter"),
        nbformat.v4.new_code_cell("SEED = 0")])
    path = tmp_path / "chapter.ipynb"
    nbformat.write(stale, path)
    assert not sync_notebooks.sync(path, check=True)
    assert nbformat.read(path, as_version=4).cells[0].cell_type == "code"  # --check writes nothing
    assert not sync_notebooks.sync(path, check=False)
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert cells[1].source == sync_notebooks.install_cell_source()
    assert cells[1].metadata["tags"] == ["remove-cell"] and cells[2].source == "SEED = 0"
    assert sync_notebooks.sync(path, check=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    with pytest.raises(ValueError, match="no markdown cell starts with a '# ' title"):
        sync_notebooks.sync(path, check=False)


def test_second_code_cell_is_the_tagged_parameters_cell(notebook):
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "parameters" in code[1].metadata.get("tags", []), "the cell after the install cell holds the parameters"
    assert all("parameters" not in c.metadata.get("tags", []) for c in code[2:]), "one parameters cell only"
    assert re.search(r"^SEED\s*=", code[1].source, re.M), "the parameters cell sets SEED"


def test_seeds_are_set_once_with_keras(notebook):
    sources = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert sources.count("keras.utils.set_random_seed(SEED)") == 1
    assert "np.random.seed(" not in sources and "tf.random.set_seed(" not in sources


def test_chapter_has_learning_goals_summary_and_exercises(notebook):
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for heading in ("Learning goals", "## Summary", "## Exercises"):
        assert heading in markdown


def test_every_notebook_is_in_the_table_of_contents():
    listed = set(toc_files())
    missing = [p.name for p in NOTEBOOKS if f"book/{p.stem}" not in listed]
    assert not missing, f"add {missing} to _toc.yml"
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").is_file() for ext in (".md", ".ipynb")), entry


def test_launch_configuration_is_complete():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"].startswith("https://")
    assert config["repository"]["branch"]
    assert config["launch_buttons"]["colab_url"] and config["launch_buttons"]["binderhub_url"]
    assert config["execute"]["timeout"] > 0


def test_code_fits_the_page_width(notebook):
    """The rendered book shows about 80 columns of code before it scrolls sideways.

    The generated install cell is exempt: its one long line is the repository URL.
    """
    long_lines = [line for c in notebook.cells
                  if c.cell_type == "code" and not sync_notebooks.is_install_cell(c)
                  for line in c.source.splitlines() if len(line) > 80]
    assert not long_lines, f"lines over 80 characters: {long_lines}"


def ends_with_a_glue(source: str) -> bool:
    """Whether a code cell's last statement is a bare ``plot.glue(...)`` call."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics
        return False
    last = body[-1].value if body and isinstance(body[-1], ast.Expr) else None
    return isinstance(last, ast.Call) and ast.unparse(last.func) in ("plot.glue", "glue")


def test_no_cell_ends_with_a_glue(notebook):
    """glue returns its value, so as a cell's last line Jupyter prints it (np.float64(...))."""
    ending = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and ends_with_a_glue(c.source)]
    assert not ending, f"cells {ending} end with plot.glue(...): move it above the cell's display"
    assert ends_with_a_glue('x = 1\nplot.glue("x", x)') and not ends_with_a_glue('plot.glue("x", 1)\nx = 2')


def test_figures_are_sized_to_be_read_on_the_page(notebook):
    """The page's column is about 7 inches of a figure at 100 dpi: a figure much wider is
    shrunk until its titles cannot be read, so a figure is at most 11 inches wide and has
    at most three panels in a row (more go onto a second row)."""
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    widths = [float(w) for w in re.findall(r"figsize=\(\s*([\d.]+)\s*,", code)]
    assert all(w <= 11 for w in widths), f"figures wider than 11 inches: {widths}"
    rows = re.findall(r"subplots\(\s*\d+\s*,\s*([^,)]+)", code)
    too_many = [n for n in rows if not (n.strip().isdigit() and int(n) <= 3)]
    assert not too_many, f"subplot rows of more than three panels, or of a computed count: {too_many}"


HIDDEN_KINDS = ("# Drift check:", "# Claim check:", "# Build only:")


def _code_cells(notebook):
    return [(i, c) for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" and not sync_notebooks.is_install_cell(c)]


def _is_hidden(cell):
    return "remove-cell" in cell.metadata.get("tags", [])


def test_hidden_cells_say_which_kind_they_are_and_visible_cells_do_not(notebook):
    """Drift checks run everywhere; claim checks only in the build; build-only cells export."""
    for i, cell in _code_cells(notebook):
        says_hidden = cell.source.startswith(HIDDEN_KINDS) or "Hidden in the book" in cell.source
        if _is_hidden(cell):
            assert cell.source.startswith(HIDDEN_KINDS), (
                f"cell {i} is hidden: begin it with one of {HIDDEN_KINDS}")
        else:
            assert not says_hidden and "checking_claims" not in cell.source, (
                f"cell {i} is written to be hidden: tag it remove-cell")


def _unguarded_asserts(source: str) -> list[str]:
    """The asserts in ``source`` that no ``if ganbook.checking_claims(...)`` encloses."""
    found = []

    def walk(node, guarded):
        for child in ast.iter_child_nodes(node):
            is_guard = isinstance(child, ast.If) and "checking_claims" in ast.unparse(child.test)
            is_assert = isinstance(child, ast.Assert) or (
                isinstance(child, ast.Call) and "assert" in ast.unparse(child.func))
            if is_assert and not guarded:
                found.append(ast.unparse(child)[:80])
            walk(child, guarded or is_guard)

    walk(ast.parse(source), False)
    return found


def test_claim_checks_run_only_when_the_build_asks(notebook):
    """A student who edits a parameter never meets an assert tuned on the book's run."""
    for i, cell in _code_cells(notebook):
        if cell.source.startswith("# Claim check:"):
            assert not _unguarded_asserts(cell.source), (
                f"cell {i}: put every assert under `if ganbook.checking_claims(...)`")
        if cell.source.startswith("# Drift check:"):
            assert "checking_claims" not in cell.source, f"cell {i}: a drift check runs everywhere"
        if cell.source.startswith("# Build only:"):
            assert not _unguarded_asserts(cell.source), f"cell {i}: a build-only cell asserts nothing"
        assert 'PROFILE == "full"' not in cell.source, (
            f"cell {i}: gate a claim with ganbook.checking_claims('full'), not the profile alone")


def _bound_and_read(source: str) -> tuple[set[str], set[str]]:
    """The names a cell binds at top level, and the names it (or a function in it) reads
    without binding them itself."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    top = symtable.symtable(code, "cell", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    read = {s.get_name() for s in top.get_symbols() if s.is_referenced()}
    scopes = list(top.get_children())
    while scopes:
        scope = scopes.pop()
        scopes.extend(scope.get_children())
        read |= {s.get_name() for s in scope.get_symbols() if s.is_global() and s.is_referenced()}
    return bound, read - bound


def _claim_names_read_later(sources: list[str]) -> list[tuple[int, str]]:
    """(cell, name) for each name a claim check binds that a later cell reads before
    another cell binds it again: that cell would run differently without the claims."""
    found = []
    for i, source in enumerate(sources):
        if not source.startswith("# Claim check:"):
            continue
        live = _bound_and_read(source)[0]
        for later in sources[i + 1:]:
            if later.startswith("# Claim check:"):
                continue
            bound, read = _bound_and_read(later)
            found += [(i, name) for name in sorted(live & read)]
            live -= bound
    return found


def test_a_claim_check_binds_nothing_another_cell_reads(notebook):
    """The test run executes each chapter once, with its claim checks (tests/chapter_runs.py);
    a student's session, without them, runs every other cell the same."""
    sources = [cell.source for _, cell in _code_cells(notebook)]
    assert not _claim_names_read_later(sources)


def test_the_claim_name_finder_sees_a_name_a_later_cell_reads():
    claim = "# Claim check: x\nif ganbook.checking_claims():\n    best = max(runs)\n"
    assert _claim_names_read_later([claim, "print(best)"]) == [(0, "best")]
    assert _claim_names_read_later([claim, "def f():\n    return best"]) == [(0, "best")]
    assert _claim_names_read_later([claim, "best = 1\nprint(best)"]) == []
    assert _claim_names_read_later([claim, "best = 1", "print(best)"]) == []
    assert _claim_names_read_later([claim, "[best for best in runs]"]) == []


def test_the_guard_finder_sees_unguarded_asserts():
    assert _unguarded_asserts("if x:\n    assert y\nassert z") == ["assert y", "assert z"]
    assert _unguarded_asserts("if ganbook.checking_claims('full'):\n    assert y\n"
                              "    np.testing.assert_allclose(a, b)") == []
    assert _unguarded_asserts("np.testing.assert_allclose(a, b)") == ["np.testing.assert_allclose(a, b)"]


def test_a_chapter_reads_nothing_outside_its_folder(notebook):
    """In Colab a chapter has nothing of the repository beside it: results come from ganbook."""
    for i, cell in _code_cells(notebook):
        for pattern in ('Path("..")', "'..'", '"../', '"benchmarks"', "benchmarks/results"):
            assert pattern not in cell.source, f"cell {i} reads {pattern} outside its folder"


# Decimals in prose that are settings or facts, not results a cell computed.
TYPED_NUMBERS_ALLOWED = {
    "concepts": {"0.1": "LANDING_TOLERANCE, a definition"},
    "getting_started": {"2.16": "the oldest TensorFlow the book supports"},
    "keras_dcgan": {"0.9": "the label-smoothing target, a setting"},
    "training_tricks": {"0.9": "the label-smoothing target, a setting",
                        "0.1": "the two-sided smoothing target for fakes, a setting",
                        "0.5": "a learning rate of the two-time-scale example, a setting"},
    "tricks_measured": {"1.0": "the loss-threshold trick's threshold, a setting",
                        "5%": "the verdict's threshold (alpha), a setting",
                        "0.9": "the momentum of the SGD sweep, a setting"},
    "semi_supervised_gan": {"0.3": "the input-noise setting", "0.5": "the hidden-noise setting",
                            "0.003": "the learning rate, a setting",
                            "0.25": "an exercise's unsupervised weight, a setting"},
    "tf_mlp_gan": {"1%": "the coverage threshold, a definition",
                   "0.9": "the confidence threshold, a definition",
                   "1.0": "Adadelta's design learning rate, a setting"},
    "scaling_up": {"2.21": "the TensorFlow version whose default is described"},
    "wgan_began": {"0.01": "BEGAN's gamma, a setting"},
    "conditional_gans": {"0.1": "an exercise's weight, a setting"},
}
_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|```.*?```|\{glue:[a-z]*\}`[^`]*`|`[^`]*`", re.S)
_DECIMAL = re.compile(r"(?<![\w.])\d+(?:\.\d+%?|%)(?![\w.]*\d)")


def _typed_numbers(markdown: str) -> list[str]:
    """Decimals and percentages in prose: not maths, code or glue, not in a cited sentence."""
    found = []
    for sentence in re.split(r"(?<=[.;:!?])\s+(?=[A-Z(*\-])", _NOT_PROSE.sub(" ", markdown)):
        if "{cite" not in sentence:
            found += _DECIMAL.findall(sentence)
    return found


def test_the_typed_number_finder_sees_results_and_skips_maths_code_glue_and_citations():
    assert _typed_numbers("FID fell to 19.5, and 98.9% were high quality.") == ["19.5", "98.9%"]
    assert _typed_numbers("With $\\sigma = 0.02$ and `LR = 0.001`, FID was "
                          "{glue:text}`fid:.1f`. The paper reports 0.93% {cite:p}`x`.") == []
    assert _typed_numbers("Version 2.16 and 3 items.") == ["2.16"]


def test_prose_numbers_are_glued_or_printed_not_typed(notebook, request):
    """A result in prose comes from the cell that computed it (myst-nb glue), never typed."""
    chapter = Path(request.node.callspec.id).stem
    allowed = TYPED_NUMBERS_ALLOWED.get(chapter, {})
    typed = [(i, number) for i, cell in enumerate(notebook.cells) if cell.cell_type == "markdown"
             for number in _typed_numbers(cell.source) if number not in allowed]
    assert not typed, (f"typed numbers {typed}: glue them from the cell that computes them "
                       "(ganbook.plot.glue), cite their paper, or allow a setting above")
