"""Tests of the trainers under tf.distribute: two logical CPU replicas against one device.

conftest.py splits the CPU into two logical devices before TensorFlow starts.  The
comparisons train with SGD: its update is linear in the gradient, so float rounding in
the replicas' sums stays rounding.  (Adam divides by the gradient's running size, so a
weight whose gradient is ~0 moves by about +-lr whatever the sign of the rounding; a
max-abs comparison of Adam-trained weights says nothing.)
"""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from test_training import LATENT, Interrupt, real_vectors

from ganbook import callbacks, distribute, losses, models, training
from ganbook.training import gan as gan_module
from ganbook.training import replicas as replicas_module

TOLERANCE = 1e-5  # absolute, on weights of order 0.1-1 after a few SGD steps


pytestmark = pytest.mark.usefixtures("deterministic_ops")


def two_replicas():
    return distribute.make_strategy(cpu_replicas=2)


def build(strategy, make_gan, **compile_args):
    with strategy.scope():
        keras.utils.set_random_seed(0)
        gan = make_gan()
        gan.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05), **compile_args)
    return gan


def mlp_gan():
    return training.GAN(models.make_mlp(LATENT, 6, (16,), name="g"),
                        models.make_mlp(6, 1, (16,), name="d"), seed=3)


def train(strategy, make_gan=mlp_gan, epochs=2, extra=(), **compile_args):
    """A GAN built and trained under ``strategy`` on 96 vectors, batches of 16 (6 steps per epoch)."""
    gan = build(strategy, make_gan, **compile_args)
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    history = gan.fit(batches.dataset, epochs=epochs, verbose=0, callbacks=[batches, *extra])
    return gan, history


def max_difference(a, b):
    return max(float(np.abs(x.numpy() - y.numpy()).max()) for x, y in zip(a.variables, b.variables))


def test_make_strategy_gives_two_cpu_replicas_here_and_split_cpu_explains_a_late_call():
    strategy = two_replicas()
    assert isinstance(strategy, tf.distribute.MirroredStrategy)
    assert strategy.num_replicas_in_sync == 2
    assert distribute.split_cpu(2) == ["/device:CPU:0", "/device:CPU:1"]  # already so: no change
    with pytest.raises(RuntimeError, match="already started with 2 CPU device.*restart the kernel"):
        distribute.split_cpu(3)
    with pytest.raises(ValueError, match="replicas must be a positive integer"):
        distribute.split_cpu(0)


@pytest.mark.parametrize("compile_args", [{}, {"clip_weights": 0.5}], ids=["plain", "clipped"])
def test_two_replicas_end_with_the_weights_of_one_device(compile_args):
    one, history_one = train(tf.distribute.get_strategy(), **compile_args)
    two, history_two = train(two_replicas(), **compile_args)
    assert int(one.step.numpy()) == int(two.step.numpy()) == 12
    assert max_difference(one, two) < TOLERANCE
    # The losses logged are those of the global batch, as on one device.  (Keras 3.8
    # averages a metric over steps differently under a strategy, the first step weighing
    # double, though the weights agree; benchmarks/compat.py found it.  The pinned Keras
    # logs what one device logs.)
    if tuple(int(part) for part in keras.version().split(".")[:2]) >= (3, 15):
        for key in ("d_loss", "g_loss"):
            np.testing.assert_allclose(history_two.history[key], history_one.history[key], rtol=1e-5)


def test_without_dividing_by_the_replicas_two_replicas_would_take_twice_the_step(monkeypatch):
    # The check above can fail: Keras sums the replicas' gradients, so the undivided mean
    # losses of two replicas make a gradient twice the global batch's.
    one, _ = train(tf.distribute.get_strategy())
    monkeypatch.setattr(gan_module, "for_gradients", lambda loss: loss)
    two, _ = train(two_replicas())
    assert max_difference(one, two) > 100 * TOLERANCE


def test_each_replica_draws_its_own_part_of_the_global_batchs_noise():
    strategy = two_replicas()
    gan = build(strategy, mlp_gan)
    seed = tf.constant([3, 5], tf.int64)
    parts = strategy.experimental_local_results(strategy.run(lambda: gan._step_noise(4, seed)))
    assert [p.shape for p in parts] == [(4, LATENT), (4, LATENT)]
    assert not np.allclose(parts[0].numpy(), parts[1].numpy())
    np.testing.assert_array_equal(np.concatenate([p.numpy() for p in parts]), gan.sample_noise(8, seed).numpy())


def test_replicas_draw_different_augmentation_and_penalty_numbers():
    strategy = two_replicas()
    seeds = strategy.experimental_local_results(
        strategy.run(lambda: replicas_module.replica_seed(tf.constant([3, 5], tf.int64))))
    assert seeds[0].numpy().tolist() == [3, 5]  # replica 0 draws what one device draws
    assert seeds[1].numpy().tolist() != [3, 5]


def test_the_semi_supervised_gan_under_two_replicas_matches_one_device():
    from test_ssgan import CLASSES, tiny_classifier, toy_problem

    def make():
        return training.SSGAN(models.make_mlp(LATENT, 6, (8,), name="g"), tiny_classifier(), seed=0)

    images, labels = toy_problem(64)
    results = []
    for strategy in (tf.distribute.get_strategy(), two_replicas()):
        gan = build(strategy, make, objective=training.Objective())
        batches = callbacks.SeededEpochs(images, 16, seed=0, labelled=(images[:CLASSES * 4], labels[:CLASSES * 4]))
        gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches])
        results.append(gan)
    assert max_difference(*results) < TOLERANCE


def test_synchronized_batch_norm_keeps_a_dcgan_generator_on_the_one_device_path():
    # Per-replica batch statistics are a different computation from the global batch's.
    def dcgan(normalization):
        return lambda: training.GAN(models.make_dcgan_generator(8, 4, normalization=normalization),
                                    models.make_dcgan_discriminator(4), seed=1)

    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)

    def run(strategy, normalization):
        gan = build(strategy, dcgan(normalization))
        batches = callbacks.SeededEpochs(images, 16, seed=0)
        gan.fit(batches.dataset, epochs=1, verbose=0, callbacks=[batches])
        return gan

    one = run(tf.distribute.get_strategy(), "batch")
    synchronized = run(two_replicas(), "synchronized")
    per_replica = run(two_replicas(), "batch")
    assert max_difference(one, synchronized) < 1e-4
    assert max_difference(one, per_replica) > 10 * max_difference(one, synchronized)


def test_resume_under_two_replicas_ends_with_the_weights_of_an_uninterrupted_run(tmp_path):
    def run(directory, extra=()):
        return train(two_replicas(), epochs=4,
                     extra=[keras.callbacks.BackupAndRestore(str(directory)), *extra])

    uninterrupted, _ = run(tmp_path / "a")
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "b", extra=[Interrupt(15)])
    # step 15 is in epoch 3: the last checkpoint is the end of epoch 2
    assert json.loads((tmp_path / "b" / "training_metadata.json").read_text())["epoch"] == 2
    resumed, history = run(tmp_path / "b")
    assert len(history.history["d_loss"]) == 2  # epochs 3 and 4
    assert int(resumed.step.numpy()) == 24
    assert max_difference(uninterrupted, resumed) < 1e-6


def test_the_non_finite_guard_stops_training_under_two_replicas():
    exploding = keras.optimizers.schedules.PiecewiseConstantDecay([4], [1e-3, 1e30])
    strategy = two_replicas()
    with strategy.scope():
        keras.utils.set_random_seed(0)
        gan = mlp_gan()
        gan.compile(keras.optimizers.SGD(exploding), keras.optimizers.SGD(exploding),
                    training.Objective(losses.wasserstein_d_loss, losses.wasserstein_g_loss))
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    with pytest.raises(callbacks.NonFiniteLossError):
        gan.fit(batches.dataset, epochs=5, verbose=0, callbacks=[batches, callbacks.StopOnNonFinite()])
    assert int(gan.step.numpy()) < 30


def test_a_loss_threshold_under_several_replicas_is_refused_with_the_reason():
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    gan = build(two_replicas(), mlp_gan, d_loss_threshold=0.5)
    with pytest.raises(ValueError, match="d_loss_threshold cannot be used with several replicas"):
        gan.fit(batches.dataset, epochs=1, verbose=0, callbacks=[batches])
