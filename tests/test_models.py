"""Tests of ganbook.models: the promised shapes, output ranges and argument checks."""

import numpy as np
import pytest

from ganbook import models


@pytest.mark.parametrize("factory", [models.make_dcgan_generator, models.make_upsampling_generator])
def test_image_generators_make_28x28_images_in_the_tanh_range(factory):
    generator = factory(latent_dim=10, width=8)
    images = generator(np.random.default_rng(0).normal(size=(3, 10)).astype(np.float32)).numpy()
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1


@pytest.mark.parametrize("factory", [models.make_dcgan_discriminator, models.make_tutorial_discriminator])
def test_discriminators_return_one_logit_per_image(factory):
    discriminator = factory()
    assert discriminator(np.zeros((4, 28, 28, 1), np.float32)).shape == (4, 1)


def test_tutorial_generator_matches_the_tutorial_sizes():
    generator = models.make_tutorial_generator()
    assert generator.input_shape == (None, 100) and generator.output_shape == (None, 28, 28, 1)
    channels = [layer.filters for layer in generator.layers if hasattr(layer, "filters")]
    assert channels == [128, 64, 1]


def test_mlp_shapes_and_rgb_generator():
    mlp = models.make_mlp(3, 2, hidden=(5, 7))
    assert mlp(np.zeros((4, 3), np.float32)).shape == (4, 2)
    assert models.make_dcgan_generator(8, 4, channels=3).output_shape == (None, 28, 28, 3)


@pytest.mark.parametrize("call, message", [
    (lambda: models.make_mlp(0, 2), "input_dim must be a positive integer"),
    (lambda: models.make_mlp(2, 2, hidden=(4, -1)), "every hidden width"),
    (lambda: models.make_dcgan_generator(latent_dim=2.5), "latent_dim"),
    (lambda: models.make_dcgan_discriminator(width=0), "width"),
])
def test_bad_sizes_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_dcgan_feature_maps_follow_the_documented_sizes():
    generator = models.make_dcgan_generator(latent_dim=8, width=4)
    discriminator = models.make_dcgan_discriminator(width=4)

    def conv_shapes(model):
        return [layer.output.shape[1:] for layer in model.layers if hasattr(layer, "kernel_size")]

    assert conv_shapes(generator) == [(14, 14, 8), (28, 28, 4), (28, 28, 1)]
    assert conv_shapes(discriminator) == [(14, 14, 4), (7, 7, 8), (4, 4, 16)]


def test_minibatch_stddev_appends_the_mean_spread_over_the_batch():
    x = np.stack([np.zeros((3, 3, 2)), np.full((3, 3, 2), 2.0)]).astype("float32")
    out = np.asarray(models.MinibatchStddev()(x))
    assert out.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(out[..., :2], x)
    np.testing.assert_allclose(out[..., 2], 1.0, rtol=1e-4)  # the sd of {0, 2} is 1
    same = np.asarray(models.MinibatchStddev()(np.ones((4, 2, 2, 1), "float32")))
    np.testing.assert_allclose(same[..., 1], 0.0, atol=1e-3)  # identical images: no spread


def test_dcgan_discriminator_with_minibatch_stddev_reads_one_more_channel():
    plain = models.make_dcgan_discriminator(width=4)
    varied = models.make_dcgan_discriminator(width=4, minibatch_stddev=True)
    assert varied.output_shape == (None, 1)
    assert any(isinstance(layer, models.MinibatchStddev) for layer in varied.layers)
    assert varied.layers[-4].kernel.shape[2] == plain.layers[-4].kernel.shape[2] + 1 == 9


def test_weight_norm_dense_computes_g_times_the_normalised_direction_plus_b():
    layer = models.WeightNormDense(3)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    layer.build(x.shape)
    v = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    g, b = np.array([0.5, 2.0, -1.0], "float32"), np.array([0.1, 0.0, -0.3], "float32")
    layer.set_weights([v, g, b])
    expected = g * (x @ v) / np.linalg.norm(v, axis=0) + b
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-6)
    # the output does not depend on the length of v, only on its direction
    layer.set_weights([7.0 * v, g, b])
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-6)


def test_weight_norm_dense_applies_its_activation_and_checks_units():
    layer = models.WeightNormDense(2, activation="relu")
    out = np.asarray(layer(np.random.default_rng(0).normal(size=(50, 3)).astype("float32")))
    assert out.shape == (50, 2) and out.min() >= 0 and out.max() > 0
    with pytest.raises(ValueError, match="units must be a positive integer"):
        models.WeightNormDense(0)


def test_ssgan_mlp_classifier_returns_logits_and_the_last_hidden_features():
    classifier = models.make_ssgan_mlp_classifier(num_classes=10, hidden=(20, 12))
    logits, features = classifier(np.zeros((3, 28, 28, 1), "float32"))
    assert logits.shape == (3, 10) and features.shape == (3, 12)
    kinds = [type(layer).__name__ for layer in classifier.layers]
    assert kinds.count("WeightNormDense") == 3 and kinds.count("GaussianNoise") == 3
    # the noise is active in training only
    x = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(classifier(x)[0], classifier(x)[0])
    assert not np.allclose(classifier(x, training=True)[0], classifier(x, training=True)[0])


def test_ssgan_mlp_generator_makes_images_of_the_requested_shape():
    generator = models.make_ssgan_mlp_generator(latent_dim=8, image_shape=(32, 32, 3), hidden=(16,))
    images = np.asarray(generator(np.random.default_rng(0).normal(size=(2, 8)).astype("float32")))
    assert images.shape == (2, 32, 32, 3) and images.min() >= -1 and images.max() <= 1


def test_ssgan_mlp_generator_can_weight_normalise_its_output_layer():
    generator = models.make_ssgan_mlp_generator(latent_dim=8, hidden=(16,), output_weight_norm=True)
    output = generator.layers[-2]
    assert isinstance(output, models.WeightNormDense)
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    before = np.asarray(generator(z))
    output.v.assign(output.v * 7.0)  # a weight vector's length is g's alone
    np.testing.assert_allclose(np.asarray(generator(z)), before, rtol=1e-5)
    assert before.shape == (3, 28, 28, 1) and 0 <= before.min() and before.max() <= 1


@pytest.mark.parametrize("call, message", [
    (lambda: models.make_ssgan_mlp_classifier(num_classes=0), "num_classes"),
    (lambda: models.make_ssgan_mlp_classifier(hidden=()), "at least one layer"),
    (lambda: models.make_ssgan_mlp_classifier(input_noise=-0.1), "noise levels must be >= 0"),
    (lambda: models.make_ssgan_mlp_generator(latent_dim=0), "latent_dim"),
])
def test_ssgan_factories_reject_bad_sizes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_residual_networks_follow_the_documented_sizes_and_start_as_identities():
    generator = models.make_residual_generator(latent_dim=8, width=4)
    discriminator = models.make_residual_discriminator(width=4)
    images = generator(np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)).numpy()
    assert images.shape == (3, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    assert discriminator(images).shape == (3, 1)
    blocks = [layer for layer in discriminator.layers if isinstance(layer, models.ResidualBlock)]
    assert [tuple(block.output.shape[1:]) for block in blocks] == [(14, 14, 4), (7, 7, 8), (4, 4, 16)]
    # Fix-up initialisation: every branch ends in zeros, so each block passes x through.
    x = np.random.default_rng(1).normal(size=(2, 7, 7, 8)).astype(np.float32)
    np.testing.assert_array_equal(blocks[1](x), x)
    assert blocks[1].mix.kernel.numpy().any() and not blocks[1].narrow.kernel.numpy().any()


def test_residual_block_scales_its_first_convolution_by_the_number_of_blocks():
    x = np.zeros((1, 4, 4, 64), np.float32)
    spreads = []
    for blocks in (1, 16):
        block = models.ResidualBlock(blocks)
        block(x)
        spreads.append(float(np.std(block.expand.kernel.numpy())))
    # He's std sqrt(2 / 64) times blocks ** -0.25: halved at 16 blocks (truncated normal).
    assert spreads[1] / spreads[0] == pytest.approx(0.5, rel=0.05)
    with pytest.raises(ValueError, match="blocks must be a positive integer"):
        models.ResidualBlock(0)
