"""Callbacks that drive the run: seeded batches, a stop at a step, a stop at a NaN."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from ganbook import data
from ganbook._checks import check_labels, check_positive_int


class SeededEpochs(keras.callbacks.Callback):
    """Real training batches whose order in epoch ``e`` depends only on ``(seed, e)``.

    Pass ``.dataset`` to ``fit()`` and the object itself among the callbacks: it tells
    the pipeline which epoch begins.  With ``labelled=(images, labels)`` the batches are
    ``((labelled images, labels), unlabelled images)`` for semi-supervised training
    (``data.make_semi_supervised_pipeline``; ``feature_batch=True`` adds a second
    unlabelled batch); an epoch is a pass over the unlabelled ones.
    A run resumed by ``BackupAndRestore`` at epoch
    ``e`` then sees the same batches as an uninterrupted run.  When training begins,
    every label is checked against the model's classes (``GAN.label_classes``).
    """

    def __init__(self, images: np.ndarray, batch_size: int, seed: int, labels: np.ndarray | None = None,
                 labelled: tuple[np.ndarray, np.ndarray] | None = None, feature_batch: bool = False):
        super().__init__()
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.labels = labels if labelled is None else labelled[1]
        self.batches_per_epoch = len(images) // batch_size
        if feature_batch and labelled is None:
            raise ValueError("feature_batch adds a second unlabelled batch to semi-supervised "
                             "batches: give labelled=(images, labels) too")
        if labelled is None:
            self.dataset = data.make_pipeline(images, batch_size, seed, labels=labels, epoch=self.epoch)
        elif labels is not None:
            raise ValueError("give labels for the images, or a labelled set beside unlabelled images, not both")
        else:
            self.dataset = data.make_semi_supervised_pipeline(*labelled, images, batch_size, seed,
                                                              epoch=self.epoch, feature_batch=feature_batch)

    def on_train_begin(self, logs=None):
        # All labels, not the first batch's only: one label of 10 among 10 classes
        # would fail deep inside a traced step, or train as zeros on a GPU.
        classes = getattr(self.model, "label_classes", 0)
        if self.labels is not None and classes:
            check_labels(self.labels, classes)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch.assign(epoch)


class StopAtStep(keras.callbacks.Callback):
    """Stop training once the model's step counter reaches ``steps`` (mid-epoch if need be)."""

    def __init__(self, steps: int):
        super().__init__()
        check_positive_int("steps", steps)
        self.steps = steps

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.step.numpy()) >= self.steps:
            self.model.stop_training = True


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or infinite during training."""


def non_finite_loss(model: keras.Model, logs: dict | None, batch: int) -> NonFiniteLossError | None:
    """The error to raise if a loss in ``logs`` is NaN or infinite, naming it and the step."""
    for name, value in (logs or {}).items():
        if not math.isfinite(float(value)):
            step = int(model.step.numpy()) if hasattr(model, "step") else batch
            return NonFiniteLossError(
                f"{name} became {float(value)} at step {step}; training stopped. Likely causes: "
                "a learning rate too high for this model, or NaN or infinite values in the "
                "training data")
    return None


class StopOnNonFinite(keras.callbacks.Callback):
    """Stop at the first NaN or infinite loss, naming the step and the loss.

    It raises instead of setting ``stop_training``: a graceful stop would still run
    ``on_epoch_end`` and ``on_train_end``, where ``BackupAndRestore`` would save the
    broken weights and then delete its checkpoint.  ``callbacks.RunBackup`` makes the
    same check itself before it saves, wherever it stands among the callbacks.
    """

    def on_train_batch_end(self, batch, logs=None):
        error = non_finite_loss(self.model, logs, batch)
        if error is not None:
            raise error
