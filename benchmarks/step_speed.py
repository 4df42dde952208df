"""How fast is one DCGAN training step, with and without Grappler's remapper and XLA?

`import ganbook` turns the remapper off (it prints a spurious error for every compiled
GAN step on TF 2.21), and `GAN.compile(jit_compile=...)` can compile the step with XLA.
This script times the Keras DCGAN chapter's step in every combination,
alternating, and writes results/step_speed.json; benchmarks/README.md quotes it.  The machine's
speed drifts (some repeats run at half speed), so the best repeat of each setting is
the one compared.
Usage: python benchmarks/step_speed.py [--steps 100] [--repeats 5]
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
from chapter_models import BOOK_DCGAN, make_book_dcgan
from common import write_results

from ganbook import callbacks, data

SETTINGS = {
    "remapper off, no XLA (the book)": (False, False),
    "remapper on, no XLA (TensorFlow's default)": (True, False),
    "remapper off, XLA": (False, True),
}


def ms_per_step(remapping: bool, jit_compile: bool, images: np.ndarray, steps: int) -> float:
    """Milliseconds per DCGAN training step, after tracing and a warm-up."""
    tf.config.optimizer.set_experimental_options({"remapping": remapping})
    keras.utils.set_random_seed(0)
    gan = make_book_dcgan(steps + 10, jit_compile=jit_compile)
    batches = callbacks.SeededEpochs(images, BOOK_DCGAN["BATCH_SIZE"], seed=0).dataset
    gan.fit(batches.take(10), epochs=1, verbose=0)
    start = time.perf_counter()
    gan.fit(batches.take(steps), epochs=1, verbose=0)
    return 1000 * (time.perf_counter() - start) / steps


# ------------------------------------------------- its tables in benchmarks/README.md

def step_speed_table() -> str:
    """Markdown table of DCGAN step times per TensorFlow setting, from step_speed.json."""
    results = tables.load_results("step_speed")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    images = data.to_signed_range(data.load_dataset("mnist").x_train)
    times = {label: [] for label in SETTINGS}
    for _ in range(args.repeats):
        for label, (remapping, jit) in SETTINGS.items():
            times[label].append(round(ms_per_step(remapping, jit, images, args.steps), 1))
            print(f"{label}: {times[label][-1]} ms/step", flush=True)
    write_results("step_speed", {"ms_per_step": times, "steps": args.steps,
                                 "batch_size": BOOK_DCGAN["BATCH_SIZE"]})


if __name__ == "__main__":
    main()
