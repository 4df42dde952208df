"""Time to quality: the book's DCGAN configuration vs the TensorFlow tutorial's, each with its own step.

Both train on the same MNIST images and are measured by the same frozen evaluator. The
book's configuration trains with ``training.GAN`` (a discriminator update, then a
generator update with a second generator pass); the tutorial's trains with its own
step (``TutorialGAN``: one forward pass, both tapes, both networks updated at once).
The two runs alternate in chunks of ``--chunk`` steps, each chunk timed alone, so that
the machine's slow spells hit both alike; the book's ends with its schedule, the
tutorial's when it meets the thresholds it can or at the cap.  Writes
results/dcgan_time_to_quality.json; benchmarks/README.md's table is generated from it.
Usage: python benchmarks/dcgan_time_to_quality.py [--cap-minutes 60] [--chunk 100]
"""

from __future__ import annotations

import argparse
import time

import ganbook  # noqa: F401  (before the libraries: it imports TensorFlow quietly)

# isort: split

import keras
import numpy as np
import tables
import tensorflow as tf
from chapter_models import BOOK_DCGAN, chapter_budgets, make_book_dcgan
from common import write_results
from tables import duration

from ganbook import data, metrics, models, training

SCORE_THRESHOLDS = (5.0, 7.0, 9.0)   # classifier score, higher is better
FID_THRESHOLDS = (100.0, 50.0, 20.0)  # lower is better
N_EVAL = BOOK_DCGAN["N_EVAL"]  # the chapter's measurement
CHAPTER = chapter_budgets("keras_dcgan")
BOOK_STEPS = CHAPTER["EPOCHS"] * (CHAPTER["N_TRAIN"] // BOOK_DCGAN["BATCH_SIZE"])  # the chapter's run
TUTORIAL_BATCH = 256
STEP_DEFINITIONS = {
    "book DCGAN": "training.GAN: a discriminator update on a fresh generated batch, then a generator "
                  "update on another (two generator passes per step)",
    "TensorFlow tutorial DCGAN": "the tutorial's own train_step: one generator pass, both losses from "
                                 "the same generated batch, both networks updated at once",
}


class TutorialGAN(training.GAN):
    """The TensorFlow DCGAN tutorial's training step, on the book's ``GAN`` for noise and ``fit()``.

    One generator pass per step; the discriminator's and the generator's losses are both
    computed on that batch under two tapes, and both optimizers apply their gradients.
    """

    def train_step(self, batch):
        real = batch[0] if isinstance(batch, (tuple, list)) else batch
        noise = self.sample_noise(tf.shape(real)[0], self._noise_seed(0))
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(noise, training=True)
            real_out = self.discriminator(real, training=True)
            fake_out = self.discriminator(fake, training=True)
            g_loss = self.objective.g_loss(fake_out)
            d_loss = self.objective.d_loss(real_out, fake_out)
        g_vars, d_vars = self.generator.trainable_variables, self.discriminator.trainable_variables
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
        self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
        self.step.assign_add(1)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def make_tutorial_gan(seed: int = 0) -> TutorialGAN:
    """The tutorial's networks, noise of size 100, Adam(1e-4) for both."""
    keras.utils.set_random_seed(seed)
    gan = TutorialGAN(models.make_tutorial_generator(100), models.make_tutorial_discriminator(), seed=seed)
    gan.compile(keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4))
    return gan


class Runner:
    """One configuration trained chunk by chunk with ``fit()``, timed and measured."""

    def __init__(self, name: str, gan: training.GAN, images, batch_size: int, chunk: int, every: int,
                 max_steps: int):
        self.name, self.gan, self.chunk, self.every, self.max_steps = name, gan, chunk, every, max_steps
        self.images, self.batch_size = images, batch_size
        self.chunk_seconds: list[float] = []
        self.history: dict[str, list] = {"step": [], "train_seconds": []}

    @property
    def steps(self) -> int:
        return int(self.gan.step.numpy())

    def train_chunk(self) -> None:
        """Train ``chunk`` more steps, timed.  Each chunk shuffles with a seed of its own and
        repeats the images as often as it needs (at batch 256 a pass is only 31 steps)."""
        dataset = data.make_pipeline(self.images, self.batch_size, seed=len(self.chunk_seconds))
        dataset = dataset.repeat().take(self.chunk)
        start = time.perf_counter()
        self.gan.fit(dataset, epochs=1, verbose=0)
        self.chunk_seconds.append(time.perf_counter() - start)
        if self.steps % self.every == 0 or self.steps >= self.max_steps:
            self.evaluate()

    def evaluate(self) -> None:
        """Measure the current generator (not timed)."""
        result = metrics.evaluate(self.gan.generate(N_EVAL, seed=1), "mnist")
        self.history["step"].append(self.steps)
        self.history["train_seconds"].append(round(sum(self.chunk_seconds), 1))
        for key in ("fid", "classifier_score", "classes_hit", "class_kl"):
            self.history.setdefault(key, []).append(result[key])
        print(f"{self.name}: step {self.steps}, {sum(self.chunk_seconds):.0f} s, score "
              f"{result['classifier_score']:.2f}, FID {result['fid']:.1f}", flush=True)

    def reached(self, key: str, threshold: float, higher_is_better: bool) -> dict | None:
        """Steps and training seconds at the first evaluation that meets ``threshold``."""
        for i, value in enumerate(self.history.get(key, [])):
            if (value >= threshold) if higher_is_better else (value <= threshold):
                return {"step": self.history["step"][i], "seconds": self.history["train_seconds"][i]}
        return None

    def record(self) -> dict:
        """What the results table needs: thresholds met, best values, step times per chunk."""
        per_step = [1000 * s / self.chunk for s in self.chunk_seconds]
        return {
            "step_definition": STEP_DEFINITIONS[self.name], "batch_size": self.batch_size,
            "parameters": self.gan.generator.count_params() + self.gan.discriminator.count_params(),
            "steps": self.steps, "train_seconds": round(sum(self.chunk_seconds), 1),
            "best_classifier_score": max(self.history["classifier_score"]),
            "best_fid": min(self.history["fid"]),
            "score": {str(t): self.reached("classifier_score", t, True) for t in SCORE_THRESHOLDS},
            "fid": {str(t): self.reached("fid", t, False) for t in FID_THRESHOLDS},
            "ms_per_step_each_chunk": [round(ms, 1) for ms in per_step],
            "ms_per_step_median": round(float(np.median(per_step)), 1),
            "history": self.history,
        }


def tutorial_done(runner: Runner, cap_seconds: float) -> bool:
    """The tutorial stops at the cap, or once it has met every threshold it is asked to."""
    met = (runner.reached("classifier_score", 7.0, True) is not None
           and runner.reached("fid", 100.0, False) is not None)
    return met or sum(runner.chunk_seconds) >= cap_seconds


# ------------------------------------------------- its tables in benchmarks/README.md

def time_to_quality_table() -> str:
    """Markdown table of the DCGAN time-to-quality race, from dcgan_time_to_quality.json."""
    results = tables.load_results("dcgan_time_to_quality")
    if not results:
        return "_No measurement yet: run `python benchmarks/dcgan_time_to_quality.py`._"

    def reached(hit: dict | None) -> str:
        return "not reached" if hit is None else f"{duration(hit['seconds'])} ({hit['step']} steps)"

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
                     f"{r['steps']:,} steps, {duration(r['train_seconds'])} | {r['ms_per_step_median']:.0f} |")
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


def glance_row() -> str:
    """This benchmark's row of the README's "at a glance" table."""
    run = tables.load_results("dcgan_time_to_quality")
    (book_name, book), (tutorial_name, _) = run["configurations"].items()
    threshold = run["score_thresholds"][-1]
    hit = book["score"][str(threshold)]
    return (f"| time to a classifier score of {threshold:g} | {duration(hit['seconds'])} for the {book_name}, "
            f"{_speedup(run, 'score', threshold)} sooner than the {tutorial_name} "
            f"(which trains up to {run['cap_minutes']:g} min) | `dcgan_time_to_quality.json` |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap-minutes", type=float, default=60.0)
    parser.add_argument("--chunk", type=int, default=100, help="steps per timed chunk")
    parser.add_argument("--book-steps", type=int, default=BOOK_STEPS,
                        help="length of the book configuration's learning-rate schedule "
                             f"(the chapter's full profile trains {BOOK_STEPS:,} steps)")
    args = parser.parse_args()
    dataset = data.load_dataset("mnist")
    images = data.to_signed_range(dataset.x_train)
    keras.utils.set_random_seed(0)
    book = Runner("book DCGAN", make_book_dcgan(args.book_steps), images, BOOK_DCGAN["BATCH_SIZE"],
                  args.chunk, every=5 * args.chunk, max_steps=args.book_steps)
    tutorial = Runner("TensorFlow tutorial DCGAN", make_tutorial_gan(), images, TUTORIAL_BATCH,
                      args.chunk, every=args.chunk, max_steps=10 ** 9)
    cap = 60 * args.cap_minutes
    while book.steps < args.book_steps or not tutorial_done(tutorial, cap):
        if book.steps < args.book_steps:
            book.train_chunk()
        if not tutorial_done(tutorial, cap):
            tutorial.train_chunk()
    write_results("dcgan_time_to_quality", {
        "configurations": {runner.name: runner.record() for runner in (book, tutorial)},
        "score_thresholds": SCORE_THRESHOLDS, "fid_thresholds": FID_THRESHOLDS,
        "cap_minutes": args.cap_minutes, "chunk": args.chunk, "n_eval": N_EVAL,
        "data": dataset.describe().splitlines()[0], "floor": metrics.real_floor("mnist", N_EVAL),
    })


if __name__ == "__main__":
    main()
