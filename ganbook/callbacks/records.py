"""Callbacks that record the run every few steps: fixed-noise snapshots, sample quality,
a semi-supervised classifier's test error."""

from __future__ import annotations

import copy

import keras
import numpy as np
import tensorflow as tf

from ganbook import metrics
from ganbook._checks import check_positive_int


class _Periodic(keras.callbacks.Callback):
    """Runs ``self._run()`` at training start, whenever ``every`` more steps have passed, and at the end."""

    def __init__(self, every: int):
        super().__init__()
        check_positive_int("every (a number of steps)", every)
        self.every = every
        self.steps: list[int] = []

    def _maybe_run(self, force: bool = False) -> None:
        step = int(self.model.step.numpy())
        last = self.steps[-1] if self.steps else 0
        if self.steps and last == step:
            return
        # Compare intervals, not `step % every`: with steps_per_execution > 1 the
        # callback sees only every few steps and could skip over a multiple of `every`.
        if force or step // self.every > last // self.every:
            self.steps.append(step)
            self._run()

    def _run(self) -> None:
        raise NotImplementedError

    def _keep(self, count: int) -> None:
        """Keep only the first ``count`` records (subclasses trim their own data too)."""
        del self.steps[count:]

    _RECORDS: tuple[str, ...] = ("steps",)

    def records(self) -> dict:
        """What this callback has recorded (a copy), for ``RunBackup`` to keep with a checkpoint."""
        return copy.deepcopy({name: getattr(self, name) for name in self._RECORDS})

    def restore_records(self, records: dict) -> None:
        """Take back what ``records()`` returned, as after a kernel restart."""
        for name in self._RECORDS:
            setattr(self, name, copy.deepcopy(records[name]))

    def on_train_begin(self, logs=None):
        # After BackupAndRestore rolls back to a checkpoint, records made after it
        # describe weights that no longer exist: drop them.
        step = int(self.model.step.numpy())
        self._keep(sum(1 for s in self.steps if s <= step))

    def on_train_batch_end(self, batch, logs=None):
        self._maybe_run()

    def on_train_end(self, logs=None):
        self._maybe_run(force=True)


class Snapshots(_Periodic):
    """Samples from the same ``noise`` every ``every`` steps (and at the start and end).

    ``frames`` holds them, shape (snapshots, n, H, W, C), ``steps`` the step of each:
    frames made from fixed noise are comparable, which is what an animation needs.
    """

    def __init__(self, noise, every: int):
        super().__init__(every)
        self.noise = tf.convert_to_tensor(noise, tf.float32)
        self.frames: list[np.ndarray] = []

    _RECORDS = ("steps", "frames")

    def _run(self) -> None:
        self.frames.append(self.model.generator(self.noise, training=False).numpy())

    def _keep(self, count: int) -> None:
        super()._keep(count)
        del self.frames[count:]

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._maybe_run(force=True)


class Evaluate(_Periodic):
    """Sample-quality metrics (``ganbook.metrics.evaluate``) every ``every`` steps.

    ``history`` maps ``"step"`` and every metric name to a list, one entry per
    evaluation on ``n`` fresh samples (the same noise each time); evaluation also
    runs when training ends.  The samples are read in the generator's range
    (``GAN.value_range``, from its last activation).
    """

    def __init__(self, every: int, dataset: str = "mnist", n: int = 1000, seed: int = 1):
        super().__init__(every)
        metrics.check_evaluation(dataset, n)  # now, not after the first `every` steps
        self.dataset, self.n, self.seed = dataset, n, seed
        self.history: dict[str, list] = {}

    _RECORDS = ("steps", "history")

    def _run(self) -> None:
        result = metrics.evaluate(self.model.generate(self.n, seed=self.seed), self.dataset,
                                  value_range=self.model.value_range)
        for key, value in {"step": self.steps[-1], **result}.items():
            self.history.setdefault(key, []).append(value)

    def _keep(self, count: int) -> None:
        super()._keep(count)
        for values in self.history.values():
            del values[count:]


def mean_since_each_measurement(per_epoch, steps_per_epoch: int, measured_steps) -> np.ndarray:
    """Align a loss logged once per epoch (``fit``'s history) with ``Evaluate``'s measurements.

    For each measured step, the mean of ``per_epoch`` over the epochs that ended after the
    previous measurement and by this one.  Measurements should fall at epoch ends.
    """
    check_positive_int("steps_per_epoch", steps_per_epoch)
    values = np.asarray(per_epoch, dtype=float)
    epoch_ends = steps_per_epoch * np.arange(1, len(values) + 1)
    starts = [0, *measured_steps[:-1]]
    means = []
    for start, end in zip(starts, measured_steps):
        inside = (epoch_ends > start) & (epoch_ends <= end)
        if not inside.any():
            raise ValueError(f"no epoch ended between steps {start} and {end}: measure at epoch ends, "
                             f"every multiple of {steps_per_epoch} steps")
        means.append(values[inside].mean())
    return np.asarray(means)


class ClassifierError(_Periodic):
    """The test error of a semi-supervised GAN's classifier every ``every`` steps (and at the end).

    ``history`` maps ``"step"`` and ``"error"`` to lists: the share of ``images`` whose
    predicted class (``model.classify``) is not their label.  With ``verbose`` each
    measurement prints one line.
    """

    def __init__(self, every: int, images, labels, verbose: bool = False):
        super().__init__(every)
        self.verbose = verbose
        self.images, self.labels = np.asarray(images), np.asarray(labels)
        if len(self.images) != len(self.labels) or len(self.labels) == 0:
            raise ValueError(f"expected one label per image, got {len(self.images)} images "
                             f"and {len(self.labels)} labels")
        self.history: dict[str, list] = {"step": [], "error": []}

    _RECORDS = ("steps", "history")

    def _run(self) -> None:
        error = float(np.mean(self.model.classify(self.images) != self.labels))
        self.history["step"].append(self.steps[-1])
        self.history["error"].append(error)
        if self.verbose:
            print(f"step {self.steps[-1]:>6}: test error {100 * error:.2f}%")

    def _keep(self, count: int) -> None:
        super()._keep(count)
        for values in self.history.values():
            del values[count:]
