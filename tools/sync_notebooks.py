"""Write the Colab install cell of every notebook from the repository URL in _config.yml.

The URL and branch live in _config.yml only; this script copies them into the first
cell of each book/*.ipynb, and tests/test_notebooks.py fails when they disagree.
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


def sync(path: Path, check: bool) -> bool:
    """Make the first cell of notebook ``path`` the install cell; return True if it already was."""
    nb = nbformat.read(path, as_version=4)
    expected = install_cell_source()
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "code" and first.source == expected:
        return True
    if not check:
        if first is not None and first.cell_type == "code" and "google.colab" in first.source:
            first.source = expected
        else:
            nb.cells.insert(0, nbformat.v4.new_code_cell(expected))
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
