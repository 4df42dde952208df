"""How well the Semi-supervised GAN chapter's classifier learns from 100 labels, over label seeds.

For each seed s the labelled set is ``data.labeled_subset(y_train, 10, seed=s)`` (10 per
class); every training image is used unlabelled; the error is measured on the held-out
test images.  Variants: the chapter's semi-supervised GAN (feature matching on the mean
absolute gap), the same with the paper's squared gap, with a generator trained to fool the
discriminator instead (whose samples look better), and the same classifier trained on
the 100 labels alone, with its Gaussian noise and without.  The GAN runs record the test
error every ``--every`` steps against training seconds (evaluation excluded), so the
results page can show how far a time budget gets, and the sample quality of their generators.
Writes results/ssgan_mnist.json; variants and
datasets not run keep their earlier results there.
Usage: python benchmarks/ssgan_mnist.py [--datasets mnist fashion_mnist] [--variants ...]
       [--seeds 0 1 2 3 4] [--steps 6000]
"""

from __future__ import annotations

import argparse
import json
import time

import ganbook  # noqa: F401  (before the libraries: it imports TensorFlow quietly)

# isort: split

import keras
import numpy as np
import tables
import tensorflow as tf
from chapter_models import BOOK_SSGAN, chapter_budgets, configured, make_book_ssgan
from common import RESULTS_DIR, with_run, write_results
from tables import duration, mean_sd, real_floor

from ganbook import callbacks, data, metrics, models, training

CHAPTER = chapter_budgets("semi_supervised_gan")
SUPERVISED_STEPS, N_EVAL = CHAPTER["SUPERVISED_STEPS"], BOOK_SSGAN["N_EVAL"]
STEPS = CHAPTER["EPOCHS"] * (CHAPTER["N_UNLABELLED"] // BOOK_SSGAN["BATCH_SIZE"])  # the chapter's run
VARIANTS = {
    "fm": "semi-supervised GAN, feature matching on the mean absolute gap (the chapter's)",
    "fm_squared": "semi-supervised GAN, feature matching on the mean squared gap (the paper's form)",
    "non_saturating": "semi-supervised GAN, generator trained to fool D (non-saturating)",
    "fm_half_unsupervised": "the chapter's, with the unsupervised loss weighted 0.5 (the authors' script)",
    "fm_uniform_prior": "the chapter's, with a uniform prior (the authors' script)",
    "fm_output_weight_norm": "the chapter's, with a weight-normalised output layer in G (the authors' script)",
    "fm_feature_batch": "the chapter's, feature matching against a second unlabelled batch (the authors' script)",
    "fm_script_choices": "the chapter's, with all four of the authors' script choices above",
    "fm_other_init": "the chapter's again, other initial weights and noise (same labels): run-to-run noise",
    "supervised": "the same classifier on the 100 labels alone, with its noise",
    "supervised_clean": "the same classifier on the 100 labels alone, no noise",
}


class TimedClassifierError(callbacks.ClassifierError):
    """``ClassifierError`` that also records the training seconds so far, evaluation excluded."""

    def on_train_begin(self, logs=None):
        self.start, self.eval_seconds = time.perf_counter(), 0.0
        self.history.setdefault("seconds", [])
        super().on_train_begin(logs)

    def _run(self) -> None:
        began = time.perf_counter()
        self.history["seconds"].append(round(began - self.start - self.eval_seconds, 1))
        super()._run()
        self.eval_seconds += time.perf_counter() - began



def split(dataset: data.Dataset, seed: int):
    """Labelled images and labels, unlabelled images, test images and labels, in [0, 1]."""
    chosen = data.labeled_subset(dataset.y_train, BOOK_SSGAN["LABELS_PER_CLASS"], seed=seed)
    unit = data.as_unit_images(dataset.x_train)
    return unit[chosen], dataset.y_train[chosen], unit, data.as_unit_images(dataset.x_test), dataset.y_test


# The departures from the authors' MNIST script that the chapter's table lists, as changes.
SCRIPT_CHOICES = {"fm_half_unsupervised": {"UNSUPERVISED_WEIGHT": 0.5},
                  "fm_uniform_prior": {"PRIOR": "uniform"},
                  "fm_output_weight_norm": {"OUTPUT_WEIGHT_NORM": True},
                  "fm_feature_batch": {"FEATURE_BATCH": True}}
SCRIPT_CHOICES["fm_script_choices"] = {k: v for c in SCRIPT_CHOICES.values() for k, v in c.items()}


def variant_changes(variant: str) -> dict:
    """The chapter settings a GAN variant changes."""
    if variant in SCRIPT_CHOICES:
        return SCRIPT_CHOICES[variant]
    return {"SQUARED_FEATURE_MATCHING": variant == "fm_squared"}


OPT_IN = [*SCRIPT_CHOICES, "fm_other_init"]  # run only when named


OTHER_INIT = 1000  # fm_other_init's weights and noise use seed + this; its labels use seed


def run_gan(dataset: data.Dataset, seed: int, steps: int, every: int, feature_matching: bool = True,
            init_seed: int | None = None, **changes) -> dict:
    """Train the chapter's semi-supervised GAN for ``steps`` steps on label seed ``seed``: its
    error curve, final error and the sample-quality metrics of its generator.  Weights, noise
    and batch order follow ``init_seed`` (default: ``seed``)."""
    init_seed = seed if init_seed is None else init_seed
    x_lab, y_lab, x_unl, x_test, y_test = split(dataset, seed)
    gan = make_book_ssgan(steps, seed=init_seed, feature_matching=feature_matching, **changes)
    feature_batch = configured(BOOK_SSGAN, changes)["FEATURE_BATCH"]
    batches = callbacks.SeededEpochs(x_unl, BOOK_SSGAN["BATCH_SIZE"], seed=init_seed, labelled=(x_lab, y_lab),
                                     feature_batch=feature_batch)
    tracker = TimedClassifierError(every, x_test, y_test)
    gan.fit(batches.dataset, epochs=-(-steps // batches.batches_per_epoch), verbose=0,
            callbacks=[batches, tracker, callbacks.StopOnNonFinite(), callbacks.StopAtStep(steps)])
    samples = metrics.evaluate(gan.generate(N_EVAL, seed=init_seed), dataset.name, value_range=gan.value_range)
    return {"seed": seed, "error": tracker.history["error"][-1], "seconds": tracker.history["seconds"][-1],
            "curve": tracker.history, "samples": samples}


def run_supervised(dataset: data.Dataset, seed: int, noisy: bool) -> dict:
    """The chapter's classifier trained on the labelled set alone."""
    x_lab, y_lab, _, x_test, y_test = split(dataset, seed)
    keras.utils.set_random_seed(seed)
    noise = {} if noisy else {"input_noise": 0.0, "hidden_noise": 0.0}
    classifier = models.make_ssgan_mlp_classifier(**noise)
    model = keras.Model(classifier.input, classifier.outputs[0])
    model.compile(training.decayed_adam(BOOK_SSGAN["LEARNING_RATE"], SUPERVISED_STEPS),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    batches = (tf.data.Dataset.from_tensor_slices((x_lab, y_lab)).shuffle(len(y_lab), seed=seed)
               .repeat().batch(BOOK_SSGAN["BATCH_SIZE"]))
    start = time.perf_counter()
    model.fit(batches, steps_per_epoch=SUPERVISED_STEPS, epochs=1, verbose=0, shuffle=False)
    seconds = time.perf_counter() - start
    predicted = np.argmax(model.predict(x_test, batch_size=500, verbose=0), axis=1)
    return {"seed": seed, "error": float(np.mean(predicted != y_test)), "seconds": round(seconds, 1)}


# ------------------------------------------------- its tables in benchmarks/README.md

SSGAN_ROWS = ("supervised_clean", "supervised", "fm", "fm_squared", "fm_half_unsupervised", "fm_uniform_prior",
              "fm_output_weight_norm", "fm_feature_batch", "fm_script_choices", "fm_other_init", "non_saturating")


def ssgan_table() -> str:
    """Markdown table of the semi-supervised GAN over label seeds, from ssgan_mnist.json."""
    results = tables.load_results("ssgan_mnist")
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
            mean, sd = mean_sd([100 * r["error"] for r in runs])
            spread = f"{mean:.2f} ± {sd:.2f}%" if len(runs) > 1 else f"{mean:.2f}% (one seed)"
            each = ", ".join(f"{r['seed']}: {100 * r['error']:.2f}" for r in runs)
            samples = "–"
            if "samples" in runs[0]:
                fid, _ = mean_sd([r["samples"]["fid"] for r in runs])
                score, _ = mean_sd([r["samples"]["classifier_score"] for r in runs])
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
              f"({real_floor(n_samples)} on MNIST). Measured by `benchmarks/ssgan_mnist.py`, file last written "
              f"{results['measured_at']} ({results['machine']}); data: {data}."]
    return "\n".join(lines)


def ssgan_time_table() -> str:
    """Markdown table of the semi-supervised GAN's test error against training time (MNIST)."""
    results = tables.load_results("ssgan_mnist")
    runs = results.get("results", {}).get("mnist", {}).get("fm", {}).get("runs")
    if not runs:
        return "_No measurement yet: run `python benchmarks/ssgan_mnist.py`._"
    lines = ["| step | training time, mean | test error, mean ± sd |", "|---|---|---|"]
    for i, step in enumerate(runs[0]["curve"]["step"]):
        if step % 1000 and i != len(runs[0]["curve"]["step"]) - 1:
            continue
        seconds, _ = mean_sd([r["curve"]["seconds"][i] for r in runs])
        mean, sd = mean_sd([100 * r["curve"]["error"][i] for r in runs])
        lines.append(f"| {step:,} | {duration(seconds)} | {mean:.2f} ± {sd:.2f}% |")
    lines += ["", f"The chapter's semi-supervised GAN on MNIST, {len(runs)} label seeds, learning rates "
              f"decaying to 0 over {runs[0]['steps']:,} steps; training time excludes the test-error "
              "checks. Same file as the table above."]
    return "\n".join(lines)


def glance_row() -> str:
    """This benchmark's row of the README's "at a glance" table."""
    run = tables.load_results("ssgan_mnist")
    variants = run["results"]["mnist"]

    def error(variant: str) -> str:
        mean, sd = mean_sd([100 * r["error"] for r in variants[variant]["runs"]])
        return f"{mean:.2f} ± {sd:.2f}%"

    labels = 10 * run["labels_per_class"]
    return (f"| semi-supervised GAN, {labels} labels | test error {error('fm')}, against "
            f"{error('supervised')} for the same classifier on the labels alone "
            f"({len(variants['fm']['runs'])} label seeds) | `ssgan_mnist.json` |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["mnist", "fashion_mnist"],
                        choices=["mnist", "fashion_mnist"])
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS),
                        default=[v for v in VARIANTS if v not in OPT_IN])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--every", type=int, default=500)
    args = parser.parse_args()
    path = RESULTS_DIR / "ssgan_mnist.json"
    previous = json.loads(path.read_text()) if path.is_file() else {}
    results = previous.get("results", {})
    provenance = previous.get("data", {})
    for name in args.datasets:
        dataset = data.load_dataset(name)
        provenance[name] = dataset.describe().splitlines()[0]
        for variant in args.variants:
            entry = results.setdefault(name, {}).setdefault(variant, {"runs": []})
            entry["label"] = VARIANTS[variant]
            for seed in args.seeds:
                if variant.startswith("supervised"):
                    record = run_supervised(dataset, seed, noisy=variant == "supervised")
                else:
                    record = run_gan(dataset, seed, args.steps, args.every,
                                     feature_matching=variant != "non_saturating",
                                     init_seed=seed + OTHER_INIT if variant == "fm_other_init" else seed,
                                     **variant_changes(variant))
                    record["steps"] = args.steps
                # a rerun of some seeds keeps the others; the file is written after every run
                entry["runs"] = with_run(entry["runs"], record)
                print(f"{name} {variant} seed {seed}: error {100 * record['error']:.2f}% "
                      f"({record['seconds']:.0f} s)", flush=True)
                write(results, provenance)


def write(results: dict, provenance: dict) -> None:
    """Store the results so far."""
    write_results("ssgan_mnist", {"results": results, "data": provenance,
                                  "labels_per_class": BOOK_SSGAN["LABELS_PER_CLASS"],
                                  "supervised_steps": SUPERVISED_STEPS})


if __name__ == "__main__":
    main()
