"""Callbacks for training GANs with ``fit()``.

``SeededEpochs`` (real batches whose order depends only on the seed and the epoch),
``Snapshots`` (fixed-noise samples for grids and animations), ``Evaluate`` (sample-quality
metrics every few steps), ``ClassifierError`` (a semi-supervised GAN's test error every few
steps), ``StopOnNonFinite`` (stop at the first NaN or infinite loss,
keeping the last good checkpoint), ``RunBackup`` (Keras' ``BackupAndRestore`` for one run
only: it refuses a checkpoint of another configuration); ``mean_since_each_measurement`` lines up a logged loss
with ``Evaluate``'s measurements.  They expect the model to count its steps in a
``step`` variable, as ``ganbook.training.GAN`` does.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import pickle
import shutil
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganbook import data
from ganbook._checks import check_positive_int


class SeededEpochs(keras.callbacks.Callback):
    """Real training batches whose order in epoch ``e`` depends only on ``(seed, e)``.

    Pass ``.dataset`` to ``fit()`` and the object itself among the callbacks: it tells
    the pipeline which epoch begins.  With ``labelled=(images, labels)`` the batches are
    ``((labelled images, labels), unlabelled images)`` for semi-supervised training
    (``data.make_semi_supervised_pipeline``); an epoch is a pass over the unlabelled ones.  A run resumed by ``BackupAndRestore`` at epoch
    ``e`` then sees the same batches as an uninterrupted run.
    """

    def __init__(self, images: np.ndarray, batch_size: int, seed: int, labels: np.ndarray | None = None,
                 labelled: tuple[np.ndarray, np.ndarray] | None = None):
        super().__init__()
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.batches_per_epoch = len(images) // batch_size
        if labelled is None:
            self.dataset = data.make_pipeline(images, batch_size, seed, labels=labels, epoch=self.epoch)
        elif labels is not None:
            raise ValueError("give labels for the images, or a labelled set beside unlabelled images, not both")
        else:
            self.dataset = data.make_semi_supervised_pipeline(*labelled, images, batch_size, seed,
                                                              epoch=self.epoch)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch.assign(epoch)


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
    runs when training ends.
    """

    def __init__(self, every: int, dataset: str = "mnist", n: int = 1000, seed: int = 1):
        super().__init__(every)
        self.dataset, self.n, self.seed = dataset, n, seed
        self.history: dict[str, list] = {}

    _RECORDS = ("steps", "history")

    def _run(self) -> None:
        from ganbook import metrics

        result = metrics.evaluate(self.model.generate(self.n, seed=self.seed), self.dataset)
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


class StopOnNonFinite(keras.callbacks.Callback):
    """Stop at the first NaN or infinite loss, naming the step and the loss.

    It raises instead of setting ``stop_training``: a graceful stop would still run
    ``on_epoch_end`` and ``on_train_end``, where ``BackupAndRestore`` would save the
    broken weights and then delete its checkpoint.  Raising keeps the last good one.
    """

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            if not math.isfinite(float(value)):
                step = int(self.model.step.numpy()) if hasattr(self.model, "step") else batch
                raise NonFiniteLossError(
                    f"{name} became {float(value)} at step {step}; training stopped. The last "
                    "checkpoint written before this step is intact; to train with a lower "
                    "learning rate, start afresh (RunBackup's fresh_start=True).")


# Settings of a GAN that change what a step computes; a checkpoint must match them all.
_RUN_ATTRIBUTES = ("seed", "prior", "latent_dim", "codes", "code_scale", "condition_classes",
                   "n_critic", "gradient_penalty_weight", "feature_matching", "mixed_batches",
                   "d_loss_threshold", "gamma", "lambda_k")


def _describe(value: Any) -> Any:
    """A JSON-able description of an attribute: callables by name and bound arguments."""
    if isinstance(value, functools.partial):
        return {"function": _describe(value.func), "keywords": _describe(value.keywords)}
    if isinstance(value, dict):
        return {str(k): _describe(v) for k, v in sorted(value.items())}
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, (list, tuple)):
        return [_describe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value if value is None or isinstance(value, (bool, int, float, str)) else repr(value)


def run_fingerprint(model: keras.Model, settings: dict | None = None) -> dict:
    """What identifies a run: the model's class and weight shapes, each optimizer's class
    and configuration (its learning rate or schedule included), the GAN's settings and
    losses, and the caller's ``settings`` (batch size, data size, epochs, ...)."""
    attributes = vars(model)
    optimizers = {name: {"class": type(opt).__name__,
                         **{k: v for k, v in opt.get_config().items() if k != "name"}}
                  for name, opt in sorted(attributes.items())
                  if isinstance(opt, keras.optimizers.Optimizer)}
    losses = {name: fn for name, fn in sorted(attributes.items())
              if name.endswith("loss_fn") and fn is not None}
    fingerprint = {"model": type(model).__name__,
                   "weight_shapes": [list(w.shape) for w in model.weights],
                   "optimizers": optimizers, "losses": losses,
                   "attributes": {name: attributes[name] for name in _RUN_ATTRIBUTES
                                  if name in attributes},
                   "settings": dict(settings or {})}
    return json.loads(json.dumps(_describe(fingerprint)))


def _differences(stored: dict, wanted: dict, prefix: str = "") -> list[str]:
    """The keys (dotted paths) whose values differ between two fingerprints."""
    found = []
    for key in sorted(set(stored) | set(wanted)):
        old, new = stored.get(key), wanted.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            found += _differences(old, new, f"{prefix}{key}.")
        elif old != new:
            old, new = (f"{v:.6g}" if isinstance(v, float) else repr(v) for v in (old, new))
            shown = f"{old} -> {new}" if len(old) + len(new) < 120 else "changed"
            found.append(f"{prefix}{key}: {shown}")
    return found


class CheckpointMismatchError(ValueError):
    """A checkpoint folder holds the state of another run."""


class RunBackup(keras.callbacks.BackupAndRestore):
    """Keras' ``BackupAndRestore`` that restores only the run it was written for.

    Beside the checkpoint it stores ``run_fingerprint(model, settings)``. When ``fit()``
    begins and the folder holds a checkpoint of another configuration (another seed,
    learning rate, network, batch size, data size or number of epochs), it raises
    ``CheckpointMismatchError`` naming the folder and what differs, instead of silently
    continuing the old run. ``fresh_start=True`` discards whatever the folder holds, once,
    at the first ``fit()``: a later ``fit()`` with the same callback resumes.

    ``records`` are callbacks such as ``Snapshots`` and ``Evaluate``: what they recorded
    is saved with every checkpoint and given back on a resume, so that after a kernel
    restart the frames and measurements of the steps before the checkpoint are still
    there. List ``RunBackup`` before them among ``fit()``'s callbacks.
    """

    FINGERPRINT = "run_fingerprint.json"
    RECORDS = "records.pkl"

    def __init__(self, backup_dir: str | Path, settings: dict | None = None,
                 fresh_start: bool = False, records: tuple[_Periodic, ...] = (), **kwargs):
        if not isinstance(fresh_start, bool):
            raise TypeError(f"fresh_start must be True or False, got {fresh_start!r}")
        bad = [type(r).__name__ for r in records if not isinstance(r, _Periodic)]
        if bad:
            raise TypeError(f"records are ganbook callbacks such as Snapshots or Evaluate, got {bad}")
        super().__init__(str(backup_dir), **kwargs)
        if records and self.save_freq != "epoch":
            raise ValueError("records are saved at epoch ends: use save_freq='epoch' with them")
        self.folder = Path(backup_dir)
        self.settings = dict(settings or {})
        self.fresh_start = fresh_start
        self.kept = tuple(records)

    def on_train_begin(self, logs=None):
        wanted = run_fingerprint(self.model, self.settings)
        if self.fresh_start:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.fresh_start = False
        elif self.folder.is_dir() and any(self.folder.iterdir()):
            self._check(wanted)
        super().on_train_begin(logs)
        if self.kept and (self.folder / self.RECORDS).exists():
            for callback, records in zip(self.kept,
                                         pickle.loads((self.folder / self.RECORDS).read_bytes())):
                callback.restore_records(records)
        self._write(self.FINGERPRINT, json.dumps(wanted, indent=1).encode())

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if self.kept:
            self._write(self.RECORDS, pickle.dumps([c.records() for c in self.kept]))

    def _write(self, name: str, content: bytes) -> None:
        # A temporary file and a rename: a kill mid-write leaves the old file whole.
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / (name + ".tmp")
        temporary.write_bytes(content)
        temporary.replace(self.folder / name)

    def _check(self, wanted: dict) -> None:
        stored_file = self.folder / self.FINGERPRINT
        try:
            stored = json.loads(stored_file.read_text())
        except (OSError, ValueError):
            raise CheckpointMismatchError(
                f"{self.folder} holds a checkpoint without a readable {self.FINGERPRINT}, so "
                "it may belong to another run: delete the folder, or pass fresh_start=True "
                "(FRESH_START = True in a chapter)") from None
        differences = _differences(stored, wanted)
        if differences:
            raise CheckpointMismatchError(
                f"{self.folder} holds a checkpoint of another run; what differs (stored -> "
                f"now): {'; '.join(differences[:6])}. Restore those settings to resume it, "
                "or pass fresh_start=True (FRESH_START = True in a chapter) to discard it")
