"""Write the Colab install cell of every notebook from the repository URL in _config.yml.

The URL and branch live in _config.yml only; this script copies them into the install
cell of each book/*.ipynb, which follows the chapter's title (so the rendered page opens
with the title) and is tagged to stay out of the page; tests/test_notebooks.py fails
when a notebook disagrees.
Usage: python tools/sync_notebooks.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def install_cell_source(config_path: Path = ROOT / "_config.yml") -> str:
    """The source of the Colab-only install cell, built from ``repository`` in _config.yml."""
    repository = yaml.safe_load(config_path.read_text())["repository"]
    url, branch = repository["url"].rstrip("/"), repository["branch"]
    return (
        "# Colab only: install the book's helper package (locally, `make` has done it).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install -q "ganbook @ git+{url}@{branch}"'
    )


INSTALL_TAG = "remove-cell"  # Jupyter Book leaves it out of the page; Colab still runs it


def is_install_cell(cell) -> bool:
    """True for the Colab install cell, current or stale."""
    return cell.cell_type == "code" and "google.colab" in cell.source


def sync(path: Path, check: bool) -> bool:
    """Put the chapter's title first and the install cell, tagged, right after it.

    Returns True if the notebook already was so.  The title is the first markdown cell
    that starts with a level-1 heading; a stale install cell anywhere is replaced.
    """
    nb = nbformat.read(path, as_version=4)
    expected = install_cell_source()
    cells = nb.cells
    if (len(cells) >= 2 and cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
            and cells[1].cell_type == "code" and cells[1].source == expected
            and cells[1].metadata.get("tags") == [INSTALL_TAG]):
        return True
    if not check:
        rest = [c for c in cells if not is_install_cell(c)]
        title = next((i for i, c in enumerate(rest)
                      if c.cell_type == "markdown" and c.source.startswith("# ")), None)
        if title is None:
            raise ValueError(f"{path.name}: no markdown cell starts with a '# ' title")
        install = nbformat.v4.new_code_cell(expected, metadata={"tags": [INSTALL_TAG]})
        old = next((c for c in cells if is_install_cell(c)), None)
        if old is not None and "id" in old:
            install["id"] = old["id"]
        nb.cells = [rest[title], install] + rest[:title] + rest[title + 1:]
        nbformat.write(nb, path)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks out of sync")
    args = parser.parse_args()
    stale = [p.name for p in NOTEBOOKS if not sync(p, args.check)]
    if stale:
        print(("out of sync: " if args.check else "updated: ") + ", ".join(stale))
    return 1 if (stale and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
