"""Tests of ganbook.recipes: every named trick builds a GAN that trains."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook import models, tricks


def one_batch(recipe, n=32):
    rng = np.random.default_rng(0)
    if recipe.kind == "toy":
        return tf.data.Dataset.from_tensors(rng.normal(size=(n, 2)).astype(np.float32))
    low = 0.0 if recipe.unit_range else -1.0
    return tf.data.Dataset.from_tensors(rng.uniform(low, 1.0, (n, 28, 28, 1)).astype(np.float32))


@pytest.mark.parametrize("name", sorted(tricks.TRICKS))
def test_every_trick_builds_a_gan_that_takes_a_step(name):
    base = tricks.plain_dcgan() if tricks.TRICKS[name].images_only else tricks.plain_toy_gan()
    recipe = tricks.with_tricks(base, [name])
    assert recipe.tricks == (name,)
    gan, callbacks = recipe.build(seed=0, steps=10)
    history = gan.fit(one_batch(recipe), epochs=1, verbose=0, callbacks=callbacks)
    assert int(gan.step.numpy()) == 1 and np.isfinite(history.history["d_loss"]).all()


def test_plain_dcgan_is_radfords_recipe():
    gan, callbacks = tricks.plain_dcgan().build(seed=0, steps=10)
    assert callbacks == [] and gan.latent_dim == 100
    assert isinstance(gan.d_optimizer, keras.optimizers.Adam)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(gan.d_optimizer.beta_1) == 0.5
    kinds = [type(layer).__name__ for layer in gan.discriminator.layers]
    assert "BatchNormalization" not in kinds and kinds.count("LeakyReLU") == 3
    assert [type(layer).__name__ for layer in gan.generator.layers].count("BatchNormalization") == 3


def test_tricks_combine_and_the_base_recipe_stays_unchanged():
    base = tricks.plain_dcgan()
    combined = tricks.with_tricks(base, ["spectral_norm", "r1", "historical_averaging", "ema"])
    gan, callbacks = combined.build(seed=0, steps=10)
    assert sum(isinstance(layer, keras.layers.SpectralNormalization) for layer in gan.discriminator.layers) == 4
    assert isinstance(callbacks[-1], tricks.GeneratorEMA)
    assert sum(isinstance(c, tricks.HistoricalAveraging) for c in callbacks) == 2
    assert gan.objective.d_penalty is not None and gan.objective.g_penalty is not None
    assert base.d_options == {} and base.penalties == {"d": [], "g": []} and base.tricks == ()


@pytest.mark.parametrize("base", [tricks.plain_toy_gan, tricks.plain_dcgan])
def test_dropout_in_g_is_tested_as_its_tip_states_it_on_when_sampling(base):
    gan, _ = tricks.with_tricks(base(), ["dropout_in_g"]).build(seed=0, steps=10)
    assert [type(layer).__name__ for layer in gan.generator.layers].count("NoiseDropout") >= 2
    z = gan.sample_noise(4, (0, 1))
    assert not np.allclose(gan.generator(z, training=False), gan.generator(z, training=False))


def test_the_seed_tips_change_what_they_name():
    def built(base, name):
        return tricks.with_tricks(base(), [name]).build(seed=0, steps=10)[0]

    wide = built(tricks.plain_dcgan, "wider_d")
    assert wide.discriminator.layers[0].filters == 2 * built(tricks.plain_dcgan, "ema").discriminator.layers[0].filters
    assert [layer.units for layer in built(tricks.plain_toy_gan, "wider_d").discriminator.layers[:2]] == [256, 256]
    clipped = built(tricks.plain_toy_gan, "gradient_clipping")
    assert clipped.d_optimizer.global_clipnorm == clipped.g_optimizer.global_clipnorm == 20.0
    assert built(tricks.plain_toy_gan, "ema").d_optimizer.global_clipnorm is None


def test_unknown_tricks_and_image_tricks_on_toys_are_refused():
    with pytest.raises(ValueError, match="unknown trick 'dropout'; expected one of feature_matching"):
        tricks.with_tricks(tricks.plain_dcgan(), ["dropout"])
    with pytest.raises(ValueError, match="'diff_augment' works on images"):
        tricks.with_tricks(tricks.plain_toy_gan(), ["diff_augment"])


def test_combined_penalties_add_up():
    total = tricks.combine_penalties(lambda g, r, f: tf.constant(1.5), lambda g, r, f: tf.constant(2.0))
    assert float(total(None, None, None)) == 3.5
    assert tricks.combine_penalties() is None


def test_mlp_options_for_the_toys():
    d = models.make_mlp(2, 1, (8,), spectral_norm=True, minibatch_discrimination=3, instance_noise=0.1,
                        features=True)
    out, features = d(np.zeros((5, 2), np.float32))
    assert out.shape == (5, 1) and features.shape == (5, 8)
    kinds = [type(layer).__name__ for layer in d.layers]
    assert kinds.count("SpectralNormalization") == 2 and "MinibatchDiscrimination" in kinds
    assert [type(layer).__name__ for layer in models.make_mlp(2, 2, (4, 4), dropout=0.5).layers].count("Dropout") == 2
    sampled = [type(layer).__name__ for layer in models.make_mlp(2, 2, (4, 4), dropout=0.5,
                                                                 dropout_when_sampling=True).layers]
    assert sampled.count("NoiseDropout") == 2 and "Dropout" not in sampled
    with pytest.raises(ValueError, match="dropout must be a number"):
        models.make_mlp(2, 2, dropout=1.5)


def test_r3gan_is_the_pairing_loss_with_r1_and_r2_on_residual_networks():
    from ganbook import losses, penalties

    recipe = tricks.r3gan(gamma=0.5, learning_rate=1e-3)
    gan, callbacks = recipe.build(seed=0, steps=10)
    assert any(isinstance(layer, models.ResidualBlock) for layer in gan.discriminator.layers)
    assert not any(isinstance(layer, keras.layers.BatchNormalization)
                   for network in (gan.generator, gan.discriminator) for layer in network.layers)
    assert gan.objective.d_loss is losses.relativistic_d_loss and gan.objective.g_loss_reads_real
    assert float(gan.d_optimizer.beta_1) == 0.0 and float(gan.d_optimizer.beta_2) == 0.99
    assert isinstance(callbacks[-1], tricks.GeneratorEMA)
    # The D penalty is R1 on the real batch plus R2 on the generated one, gamma 0.5 each.
    real, fake = (tf.random.stateless_normal((4, 28, 28, 1), seed=(s, 0)) for s in (1, 2))
    expected = (penalties.R1Penalty(0.5)(gan, real, fake) + penalties.R2Penalty(0.5)(gan, real, fake))
    assert float(gan.objective.d_penalty(gan, real, fake)) == pytest.approx(float(expected), rel=1e-6)
    history = gan.fit(one_batch(recipe), epochs=1, verbose=0, callbacks=callbacks)
    assert np.isfinite(history.history["d_loss"]).all()
