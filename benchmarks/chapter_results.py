"""Run image chapters in the full profile and keep the measurements they export.

Each chapter has a hidden cell that, when GANBOOK_RESULTS_DIR is set, writes its final
metrics as JSON (tf_mlp_gan -> mlp_gan.json, keras_dcgan -> keras_dcgan.json).  This
script runs the chapters exactly as the book build does, with that variable pointing at
the package's results folder (ganbook/assets/results/), benchmarks/README.md quotes the
files, and the README shows keras_dcgan's grid of samples (keras_dcgan_samples.png).
Usage: python benchmarks/chapter_results.py [tf_mlp_gan] [keras_dcgan]
"""

from __future__ import annotations

import argparse
import os

from profile_times import ROOT, run_notebook

from ganbook import results

RESULTS = results.RESULTS_DIR
CHAPTERS = ("tf_mlp_gan", "keras_dcgan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", choices=CHAPTERS, default=list(CHAPTERS))
    args = parser.parse_args()
    os.environ["GANBOOK_RESULTS_DIR"] = str(RESULTS)
    for chapter in args.chapters:
        seconds = run_notebook(ROOT / "book" / f"{chapter}.ipynb", "full")
        print(f"{chapter}: {seconds:.0f} s; results in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
