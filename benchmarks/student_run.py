"""Run chapters as a student would: each alone in an empty folder, ganbook from a wheel.

A wheel is built from this repository and unpacked into a private folder that comes
first on PYTHONPATH, so a result file or asset missing from the package shows here as
it would in Colab.  Each chapter is copied alone into an empty folder and executed
there, without GANBOOK_CHECK_CLAIMS (a student's session never sets it), optionally
with parameters edited as an exercise would (``--set WGAN_LR=3e-4``).  The run fails
on an error in any cell, and on output that shows a traceback or a missing table.
Usage: python benchmarks/student_run.py [CHAPTER ...] [--profile smoke|full] [--set NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import ganbook  # noqa: F401  (before the libraries: it imports TensorFlow quietly)

# isort: split

import nbformat
from profile_times import ROOT, run_notebook

CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))
TROUBLE = re.compile(r"Traceback|is not here|from the repository root")


def install_wheel(target: Path, hide_myst_nb: bool = True) -> Path:
    """Build ganbook's wheel and unpack it into ``target``; the folder to put on PYTHONPATH.

    ``hide_myst_nb`` shadows myst-nb as Colab lacks it (the test run that also feeds the
    book build keeps it, for the glued numbers).
    """
    # Built from a copy of what the wheel needs, so that builds running side by side (the
    # test workers) never share setuptools' build/ folder in the repository.
    source = target / "source"
    shutil.copytree(ROOT / "ganbook", source / "ganbook", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = target / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(wheels), str(source)], check=True)
    site = target / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), *map(str, wheels.glob("ganbook-*.whl"))], check=True)
    if not hide_myst_nb:
        return site
    # Colab has no myst-nb: hide the build's copy, so ganbook.plot.glue runs without it.
    (site / "myst_nb").mkdir()
    (site / "myst_nb" / "__init__.py").write_text(
        'raise ImportError("myst-nb is hidden: a student\'s session need not have it")\n')
    return site


def set_parameters(nb, edits: dict[str, str]) -> None:
    """Replace ``NAME = ...`` lines of the tagged parameters cell, as a student's edit."""
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for name, value in edits.items():
        pattern = re.compile(rf"^{re.escape(name)}\s*=.*?(\s+#.*)?$", re.M)
        if not pattern.search(cell.source):
            raise ValueError(f"the parameters cell has no {name} = ... line")
        cell.source = pattern.sub(lambda m: f"{name} = {value}{m.group(1) or ''}", cell.source)


def copy_alone(chapter: str, folder: Path, edits: dict[str, str], site: Path) -> Path:
    """Write ``chapter`` (with ``edits``) alone into the empty ``folder``; the copy's path.

    A last cell prints where ``ganbook`` came from and fails unless it is the wheel in ``site``.
    """
    folder.mkdir(parents=True, exist_ok=False)
    nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    set_parameters(nb, edits)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import ganbook\nprint('ganbook from', ganbook.__file__)\n"
        f"assert ganbook.__file__.startswith({str(site)!r}), 'ganbook is not the wheel'"))
    nbformat.write(nb, folder / f"{chapter}.ipynb")
    return folder / f"{chapter}.ipynb"


def student_environment(site: Path, profile: str) -> dict[str, str]:
    """This process's environment as a student's session has it: no claim checks, ganbook
    from the wheel in ``site``, the chosen profile."""
    env = {k: v for k, v in os.environ.items() if k not in ("GANBOOK_CHECK_CLAIMS", "PYTHONPATH")}
    return {**env, "PYTHONPATH": str(site), "GANBOOK_PROFILE": profile}


def run_alone(chapter: str, site: Path, profile: str, edits: dict[str, str], scratch: Path,
              keep: Path) -> float:
    """Execute ``chapter`` alone in an empty folder under ``scratch``; its seconds.  Raises on any trouble."""
    folder = Path(tempfile.mkdtemp(prefix=f"{chapter}-", dir=scratch)) / "chapter"
    copy_alone(chapter, folder, edits, site)
    saved = {name: os.environ.pop(name, None) for name in ("GANBOOK_CHECK_CLAIMS", "PYTHONPATH")}
    os.environ["PYTHONPATH"] = str(site)  # the kernel inherits this environment, claims unset
    try:
        seconds = run_notebook(folder / f"{chapter}.ipynb", profile, timeout=3600, keep=keep)
    finally:
        os.environ.pop("PYTHONPATH")
        os.environ.update({name: value for name, value in saved.items() if value is not None})
    nb = nbformat.read(keep / f"{chapter}.{profile}.ipynb", as_version=4)
    where = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    if str(site) not in where:
        raise RuntimeError(f"{chapter}: ganbook did not come from the wheel ({where.strip()})")
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") + "".join(output.get("data", {}).get("text/plain", ""))
            if TROUBLE.search(text):
                raise RuntimeError(f"{chapter} cell {i} shows: {text[:300]}")
    leftovers = sorted(p.name for p in folder.iterdir() if p.name != f"{chapter}.ipynb")
    print(f"{chapter} ({profile}{', ' if edits else ''}{', '.join(f'{k}={v}' for k, v in edits.items())}): "
          f"ran alone in {seconds:.0f} s; it left {leftovers or 'nothing'} in its folder")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # No default list here: Python 3.12's argparse checks a list default against `choices`
    # as one value, and refuses it.
    parser.add_argument("chapters", nargs="*", choices=CHAPTERS)
    parser.add_argument("--profile", choices=["smoke", "full"], default="smoke")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="edit a parameter, as an exercise does")
    parser.add_argument("--keep", type=Path, default=ROOT / ".cache" / "student_run",
                        help="where the executed notebooks are saved")
    args = parser.parse_args()
    edits = dict(item.split("=", 1) for item in args.set)
    with tempfile.TemporaryDirectory() as scratch:
        site = install_wheel(Path(scratch))
        for chapter in args.chapters or CHAPTERS:
            run_alone(chapter, site, args.profile, edits, Path(scratch), args.keep)


if __name__ == "__main__":
    main()
