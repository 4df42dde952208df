"""Train, freeze and record the evaluator classifier that ganbook.metrics ships.

Deterministic: one seed, TensorFlow's deterministic ops, a fixed number of epochs.
It trains on the training split that `ganbook.data.load_dataset` finds (prepared data
or keras.datasets), measures accuracy on the held-out split, and writes
ganbook/assets/<dataset>_evaluator.weights.h5 and <dataset>_evaluator.json (data
source, counts, seed, epochs, held-out accuracy, weights checksum).
Usage: GANBOOK_DATA_DIR=data python tools/train_evaluator.py mnist [fashion_mnist]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import datetime, timezone

import ganbook  # noqa: F401  (before the libraries: it imports TensorFlow quietly)

# isort: split

import keras
import numpy as np
import tensorflow as tf

from ganbook import data, metrics

# MNIST offline has only 8,000 training digits: small shifts and rotations help the
# classifier generalise.  Fashion-MNIST has 60,000 images and needs no augmentation.
SETTINGS = {
    "mnist": {"epochs": 30, "augment": True},
    "fashion_mnist": {"epochs": 12, "augment": False},
}
MAX_WEIGHTS_BYTES = 2 * 1024 * 1024


def augmenter(seed: int) -> keras.Sequential:
    """Random shifts of up to 2 pixels and rotations of up to 8 degrees."""
    return keras.Sequential([
        keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=-1.0, seed=seed),
        keras.layers.RandomRotation(0.022, fill_mode="constant", fill_value=-1.0, seed=seed + 1),
    ])


def train(dataset_name: str, seed: int) -> dict:
    """Train the evaluator of ``dataset_name``, write its weights and record; return the record."""
    settings = SETTINGS[dataset_name]
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    dataset = data.load_dataset(dataset_name)
    x_train = data.to_signed_range(dataset.x_train)
    x_test = data.to_signed_range(dataset.x_test)
    pipeline = data.make_pipeline(x_train, batch_size=128, seed=seed, labels=dataset.y_train,
                                  drop_remainder=False)
    if settings["augment"]:
        augment = augmenter(seed)
        pipeline = pipeline.map(lambda x, y: (augment(x, training=True), y))

    model = metrics.build_evaluator(dataset.spec.num_classes)
    steps = settings["epochs"] * int(np.ceil(len(x_train) / 128))
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, steps)
    model.compile(keras.optimizers.Adam(schedule),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(pipeline, epochs=settings["epochs"], verbose=2)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, dataset.y_test, batch_size=1000, verbose=0)

    weights = metrics.weights_path(dataset_name)
    weights.parent.mkdir(parents=True, exist_ok=True)
    frozen = metrics.build_evaluator(dataset.spec.num_classes)  # no optimizer state to store
    frozen.set_weights(model.get_weights())
    frozen.save_weights(weights)
    if weights.stat().st_size > MAX_WEIGHTS_BYTES:
        raise RuntimeError(f"{weights} is {weights.stat().st_size:,} bytes, over the 2 MB limit")
    record = {
        "dataset": dataset_name,
        "data_source": dataset.provenance["source"],
        "complete_dataset": dataset.provenance.get("complete", False),
        "train_images": len(x_train),
        "test_images": len(x_test),
        "split_seed": dataset.provenance.get("split_seed"),
        "seed": seed,
        "epochs": settings["epochs"],
        "augmentation": settings["augment"],
        "test_accuracy": round(float(accuracy), 4),
        "training_seconds": round(seconds, 1),
        "trained_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"TensorFlow {tf.__version__}, Keras {keras.__version__}",
        "weights_sha256": metrics.file_sha256(weights),
    }
    metrics.record_path(dataset_name).write_text(json.dumps(record, indent=2) + "\n")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", choices=sorted(SETTINGS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name in args.datasets:
        record = train(name, args.seed)
        print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
