"""Stacked MNIST: how many of the 1,000 digit triples a DCGAN draws, plain and with the anti-collapse tricks.

Each variant is the plain DCGAN of ``tricks.plain_dcgan()`` with three-channel images
(``stacked.stack_digits`` of the MNIST training digits), trained ``--steps`` steps per
seed, plus one trick of ``tricks.TRICKS`` (``minibatch_discrimination``, ``packing``) or
the minibatch standard deviation feature of the DCGAN chapter (``minibatch_stddev``).
``--samples`` generated images are counted with the book's frozen MNIST evaluator, one
channel at a time (``stacked.mode_counts``).  Anchors from PacGAN (Lin et al., 2018,
Table 2, their DCGAN at full scale; ``ANCHORS``, stored with the results).
Writes results/stacked_mnist.json; rows not run keep their earlier results.
Usage: python benchmarks/stacked_mnist.py [--variants plain packing ...] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import tables
from common import RESULTS_DIR, write_results
from tables import per_seed

import ganbook  # noqa: F401  (imports TensorFlow quietly)
from ganbook import callbacks, data, metrics, stacked, tricks

# PacGAN's Table 2 (Lin et al., 2018): their full-size DCGAN, without and with packing.
ANCHORS = {"PacGAN's DCGAN": {"modes_covered": 99, "kl_to_uniform": 3.40},
           "PacDCGAN2": {"modes_covered": 1000, "kl_to_uniform": 0.06}}

VARIANTS = {"plain": [], "minibatch_discrimination": ["minibatch_discrimination"],
            "minibatch_stddev": [], "packing": ["packing"]}


def stacked_recipe(variant: str) -> tricks.Recipe:
    """The plain DCGAN for three-channel Stacked MNIST images, with the variant's trick."""
    recipe = tricks.with_tricks(tricks.plain_dcgan(), VARIANTS[variant])
    recipe.g_options["channels"] = recipe.d_options["channels"] = 3
    if variant == "minibatch_stddev":
        recipe.d_options["minibatch_stddev"] = True
    return recipe


def evaluator_digits(images: np.ndarray) -> np.ndarray:
    """The frozen MNIST evaluator's digit for each one-channel image in [-1, 1]."""
    _, probabilities = metrics.load_evaluator("mnist").features_and_probabilities(images, value_range=(-1, 1))
    return probabilities.argmax(axis=1)


def run(variant: str, seed: int, steps: int, samples: int, images: np.ndarray) -> dict:
    """Train one variant on Stacked MNIST ``images`` (uint8) and count its modes."""
    gan, extra = stacked_recipe(variant).build(seed, steps)
    batches = callbacks.SeededEpochs(data.to_signed_range(images), 64, seed=seed)
    start = time.perf_counter()
    gan.fit(batches.dataset, epochs=-(-steps // batches.batches_per_epoch), verbose=0,
            callbacks=[batches, *extra, callbacks.StopOnNonFinite(), callbacks.StopAtStep(steps)])
    seconds = time.perf_counter() - start
    generated = gan.generate(samples, seed=seed)
    return {"seed": seed, "steps": steps, **stacked.mode_counts(generated, evaluator_digits),
            "ms_per_step": round(1000 * seconds / steps, 1)}


# ------------------------------------------------- its tables in benchmarks/README.md

def stacked_mnist_table() -> str:
    """Markdown table of the modes a DCGAN covers on Stacked MNIST, from stacked_mnist.json."""
    results = tables.load_results("stacked_mnist")
    if not results.get("rows"):
        return "_No measurement yet: run `python benchmarks/stacked_mnist.py`._"
    lines = [f"| variant | modes covered of {stacked.MODES:,} (each seed) | KL to uniform (each seed) |",
             "|---|---|---|"]
    for variant, runs in results["rows"].items():
        lines.append(f"| {variant} | {per_seed(runs, 'modes_covered', 'd')} | "
                     f"{per_seed(runs, 'kl_to_uniform', '.2f')} |")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=2500)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--train-images", type=int, default=50_000)
    args = parser.parse_args()
    path = RESULTS_DIR / "stacked_mnist.json"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    rows = stored.get("rows", {}) if stored.get("steps") == args.steps else {}
    mnist = data.load_dataset("mnist")
    images, _ = stacked.stack_digits(mnist.x_train, mnist.y_train, args.train_images, seed=0)
    real_check = stacked.mode_counts(
        data.to_signed_range(stacked.stack_digits(mnist.x_test, mnist.y_test, args.samples, seed=1)[0]),
        evaluator_digits)
    for variant in args.variants:
        rows[variant] = []
        for seed in args.seeds:
            result = run(variant, seed, args.steps, args.samples, images)
            rows[variant].append(result)
            print(f"{variant:26s} seed {seed}: {result['modes_covered']} modes, KL {result['kl_to_uniform']:.2f}, "
                  f"{result['ms_per_step']} ms/step", flush=True)
            write_results("stacked_mnist", {"steps": args.steps, "samples": args.samples,
                                            "train_images": args.train_images, "real_test_digits": real_check,
                                            "anchors": ANCHORS,
                                            "rows": rows, "data": mnist.describe().splitlines()[0]})


if __name__ == "__main__":
    main()
