"""Regenerate the README's and benchmarks/README.md's generated sections.

The tables come from the JSON under ganbook/assets/results/, the chapter list from
book/intro.md's chapter map, and every link from `_config.yml`'s repository settings.
Each section sits between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`
markers; nothing between them is typed by hand.  `--check` exits 1 if a file is stale.
Usage: python tools/update_readme.py [--check]
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from pathlib import Path

import yaml

from ganbook import recipes, results, training

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS_README = ROOT / "benchmarks" / "README.md"
RESULTS = results.RESULTS_DIR
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def _load(name: str) -> dict:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _seconds(value: float | None) -> str:
    if value is None:
        return "not measured"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def _rate(value: float) -> str:
    """A learning rate as the papers write it: 3e-3, 2e-4."""
    return f"{value:.0e}".replace("e-0", "e-")


def _real_floor(n: int) -> str:
    """What ``n`` real MNIST training images score on the book's evaluator, from the DCGAN
    chapter's measured floor (keras_dcgan.json), or a note that it was measured at another size."""
    floor = _load("keras_dcgan").get("floor", {})
    if floor.get("n") != n:
        return f"no real-image floor measured at {n:,} images"
    return f"{n:,} real images score {floor['classifier_score']:.2f}, FID {floor['fid']:.1f}"


def profile_times_table() -> str:
    """Markdown table of chapter run times per profile, from profile_times.json."""
    results = _load("profile_times")
    if not results:
        return "_No measurements yet: run `make benchmarks`._"
    machine = results["machine"]
    lines = ["| chapter | `full` | `smoke` | measured |", "|---|---|---|---|"]
    for chapter, times in sorted(results["chapters"].items()):
        lines.append(f"| {chapter} | {_seconds(times.get('full_seconds'))} "
                     f"| {_seconds(times.get('smoke_seconds'))} "
                     f"| {times.get('measured_at', results['measured_at'])}, "
                     f"{times.get('cpu', machine['cpu'])} |")
    lines += ["", f"Measured by `benchmarks/profile_times.py` (file last written {results['measured_at']}) on "
              f"{machine['cores']} cores, Python {machine['python']}, "
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
    wgans = {name: s for name, s in training.TOY_SETUPS.items() if s.n_critic > 1}
    others = {s.learning_rate for s in training.TOY_SETUPS.values() if s.n_critic == 1}
    critic_steps = " or ".join(str(n) for n in sorted({s.n_critic for s in wgans.values()}))
    lines += ["", f"Mean ± sd over {results['seeds']} seeds; {results['steps']} generator steps, each loss "
              f"with its setup in `training.TOY_SETUPS` (the WGANs with their papers' optimizers "
              f"and learning rates, {critic_steps} critic steps each on a fresh batch; the others with Adam "
              f"{' or '.join(map(_rate, sorted(others)))}), "
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
    lines = ["| configuration | " + " | ".join(scores + fids)
             + " | best score, best FID | trained | ms per step, median chunk |",
             "|---" * (len(scores) + len(fids) + 4) + "|"]
    for name, r in results["configurations"].items():
        cells = [reached(r["score"][str(t)]) for t in results["score_thresholds"]]
        cells += [reached(r["fid"][str(t)]) for t in results["fid_thresholds"]]
        lines.append(f"| {name} (batch {r['batch_size']}, {r['parameters']:,} parameters) | "
                     + " | ".join(cells)
                     + f" | {r['best_classifier_score']:.2f}, {r['best_fid']:.1f} | "
                     f"{r['steps']:,} steps, {_seconds(r['train_seconds'])} | {r['ms_per_step_median']:.0f} |")
    lines.append(_speedup_row(results))
    floor = results["floor"]
    steps = "; ".join(f"{name}: {r['step_definition']}" for name, r in results["configurations"].items())
    lines += ["", f"Training time to the first evaluation (on {results['n_eval']} samples) that "
              f"meets each threshold, evaluation time excluded, capped at "
              f"{results['cap_minutes']:g} minutes; \"≥\" marks a lower bound, where the "
              f"tutorial's configuration did not meet the threshold within the cap. Each configuration "
              f"trains with its own step ({steps}); the two alternate in timed chunks of "
              f"{results['chunk']} steps while both train, so a slow spell of the machine hits both alike "
              f"(the book's run ends first; the tutorial's then continues alone). Real images "
              f"score {floor['classifier_score']:.2f} with FID {floor['fid']:.1f}. Measured "
              f"{results['measured_at']} by `benchmarks/dcgan_time_to_quality.py` "
              f"({results['machine']}); data: {results['data']}."]
    return "\n".join(lines)


def _speedup(results: dict, kind: str, threshold: float) -> str:
    """How many times sooner the book's configuration meets ``threshold`` of ``kind`` than the
    tutorial's; a lower bound (the cap) where the tutorial never met it."""
    book, tutorial = results["configurations"].values()
    ours, theirs = book[kind][str(threshold)], tutorial[kind][str(threshold)]
    if ours is None:
        return "–"
    if theirs is None:
        return f"≥ {60 * results['cap_minutes'] / ours['seconds']:.1f}×"
    return f"{theirs['seconds'] / ours['seconds']:.1f}×"


def _speedup_row(results: dict) -> str:
    """The time-to-quality table's row of speed-ups, one per threshold."""
    cells = [_speedup(results, "score", t) for t in results["score_thresholds"]]
    cells += [_speedup(results, "fid", t) for t in results["fid_thresholds"]]
    return "| book sooner by | " + " | ".join(cells) + " | | | |"


def latent_code_table() -> str:
    """Markdown table of the DCGAN with and without a one-hot latent code, from dcgan_latent_code.json."""
    results = _load("dcgan_latent_code")
    if not results:
        return "_No measurement yet: run `python benchmarks/dcgan_latent_code.py`._"

    def mean(runs: list, key: str) -> float:
        return sum(r[key] for r in runs) / len(runs)

    def digits(runs: list) -> str:
        return ", ".join("-" if r.get("majority_digits") is None else str(r["majority_digits"]) for r in runs)

    lines = ["| variant | steps | classifier score (each seed) | class KL (each seed) | FID (each seed) | "
             "unsure samples, mean | their share of the entropy, mean | digits with a category (each seed) |",
             "|---|---|---|---|---|---|---|---|"]
    for name, runs in results["variants"].items():
        lines.append(f"| {name} | {runs[0]['steps']} | {_per_seed(runs, 'classifier_score', '.2f')} | "
                     f"{_per_seed(runs, 'class_kl', '.3f')} | {_per_seed(runs, 'fid', '.1f')} | "
                     f"{mean(runs, 'unsure_share'):.1%} | {mean(runs, 'unsure_entropy_share'):.0%} | "
                     f"{digits(runs)} |")
    seeds = ", ".join(str(r["seed"]) for r in next(iter(results["variants"].values())))
    lines += ["", f"The Keras chapter's DCGAN and training settings with the changes each row names "
              f"(learning rates decaying to 0 over each run's steps), seeds {seeds}; "
              f"metrics on {results['n_eval']} samples (real images score "
              f"{results['floor']['classifier_score']:.2f}). A sample is unsure when the "
              f"evaluator's top probability is below 0.9; a category's digit is the one its "
              f"samples show most often. Measured by "
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


def _per_seed(runs: list, key: str, fmt: str) -> str:
    """The value of ``key`` in each run, formatted with ``fmt``, comma-separated."""
    return ", ".join(format(r[key], fmt) for r in runs)


def _mean_sd(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, (sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1)) ** 0.5


SSGAN_ROWS = ("supervised_clean", "supervised", "fm", "fm_squared", "fm_half_unsupervised", "fm_uniform_prior",
              "fm_output_weight_norm", "fm_feature_batch", "fm_script_choices", "fm_other_init", "non_saturating")


def ssgan_table() -> str:
    """Markdown table of the semi-supervised GAN over label seeds, from ssgan_mnist.json."""
    results = _load("ssgan_mnist")
    if not results:
        return "_No measurement yet: run `python benchmarks/ssgan_mnist.py`._"
    lines = ["| data | classifier | test error, mean ± sd | label seed: error | generator's FID, "
             "classifier score | trained |", "|---|---|---|---|---|---|"]
    n_samples = 0
    for dataset, variants in results["results"].items():
        for variant in SSGAN_ROWS:
            if variant not in variants:
                continue
            runs = variants[variant]["runs"]
            n_samples = runs[0].get("samples", {}).get("n", n_samples)
            mean, sd = _mean_sd([100 * r["error"] for r in runs])
            spread = f"{mean:.2f} ± {sd:.2f}%" if len(runs) > 1 else f"{mean:.2f}% (one seed)"
            each = ", ".join(f"{r['seed']}: {100 * r['error']:.2f}" for r in runs)
            samples = "–"
            if "samples" in runs[0]:
                fid, _ = _mean_sd([r["samples"]["fid"] for r in runs])
                score, _ = _mean_sd([r["samples"]["classifier_score"] for r in runs])
                samples = f"{fid:.0f}, {score:.2f}"
            trained = f"{runs[0].get('steps', results['supervised_steps']):,} steps"
            label = variants[variant]["label"].replace("|", "\\|")
            lines.append(f"| {dataset} | {label} | {spread} | {each} | "
                         f"{samples} | {trained} |")
    data = "; ".join(results["data"].values())
    lines += ["", f"{results['labels_per_class']} labels per class drawn with `data.labeled_subset` for "
              f"each seed, every training image unlabelled, errors on the held-out test images; "
              f"supervised rows train {results['supervised_steps']:,} steps on the labels alone; FID and "
              f"classifier score of {n_samples:,} generated images on the book's evaluator "
              f"({_real_floor(n_samples)} on MNIST). Measured by `benchmarks/ssgan_mnist.py`, file last written "
              f"{results['measured_at']} ({results['machine']}); data: {data}."]
    return "\n".join(lines)


def ssgan_time_table() -> str:
    """Markdown table of the semi-supervised GAN's test error against training time (MNIST)."""
    results = _load("ssgan_mnist")
    runs = results.get("results", {}).get("mnist", {}).get("fm", {}).get("runs")
    if not runs:
        return "_No measurement yet: run `python benchmarks/ssgan_mnist.py`._"
    lines = ["| step | training time, mean | test error, mean ± sd |", "|---|---|---|"]
    for i, step in enumerate(runs[0]["curve"]["step"]):
        if step % 1000 and i != len(runs[0]["curve"]["step"]) - 1:
            continue
        seconds, _ = _mean_sd([r["curve"]["seconds"][i] for r in runs])
        mean, sd = _mean_sd([100 * r["curve"]["error"][i] for r in runs])
        lines.append(f"| {step:,} | {_seconds(seconds)} | {mean:.2f} ± {sd:.2f}% |")
    lines += ["", f"The chapter's semi-supervised GAN on MNIST, {len(runs)} label seeds, learning rates "
              f"decaying to 0 over {runs[0]['steps']:,} steps; training time excludes the test-error "
              "checks. Same file as the table above."]
    return "\n".join(lines)


def _tricks_table(part_name: str, headers: list[str], cells, footer: str) -> str:
    """A table of one part of tricks_ablation.json: a row per trick, ``cells(runs)`` after its label."""
    results = _load("tricks_ablation")
    part = results.get("parts", {}).get(part_name)
    if not part:
        return f"_No measurement yet: run `python benchmarks/tricks_ablation.py --parts {part_name}`._"
    lines = ["| " + " | ".join(headers) + " |", "|---" * len(headers) + "|"]
    lines += [f"| {label} | " + " | ".join(cells(row)) + " |" for label, row in part["rows"].items()]
    seeds = len(next(iter(part["rows"].values()))["runs"])
    n_samples = next(iter(part["rows"].values()))["runs"][0].get("n", 0)
    return "\n".join(lines + ["", footer.format(steps=part["steps"], seeds=seeds, n_samples=n_samples,
                                                 floor=_real_floor(n_samples), **results)])


def _mean_sd_cell(runs: list, key: str, scale: float = 1.0, digits: int = 2, unit: str = "") -> str:
    mean, sd = _mean_sd([scale * r[key] for r in runs])
    return f"{mean:.{digits}f} ± {sd:.{digits}f}{unit}"


def tricks_dcgan_table() -> str:
    """Markdown table of every trick alone on the plain DCGAN, from tricks_ablation.json."""
    return _tricks_table(
        "dcgan", ["trick", "what it does", "classifier score", "FID", "class KL, mean", "ms per step, mean"],
        lambda row: [row["description"], _mean_sd_cell(row["runs"], "classifier_score"),
                     _mean_sd_cell(row["runs"], "fid", digits=0),
                     f"{_mean_sd([r['class_kl'] for r in row['runs']])[0]:.3f}",
                     f"{_mean_sd([r['ms_per_step'] for r in row['runs']])[0]:.0f}"],
        "The plain DCGAN (`tricks.plain_dcgan()`: Radford et al.'s recipe at the book's sizes, Adam "
        f"{_rate(recipes.plain_dcgan().g_learning_rate)}) with one trick at a time, {{steps:,}} steps, mean ± sd "
        "over {seeds} seeds; metrics of {n_samples:,} samples on the book's evaluator ({floor}). Measured by "
        "`benchmarks/tricks_ablation.py`, file last written {measured_at} ({machine}); data: {data}.")


def tricks_grid_table() -> str:
    """Markdown table of every applicable trick alone on the 5x5 grid, from tricks_ablation.json."""
    return _tricks_table(
        "grid", ["trick", "modes covered (of 25)", "high-quality samples"],
        lambda row: [_mean_sd_cell(row["runs"], "modes_covered", digits=1),
                     _mean_sd_cell(row["runs"], "high_quality", scale=100, digits=1, unit="%")],
        "The Losses chapter's toy GAN (`tricks.plain_toy_gan()`) with one trick at a time on the 5x5 grid "
        "(sigma 0.05), {steps:,} steps, mean ± sd over {seeds} seeds, 2,500 samples each. Same file as the "
        "table above.")


def tricks_moonshot_table() -> str:
    """Markdown table of the helpful tricks combined against the DCGAN chapter's model."""
    results = _load("tricks_ablation")
    part = results.get("parts", {}).get("moonshot")
    if not part:
        return "_No measurement yet: run `python benchmarks/tricks_ablation.py --parts moonshot`._"
    lines = ["| configuration | classifier score (each seed) | FID (each seed) | class KL, mean |",
             "|---|---|---|---|"]
    def row(label: str, runs: list) -> str:
        kl, _ = _mean_sd([r["class_kl"] for r in runs])
        return (f"| {label} | {_per_seed(runs, 'classifier_score', '.2f')} | {_per_seed(runs, 'fid', '.1f')} | "
                f"{kl:.3f} |")

    lines += [row(label, r["runs"]) for label, r in part["rows"].items()]
    modern = _load("modern_recipe").get("main")
    if modern:
        lines.append(row(f"R3GAN, gamma {modern['gamma']:g}, learning rate {_rate(modern['learning_rate'])} "
                         "(`benchmarks/modern_recipe.py`)", modern["runs"]))
    book = _load("dcgan_latent_code").get("variants", {})
    chapter = next((runs for name, runs in book.items() if "the chapter's" in name), None)
    if chapter:
        lines.append(row("the DCGAN chapter's model (`benchmarks/dcgan_latent_code.py`)", chapter))
    seeds = ", ".join(str(r["seed"]) for r in next(iter(part["rows"].values()))["runs"])
    lines += ["", f"{part['steps']:,} steps each, seeds {seeds}, the same evaluator. Same file as the "
              "tables above."]
    return "\n".join(lines)


def sgd_sweep_table() -> str:
    """Markdown table of the SGD-for-D learning-rate sweep (seed 0), from tricks_ablation.json."""
    results = _load("tricks_ablation")
    sweep = results.get("parts", {}).get("sgd_sweep")
    if not sweep:
        return "_No measurement yet: run `python benchmarks/tricks_ablation.py --parts sgd_sweep`._"
    lines = ["| problem | D's SGD rate | momentum | result |", "|---|---|---|---|"]
    for part, entry in sweep.items():
        for run in entry["runs"]:
            if "diverged" in run:
                outcome = run["diverged"]
            elif part == "grid":
                outcome = f"{run['modes_covered']}/25 modes, {100 * run['high_quality']:.1f}% high quality"
            else:
                outcome = f"score {run['classifier_score']:.2f}, FID {run['fid']:.1f}"
            lines.append(f"| {part}, {entry['steps']:,} steps | {run['learning_rate']:.0e} | {run['momentum']:g} | "
                         f"{outcome} |")
    chosen = ", ".join(f"{part} x{multiple:g} with momentum {momentum:g}"
                       for part, (multiple, momentum) in recipes.SGD_FOR_D.items())
    return "\n".join(lines + ["", "Seed 0; G keeps Adam at the recipe's rate. The `sgd_for_d` rows of the two "
                              f"tables use the best setting of each problem ({chosen} times the recipe's Adam "
                              "rate). Same file as the tables above."])


def r3gan_sweep_table() -> str:
    """Markdown table of R3GAN's tuning runs (one seed), from modern_recipe.json."""
    results = _load("modern_recipe")
    sweep, main = results.get("sweep"), results.get("main")
    if not sweep:
        return "_No measurement yet: run `python benchmarks/modern_recipe.py`._"
    lines = ["| gamma (R1 and R2) | learning rate | classifier score | FID |", "|---|---|---|---|"]
    lines += [f"| {r['gamma']:g} | {_rate(r['learning_rate'])} | {r['classifier_score']:.2f} | {r['fid']:.1f} |"
              for r in sweep["runs"]]
    chosen = (f"the main runs use gamma {main['gamma']:g} and {_rate(main['learning_rate'])}, {main['steps']:,} "
              "steps" if main else "no main run yet")
    return "\n".join(lines + ["", f"Seed {sweep['seed']}, {sweep['steps']:,} steps each (the learning rate decays "
                              f"to 0 over the run); {chosen}. Measured by `benchmarks/modern_recipe.py`, file last "
                              f"written {results['measured_at']} ({results['machine']}); data: {results['data']}."])


def stacked_mnist_table() -> str:
    """Markdown table of the modes a DCGAN covers on Stacked MNIST, from stacked_mnist.json."""
    results = _load("stacked_mnist")
    if not results.get("rows"):
        return "_No measurement yet: run `python benchmarks/stacked_mnist.py`._"
    lines = ["| variant | modes covered of 1,000 (each seed) | KL to uniform (each seed) |", "|---|---|---|"]
    for variant, runs in results["rows"].items():
        lines.append(f"| {variant} | {_per_seed(runs, 'modes_covered', 'd')} | "
                     f"{_per_seed(runs, 'kl_to_uniform', '.2f')} |")
    real = results["real_test_digits"]
    anchors = "; ".join(f"{name} {a['modes_covered']:,} modes, KL {a['kl_to_uniform']:.2f}"
                        for name, a in results.get("anchors", {}).items())
    return "\n".join(lines + ["", f"The plain DCGAN (`tricks.plain_dcgan()`) on three-channel images of "
                              f"{results['train_images']:,} random digit triples, {results['steps']:,} steps; "
                              f"{results['samples']:,} samples counted channel by channel with the book's "
                              f"evaluator. {real['samples']:,} triples of real test digits read the same way "
                              f"cover {real['modes_covered']:,} modes, KL {real['kl_to_uniform']:.2f} (the "
                              f"counter's floor). Published anchors at full scale: {anchors or 'none stored'}. "
                              f"Measured by `benchmarks/stacked_mnist.py`, file last written "
                              f"{results['measured_at']} ({results['machine']}); data: {results['data']}."])


FAMILY_COLUMNS = {  # key in family.json: (header, format, scale)
    "conditional_accuracy": ("conditional accuracy", ".1f", 100),
    "fid": ("FID", ".1f", 1),
    "classifier_score": ("classifier score", ".2f", 1),
    "variety_hard": ("variety, 4 hardest classes", ".2f", 1),
    "variety_easy": ("variety, other classes", ".2f", 1),
    "matched_accuracy": ("matched accuracy", ".1f", 100),
    "purity": ("purity", ".1f", 100),
    "mi_bound": ("L_I (nats)", ".2f", 1),
    "variety": ("variety", ".2f", 1),
    "rank_correlation": ("rank correlation of its loss with FID", ".2f", 1),
    # lists, one value per continuous code: a run counts its code with the largest |value|
    "slant_correlation": ("largest abs. rank correlation of a continuous code with slant", ".2f", 1),
    "stroke_width_correlation": ("... with stroke width", ".2f", 1),
    "recovered_variance": ("share of a continuous code's variance Q recovers (smallest)", ".2f", 1),
}


def _family_value(run: dict, column: str) -> float:
    """A run's number for a column of the family table; per-code lists reduce to one number."""
    value = run[column]
    if not isinstance(value, list):
        return value
    return min(value) if column == "recovered_variance" else max(abs(v) for v in value)


WGAN_GOAL = {"fid": 20.0, "classifier_score": 8.5}  # the goal for WGAN-GP's chapter configuration


def wgan_goal_line(runs: list[dict]) -> str:
    """The goal for the Other objectives chapter's WGAN-GP, and how far its runs are from it."""
    fids = [r["fid"] for r in runs]
    scores = [r["classifier_score"] for r in runs]
    met = max(fids) <= WGAN_GOAL["fid"] and min(scores) >= WGAN_GOAL["classifier_score"]
    return (f"**Goal** for WGAN-GP's chapter configuration (rate 1e-3): FID ≤ {WGAN_GOAL['fid']:g} and "
            f"classifier score ≥ {WGAN_GOAL['classifier_score']:g} on every seed. Measured: FID "
            f"{min(fids):.1f} to {max(fids):.1f}, score {min(scores):.2f} to {max(scores):.2f}: "
            + ("met." if met else "not met; the rates tried are in the WGAN-GP table above."))


def family_table() -> str:
    """Markdown table of the GAN family's headline numbers over seeds, from family.json."""
    results = _load("family")
    if not results:
        return "_No measurement yet: run `python benchmarks/family.py`._"
    lines = []
    for group in (("label_channel_cgan_mnist", "cgan_mnist", "acgan_mnist", "cgan_fashion", "acgan_fashion"),
                  ("code_only", "infogan"),
                  ("wgan_gp", "wgan_gp_3x_rate", "wgan_gp_10x_rate", "wgan_gp_20x_rate", "dcgan_control"),
                  ("began_low", "began_high", "began_paper_lambda_k", "began_paper_autoencoder",
                   "began_high_layer_norm", "began_high_no_norm")):
        runs = {key: results["runs"][key] for key in group if key in results["runs"]}
        if not runs:
            continue
        columns = [c for c in FAMILY_COLUMNS if c in next(iter(runs.values()))["runs"][0]]
        lines += ["| model | steps | " + " | ".join(FAMILY_COLUMNS[c][0] for c in columns) + " |",
                  "|---|---|" + "---|" * len(columns)]
        for entry in runs.values():
            cells = []
            for c in columns:
                _, fmt, scale = FAMILY_COLUMNS[c]
                mean, sd = _mean_sd([scale * _family_value(r, c) for r in entry["runs"]])
                spread = f" ± {sd:{fmt}}" if len(entry["runs"]) > 1 else ""  # no spread from one seed
                cells.append(f"{mean:{fmt}}{spread}{'%' if scale == 100 else ''}")
            seeds = ", ".join(str(r["seed"]) for r in entry["runs"])
            label = entry["label"] if len(entry["runs"]) > 1 else f"{entry['label']} (seed {seeds} only)"
            lines.append(f"| {label} | {entry['runs'][0]['steps']:,} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [wgan_goal_line(results["runs"]["wgan_gp_10x_rate"]["runs"]), ""]
    seeds = ", ".join(str(r["seed"]) for r in next(iter(results["runs"].values()))["runs"])
    lines += [f"Mean ± sd over seeds {seeds}; {results['per_class']} samples per class (or per category) on "
              "the book's evaluators. Variety: the total variance of the evaluator's features within a class, "
              "generated over real (1 = as varied as the real class); the hardest classes are the four the "
              "evaluator gets wrong most often on real held-out images. Matched accuracy: the share of "
              "InfoGAN's samples whose digit is their category's after the best one-to-one matching; purity "
              "lets two categories share a digit. Continuous codes: Spearman's rank correlation of each code "
              "with the slant and the stroke width of its images (`ganbook.strokes`); each run counts its "
              "code with the largest absolute correlation, and its code that Q recovers worst. "
              "WGAN-GP and BEGAN: 2,000 samples; their variety is over all samples "
                 "against all real held-out digits; WGAN-GP's steps are generator steps of five critic steps each. "
                 "Rank correlation: Spearman's, over the run's FID measurements, of "
                 "FID with WGAN-GP's critic estimate of the Wasserstein distance, BEGAN's M_global or the DCGAN "
                 "control's discriminator loss (1: they always move together). "
                 "Measured by `benchmarks/family.py`, file last written "
              f"{results['measured_at']} ({results['machine']}); data: {results['data']}."]
    return "\n".join(lines)


def _compat_row(result: dict, chapters: set[str]) -> str:
    # One pair's row; a pair whose install failed has no test counts.
    cells = [result["tensorflow"], result["keras"]]
    units = result.get("unit_tests")
    if not units:
        return "| " + " | ".join(cells + ["-", "-", "-", result["outcome"]]) + " |"
    ran = {k: v for k, v in result.get("chapters", {}).items() if k in chapters}
    failed = sorted(k for k, v in ran.items() if v == "failed")
    cells += [result.get("installed", {}).get("numpy", "-"),
              f"{units['passed']} of {units['passed'] + units['failed']}",
              f"{len(ran) - len(failed)} of {len(ran)}" + (f" (failed: {', '.join(failed)})" if failed else ""),
              result["outcome"]]
    return "| " + " | ".join(cells) + " |"


def compat_table() -> str:
    """Markdown table of the TensorFlow / Keras pairs tested by benchmarks/compat.py."""
    results = _load("compat")
    if not results:
        return "_No measurement yet: run `make compat`._"
    chapters = {path.stem for path in (ROOT / "book").glob("*.ipynb")}
    lines = ["| TensorFlow | Keras | NumPy | unit tests passed | chapters passed (smoke) | outcome |",
             "|---|---|---|---|---|---|"]
    order = sorted(results["pairs"].values(),
                   key=lambda r: [int(p) for v in (r["tensorflow"], r["keras"]) for p in v.split(".")])
    lines += [_compat_row(result, chapters) for result in order]
    lines += ["", "Measured by `benchmarks/compat.py` (`make compat`): a fresh virtual environment per "
              "pair, `ganbook` installed from its built wheel, the unit tests and every chapter in "
              "`smoke` (the book-build, browser and README-table checks left out); "
              + "; ".join(f"{k} on {v['measured_at']}" for k, v in results["pairs"].items()) + "."]
    return "\n".join(lines)


@functools.cache
def repository() -> dict:
    """`_config.yml`'s repository settings: ``url``, ``branch``, and ``owner`` / ``name``."""
    settings = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", settings["url"])
    if not match:
        raise ValueError(f"_config.yml: repository.url {settings['url']!r} is not https://github.com/OWNER/NAME")
    return {"url": settings["url"], "branch": settings["branch"],
            "owner": match.group(1), "name": match.group(2)}


def site_url() -> str:
    """Where GitHub Pages publishes the book (`.github/workflows/book.yml` deploys it)."""
    repo = repository()
    return f"https://{repo['owner'].lower()}.github.io/{repo['name']}/"


def colab_url(chapter: str) -> str:
    """The Colab address that opens ``book/chapter.ipynb`` from the repository's branch."""
    repo = repository()
    return (f"https://colab.research.google.com/github/{repo['owner']}/{repo['name']}/blob/"
            f"{repo['branch']}/book/{chapter}.ipynb")


def chapter_map() -> list[tuple[str, str, str]]:
    """(part, chapter file stem, what runs) for each row of book/intro.md's chapter map."""
    text = (ROOT / "book" / "intro.md").read_text()
    section = text.split("## Chapter map", 1)[1].split("\n## ", 1)[0]
    rows, part = [], ""
    for line in section.splitlines():
        match = re.fullmatch(r"\| *([^|]*?) *\| *\{doc\}`(\w+)` *\| *(.+?) *\|", line)
        if match:
            part = match.group(1) or part
            rows.append((part, match.group(2), match.group(3)))
    if not rows:
        raise ValueError("book/intro.md has no chapter map rows")
    return rows


def chapter_title(chapter: str) -> str:
    """The first heading of ``book/chapter.ipynb``."""
    notebook = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())
    first = "".join(next(c for c in notebook["cells"] if c["cell_type"] == "markdown")["source"])
    return first.splitlines()[0].lstrip("# ").strip()


def chapters_table() -> str:
    """The book's chapters: part, title (linked to its page), what runs, `full` time, Colab."""
    times = _load("profile_times").get("chapters", {})
    lines = ["| part | chapter | what runs | `full` | open |", "|---|---|---|---|---|"]
    previous = None
    for part, chapter, what in chapter_map():
        page = f"{site_url()}book/{chapter}.html"
        what = re.sub(r"\{doc\}`(\w+)`", lambda m: chapter_title(m.group(1)), what)
        shown, previous = ("" if part == previous else part), part
        lines.append(f"| {shown} | [{chapter_title(chapter)}]({page}) | {what} | "
                     f"{_seconds(times.get(chapter, {}).get('full_seconds'))} | "
                     f"[![Open in Colab]({COLAB_BADGE})]({colab_url(chapter)}) |")
    return "\n".join(lines + ["", "`full`: the chapter's run time in the `full` profile, measured by "
                              "`benchmarks/profile_times.py` (see [the results](benchmarks/README.md))."])


def reading_links() -> str:
    """Where to read the book and its source, from `_config.yml`."""
    repo = repository()
    return (f"- **Read it** at [{site_url()}]({site_url()}), built and published by "
            "`.github/workflows/book.yml` from the `full` profile.\n"
            f"- **Open a chapter in Colab** with its badge above, or from the rocket button on its page; "
            f"the first cell installs `ganbook` from [{repo['url']}]({repo['url']}).")


def _glance_dcgan() -> str:
    run = _load("keras_dcgan")
    final, floor = run["runs"]["DCGAN (this chapter)"]["final"], run["floor"]
    return (f"| DCGAN chapter, {run['steps']:,} steps | classifier score {final['classifier_score']:.2f} "
            f"(real digits {floor['classifier_score']:.2f}), FID {final['fid']:.1f} (real {floor['fid']:.1f}) "
            f"| `keras_dcgan.json` |")


def _glance_time_to_quality() -> str:
    run = _load("dcgan_time_to_quality")
    (book_name, book), (tutorial_name, _) = run["configurations"].items()
    threshold = run["score_thresholds"][-1]
    hit = book["score"][str(threshold)]
    return (f"| time to a classifier score of {threshold:g} | {_seconds(hit['seconds'])} for the {book_name}, "
            f"{_speedup(run, 'score', threshold)} sooner than the {tutorial_name} "
            f"(which trains up to {run['cap_minutes']:g} min) | `dcgan_time_to_quality.json` |")


def _glance_ssgan() -> str:
    run = _load("ssgan_mnist")
    variants = run["results"]["mnist"]

    def error(variant: str) -> str:
        mean, sd = _mean_sd([100 * r["error"] for r in variants[variant]["runs"]])
        return f"{mean:.2f} ± {sd:.2f}%"

    labels = 10 * run["labels_per_class"]
    return (f"| semi-supervised GAN, {labels} labels | test error {error('fm')}, against "
            f"{error('supervised')} for the same classifier on the labels alone "
            f"({len(variants['fm']['runs'])} label seeds) | `ssgan_mnist.json` |")


def _glance_cgan() -> str:
    entry = _load("family")["runs"]["cgan_mnist"]
    accuracy, sd = _mean_sd([100 * r["conditional_accuracy"] for r in entry["runs"]])
    fid, fid_sd = _mean_sd([r["fid"] for r in entry["runs"]])
    return (f"| {entry['label']}, {entry['runs'][0]['steps']:,} steps | conditional accuracy "
            f"{accuracy:.1f} ± {sd:.1f}%, FID {fid:.1f} ± {fid_sd:.1f} ({len(entry['runs'])} seeds) "
            f"| `family.json` |")


def _glance_losses() -> str:
    run = _load("toy_losses")
    ring = {r["loss"]: r for r in run["summary"] if r["toy"] == run["toys"][0]}
    cells = ", ".join(f"{loss} {ring[loss]['modes_mean']:.1f}" for loss in run["losses"])
    return (f"| the loss race, {run['toys'][0]} of {ring[run['losses'][0]]['n_modes']} Gaussians | "
            f"modes covered: {cells} ({run['seeds']} seeds) | `toy_losses.json` |")


def glance_table() -> str:
    """Five headline measurements, each from its benchmark's JSON."""
    rows = [_glance_dcgan(), _glance_time_to_quality(), _glance_ssgan(), _glance_cgan(), _glance_losses()]
    return "\n".join(["| what | measured | file |", "|---|---|---|", *rows, "",
                      "On a 2-core CPU, MNIST (the 10,000-digit offline subset), `full` profile sizes; the "
                      "files are in `ganbook/assets/results/`, and each row's table, with its machine and "
                      "date, is in [the results](benchmarks/README.md)."])


SECTIONS = {"step-speed": step_speed_table, "profile-times": profile_times_table, "clean-clone": clean_clone_table,
            "toy-losses": toy_losses_table,
            "mlp-gan": lambda: chapter_metrics_table("mlp_gan", "tf_mlp_gan"),
            "dcgan": lambda: chapter_metrics_table("keras_dcgan", "keras_dcgan"),
            "time-to-quality": time_to_quality_table, "latent-code": latent_code_table,
            "ssgan": ssgan_table, "ssgan-time": ssgan_time_table,
            "tricks-dcgan": tricks_dcgan_table, "tricks-grid": tricks_grid_table,
            "tricks-moonshot": tricks_moonshot_table, "r3gan-sweep": r3gan_sweep_table,
            "sgd-sweep": sgd_sweep_table,
            "stacked-mnist": stacked_mnist_table, "family": family_table, "compat": compat_table}


README_SECTIONS = {"chapters": chapters_table, "reading": reading_links, "glance": glance_table}
FILES = {README: README_SECTIONS, RESULTS_README: SECTIONS}


def render(text: str, sections: dict = SECTIONS) -> str:
    """``text`` with every one of ``sections`` replaced by its freshly rendered table."""
    for name, make_table in sections.items():
        pattern = re.compile(
            rf"(<!-- BEGIN generated:{name} -->\n).*?(<!-- END generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"no generated:{name} markers")
        text = pattern.sub(lambda m: m.group(1) + make_table() + "\n" + m.group(2), text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    for path, sections in FILES.items():
        current = path.read_text()
        fresh = render(current, sections)
        if fresh != current:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(fresh)
    if args.check and stale:
        print(f"stale: {', '.join(map(str, stale))}: run `make readme`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
