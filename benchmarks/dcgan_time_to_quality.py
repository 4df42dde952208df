"""Time to quality: the book's DCGAN configuration vs the TensorFlow tutorial's, same data.

Both train on the same MNIST images with the book's GAN trainer and are measured by the
same frozen evaluator every few steps.  For each configuration we record the training
wall-clock time (evaluation excluded) and the steps until the classifier score and the
FID first reach each threshold, with a cap on training time.  Writes
results/dcgan_time_to_quality.json; the README's table is generated from it.
Usage: python benchmarks/dcgan_time_to_quality.py [--cap-minutes 20]
"""

from __future__ import annotations

import argparse
import time

import ganbook  # noqa: F401  (imports TensorFlow quietly)
import keras
from common import BOOK_DCGAN, make_book_dcgan, write_results
from ganbook import callbacks, data, metrics, models, training

SCORE_THRESHOLDS = (5.0, 7.0, 9.0)   # classifier score, higher is better
FID_THRESHOLDS = (100.0, 50.0, 20.0)  # lower is better
N_EVAL = 2000


def book_config(schedule_steps: int) -> tuple[training.GAN, int]:
    """The Keras DCGAN chapter's configuration, its learning rate decaying over ``schedule_steps``."""
    return make_book_dcgan(schedule_steps), BOOK_DCGAN["BATCH_SIZE"]


def tutorial_config() -> tuple[training.GAN, int]:
    """The TensorFlow DCGAN tutorial: its networks, noise of size 100, Adam(1e-4), batch 256."""
    gan = training.GAN(models.make_tutorial_generator(100), models.make_tutorial_discriminator())
    gan.compile(keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4))
    return gan, 256


class TimedEvaluate(callbacks.Evaluate):
    """``Evaluate`` that also records training seconds so far, evaluation time excluded,
    and stops training once every threshold is met or the time cap is reached."""

    def __init__(self, every: int, cap_seconds: float):
        super().__init__(every, n=N_EVAL)
        self.cap_seconds = cap_seconds
        self.eval_seconds = 0.0
        self.start = None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        super().on_train_begin(logs)

    def _run(self) -> None:
        began = time.perf_counter()
        train_seconds = began - self.start - self.eval_seconds
        super()._run()
        self.eval_seconds += time.perf_counter() - began
        self.history.setdefault("train_seconds", []).append(round(train_seconds, 1))
        done = (self.history["classifier_score"][-1] >= max(SCORE_THRESHOLDS)
                and self.history["fid"][-1] <= min(FID_THRESHOLDS))
        if done or train_seconds >= self.cap_seconds:
            self.model.stop_training = True


def first_reached(history: dict, key: str, threshold: float, higher_is_better: bool) -> dict | None:
    """Steps and training seconds at the first evaluation that meets ``threshold``."""
    for i, value in enumerate(history[key]):
        if (value >= threshold) if higher_is_better else (value <= threshold):
            return {"step": history["step"][i], "seconds": history["train_seconds"][i]}
    return None


def run(name: str, make, images, every: int, cap_seconds: float, max_steps: int) -> dict:
    """Train one configuration until the thresholds or the cap; return its record."""
    keras.utils.set_random_seed(0)
    gan, batch_size = make()
    batches = callbacks.SeededEpochs(images, batch_size, seed=0)
    evaluate = TimedEvaluate(every, cap_seconds)
    epochs = -(-max_steps // batches.batches_per_epoch)
    gan.fit(batches.dataset, epochs=epochs, verbose=0, callbacks=[batches, evaluate])
    history = evaluate.history
    record = {
        "batch_size": batch_size,
        "parameters": gan.generator.count_params() + gan.discriminator.count_params(),
        "steps": int(gan.step.numpy()),
        "train_seconds": history["train_seconds"][-1],
        "best_classifier_score": max(history["classifier_score"]),
        "best_fid": min(history["fid"]),
        "score": {str(t): first_reached(history, "classifier_score", t, True) for t in SCORE_THRESHOLDS},
        "fid": {str(t): first_reached(history, "fid", t, False) for t in FID_THRESHOLDS},
        "history": {k: history[k] for k in ("step", "train_seconds", "fid", "classifier_score",
                                             "classes_hit", "class_kl")},
    }
    print(f"{name}: {record['steps']} steps in {record['train_seconds']:.0f} s, best score "
          f"{record['best_classifier_score']:.2f}, best FID {record['best_fid']:.1f}", flush=True)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap-minutes", type=float, default=20.0)
    parser.add_argument("--book-steps", type=int, default=2500,
                        help="length of the book configuration's learning-rate schedule "
                             "(the chapter's full profile trains 2,500 steps)")
    args = parser.parse_args()
    dataset = data.load_dataset("mnist")
    images = data.to_signed_range(dataset.x_train)
    cap = 60 * args.cap_minutes
    results = {
        "book DCGAN": run("book DCGAN", lambda: book_config(args.book_steps), images,
                          every=500, cap_seconds=cap, max_steps=args.book_steps),
        "TensorFlow tutorial DCGAN": run("TensorFlow tutorial DCGAN", tutorial_config, images,
                                         every=100, cap_seconds=cap, max_steps=10**6),
    }
    write_results("dcgan_time_to_quality", {
        "configurations": results, "score_thresholds": SCORE_THRESHOLDS,
        "fid_thresholds": FID_THRESHOLDS, "cap_minutes": args.cap_minutes, "n_eval": N_EVAL,
        "data": dataset.describe().splitlines()[0], "floor": metrics.real_floor("mnist", N_EVAL),
    })


if __name__ == "__main__":
    main()
