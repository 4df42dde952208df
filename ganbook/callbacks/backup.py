"""Checkpoints that belong to one run: Keras' ``BackupAndRestore`` plus a fingerprint."""

from __future__ import annotations

import functools
import json
import pickle
import re
import shutil
from pathlib import Path
from typing import Any

import keras
import numpy as np

from ganbook.callbacks.epochs import NonFiniteLossError, non_finite_loss
from ganbook.callbacks.records import _Periodic

# Settings of a GAN that change what a step computes; a checkpoint must match them all.
_RUN_ATTRIBUTES = ("seed", "prior", "latent_dim", "codes", "code_scale", "continuous_codes",
                   "condition_classes", "n_critic", "mixed_batches", "d_loss_threshold", "gamma", "lambda_k")
# The parts of a GAN's objective that a checkpoint must match (its penalties are objects
# with state of their own, which the run's callbacks and weights carry).
_OBJECTIVE_PARTS = ("d_loss", "g_loss", "gradient_penalty", "feature_matching")


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
    objective (its losses), and the caller's ``settings`` (batch size, data size, epochs, ...)."""
    attributes = vars(model)
    optimizers = {name: {"class": type(opt).__name__,
                         **{k: v for k, v in opt.get_config().items() if k != "name"}}
                  for name, opt in sorted(attributes.items())
                  if isinstance(opt, keras.optimizers.Optimizer)}
    objective = attributes.get("objective")
    fingerprint = {"model": type(model).__name__,
                   "weight_shapes": [list(w.shape) for w in model.weights],
                   "optimizers": optimizers,
                   "objective": None if objective is None else {part: getattr(objective, part)
                                                                for part in _OBJECTIVE_PARTS},
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
    is saved with every checkpoint and given back on a resume, as are the per-epoch logs
    of ``fit()``'s History, so that after a kernel restart the frames, measurements and
    loss curves of the epochs before the checkpoint are still there. List ``RunBackup``
    before those callbacks among ``fit()``'s callbacks.

    It saves at the end of every epoch, and each save survives a kill at any moment: the
    weights go to a temporary file that is then renamed to ``epoch-E.weights.h5``, and the
    older checkpoint is removed only after that, so the folder always holds one whole
    checkpoint and its epoch is in its name. Integer ``save_freq`` is refused: Keras
    resumes a mid-epoch checkpoint at the start of its epoch, so the steps before the save
    would run twice. For more frequent checkpoints, make the epochs shorter.
    """

    FINGERPRINT = "run_fingerprint.json"
    RECORDS = "records.pkl"
    _SAVING = "saving.weights.h5"  # Keras wants the .weights.h5 suffix
    _CHECKPOINT = re.compile(r"epoch-(\d+)\.weights\.h5")

    def __init__(self, backup_dir: str | Path, settings: dict | None = None,
                 fresh_start: bool = False, records: tuple[_Periodic, ...] = (),
                 save_freq: str = "epoch", delete_checkpoint: bool = True):
        if not isinstance(fresh_start, bool):
            raise TypeError(f"fresh_start must be True or False, got {fresh_start!r}")
        if save_freq != "epoch":
            raise ValueError(
                f"RunBackup saves at the end of each epoch (save_freq='epoch'), got save_freq={save_freq!r}: "
                "Keras resumes a mid-epoch checkpoint at the start of its epoch, so the steps before the "
                "save would run twice. For more frequent checkpoints, make the epochs shorter")
        bad = [type(r).__name__ for r in records if not isinstance(r, _Periodic)]
        if bad:
            raise TypeError(f"records are ganbook callbacks such as Snapshots or Evaluate, got {bad}")
        super().__init__(str(backup_dir), delete_checkpoint=delete_checkpoint)
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
        restored_epoch = self._load_model()
        self.epoch_logs = []
        if restored_epoch and (self.folder / self.RECORDS).exists():
            self._restore(pickle.loads((self.folder / self.RECORDS).read_bytes()), restored_epoch)
        self._write(self.FINGERPRINT, json.dumps(wanted, indent=1).encode())

    def _restore(self, saved: dict, epochs: int) -> None:
        for callback, records in zip(self.kept, saved["callbacks"]):
            callback.restore_records(records)
        # fit() returns a new History each call: give it the epochs before the checkpoint,
        # so that its loss curves cover the whole run (History runs after this callback).
        self.epoch_logs = saved["epochs"][:epochs]
        history = getattr(self.model, "history", None)
        if isinstance(history, keras.callbacks.History):
            history.history = {}
            for logs in self.epoch_logs:
                for key, value in logs.items():
                    history.history.setdefault(key, []).append(value)

    def on_train_batch_end(self, batch, logs=None):
        self._refuse_non_finite(logs, batch)  # stop at the first NaN, not at the epoch's end

    def on_epoch_end(self, epoch, logs=None):
        self._refuse_non_finite(logs, epoch)
        self.epoch_logs.append({k: float(v) for k, v in (logs or {}).items()})
        # The records first: a kill before the weights are saved leaves records that run
        # ahead of the checkpoint, which a resume trims to it (the reverse would lose some).
        self._write(self.RECORDS, pickle.dumps({"callbacks": [c.records() for c in self.kept],
                                                "epochs": self.epoch_logs}))
        self._save_model(epoch + 1)

    def _checkpoints(self) -> dict[int, Path]:
        """The whole checkpoints in the folder, by the epoch after which each was saved."""
        if not self.folder.is_dir():
            return {}
        return {int(m.group(1)): path for path in self.folder.iterdir()
                if (m := self._CHECKPOINT.fullmatch(path.name))}

    def _save_model(self, epoch: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        older = self._checkpoints()
        saving = self.folder / self._SAVING
        self.model.save_weights(saving, overwrite=True)
        saving.replace(self.folder / f"epoch-{epoch:05d}.weights.h5")  # atomic: whole or absent
        for old_epoch, path in older.items():
            if old_epoch != epoch:
                path.unlink()

    def _load_model(self) -> int:
        """Restore the folder's checkpoint, if any; the number of epochs it had trained (0 if none)."""
        (self.folder / self._SAVING).unlink(missing_ok=True)  # a save a kill cut short
        checkpoints = self._checkpoints()
        if not checkpoints:
            return 0
        epoch = max(checkpoints)
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        path = checkpoints[epoch]
        try:
            self.model.load_weights(path)
        except (OSError, ValueError) as error:
            raise CheckpointMismatchError(
                f"{path} cannot be loaded ({type(error).__name__}: {str(error).splitlines()[0][:200]}): "
                "delete the folder, or pass fresh_start=True (FRESH_START = True in a chapter)") from None
        self.model._initial_epoch = epoch
        return epoch

    def _refuse_non_finite(self, logs, batch) -> None:
        # A NaN loss means NaN weights: never save them over the last good checkpoint.
        error = non_finite_loss(self.model, logs, batch)
        if error is None:
            return
        saved = self.saved_epoch()
        kept = (f"the checkpoint in {self.folder} (after epoch {saved}) is intact"
                if saved is not None else f"no checkpoint was written to {self.folder} yet")
        raise NonFiniteLossError(f"{error}. {kept}; to train with other settings, pass "
                                 "fresh_start=True (FRESH_START = True in a chapter)")

    def saved_epoch(self) -> int | None:
        """The number of epochs the checkpoint in the folder has trained, or None if there is none."""
        return max(self._checkpoints(), default=None)

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
