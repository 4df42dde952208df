"""Tests of ganbook.callbacks: seeded epochs, snapshots, evaluation, the non-finite guard."""

import json
import re

import keras
import numpy as np
import pytest
from test_training import LATENT, Interrupt, fit_with_backup, real_vectors, tiny_gan, weights

from ganbook import callbacks, losses, models, training

pytestmark = pytest.mark.usefixtures("deterministic_ops")


def _sgd_gan(learning_rate):
    """A WGAN trained with plain SGD at ``learning_rate`` (a number or a schedule)."""
    keras.utils.set_random_seed(0)
    gan = training.GAN(models.make_mlp(LATENT, 6, (16,), name="g"),
                       models.make_mlp(6, 1, (16,), name="d"))
    gan.compile(keras.optimizers.SGD(learning_rate), keras.optimizers.SGD(learning_rate),
                training.Objective(losses.wasserstein_d_loss, losses.wasserstein_g_loss))
    return gan


def test_non_finite_loss_stops_training_and_keeps_the_last_good_checkpoint(tmp_path):
    exploding = keras.optimizers.schedules.PiecewiseConstantDecay([8], [1e-3, 1e30])
    gan = _sgd_gan(exploding)
    with pytest.raises(callbacks.NonFiniteLossError, match=r"(d_loss|g_loss) became (nan|inf|-inf) at step \d+"):
        fit_with_backup(gan, tmp_path / "run", epochs=5, extra_callbacks=[callbacks.StopOnNonFinite()])
    assert json.loads((tmp_path / "run" / "training_metadata.json").read_text())["epoch"] >= 1
    restored = _sgd_gan(exploding)
    restored.load_weights(tmp_path / "run" / "latest.weights.h5")
    assert all(np.isfinite(w).all() for w in weights(restored))
    assert 6 <= int(restored.step.numpy()) < int(gan.step.numpy())


def test_snapshots_use_fixed_noise_and_record_their_steps():
    gan = tiny_gan()
    noise = np.random.default_rng(0).normal(size=(5, LATENT)).astype(np.float32)
    snapshots = callbacks.Snapshots(noise, every=4)
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=0)
    gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches, snapshots])
    assert snapshots.steps == [0, 4, 8, 12]
    frames = np.stack(snapshots.frames)
    assert frames.shape == (4, 5, 6)
    np.testing.assert_allclose(frames[-1], gan.generator(noise).numpy(), atol=1e-6)


def test_periodic_callbacks_do_not_miss_intervals_with_steps_per_execution():
    gan = tiny_gan(steps_per_execution=3)
    snapshots = callbacks.Snapshots(np.zeros((2, LATENT), np.float32), every=4)
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=0)
    gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches, snapshots])
    assert snapshots.steps == [0, 6, 9, 12]  # the first step on or after 4, 8 and the end


def test_evaluate_records_metrics_of_generated_images():
    keras.utils.set_random_seed(0)
    gan = training.GAN(models.make_dcgan_generator(latent_dim=8, width=4),
                       models.make_dcgan_discriminator(width=4))
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    evaluate = callbacks.Evaluate(every=2, n=200)
    batches = callbacks.SeededEpochs(images, batch_size=8, seed=0)
    gan.fit(batches.dataset, epochs=1, verbose=0, callbacks=[batches, evaluate])
    assert evaluate.history["step"] == [2, 4]
    assert len(evaluate.history["fid"]) == 2 and all(f > 0 for f in evaluate.history["fid"])
    assert evaluate.history["n"] == [200, 200]


def test_seeded_epochs_order_depends_only_on_seed_and_epoch():
    x = np.arange(40, dtype=np.float32).reshape(40, 1)
    a, b = callbacks.SeededEpochs(x, 8, seed=1), callbacks.SeededEpochs(x, 8, seed=1)

    def order(batches, epoch):
        batches.on_epoch_begin(epoch)
        return np.concatenate([batch.numpy()[:, 0] for batch in batches.dataset])

    first = order(a, 0)
    assert sorted(first) == list(range(40))
    assert not np.array_equal(first, order(a, 1))
    np.testing.assert_array_equal(order(a, 3), order(b, 3))  # b never saw epochs 0-2
    np.testing.assert_array_equal(first, order(a, 0))


def test_records_made_after_the_restored_checkpoint_are_dropped(tmp_path):
    gan = tiny_gan()
    snapshots = callbacks.Snapshots(np.zeros((2, LATENT), np.float32), every=3)
    with pytest.raises(KeyboardInterrupt):
        fit_with_backup(gan, tmp_path / "b", epochs=4, extra_callbacks=[snapshots, Interrupt(16)])
    assert snapshots.steps == [0, 3, 6, 9, 12, 15]
    seen_at_resume = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen_at_resume.append(list(snapshots.steps))

    fit_with_backup(gan, tmp_path / "b", epochs=4, extra_callbacks=[snapshots, Recorder()])
    # resumed from the end of epoch 2 (step 12): 15 was recorded from discarded weights
    assert seen_at_resume == [[0, 3, 6, 9, 12]]
    assert snapshots.steps == [0, 3, 6, 9, 12, 15, 18, 21, 24]
    assert len(snapshots.frames) == len(snapshots.steps)


def test_stop_at_step_ends_training_mid_epoch():
    gan = tiny_gan()
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=0)  # 6 steps an epoch
    gan.fit(batches.dataset, epochs=3, verbose=0, callbacks=[batches, callbacks.StopAtStep(8)])
    assert int(gan.step.numpy()) == 8
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        callbacks.StopAtStep(0)


def test_mean_since_each_measurement_averages_the_epochs_between_measurements():
    # Six epochs of 10 steps; measurements after epochs 2, 3 and 6.
    means = callbacks.mean_since_each_measurement([1.0, 3.0, 5.0, 7.0, 9.0, 11.0], 10, [20, 30, 60])
    np.testing.assert_allclose(means, [2.0, 5.0, 9.0])
    with pytest.raises(ValueError, match="no epoch ended between steps 20 and 25"):
        callbacks.mean_since_each_measurement([1.0, 3.0, 5.0], 10, [20, 25])


def _fit_with_run_backup(gan, folder, epochs=3, settings=None, fresh_start=False, extra=()):
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    backup = callbacks.RunBackup(folder, settings={"epochs": epochs, **(settings or {})},
                                 fresh_start=fresh_start)
    return gan.fit(batches.dataset, epochs=epochs, verbose=0,
                   callbacks=[batches, backup, *extra])


def _interrupted_run(folder, **gan_args):
    """A tiny GAN interrupted at step 10 (epoch 2 of 3), leaving its checkpoint in ``folder``."""
    with pytest.raises(KeyboardInterrupt):
        _fit_with_run_backup(tiny_gan(**gan_args), folder, extra=[Interrupt(10)])
    assert (folder / callbacks.RunBackup.FINGERPRINT).exists()


def test_run_backup_resumes_its_own_run_to_the_uninterrupted_weights(tmp_path):
    _interrupted_run(tmp_path / "run")
    resumed = tiny_gan()
    _fit_with_run_backup(resumed, tmp_path / "run")
    straight = tiny_gan()
    _fit_with_run_backup(straight, tmp_path / "straight")
    assert int(resumed.step.numpy()) == int(straight.step.numpy()) == 18
    for a, b in zip(weights(resumed), weights(straight)):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert not (tmp_path / "run").exists()  # a finished run leaves no checkpoint behind


@pytest.mark.parametrize("changed, what", [
    ({"d_lr": 1e-5}, r"optimizers\.d_optimizer\.learning_rate: 0\.001 -> 1e-05"),
    ({"seed": 1}, r"attributes\.seed: 0 -> 1"),
    ({"loss": "hinge"}, r"objective\.d_loss"),
])
def test_run_backup_refuses_a_checkpoint_of_another_configuration(tmp_path, changed, what):
    _interrupted_run(tmp_path / "run")
    if changed.pop("loss", None):
        gan = tiny_gan(objective=training.Objective(losses.hinge_d_loss, losses.hinge_g_loss))
    else:
        gan = tiny_gan(**changed)
    with pytest.raises(callbacks.CheckpointMismatchError, match=str(tmp_path / "run")) as error:
        _fit_with_run_backup(gan, tmp_path / "run")
    assert re.search(what, str(error.value)), str(error.value)
    assert int(gan.step.numpy()) == 0  # nothing was restored or trained


def test_run_backup_refuses_other_settings_and_another_network(tmp_path):
    _interrupted_run(tmp_path / "run")
    with pytest.raises(callbacks.CheckpointMismatchError, match=r"settings\.epochs: 3 -> 2"):
        _fit_with_run_backup(tiny_gan(), tmp_path / "run", epochs=2)
    keras.utils.set_random_seed(0)
    wider = training.GAN(models.make_mlp(LATENT, 6, (32,), name="g"),
                         models.make_mlp(6, 1, (16,), name="d"))
    wider.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    with pytest.raises(callbacks.CheckpointMismatchError, match="weight_shapes"):
        _fit_with_run_backup(wider, tmp_path / "run")


def test_run_backup_fresh_start_discards_once_and_a_later_fit_resumes(tmp_path):
    _interrupted_run(tmp_path / "run")
    gan = tiny_gan(d_lr=1e-5)
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    backup = callbacks.RunBackup(tmp_path / "run", settings={"epochs": 3}, fresh_start=True)
    with pytest.raises(KeyboardInterrupt):
        gan.fit(batches.dataset, epochs=3, verbose=0, callbacks=[batches, backup, Interrupt(8)])
    assert int(gan.step.numpy()) == 8  # trained from step 0, not from the old one at 10
    gan.fit(batches.dataset, epochs=3, verbose=0, callbacks=[batches, backup])
    assert int(gan.step.numpy()) == 18


def test_run_backup_refuses_a_checkpoint_without_a_fingerprint(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        fit_with_backup(tiny_gan(), tmp_path / "run", epochs=3, extra_callbacks=[Interrupt(10)])
    with pytest.raises(callbacks.CheckpointMismatchError, match="without a readable"):
        _fit_with_run_backup(tiny_gan(), tmp_path / "run")
    with pytest.raises(TypeError, match="fresh_start"):
        callbacks.RunBackup(tmp_path / "other", fresh_start="yes")


def test_run_backup_gives_the_records_back_after_a_restart(tmp_path):
    noise = np.random.default_rng(0).normal(size=(3, LATENT)).astype(np.float32)

    def run(extra=()):
        gan, snapshots = tiny_gan(), callbacks.Snapshots(noise, every=4)
        batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
        backup = callbacks.RunBackup(tmp_path / "run", settings={"epochs": 3},
                                     records=(snapshots,))
        gan.fit(batches.dataset, epochs=3, verbose=0,
                callbacks=[batches, backup, snapshots, *extra])
        return snapshots

    with pytest.raises(KeyboardInterrupt):
        run([Interrupt(16)])  # the checkpoint after epoch 2 (step 12) survives
    restarted = run()  # new objects, as after a kernel restart
    assert restarted.steps == [0, 4, 8, 12, 16, 18]
    uninterrupted = callbacks.Snapshots(noise, every=4)
    gan, batches = tiny_gan(), callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    gan.fit(batches.dataset, epochs=3, verbose=0, callbacks=[batches, uninterrupted])
    np.testing.assert_allclose(np.stack(restarted.frames), np.stack(uninterrupted.frames),
                               atol=1e-5)
    with pytest.raises(ValueError, match=r"save_freq='epoch'.*run twice"):
        callbacks.RunBackup(tmp_path / "x", records=(restarted,), save_freq=5)
    with pytest.raises(TypeError, match="records"):
        callbacks.RunBackup(tmp_path / "x", records=(keras.callbacks.History(),))


def test_run_backup_gives_fit_the_loss_history_of_the_epochs_before_a_restart(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        _fit_with_run_backup(tiny_gan(), tmp_path / "run", extra=[Interrupt(16)])
    resumed = _fit_with_run_backup(tiny_gan(), tmp_path / "run").history
    straight = _fit_with_run_backup(tiny_gan(), tmp_path / "straight").history
    assert len(resumed["d_loss"]) == len(straight["d_loss"]) == 3
    np.testing.assert_allclose(resumed["d_loss"], straight["d_loss"], rtol=1e-5)


def test_run_backup_never_saves_nan_weights_whatever_the_callback_order(tmp_path):
    # RunBackup stands before the guard, the order that let Keras' BackupAndRestore save
    # the NaN weights first.
    exploding = keras.optimizers.schedules.PiecewiseConstantDecay([8], [1e-3, 1e30])
    gan = _sgd_gan(exploding)
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    backup = callbacks.RunBackup(tmp_path / "run")
    with pytest.raises(callbacks.NonFiniteLossError, match=r"after epoch 1\) is intact; to train"):
        gan.fit(batches.dataset, epochs=5, verbose=0,
                callbacks=[batches, backup, callbacks.StopOnNonFinite()])
    assert backup.saved_epoch() == 1
    restored = _sgd_gan(exploding)
    restored.load_weights(tmp_path / "run" / "epoch-00001.weights.h5")
    assert all(np.isfinite(w).all() for w in weights(restored))
    fresh = _sgd_gan(keras.optimizers.schedules.PiecewiseConstantDecay([0], [1e30, 1e30]))
    with pytest.raises(callbacks.NonFiniteLossError, match="no checkpoint was written"):
        fresh.fit(batches.dataset, epochs=5, verbose=0,
                  callbacks=[batches, callbacks.RunBackup(tmp_path / "other")])
