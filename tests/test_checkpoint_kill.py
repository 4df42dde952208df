"""RunBackup's checkpoints survive a kill at any moment, and a resume continues exactly."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest
from test_training import Interrupt, real_vectors, tiny_gan, weights

from ganbook import callbacks

# A tiny GAN of 120 two-step epochs that saves after every epoch and, when it finishes,
# writes its weights to OUT; a child process, so that the test can SIGKILL it.
TRAIN = """
import sys
import numpy as np
import keras
import tensorflow as tf
from ganbook import callbacks, models, training

tf.config.experimental.enable_op_determinism()
folder, out = sys.argv[1], sys.argv[2]
keras.utils.set_random_seed(0)
gan = training.GAN(models.make_mlp(4, 6, (16,), name="g"), models.make_mlp(6, 1, (16,), name="d"), seed=0)
gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
batches = callbacks.SeededEpochs(np.random.default_rng(0).normal(size=(32, 6)).astype("float32"),
                                 batch_size=16, seed=7)


class Started(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        print("started at step", int(self.model.step.numpy()), flush=True)

    def on_epoch_end(self, epoch, logs=None):
        print("an epoch ended", flush=True)  # past tracing: a kill from now lands in the loop


backup = callbacks.RunBackup(folder, settings={"epochs": 120})
gan.fit(batches.dataset, epochs=120, verbose=0, callbacks=[batches, backup, Started()])
np.save(out, np.concatenate([v.numpy().ravel() for v in gan.variables]))
"""


def _start(folder: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    return subprocess.Popen([sys.executable, "-c", TRAIN, str(folder), str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_training_process_killed_at_random_moments_resumes_every_time(tmp_path):
    straight = _start(tmp_path / "straight", tmp_path / "straight.npy")  # alongside, on the other core
    rng = random.Random(0)
    starts = []
    for _ in range(4):
        process = _start(tmp_path / "run", tmp_path / "killed.npy")
        starts.append(int(process.stdout.readline().split()[-1]))  # training has begun
        process.stdout.readline()
        time.sleep(rng.uniform(0.2, 1.5))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        assert not (tmp_path / "killed.npy").exists(), "the run finished before the kill"
    process = _start(tmp_path / "run", tmp_path / "killed.npy")
    for run in (process, straight):
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors[-3000:]
    assert sorted(starts) == starts and starts[-1] > 0, starts  # each run went on from the last
    np.testing.assert_allclose(np.load(tmp_path / "killed.npy"), np.load(tmp_path / "straight.npy"),
                               atol=1e-6)
    assert not (tmp_path / "run").exists()  # a finished run leaves no checkpoint behind


def _fit(gan, folder, extra=()):
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    backup = callbacks.RunBackup(folder, settings={"epochs": 3})
    gan.fit(batches.dataset, epochs=3, verbose=0, callbacks=[batches, backup, *extra])
    return backup


@pytest.mark.usefixtures("deterministic_ops")
def test_a_save_cut_short_leaves_the_previous_checkpoint_and_the_resume_is_exact(tmp_path, monkeypatch):
    original = Path.replace

    def killed_while_saving_epoch_2(self, target):
        if Path(target).name == "epoch-00002.weights.h5":
            raise KeyboardInterrupt  # written, not yet renamed
        return original(self, target)

    monkeypatch.setattr(Path, "replace", killed_while_saving_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        _fit(tiny_gan(), tmp_path / "run")
    monkeypatch.setattr(Path, "replace", original)
    assert sorted(p.name for p in (tmp_path / "run").glob("*.h5")) == [
        "epoch-00001.weights.h5", "saving.weights.h5"]
    resumed = tiny_gan()
    _fit(resumed, tmp_path / "run", extra=[_StepAtStart()])
    assert _StepAtStart.seen == 6  # resumed after epoch 1 (6 steps), not from the broken save
    straight = tiny_gan()
    _fit(straight, tmp_path / "straight")
    for a, b in zip(weights(resumed), weights(straight)):
        np.testing.assert_allclose(a, b, atol=1e-6)


class _StepAtStart(keras.callbacks.Callback):
    seen = None

    def on_train_begin(self, logs=None):
        type(self).seen = int(self.model.step.numpy())


def test_an_unreadable_checkpoint_is_refused_with_its_path(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        _fit(tiny_gan(), tmp_path / "run", extra=[Interrupt(8)])
    checkpoint = tmp_path / "run" / "epoch-00001.weights.h5"
    checkpoint.write_bytes(b"not an HDF5 file")
    with pytest.raises(callbacks.CheckpointMismatchError, match=f"{checkpoint} cannot be loaded"):
        _fit(tiny_gan(), tmp_path / "run")
