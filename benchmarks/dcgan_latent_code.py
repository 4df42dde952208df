"""What the Keras chapter's two additions to the DCGAN buy: a one-hot latent code, a spread feature.

A plain DCGAN draws z from one Gaussian, a connected space, and its generator is
continuous, so some of its samples must lie between two digits; the evaluator cannot
name those, and they cost most of the classifier score.  Giving the prior separate
pieces (a one-hot code of ``CODES`` categories, times ``CODE_SCALE``, appended to z:
after the generator's first, linear layer, a mixture of Gaussians with learned means,
as in DeLiGAN and InfoGAN's categorical code, without any labels) removes the need to
pass between them.  Two more variants give the discriminator a
minibatch-standard-deviation feature, against categories that collapse onto one digit;
the chapter's uses twice as many categories as there are digits.  Every variant trains
the chapter's ``STEPS`` on the same images for several seeds, and a coded variant also
reports how many different digits its categories' majorities are (``PER_CATEGORY``
samples per category).  Writes results/dcgan_latent_code.json (variants not run keep
their earlier results there).
Usage: python benchmarks/dcgan_latent_code.py [--variants plain code code+mbstd book] [--seeds 0 1 2]
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
from chapter_models import BOOK_DCGAN, chapter_budgets, make_book_dcgan
from common import RESULTS_DIR, write_results
from tables import per_seed

from ganbook import callbacks, data, metrics

CHAPTER = chapter_budgets("keras_dcgan")
N_TRAIN, N_EVAL = CHAPTER["N_TRAIN"], BOOK_DCGAN["N_EVAL"]
# The chapter's run, for every variant: equal steps, equal compute.
STEPS = CHAPTER["EPOCHS"] * (N_TRAIN // BOOK_DCGAN["BATCH_SIZE"])
PER_CATEGORY = 200

# key: (label, settings changed from the chapter's)
VARIANTS = {
    "plain": ("plain DCGAN (z ~ N(0, I))", dict(CODES=0, MINIBATCH_STDDEV=False)),
    "code": ("+ one-hot code (10 categories x 3)", dict(CODES=10, MINIBATCH_STDDEV=False)),
    "code+mbstd": ("+ one-hot code (10 x 3) + minibatch stddev in D", dict(CODES=10)),
    "book": (f"+ one-hot code ({BOOK_DCGAN['CODES']} x {BOOK_DCGAN['CODE_SCALE']:g}) + minibatch "
             "stddev in D (the chapter's)", {}),
}


def ambiguity(images: np.ndarray) -> dict:
    """Share of samples the evaluator is unsure of (top probability below ``metrics.CONFIDENT``), the share of
    the total predictive entropy they carry, and their mean top-two probability."""
    _, probabilities = metrics.load_evaluator("mnist").features_and_probabilities(images)
    top_two = np.sort(probabilities, axis=1)[:, -2:]
    entropy = -(probabilities * np.log(np.clip(probabilities, 1e-12, 1))).sum(1)
    unsure = top_two[:, 1] < metrics.CONFIDENT
    return {"unsure_share": float(unsure.mean()),
            "unsure_entropy_share": float(entropy[unsure].sum() / entropy.sum()),
            "unsure_top_two": float(top_two[unsure].sum(1).mean())}


def majority_digits(gan) -> int | None:
    """How many different digits the categories of ``gan``'s code draw most often (None
    without a code): 10 when every digit has a category of its own."""
    if not gan.codes:
        return None
    category = np.repeat(np.arange(gan.codes), PER_CATEGORY)
    samples = gan.generate(len(category), seed=5, category=category)
    digits = metrics.load_evaluator("mnist").features_and_probabilities(samples)[1].argmax(1)
    majority = [np.bincount(digits[category == k], minlength=10).argmax() for k in range(gan.codes)]
    return len(set(majority))


def run(changes: dict, images: np.ndarray, steps: int, seed: int) -> dict:
    """Train the chapter's GAN with ``changes`` for ``steps`` steps; return its final
    metrics and training time."""
    keras.utils.set_random_seed(seed)
    gan = make_book_dcgan(steps, seed=seed, **changes)
    batches = callbacks.SeededEpochs(images, BOOK_DCGAN["BATCH_SIZE"], seed=seed)
    epochs = -(-steps // batches.batches_per_epoch)
    start = time.perf_counter()
    gan.fit(batches.dataset, epochs=epochs, verbose=0, callbacks=[batches])
    seconds = time.perf_counter() - start
    samples = gan.generate(N_EVAL, seed=1)
    return {"seed": seed, "steps": int(gan.step.numpy()), "train_seconds": round(seconds, 1),
            **metrics.evaluate(samples, "mnist"), **ambiguity(samples),
            "majority_digits": majority_digits(gan)}


# ------------------------------------------------- its tables in benchmarks/README.md

def latent_code_table() -> str:
    """Markdown table of the DCGAN with and without a one-hot latent code, from dcgan_latent_code.json."""
    results = tables.load_results("dcgan_latent_code")
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
        lines.append(f"| {name} | {runs[0]['steps']} | {per_seed(runs, 'classifier_score', '.2f')} | "
                     f"{per_seed(runs, 'class_kl', '.3f')} | {per_seed(runs, 'fid', '.1f')} | "
                     f"{mean(runs, 'unsure_share'):.1%} | {mean(runs, 'unsure_entropy_share'):.0%} | "
                     f"{digits(runs)} |")
    seeds = ", ".join(str(r["seed"]) for r in next(iter(results["variants"].values())))
    lines += ["", f"The Keras chapter's DCGAN and training settings with the changes each row names "
              f"(learning rates decaying to 0 over each run's steps), seeds {seeds}; "
              f"metrics on {results['n_eval']} samples (real images score "
              f"{results['floor']['classifier_score']:.2f}). A sample is unsure when the "
              f"evaluator's top probability is below {metrics.CONFIDENT:g}; a category's digit is the one its "
              f"samples show most often. Measured by "
              f"`benchmarks/dcgan_latent_code.py`, file last written {results['measured_at']} (a "
              f"run of some variants keeps the others' earlier rows; {results['machine']}); "
              f"data: {results['data']}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    dataset = data.load_dataset("mnist")
    images = data.to_signed_range(dataset.x_train[:N_TRAIN])
    previous = RESULTS_DIR / "dcgan_latent_code.json"
    results = json.loads(previous.read_text())["variants"] if previous.is_file() else {}
    for key in args.variants:
        name, changes = VARIANTS[key]
        results[name] = []
        for seed in args.seeds:
            results[name].append(run(changes, images, STEPS, seed))
            r = results[name][-1]
            print(f"{name}, seed {seed}: score {r['classifier_score']:.2f}, class KL "
                  f"{r['class_kl']:.3f}, FID {r['fid']:.1f}, unsure {r['unsure_share']:.3f}, "
                  f"majority digits {r['majority_digits']}", flush=True)
    order = [name for name, _ in VARIANTS.values() if name in results]
    write_results("dcgan_latent_code", {
        "variants": {name: results[name] for name in order}, "n_eval": N_EVAL,
        "data": dataset.describe().splitlines()[0], "floor": metrics.real_floor("mnist", N_EVAL),
    })


if __name__ == "__main__":
    main()
