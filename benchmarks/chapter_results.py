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

import tables
from profile_times import ROOT, run_notebook

from ganbook import results

RESULTS = results.RESULTS_DIR
CHAPTERS = ("tf_mlp_gan", "keras_dcgan")


# ------------------------------------------------- its tables in benchmarks/README.md

METRIC_COLUMNS = ("fid", "kid", "classifier_score", "classes_hit", "class_kl", "confident")


def _metric_cells(result: dict) -> str:
    return " | ".join(f"{result[c]:.3g}" if isinstance(result[c], float) else str(result[c])
                      for c in METRIC_COLUMNS)


def chapter_metrics_table(name: str, chapter: str) -> str:
    """Markdown table of a chapter's exported final metrics (``name``.json)."""
    results = tables.load_results(name)
    if not results:
        return f"_No measurement yet: run `python benchmarks/chapter_results.py {chapter}`._"
    lines = ["| run | " + " | ".join(METRIC_COLUMNS) + " | training time |",
             "|---" * (len(METRIC_COLUMNS) + 2) + "|"]
    lines += [f"| {run} | {_metric_cells(r['final'])} | {r['seconds']:.0f} s |"
              for run, r in results["runs"].items()]
    lines.append(f"| real floor | {_metric_cells(results['floor'])} | |")
    lines += ["", f"Chapter `{chapter}` in the `{results['profile']}` profile, {results['steps']} "
              f"steps per run, measured {results.get('measured_at', '')} on {results['floor']['n']} "
              f"samples against the held-out images. Data: "
              + results["data"].splitlines()[0] + "."]
    return "\n".join(lines)


def glance_row() -> str:
    """This benchmark's row of the README's "at a glance" table."""
    run = tables.load_results("keras_dcgan")
    final, floor = run["runs"]["DCGAN (this chapter)"]["final"], run["floor"]
    return (f"| DCGAN chapter, {run['steps']:,} steps | classifier score {final['classifier_score']:.2f} "
            f"(real digits {floor['classifier_score']:.2f}), FID {final['fid']:.1f} (real {floor['fid']:.1f}) "
            f"| `keras_dcgan.json` |")


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
