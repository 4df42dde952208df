"""Regenerate the README's measured tables from the JSON under benchmarks/results/.

Each table sits between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`
markers; nothing between them is typed by hand.  `--check` exits 1 if the README is stale.
Usage: python tools/update_readme.py [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "results"


def _load(name: str) -> dict:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _seconds(value: float | None) -> str:
    if value is None:
        return "not measured"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def profile_times_table() -> str:
    """Markdown table of chapter run times per profile, from profile_times.json."""
    results = _load("profile_times")
    if not results:
        return "_No measurements yet: run `make benchmarks`._"
    machine = results["machine"]
    lines = ["| chapter | `full` | `smoke` |", "|---|---|---|"]
    for chapter, times in sorted(results["chapters"].items()):
        lines.append(f"| {chapter} | {_seconds(times.get('full_seconds'))} "
                     f"| {_seconds(times.get('smoke_seconds'))} |")
    lines += ["", f"Measured {results['measured_at']} by `benchmarks/profile_times.py` on "
              f"{machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
              f"TensorFlow {machine['tensorflow']}, Keras {machine['keras']}; each chapter in a "
              "fresh kernel, start-up included. Data: "
              + "; ".join(f"{name}: {source}" for name, source in sorted(machine["data"].items()))
              + "."]
    return "\n".join(lines)


def clean_clone_table() -> str:
    """Markdown table of the clean-clone `make test` timing, from clean_clone.json."""
    results = _load("clean_clone")
    if not results:
        return "_No measurement yet: run `python benchmarks/clean_clone.py`._"
    return "\n".join([
        "| step | time |", "|---|---|",
        *(f"| {step} | {_seconds(seconds)} |" for step, seconds in results["steps"].items()),
        "", f"Measured {results['measured_at']} by `benchmarks/clean_clone.py` on "
            f"{results['cores']} cores: `{results['command']}` in a fresh clone "
            f"({results['outcome']}).",
    ])


def toy_losses_table() -> str:
    """Markdown table of the 2-D loss race, from toy_losses.json."""
    results = _load("toy_losses")
    if not results:
        return "_No measurement yet: run `python benchmarks/toy_losses.py`._"
    rows = {(r["loss"], r["toy"]): r for r in results["summary"]}

    def cell(r: dict) -> str:
        return (f"{r['modes_mean']:.1f} ± {r['modes_sd']:.1f} / {r['n_modes']}, "
                f"{100 * r['high_quality_mean']:.1f} ± {100 * r['high_quality_sd']:.1f}%")

    lines = ["| loss | " + " | ".join(f"{t}: modes covered, high quality" for t in results["toys"]) + " |",
             "|---" * (1 + len(results["toys"])) + "|"]
    lines += [f"| {loss} | " + " | ".join(cell(rows[loss, t]) for t in results["toys"]) + " |"
              for loss in results["losses"]]
    lines += ["", f"Mean ± sd over {results['seeds']} seeds; {results['steps']} generator steps, "
              f"batch {results['batch_size']}, modes with sigma {results['mode_std']}. Measured "
              f"{results['measured_at']} by `benchmarks/toy_losses.py` "
              f"({results['machine']}, {results['total_seconds'] / 60:.1f} min)."]
    return "\n".join(lines)


METRIC_COLUMNS = ("fid", "kid", "classifier_score", "classes_hit", "class_kl", "confident")


def _metric_cells(result: dict) -> str:
    return " | ".join(f"{result[c]:.3g}" if isinstance(result[c], float) else str(result[c])
                      for c in METRIC_COLUMNS)


def chapter_metrics_table(name: str, chapter: str) -> str:
    """Markdown table of a chapter's exported final metrics (``name``.json)."""
    results = _load(name)
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


def time_to_quality_table() -> str:
    """Markdown table of the DCGAN time-to-quality race, from dcgan_time_to_quality.json."""
    results = _load("dcgan_time_to_quality")
    if not results:
        return "_No measurement yet: run `python benchmarks/dcgan_time_to_quality.py`._"

    def reached(hit: dict | None) -> str:
        return "not reached" if hit is None else f"{_seconds(hit['seconds'])} ({hit['step']} steps)"

    scores = [f"score ≥ {t:g}" for t in results["score_thresholds"]]
    fids = [f"FID ≤ {t:g}" for t in results["fid_thresholds"]]
    lines = ["| configuration | " + " | ".join(scores + fids) + " | best score, best FID | trained |",
             "|---" * (len(scores) + len(fids) + 3) + "|"]
    for name, r in results["configurations"].items():
        cells = [reached(r["score"][str(t)]) for t in results["score_thresholds"]]
        cells += [reached(r["fid"][str(t)]) for t in results["fid_thresholds"]]
        lines.append(f"| {name} (batch {r['batch_size']}, {r['parameters']:,} parameters) | "
                     + " | ".join(cells)
                     + f" | {r['best_classifier_score']:.2f}, {r['best_fid']:.1f} | "
                     f"{r['steps']} steps, {_seconds(r['train_seconds'])} |")
    lines.append(_speedup_row(results))
    floor = results["floor"]
    lines += ["", f"Training time to the first evaluation (on {results['n_eval']} samples) that "
              f"meets each threshold, evaluation time excluded, capped at "
              f"{results['cap_minutes']:g} minutes; \"≥\" marks a lower bound, where the "
              f"tutorial's configuration did not meet the threshold within the cap. Real images score "
              f"{floor['classifier_score']:.2f} with FID {floor['fid']:.1f}. Measured "
              f"{results['measured_at']} by `benchmarks/dcgan_time_to_quality.py` "
              f"({results['machine']}); data: {results['data']}."]
    return "\n".join(lines)


def _speedup_row(results: dict) -> str:
    """How many times sooner the book's configuration meets each threshold than the
    tutorial's; a lower bound (the cap) where the tutorial never met it."""
    book, tutorial = results["configurations"].values()
    cap = 60 * results["cap_minutes"]

    def ratio(kind: str, threshold: float) -> str:
        ours, theirs = book[kind][str(threshold)], tutorial[kind][str(threshold)]
        if ours is None:
            return "–"
        if theirs is None:
            return f"≥ {cap / ours['seconds']:.1f}×"
        return f"{theirs['seconds'] / ours['seconds']:.1f}×"

    cells = [ratio("score", t) for t in results["score_thresholds"]]
    cells += [ratio("fid", t) for t in results["fid_thresholds"]]
    return "| book sooner by | " + " | ".join(cells) + " | | |"


def latent_code_table() -> str:
    """Markdown table of the DCGAN with and without a one-hot latent code, from dcgan_latent_code.json."""
    results = _load("dcgan_latent_code")
    if not results:
        return "_No measurement yet: run `python benchmarks/dcgan_latent_code.py`._"

    def per_seed(runs: list, key: str, fmt: str) -> str:
        return ", ".join(format(r[key], fmt) for r in runs)

    def mean(runs: list, key: str) -> float:
        return sum(r[key] for r in runs) / len(runs)

    lines = ["| variant | steps | classifier score (each seed) | class KL (each seed) | FID, mean | "
             "unsure samples, mean | their share of the entropy, mean |", "|---|---|---|---|---|---|---|"]
    for name, runs in results["variants"].items():
        lines.append(f"| {name} | {runs[0]['steps']} | {per_seed(runs, 'classifier_score', '.2f')} | "
                     f"{per_seed(runs, 'class_kl', '.3f')} | {mean(runs, 'fid'):.1f} | "
                     f"{mean(runs, 'unsure_share'):.1%} | {mean(runs, 'unsure_entropy_share'):.0%} |")
    seeds = ", ".join(str(r["seed"]) for r in next(iter(results["variants"].values())))
    lines += ["", f"The Keras chapter's DCGAN and training settings with the changes each row names "
              f"(learning rates decaying to 0 over each run's steps), seeds {seeds}; metrics on {results['n_eval']} samples (real images score "
              f"{results['floor']['classifier_score']:.2f}). A sample is unsure when the "
              f"evaluator's top probability is below 0.9. Measured by "
              f"`benchmarks/dcgan_latent_code.py`, file last written {results['measured_at']} (a "
              f"run of some variants keeps the others' earlier rows; {results['machine']}); "
              f"data: {results['data']}."]
    return "\n".join(lines)


def step_speed_table() -> str:
    """Markdown table of DCGAN step times per TensorFlow setting, from step_speed.json."""
    results = _load("step_speed")
    if not results:
        return "_No measurement yet: run `python benchmarks/step_speed.py`._"
    lines = ["| setting | ms per DCGAN step (each repeat) | best |", "|---|---|---|"]
    lines += [f"| {label} | {', '.join(f'{t:.1f}' for t in times)} | "
              f"{min(times):.1f} |"
              for label, times in results["ms_per_step"].items()]
    lines += ["", f"The Keras chapter's DCGAN step (batch {results['batch_size']}), {results['steps']} steps per "
              f"measurement, alternating; this machine's speed drifts (some repeats run at half "
              f"speed), so compare the best repeats. Measured {results['measured_at']} by "
              f"`benchmarks/step_speed.py` ({results['machine']})."]
    return "\n".join(lines)


SECTIONS = {"step-speed": step_speed_table, "profile-times": profile_times_table, "clean-clone": clean_clone_table,
            "toy-losses": toy_losses_table,
            "mlp-gan": lambda: chapter_metrics_table("mlp_gan", "tf_mlp_gan"),
            "dcgan": lambda: chapter_metrics_table("keras_dcgan", "keras_dcgan"),
            "time-to-quality": time_to_quality_table, "latent-code": latent_code_table}


def render(text: str) -> str:
    """``text`` with every generated section replaced by its freshly rendered table."""
    for name, make_table in SECTIONS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN generated:{name} -->\n).*?(<!-- END generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md has no generated:{name} markers")
        text = pattern.sub(lambda m: m.group(1) + make_table() + "\n" + m.group(2), text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    current = README.read_text()
    fresh = render(current)
    if args.check:
        if fresh != current:
            print("README.md is stale: run `make readme`")
            return 1
        return 0
    README.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
