"""The GAN family's headline numbers over seeds: the Conditional GANs and Other objectives chapters.

Each run is its chapter's configuration (its `parameters` cell, read by ``chapter_models``),
trained as long as the chapter trains it, on the same images:

- ``cgan_mnist`` / ``acgan_mnist``: the conditional GAN (projection discriminator) and
  ACGAN on MNIST, 2,500 steps (the DCGAN chapter's budget); ``label_channel_cgan_mnist``:
  the conditional GAN whose discriminator reads the label as ten input channels instead;
- ``cgan_fashion`` / ``acgan_fashion``: the same on Fashion-MNIST, 1,500 steps;
- ``infogan`` / ``code_only``: InfoGAN with a categorical and two continuous codes,
  lambda = 1, and the same networks with lambda = 0 (the codes without the information
  term), MNIST, 1,500 steps;
- ``wgan_gp``: WGAN-GP with its paper's settings, and ``began_low`` / ``began_high``: BEGAN
  with the chapter's two gammas, MNIST, as many steps as the Other objectives chapter
  (``chapter_models.BOOK_OBJECTIVES``); ``began_paper_lambda_k`` and ``began_paper_autoencoder``:
  the higher gamma with the paper's slower controller (lambda_k = 0.001) or with a
  paper-style autoencoder instead of the chapter's small one; ``began_high_layer_norm``
  and ``began_high_no_norm``: the higher gamma with a per-image normalisation or none in
  the autoencoder instead of batch norm (which makes an image's reconstruction error
  depend on its batch); ``wgan_gp_3x_rate``, ``wgan_gp_10x_rate`` and
  ``wgan_gp_20x_rate``: WGAN-GP at three, ten and twenty times its paper's learning rate;
  ``wgan_gp_ema``: the chapter's WGAN-GP sampled from an exponential moving average of its
  generator's weights (``callbacks.GeneratorEMA``, half-life ``EMA_HALF_LIFE`` generator
  steps), a try at the chapter's goal;
- ``dcgan_control``: the DCGAN chapter's plain cross-entropy DCGAN with WGAN-GP's two
  networks, measured at WGAN-GP's steps: the control for "does the loss track quality?"
  (its discriminator's loss is ranked against FID as the critic's estimate is).

Conditional models: conditional accuracy, FID of 200 samples per class against the
held-out images, mean per-class FID, and within-class variety on the evaluator's four
hardest classes and on the rest.  Codes: accuracy after the best matching of categories
to classes, purity, InfoGAN's bound L_I, FID; for each continuous code, Spearman's rank
correlation with the slant and the stroke width of its images, and the share of its
variance that Q recovers.  Objectives: FID, classifier score,
variety, and Spearman's rank correlation of the loss that should track quality (WGAN-GP's
critic estimate of W, BEGAN's M_global) with FID over the run's measurements.  Writes
results/family.json (runs not repeated keep their earlier results there).
Usage: python benchmarks/family.py [--runs cgan_mnist ...] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import functools
import json
import time

import numpy as np
import tables
from chapter_models import (
    BOOK_FAMILY,
    BOOK_OBJECTIVES,
    OBJECTIVE_KINDS,
    chapter_budgets,
    make_book_family,
    make_book_objective,
)
from common import RESULTS_DIR, with_run, write_results
from scipy.stats import spearmanr
from tables import mean_sd

import ganbook  # noqa: F401  (imports TensorFlow quietly)
from ganbook import callbacks, data, losses, metrics, strokes

# How long each chapter trains, read from the chapters (their `full` budgets).
CONDITIONAL, OBJECTIVES = chapter_budgets("conditional_gans"), chapter_budgets("wgan_began")
PER_CLASS, CLASSES = BOOK_FAMILY["PER_CLASS"], 10
HARDEST = 4  # the classes the evaluator gets wrong most often, whose variety is shown apart
OBJECTIVE_SAMPLES = BOOK_OBJECTIVES["N_EVAL"]  # generated images per measurement of WGAN-GP and BEGAN
N_TRAIN = CONDITIONAL["N_TRAIN"]
if OBJECTIVES["N_TRAIN"] != N_TRAIN:
    raise ValueError("the Conditional GANs and Other objectives chapters must train on as many images")
LONG_STEPS = CONDITIONAL["EPOCHS"] * (N_TRAIN // BOOK_FAMILY["BATCH_SIZE"])
SHORT_STEPS = CONDITIONAL["SHORT_EPOCHS"] * (N_TRAIN // BOOK_FAMILY["BATCH_SIZE"])
# The Other objectives chapter's run lengths in epochs of N_TRAIN images (the DCGAN control's
# epochs are its measurement intervals), its gammas, and how often it measures FID.
EVALUATIONS = OBJECTIVES["EVALUATIONS"]
OBJECTIVE_EPOCHS = {"wgan_gp": OBJECTIVES["WGAN_EPOCHS"], "began": OBJECTIVES["BEGAN_EPOCHS"], "dcgan": EVALUATIONS}
GAMMAS = tuple(BOOK_OBJECTIVES["GAMMAS"])
# Generator steps between two FID measurements of the chapter's WGAN-GP run.
WGAN_MEASURE_EVERY = (N_TRAIN // (BOOK_OBJECTIVES["BATCH_SIZE"] * BOOK_OBJECTIVES["N_CRITIC"])
                      * max(OBJECTIVE_EPOCHS["wgan_gp"] // EVALUATIONS, 1))

EMA_HALF_LIFE = 50  # generator steps of the moving average in the row wgan_gp_ema

# key: (label, kind, dataset, settings changed from the chapter's, steps)
RUNS = {
    "cgan_mnist": ("conditional GAN (projection D), MNIST", "cgan", "mnist", {}, LONG_STEPS),
    "acgan_mnist": ("ACGAN, MNIST", "acgan", "mnist", {}, LONG_STEPS),
    "label_channel_cgan_mnist": ("conditional GAN (label as input channels of D), MNIST", "label_channel_cgan",
                                 "mnist", {}, LONG_STEPS),
    "cgan_fashion": ("conditional GAN (projection D), Fashion-MNIST", "cgan", "fashion_mnist", {}, SHORT_STEPS),
    "acgan_fashion": ("ACGAN, Fashion-MNIST", "acgan", "fashion_mnist", {}, SHORT_STEPS),
    "infogan": (f"InfoGAN, lambda = {BOOK_FAMILY['INFO_WEIGHT']:g}, MNIST", "infogan", "mnist", {}, SHORT_STEPS),
    "code_only": ("the same code without the information term (lambda = 0), MNIST", "infogan", "mnist",
                  {"INFO_WEIGHT": 0.0}, SHORT_STEPS),
    "wgan_gp": ("WGAN-GP, its paper's settings (rate 1e-4), MNIST", "wgan_gp", "mnist", {"WGAN_LR": 1e-4}, None),
    "began_low": (f"BEGAN, gamma = {GAMMAS[0]}, MNIST", "began", "mnist", {"gamma": GAMMAS[0]}, None),
    "began_high": (f"BEGAN, gamma = {GAMMAS[1]}, MNIST", "began", "mnist", {"gamma": GAMMAS[1]}, None),
    "began_paper_lambda_k": (f"BEGAN, gamma = {GAMMAS[1]}, the paper's lambda_k = 0.001, MNIST", "began", "mnist",
                             {"gamma": GAMMAS[1], "LAMBDA_K": 1e-3}, None),
    "began_paper_autoencoder": (f"BEGAN, gamma = {GAMMAS[1]}, a paper-style deep ELU autoencoder, MNIST", "began",
                                "mnist", {"gamma": GAMMAS[1], "autoencoder": "paper"}, None),
    "wgan_gp_3x_rate": ("WGAN-GP at three times the paper's rate (3e-4), MNIST", "wgan_gp", "mnist",
                        {"WGAN_LR": 3e-4}, None),
    "wgan_gp_10x_rate": ("WGAN-GP at ten times the paper's rate (1e-3), the chapter's, MNIST", "wgan_gp", "mnist",
                         {}, None),
    "wgan_gp_20x_rate": ("WGAN-GP at twenty times the paper's rate (2e-3), MNIST", "wgan_gp", "mnist",
                         {"WGAN_LR": 2e-3}, None),
    "wgan_gp_ema": ("WGAN-GP at the chapter's rate, sampled from a moving average of G's weights "
                    f"(half-life {EMA_HALF_LIFE} steps), MNIST", "wgan_gp", "mnist",
                    {"ema_half_life": EMA_HALF_LIFE}, None),
    "dcgan_control": ("the DCGAN chapter's plain cross-entropy DCGAN, the same networks, "
                      f"{EVALUATIONS * WGAN_MEASURE_EVERY} steps on "
                      f"{WGAN_MEASURE_EVERY * BOOK_OBJECTIVES['BATCH_SIZE']:,} digits, MNIST",
                      "dcgan", "mnist", {}, None),
    "began_high_layer_norm": (f"BEGAN, gamma = {GAMMAS[1]}, layer norm (per image) in the autoencoder, MNIST",
                              "began", "mnist", {"gamma": GAMMAS[1], "normalization": "layer"}, None),
    "began_high_no_norm": (f"BEGAN, gamma = {GAMMAS[1]}, no normalisation in the autoencoder, MNIST", "began",
                           "mnist", {"gamma": GAMMAS[1], "normalization": "none"}, None),
}


@functools.lru_cache(maxsize=None)
def reference(dataset: str) -> dict:
    """The evaluator's features of the real images, and its ``HARDEST`` hardest classes."""
    real = data.load_dataset(dataset)
    evaluator = metrics.load_evaluator(dataset)
    test_features, test_p = evaluator.features_and_probabilities(real.x_test)
    train_features, _ = evaluator.features_and_probabilities(real.x_train)
    accuracy = [np.mean(test_p[real.y_test == k].argmax(1) == k) for k in range(CLASSES)]
    return {"test": test_features, "test_labels": real.y_test, "train": train_features,
            "train_labels": real.y_train, "hard": np.argsort(accuracy)[:HARDEST].tolist()}


def conditional_measures(gan, dataset: str) -> dict:
    """What the chapter measures of a conditional generator."""
    ref = reference(dataset)
    asked = np.repeat(np.arange(CLASSES), PER_CLASS)
    features, p = metrics.load_evaluator(dataset).features_and_probabilities(
        gan.generate(len(asked), seed=1, labels=asked))
    variety = np.asarray(metrics.class_variety(features, asked, ref["train"], ref["train_labels"], CLASSES))
    easy = np.setdiff1d(np.arange(CLASSES), ref["hard"])
    per_class = metrics.per_class_fid(features, asked, ref["test"], ref["test_labels"], CLASSES)
    return {"conditional_accuracy": metrics.conditional_accuracy(p, asked), "fid": metrics.fid(features, ref["test"]),
            "classifier_score": metrics.classifier_score(p), "per_class_fid_mean": float(np.mean(per_class)),
            "variety_hard": float(variety[ref["hard"]].mean()), "variety_easy": float(variety[easy].mean()),
            "hard_classes": ref["hard"]}


def code_measures(gan) -> dict:
    """How well InfoGAN's categories match digits, what its continuous codes follow, and
    the samples' quality."""
    category = np.repeat(np.arange(gan.codes), PER_CLASS)
    noise = gan.sample_noise(len(category), (1, -1), category=category)
    samples = gan.generator(noise, training=False).numpy()
    _, p = metrics.load_evaluator("mnist").features_and_probabilities(samples)
    match = metrics.matched_accuracy(category, p.argmax(1), gan.codes, CLASSES)
    q = gan.discriminator(samples, training=False)[1].numpy()  # category logits, then continuous codes
    bound = losses.mutual_information_bound(q[:, :gan.codes], category)
    quality = metrics.evaluate(gan.generate(len(category), seed=2), "mnist")
    measured = {"matched_accuracy": match["accuracy"], "purity": match["purity"],
                "digits_leading": len(set(match["counts"].argmax(1).tolist())), "mi_bound": float(bound),
                "fid": quality["fid"], "classifier_score": quality["classifier_score"]}
    if gan.continuous_codes:
        codes, recovered = gan.continuous_code_of(noise.numpy()), q[:, gan.codes:]
        measured.update({f"{name}_correlation": values
                         for name, values in strokes.code_correlations(codes, samples).items()})
        measured["recovered_variance"] = (1 - ((recovered - codes) ** 2).mean(0) / codes.var(0)).tolist()
    return measured


def objective_run(kind: str, seed: int, gamma: float = 0.5, ema_half_life: int | None = None,
                  **changes) -> dict:
    """Train the Other objectives chapter's WGAN-GP or BEGAN as the chapter does (or the DCGAN
    control at WGAN-GP's measurement steps), and measure it.  With ``ema_half_life``, the
    final FID, classifier score and variety are those of a moving average of the generator's
    weights with that half-life in generator steps (the same noise as the generator's); the
    measurements during the run, and so the rank correlation, stay the generator's own."""
    images = data.to_signed_range(data.load_dataset("mnist").x_train[:N_TRAIN])
    batch_size = BOOK_OBJECTIVES["BATCH_SIZE"] * (BOOK_OBJECTIVES["N_CRITIC"] if kind == "wgan_gp" else 1)
    if kind == "dcgan":  # measured at WGAN-GP's steps (100, 200, ...): epochs of 100 batches
        images = images[:WGAN_MEASURE_EVERY * batch_size]
    batches = callbacks.SeededEpochs(images, batch_size, seed=seed)
    epochs = OBJECTIVE_EPOCHS[kind]
    gan = make_book_objective(kind, epochs * batches.batches_per_epoch, seed=seed, gamma=gamma, **changes)
    every = batches.batches_per_epoch * max(epochs // EVALUATIONS, 1)
    evaluate = callbacks.Evaluate(every=every, dataset="mnist", n=OBJECTIVE_SAMPLES)
    average = [callbacks.GeneratorEMA(0.5 ** (1 / ema_half_life))] if ema_half_life else []
    start = time.perf_counter()
    history = gan.fit(batches.dataset, epochs=epochs, verbose=0, callbacks=[batches, evaluate, *average])
    seconds = time.perf_counter() - start
    # WGAN-GP's critic minimises -W (plus the penalty): its estimate of W is -d_loss.
    name, sign = {"wgan_gp": ("d_loss", -1.0), "began": ("m_global", 1.0), "dcgan": ("d_loss", 1.0)}[kind]
    tracked = sign * callbacks.mean_since_each_measurement(history.history[name], batches.batches_per_epoch,
                                                           evaluate.history["step"])
    last = {key: values[-1] for key, values in evaluate.history.items()}
    # Evaluate's noise (seed 1), from the moving average when there is one.
    samples = gan.generate(OBJECTIVE_SAMPLES, seed=1, generator=average[0].ema if average else None)
    if average:
        last = metrics.evaluate(samples, "mnist", value_range=gan.value_range)
    features, _ = metrics.load_evaluator("mnist").features_and_probabilities(samples)
    return {"seed": seed, "steps": int(gan.step.numpy()), "train_seconds": round(seconds, 1),
            "fid": last["fid"], "classifier_score": last["classifier_score"],
            "variety": metrics.variety(features, reference("mnist")["test"]),
            "rank_correlation": float(spearmanr(tracked, evaluate.history["fid"]).statistic),
            "fid_history": evaluate.history["fid"], "step_history": evaluate.history["step"],
            "tracked_history": tracked.tolist(), **({"k": float(gan.k.numpy())} if kind == "began" else {})}


def run(key: str, seed: int) -> dict:
    """Train run ``key`` with ``seed`` and measure it."""
    _, kind, dataset, changes, steps = RUNS[key]
    if kind in OBJECTIVE_KINDS:
        return objective_run(kind, seed, **changes)
    real = data.load_dataset(dataset)
    images = data.to_signed_range(real.x_train[:N_TRAIN])
    labels = None if kind == "infogan" else real.y_train[:N_TRAIN].astype("int32")
    gan = make_book_family(kind, steps, seed=seed, **changes)
    batches = callbacks.SeededEpochs(images, BOOK_FAMILY["BATCH_SIZE"], seed=seed, labels=labels)
    start = time.perf_counter()
    gan.fit(batches.dataset, epochs=-(-steps // batches.batches_per_epoch), verbose=0, callbacks=[batches])
    seconds = time.perf_counter() - start
    measured = code_measures(gan) if kind == "infogan" else conditional_measures(gan, dataset)
    return {"seed": seed, "steps": int(gan.step.numpy()), "train_seconds": round(seconds, 1), **measured}


# ------------------------------------------------- its tables in benchmarks/README.md

FAMILY_COLUMNS = {  # key in family.json: (header, format, scale)
    "conditional_accuracy": ("conditional accuracy", ".1f", 100),
    "fid": ("FID", ".1f", 1),
    "classifier_score": ("classifier score", ".2f", 1),
    "variety_hard": (f"variety, {HARDEST} hardest classes", ".2f", 1),
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


def _goal_range(runs: list[dict]) -> tuple[str, bool]:
    # "FID a to b, score c to d" over the runs, and whether every run meets WGAN_GOAL.
    fids = [r["fid"] for r in runs]
    scores = [r["classifier_score"] for r in runs]
    met = max(fids) <= WGAN_GOAL["fid"] and min(scores) >= WGAN_GOAL["classifier_score"]
    return f"FID {min(fids):.1f} to {max(fids):.1f}, score {min(scores):.2f} to {max(scores):.2f}", met


def wgan_goal_line(runs: list[dict], averaged: list[dict] | None = None) -> str:
    """The goal for the Other objectives chapter's WGAN-GP, how far its runs are from it, and
    how far the runs sampled from a moving average of G's weights (``averaged``) are."""
    measured, met = _goal_range(runs)
    line = ("**Goal** for WGAN-GP's chapter configuration (the row \"the chapter's\" above): "
            f"FID ≤ {WGAN_GOAL['fid']:g} and "
            f"classifier score ≥ {WGAN_GOAL['classifier_score']:g} on every seed. Measured: {measured}: "
            + ("met." if met else "not met; the rates tried are in the WGAN-GP table above."))
    if averaged:
        measured, met = _goal_range(averaged)
        line += (f" Sampled from a moving average of G's weights, seeds "
                 f"{', '.join(str(r['seed']) for r in averaged)}: {measured}: "
                 + ("met." if met else "not met either."))
    return line


def family_table() -> str:
    """Markdown table of the GAN family's headline numbers over seeds, from family.json."""
    results = tables.load_results("family")
    if not results:
        return "_No measurement yet: run `python benchmarks/family.py`._"
    lines = []
    for group in (("label_channel_cgan_mnist", "cgan_mnist", "acgan_mnist", "cgan_fashion", "acgan_fashion"),
                  ("code_only", "infogan"),
                  ("wgan_gp", "wgan_gp_3x_rate", "wgan_gp_10x_rate", "wgan_gp_20x_rate", "wgan_gp_ema",
                   "dcgan_control"),
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
                mean, sd = mean_sd([scale * _family_value(r, c) for r in entry["runs"]])
                spread = f" ± {sd:{fmt}}" if len(entry["runs"]) > 1 else ""  # no spread from one seed
                cells.append(f"{mean:{fmt}}{spread}{'%' if scale == 100 else ''}")
            seeds = ", ".join(str(r["seed"]) for r in entry["runs"])
            label = entry["label"] if len(entry["runs"]) > 1 else f"{entry['label']} (seed {seeds} only)"
            lines.append(f"| {label} | {entry['runs'][0]['steps']:,} | " + " | ".join(cells) + " |")
        lines.append("")
    averaged = results["runs"].get("wgan_gp_ema", {}).get("runs")
    lines += [wgan_goal_line(results["runs"]["wgan_gp_10x_rate"]["runs"], averaged), ""]
    seeds = ", ".join(str(r["seed"]) for r in next(iter(results["runs"].values()))["runs"])
    lines += [f"Mean ± sd over seeds {seeds}; {results['per_class']} samples per class (or per category) on "
              "the book's evaluators. Variety: the total variance of the evaluator's features within a class, "
              "generated over real (1 = as varied as the real class); the hardest classes are the "
              f"{results['hardest_classes']} the "
              "evaluator gets wrong most often on real held-out images. Matched accuracy: the share of "
              "InfoGAN's samples whose digit is their category's after the best one-to-one matching; purity "
              "lets two categories share a digit. Continuous codes: Spearman's rank correlation of each code "
              "with the slant and the stroke width of its images (`ganbook.strokes`); each run counts its "
              "code with the largest absolute correlation, and its code that Q recovers worst. "
              f"WGAN-GP and BEGAN: {results['objective_samples']:,} samples; their variety is over all samples "
              "against all real held-out digits; WGAN-GP's steps are generator steps of "
              f"{results['n_critic']} critic steps each. Rank correlation: Spearman's, over the run's FID "
              "measurements, of FID with WGAN-GP's critic estimate of the Wasserstein distance, BEGAN's M_global "
              "or the DCGAN control's discriminator loss (1: they always move together). "
              "Measured by `benchmarks/family.py`, file last written "
              f"{results['measured_at']} ({results['machine']}); data: {results['data']}."]
    return "\n".join(lines)


def glance_row() -> str:
    """This benchmark's row of the README's "at a glance" table."""
    entry = tables.load_results("family")["runs"]["cgan_mnist"]
    accuracy, sd = mean_sd([100 * r["conditional_accuracy"] for r in entry["runs"]])
    fid, fid_sd = mean_sd([r["fid"] for r in entry["runs"]])
    return (f"| {entry['label']}, {entry['runs'][0]['steps']:,} steps | conditional accuracy "
            f"{accuracy:.1f} ± {sd:.1f}%, FID {fid:.1f} ± {fid_sd:.1f} ({len(entry['runs'])} seeds) "
            f"| `family.json` |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    previous = RESULTS_DIR / "family.json"
    results = json.loads(previous.read_text())["runs"] if previous.is_file() else {}
    described = "; ".join(data.load_dataset(d).describe().splitlines()[0] for d in ("mnist", "fashion_mnist"))
    for key in args.runs:
        # A seed run again replaces its earlier result; the row's other seeds keep theirs.
        kept = [r for r in results.get(key, {}).get("runs", []) if r["seed"] not in args.seeds]
        results[key] = {"label": RUNS[key][0], "runs": kept}
        for seed in args.seeds:
            result = run(key, seed)
            results[key]["runs"] = with_run(results[key]["runs"], result)
            print(f"{key}, seed {seed}: {json.dumps(result, default=float)}", flush=True)
            write_results("family", {  # after every run, so that an interruption loses one run at most
                "runs": {k: results[k] for k in RUNS if k in results}, "per_class": PER_CLASS, "data": described,
                "hardest_classes": HARDEST, "objective_samples": OBJECTIVE_SAMPLES,
                "n_critic": BOOK_OBJECTIVES["N_CRITIC"],
            })


if __name__ == "__main__":
    main()
