"""Tests of the DCGAN factories' options (the tricks the Training tricks chapter switches)."""

import keras
import numpy as np
import pytest

from ganbook import models, tricks


def kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def test_generator_options_change_only_what_they_name():
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    shuffled = models.make_dcgan_generator(8, 4, upsample="pixel_shuffle")
    assert kinds(shuffled).count("PixelShuffle") == 2 and "Conv2DTranspose" not in kinds(shuffled)
    assert shuffled(z).shape == (3, 28, 28, 1)
    unit = np.asarray(models.make_dcgan_generator(8, 4, output="sigmoid")(z))
    assert unit.min() >= 0 and unit.max() <= 1
    assert kinds(models.make_dcgan_generator(8, 4, dropout=0.3)).count("NoiseDropout") == 3
    assert kinds(models.make_dcgan_generator(8, 4)) == kinds(models.make_dcgan_generator(8, 4, upsample="transposed"))


def test_dropout_in_the_generator_stays_on_when_sampling():
    # ganhacks' tip 17: dropout in G at training and at test time; the same z then gives
    # two different images, where a plain Dropout would give the same one twice.
    z = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    noisy = models.make_dcgan_generator(8, 4, dropout=0.5)
    assert not np.allclose(noisy(z, training=False), noisy(z, training=False))
    plain = models.make_dcgan_generator(8, 4)
    np.testing.assert_array_equal(plain(z, training=False), plain(z, training=False))
    x = np.ones((1, 1000), "float32")
    kept = np.asarray(models.NoiseDropout(0.3, seed=1)(x, training=False))
    assert 0.6 < (kept > 0).mean() < 0.8 and np.allclose(kept[kept > 0], 1 / 0.7)


def test_noise_dropout_survives_saving(tmp_path):
    model = models.make_mlp(2, 2, (4,), dropout=0.2, dropout_when_sampling=True)
    model.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras")
    assert [type(layer).__name__ for layer in loaded.layers].count("NoiseDropout") == 1
    assert loaded.layers[1].rate == 0.2


def test_pixel_shuffle_moves_channels_into_space():
    x = np.arange(2 * 1 * 1 * 4, dtype="float32").reshape(2, 1, 1, 4)
    out = np.asarray(models.PixelShuffle(2)(x))
    assert out.shape == (2, 2, 2, 1)
    np.testing.assert_array_equal(out[0, :, :, 0], [[0, 1], [2, 3]])


def test_discriminator_options_change_only_what_they_name():
    images = np.zeros((4, 28, 28, 1), "float32")
    plain = models.make_dcgan_discriminator(4)
    relu = models.make_dcgan_discriminator(4, activation="relu")
    assert kinds(relu).count("ReLU") == 3 and "LeakyReLU" not in kinds(relu)
    pooled = models.make_dcgan_discriminator(4, downsample="max_pool")
    assert kinds(pooled).count("MaxPooling2D") == 3 and pooled(images).shape == (4, 1)
    assert all(layer.strides == (1, 1) for layer in pooled.layers if type(layer).__name__ == "Conv2D")
    assert kinds(models.make_dcgan_discriminator(4, batch_norm=True)).count("BatchNormalization") == 2
    normed = models.make_dcgan_discriminator(4, spectral_norm=True)
    assert kinds(normed).count("SpectralNormalization") == 4 and normed(images).shape == (4, 1)
    mbd = models.make_dcgan_discriminator(4, minibatch_discrimination=7)
    assert isinstance(mbd.layers[-2], tricks.MinibatchDiscrimination)
    assert mbd.layers[-1].kernel.shape == (4 * 4 * 16 + 7, 1)
    noisy = models.make_dcgan_discriminator(4, instance_noise=0.2)
    assert isinstance(noisy.layers[0], tricks.InstanceNoise) and noisy.layers[0].initial_stddev == 0.2
    logit, features = models.make_dcgan_discriminator(4, features=True)(images)
    assert logit.shape == (4, 1) and features.shape == (4, 4 * 4 * 16)
    assert kinds(plain) == kinds(models.make_dcgan_discriminator(4, 1, False, "leaky_relu", "strided"))


@pytest.mark.parametrize("call, message", [
    (lambda: models.make_dcgan_generator(upsample="bilinear"), "upsample must be one of transposed, pixel_shuffle"),
    (lambda: models.make_dcgan_generator(output="relu"), "output must be one of tanh, sigmoid"),
    (lambda: models.make_dcgan_generator(dropout=1.0), r"dropout must be a number in \[0, 1\)"),
    (lambda: models.make_dcgan_discriminator(activation="elu"), "activation must be one of"),
    (lambda: models.make_dcgan_discriminator(downsample="avg"), "downsample must be one of"),
    (lambda: models.make_dcgan_discriminator(minibatch_discrimination=-2), "minibatch_discrimination"),
    (lambda: models.make_dcgan_discriminator(instance_noise=-0.5), "stddev must be a number >= 0"),
])
def test_bad_options_are_rejected_with_the_allowed_values(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_instance_norm_in_d_normalises_each_image_on_its_own():
    d = models.make_dcgan_discriminator(8, instance_norm=True)
    assert kinds(d).count("GroupNormalization") == 2 and "BatchNormalization" not in kinds(d)
    images = np.random.default_rng(0).normal(size=(4, 28, 28, 1)).astype("float32")
    # An image's score does not depend on the batch it came in, in training mode too.
    np.testing.assert_allclose(d(images, training=True)[:1], d(images[:1], training=True), rtol=1e-4, atol=1e-5)
    batch_normed = models.make_dcgan_discriminator(8, batch_norm=True)
    assert not np.allclose(batch_normed(images, training=True)[:1], batch_normed(images[:1], training=True))
    with pytest.raises(ValueError, match="batch_norm or instance_norm"):
        models.make_dcgan_discriminator(8, batch_norm=True, instance_norm=True)


def test_average_pooling_replaces_the_strides():
    d = models.make_dcgan_discriminator(8, downsample="avg_pool")
    assert kinds(d).count("AveragePooling2D") == 3 and "MaxPooling2D" not in kinds(d)
    assert d(np.zeros((2, 28, 28, 1), "float32")).shape == (2, 1)
