"""Tests of ganbook.tricks: each trick against a closed form or a hand-computed value."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook import losses, models, training, tricks


def test_minibatch_discrimination_sums_closeness_to_the_other_examples():
    layer = tricks.MinibatchDiscrimination(num_kernels=2, kernel_dim=1)
    x = np.array([[0.0], [1.0], [3.0]], np.float32)
    layer.build(x.shape)
    layer.kernel.assign(np.array([[1.0, 2.0]], np.float32))  # M_i = (x_i, 2 x_i)
    out = np.asarray(layer(x))
    assert out.shape == (3, 3)
    np.testing.assert_allclose(out[:, 0], x[:, 0])
    # kernel 1: distances |x_i - x_j|; kernel 2: twice those
    for b, scale in ((1, 1.0), (2, 2.0)):
        expected = [math.exp(-scale * 1) + math.exp(-scale * 3),
                    math.exp(-scale * 1) + math.exp(-scale * 2),
                    math.exp(-scale * 3) + math.exp(-scale * 2)]
        np.testing.assert_allclose(out[:, b], expected, rtol=1e-5)
    same = np.asarray(layer(np.ones((4, 1), np.float32)))
    np.testing.assert_allclose(same[:, 1:], 3.0, rtol=1e-6)  # three identical others, exp(0) each


def test_minibatch_discrimination_rejects_images_and_bad_sizes():
    with pytest.raises(ValueError, match="num_kernels"):
        tricks.MinibatchDiscrimination(num_kernels=0)
    with pytest.raises(ValueError, match=r"flat features \(N, A\)"):
        tricks.MinibatchDiscrimination()(np.zeros((2, 4, 4, 1), np.float32))


def test_instance_noise_is_active_in_training_only_and_anneals_to_zero():
    layer = tricks.InstanceNoise(0.5, seed=0)
    x = np.zeros((2000, 4), np.float32)
    np.testing.assert_array_equal(layer(x), x)
    assert np.std(np.asarray(layer(x, training=True))) == pytest.approx(0.5, rel=0.05)
    with pytest.raises(ValueError, match="stddev must be a number >= 0"):
        tricks.InstanceNoise(-0.1)

    class Stub:
        step = tf.Variable(0, dtype=tf.int64)
        discriminator = keras.Sequential([keras.Input((4,)), layer, keras.layers.Dense(1)])

    anneal = tricks.AnnealInstanceNoise(steps=10)
    anneal.set_model(Stub())
    for step, expected in ((0, 0.5), (4, 0.3), (10, 0.0), (15, 0.0)):
        Stub.step.assign(step)
        anneal.on_train_batch_begin(0)
        assert float(layer.stddev.numpy()) == pytest.approx(expected)


def test_spectral_norm_divides_the_kernel_by_its_largest_singular_value():
    keras.utils.set_random_seed(0)
    dense = tricks.spectral_norm(keras.layers.Dense(6, use_bias=False), power_iterations=1)
    x = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
    for _ in range(50):  # each training call runs one power iteration
        dense(x, training=True)
    kernel = dense.layer.kernel.numpy()
    assert np.linalg.svd(kernel, compute_uv=False)[0] == pytest.approx(1.0, rel=1e-3)
    with pytest.raises(ValueError, match="power_iterations"):
        tricks.spectral_norm(keras.layers.Dense(2), power_iterations=0)


class LinearCritic:
    """A stand-in GAN whose discriminator is f(x) = w . x: its gradient is w everywhere."""

    def __init__(self, w):
        inputs = keras.Input((len(w),))
        dense = keras.layers.Dense(1, use_bias=False)
        self.discriminator = keras.Model(inputs, dense(inputs))
        dense.kernel.assign(np.asarray(w, np.float32)[:, None])


def test_r1_penalty_is_half_gamma_times_the_squared_gradient_norm():
    gan = LinearCritic([3.0, 4.0])  # ‖∇f‖² = 25
    real = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    assert float(tricks.R1Penalty(gamma=2.0)(gan, real, None)) == pytest.approx(25.0, rel=1e-6)
    assert float(tricks.R1Penalty(gamma=0.0)(gan, real, None)) == 0.0
    with pytest.raises(ValueError, match="gamma"):
        tricks.R1Penalty(gamma=-1)


def test_historical_averaging_tracks_the_running_mean_and_penalises_the_distance():
    gan = LinearCritic([1.0, 1.0])
    averaging = tricks.HistoricalAveraging("discriminator", weight=0.5)
    averaging.set_model(gan)
    kernel = gan.discriminator.trainable_variables[0]
    history = [np.array([[1.0], [1.0]])]
    for value in ([3.0, 1.0], [5.0, 4.0]):
        kernel.assign(np.array(value, np.float32)[:, None])
        history.append(np.array(value)[:, None])
        averaging.on_train_batch_end(0)
    np.testing.assert_allclose(averaging.averages[0].numpy(), np.mean(history, axis=0), rtol=1e-6)
    distance = np.sum((history[-1] - np.mean(history, axis=0)) ** 2)
    assert float(averaging(gan, None, None)) == pytest.approx(0.5 * distance, rel=1e-6)
    with pytest.raises(ValueError, match="player must be"):
        tricks.HistoricalAveraging("critic")


def test_diff_augment_shifts_and_cuts_reproducibly_and_passes_gradients():
    image = -np.ones((1, 8, 8, 1), np.float32)
    image[0, 4, 4, 0] = 1.0  # one bright pixel
    shifted = tricks.diff_augment(np.repeat(image, 50, 0), seed=(0, 1), max_shift=2, cutout=0).numpy()
    rows, cols = np.nonzero(shifted[..., 0] > 0)[1:]
    assert set(rows) <= set(range(2, 7)) and set(cols) <= set(range(2, 7))
    assert len(set(zip(rows, cols))) > 5  # several different shifts
    assert np.all((shifted == 1.0).sum(axis=(1, 2, 3)) == 1)  # the pixel moved, never vanished
    np.testing.assert_array_equal(shifted, tricks.diff_augment(np.repeat(image, 50, 0), (0, 1), 2, 0))
    holed = tricks.diff_augment(np.ones((20, 8, 8, 1), np.float32), (0, 2), max_shift=0, cutout=4).numpy()
    assert np.all((holed == -1.0).sum(axis=(1, 2, 3)) <= 16) and np.any(holed == -1.0)
    x = tf.Variable(np.random.default_rng(0).normal(size=(3, 8, 8, 1)).astype(np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tricks.diff_augment(x, (1, 1)))
    assert tape.gradient(y, x) is not None
    with pytest.raises(ValueError, match="max_shift"):
        tricks.diff_augment(image, (0, 0), max_shift=-1)
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        tricks.diff_augment(np.zeros((3, 8)), (0, 0))


def test_generator_ema_averages_the_weights_step_by_step():
    keras.utils.set_random_seed(0)
    gan = training.GAN(models.make_mlp(2, 3, (4,)), models.make_mlp(3, 1, (4,)))
    ema = tricks.GeneratorEMA(decay=0.5)
    ema.set_model(gan)
    start = [w.numpy().copy() for w in gan.generator.weights]
    for w in gan.generator.weights:
        w.assign(w + 2.0)
    ema.on_train_batch_end(0)
    for average, before in zip(ema.ema.weights, start):
        np.testing.assert_allclose(average.numpy(), before + 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="decay"):
        tricks.GeneratorEMA(decay=1.0)


def test_two_sided_smoothing_by_hand_and_its_limits():
    def xent(target, logit):
        p = 1 / (1 + math.exp(-logit))
        return -(target * math.log(p) + (1 - target) * math.log(1 - p))

    expected = xent(0.9, 2.0) + xent(0.1, -1.0)
    assert float(tricks.two_sided_bce_d_loss([2.0], [-1.0])) == pytest.approx(expected, rel=1e-6)
    # with beta = 0 it is the one-sided loss of ganbook.losses
    assert float(tricks.two_sided_bce_d_loss([2.0], [-1.0], 0.9, 0.0)) == pytest.approx(
        float(losses.bce_d_loss([2.0], [-1.0], real_label=0.9)), rel=1e-6)
    with pytest.raises(ValueError, match=r"real_label must be in \(0.5, 1\]"):
        tricks.two_sided_bce_d_loss([0.0], [0.0], real_label=0.4)
    with pytest.raises(ValueError, match=r"fake_label must be in \[0, 0.5\)"):
        tricks.two_sided_bce_d_loss([0.0], [0.0], fake_label=0.6)


def test_virtual_batch_norm_uses_the_reference_batch_and_the_example_itself():
    layer = tricks.VirtualBatchNorm(reference_size=3, epsilon=0.0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 2)).astype(np.float32)  # 3 reference rows, then 2 examples
    out = np.asarray(layer(x))
    w = 1 / 4
    for i in range(5):
        mean = (1 - w) * x[:3].mean(0) + w * x[i]
        square = (1 - w) * (x[:3] ** 2).mean(0) + w * x[i] ** 2
        np.testing.assert_allclose(out[i], (x[i] - mean) / np.sqrt(square - mean ** 2), rtol=1e-4, atol=1e-5)


def test_virtual_batch_norm_makes_an_example_independent_of_its_batch_mates():
    layer = tricks.VirtualBatchNorm(reference_size=4)
    rng = np.random.default_rng(1)
    reference, example = rng.normal(size=(4, 3, 3, 2)), rng.normal(size=(1, 3, 3, 2))
    first = np.asarray(layer(np.concatenate([reference, example, rng.normal(size=(5, 3, 3, 2))]).astype(np.float32)))
    second = np.asarray(layer(np.concatenate([reference, example, rng.normal(size=(2, 3, 3, 2))]).astype(np.float32)))
    np.testing.assert_allclose(first[4], second[4], rtol=1e-5)
    batch_norm = keras.layers.BatchNormalization()
    def normalised_with(mates):
        batch = np.concatenate([example, rng.normal(size=(mates, 3, 3, 2))]).astype(np.float32)
        return np.asarray(batch_norm(batch, training=True))

    a, b = normalised_with(5), normalised_with(2)
    assert not np.allclose(a[0], b[0])  # batch norm: the batch mates matter


def test_virtual_batch_generator_feeds_and_removes_its_reference_noise():
    generator = models.make_dcgan_generator(8, 4, normalization="virtual", reference_size=6)
    assert isinstance(generator, tricks.VirtualBatchGenerator)
    assert generator.input_shape == (None, 8) and generator.output_shape == (None, 28, 28, 1)
    z = np.random.default_rng(2).normal(size=(3, 8)).astype(np.float32)
    alone = np.asarray(generator(z[:1], training=True))
    together = np.asarray(generator(z, training=True))
    assert together.shape == (3, 28, 28, 1)
    np.testing.assert_allclose(alone[0], together[0], rtol=1e-4, atol=1e-5)
    network = generator.network
    with pytest.raises(ValueError, match="reference batches of sizes \\[6\\], got 5"):
        tricks.VirtualBatchGenerator(network, np.zeros((5, 8)))
    with pytest.raises(ValueError, match="normalization must be one of batch, synchronized, virtual"):
        models.make_dcgan_generator(normalization="layer")


class SquareCritic:
    """A stand-in GAN whose discriminator scores x as Σ x², so its slope is 2x."""

    def __init__(self):
        inputs = keras.Input((2,))
        self.discriminator = keras.Model(inputs, keras.ops.sum(keras.ops.square(inputs), axis=1, keepdims=True))


def test_r2_penalises_the_slope_on_generated_images_and_r1_on_real_ones():
    gan = SquareCritic()
    real = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)   # ‖2x‖² = 4 for each
    fake = np.array([[3.0, 0.0], [0.0, 0.0]], np.float32)   # ‖2x‖² = 36 and 0
    assert float(tricks.R1Penalty(gamma=1.0)(gan, real, fake)) == pytest.approx(0.5 * 4.0)
    assert float(tricks.R2Penalty(gamma=1.0)(gan, real, fake)) == pytest.approx(0.5 * 18.0)
    with pytest.raises(ValueError, match="gamma"):
        tricks.R2Penalty(gamma=-1)


def test_pack_joins_consecutive_examples_along_the_channels():
    images = np.arange(4 * 2 * 2 * 1, dtype=np.float32).reshape(4, 2, 2, 1)
    packed = np.asarray(tricks.Pack(2)(images))
    assert packed.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(packed[1, ..., 0], images[2, ..., 0])
    np.testing.assert_array_equal(packed[1, ..., 1], images[3, ..., 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple of 2"):
        tricks.Pack(2)(images[:3])
    with pytest.raises(ValueError, match="m"):
        tricks.Pack(0)


def test_a_packing_discriminator_scores_groups_and_refuses_mixed_batches():
    discriminator = models.make_dcgan_discriminator(width=4, packing=2)
    assert discriminator(np.zeros((8, 28, 28, 1), np.float32)).shape == (4, 1)
    gan = training.GAN(models.make_dcgan_generator(4, width=4), discriminator)
    with pytest.raises(ValueError, match="packing discriminator"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), mixed_batches=True)
    recipe = tricks.with_tricks(tricks.plain_dcgan(), ["packing"])
    assert recipe.d_options == {"packing": 2}
