"""Tests of BEGAN (losses, k's update, the trainer), WGAN-GP's critic steps and the 64x64 DCGAN."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook import callbacks, losses, models, training

pytestmark = pytest.mark.usefixtures("deterministic_ops")


def test_autoencoder_loss_is_each_images_mean_absolute_error():
    images = np.zeros((2, 2, 2, 1), np.float32)
    reconstructions = np.array([[[[1.0], [-1.0]], [[0.0], [2.0]]], [[[0.5], [0.5]], [[0.5], [0.5]]]], np.float32)
    np.testing.assert_allclose(losses.autoencoder_loss(images, reconstructions), [1.0, 0.5])
    with pytest.raises(ValueError, match="same shape"):
        losses.autoencoder_loss(images, reconstructions[:1])


@pytest.mark.parametrize("k, real, fake, expected", [
    (0.5, 0.2, 0.05, 0.5 + 0.01 * (0.5 * 0.2 - 0.05)),  # fakes reconstructed too well: k grows
    (0.5, 0.2, 0.3, 0.5 + 0.01 * (0.1 - 0.3)),           # too badly: k shrinks
    (0.0, 0.1, 0.9, 0.0),                                 # clipped at 0
    (0.9995, 1.0, 0.0, 1.0),                              # clipped at 1
])
def test_k_moves_towards_the_equilibrium_and_stays_in_0_1(k, real, fake, expected):
    got = losses.began_k_update(k, real, fake, gamma=0.5, lambda_k=0.01)
    np.testing.assert_allclose(float(got), expected, rtol=1e-6)


def test_k_update_and_convergence_measure_check_and_compute():
    with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\], got 1.5"):
        losses.began_k_update(0.0, 0.1, 0.1, gamma=1.5, lambda_k=0.001)
    with pytest.raises(ValueError, match="lambda_k must be >= 0"):
        losses.began_k_update(0.0, 0.1, 0.1, gamma=0.5, lambda_k=-1)
    np.testing.assert_allclose(float(losses.began_convergence(0.2, 0.3, 0.5)), 0.2 + 0.2)
    np.testing.assert_allclose(float(losses.began_convergence(0.2, 0.1, 0.5)), 0.2)


def small_began(gamma=0.5, lambda_k=0.01, seed=0):
    keras.utils.set_random_seed(seed)
    gan = training.BEGAN(models.make_dcgan_generator(8, width=2),
                         models.make_autoencoder_discriminator(width=2, hidden=4), seed=seed)
    gan.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05), gamma=gamma, lambda_k=lambda_k,
                k_initial=0.3)
    return gan


def test_a_began_step_descends_its_losses_and_updates_k_from_them():
    gan = small_began()
    real = np.random.default_rng(0).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
    d_vars = gan.discriminator.trainable_variables
    fake = gan.generator(gan.sample_noise(6, gan._noise_seed(0)), training=True)
    with tf.GradientTape() as tape:
        real_loss = tf.reduce_mean(gan.reconstruction_error(real, training=True))
        d_loss = real_loss - 0.3 * tf.reduce_mean(gan.reconstruction_error(fake, training=True))
    expected_d = [v.numpy() - 0.05 * g.numpy() for v, g in zip(d_vars, tape.gradient(d_loss, d_vars))]
    logs = gan.train_step(tf.constant(real))
    for variable, want in zip(d_vars, expected_d):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-4, atol=1e-6)
    # k's update uses L(x) before D's step and L(G(z_G)) after it, as logged
    assert set(logs) == {"d_loss", "g_loss", "k", "m_global"}
    expected_k = np.clip(0.3 + 0.01 * (0.5 * float(real_loss) - float(logs["g_loss"])), 0, 1)
    np.testing.assert_allclose(float(gan.k.numpy()), expected_k, rtol=1e-5)


def test_began_checks_its_networks_and_settings_and_saves_k():
    with pytest.raises(ValueError, match="must return images of the generator's shape"):
        training.BEGAN(models.make_dcgan_generator(8, width=2), models.make_dcgan_discriminator(2))
    gan = small_began()
    with pytest.raises(ValueError, match="k_initial must be in"):
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), k_initial=2.0)
    with pytest.raises(ValueError, match="gamma must be in"):
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), gamma=0.0)
    assert any(v is gan.k for v in gan.non_trainable_variables)  # in checkpoints


def test_began_fits_and_logs_its_convergence_measure():
    gan = small_began()
    images = np.random.default_rng(1).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    batches = callbacks.SeededEpochs(images, 8, seed=0)
    history = gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches])
    assert np.all(np.isfinite(history.history["m_global"])) and 0 <= float(gan.k.numpy()) <= 1


def test_wgan_gp_critic_steps_each_read_a_fresh_real_batch():
    # n_critic = 5: a batch of 5 x 4 images is split, one part per critic step
    keras.utils.set_random_seed(0)
    gan = training.GAN(models.make_dcgan_generator(8, width=2), models.make_dcgan_discriminator(2))
    gan.compile(keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                training.Objective(losses.wasserstein_d_loss, losses.wasserstein_g_loss, gradient_penalty=10.0),
                n_critic=5)
    seen = []
    original = gan._d_step

    def recording(real, labels, k):
        seen.append(real)
        return original(real, labels, k)

    gan._d_step = recording
    batch = np.random.default_rng(2).uniform(-1, 1, (20, 28, 28, 1)).astype("float32")
    gan.train_step(tf.constant(batch))
    assert len(seen) == 5
    np.testing.assert_array_equal(np.concatenate([s.numpy() for s in seen]), batch)


def test_the_64x64_dcgan_has_five_layers_each_and_the_promised_shapes():
    g = models.make_dcgan64_generator(latent_dim=10, width=4, channels=1)
    d = models.make_dcgan64_discriminator(width=4, channels=1)
    images = g(tf.zeros((2, 10)))
    assert images.shape == (2, 64, 64, 1) and d(images).shape == (2, 1)
    def weighted(model):
        kinds = (keras.layers.Dense, keras.layers.Conv2D, keras.layers.Conv2DTranspose)
        return [layer for layer in model.layers if isinstance(layer, kinds)]

    assert len(weighted(g)) == 5 and len(weighted(d)) == 5
    assert [layer.filters for layer in weighted(g)[1:]] == [16, 8, 4, 1]
    assert [layer.filters for layer in weighted(d)[:4]] == [4, 8, 16, 32]
    with pytest.raises(ValueError, match="width must be a positive integer"):
        models.make_dcgan64_generator(width=0)


def test_began_under_two_replicas_matches_one_device_including_k():
    from test_distribute import max_difference

    from ganbook import distribute

    vectors = np.random.default_rng(0).normal(size=(48, 6)).astype("float32")
    trained = []
    for strategy in (tf.distribute.get_strategy(), distribute.make_strategy(cpu_replicas=2)):
        with strategy.scope():
            keras.utils.set_random_seed(0)
            gan = training.BEGAN(models.make_mlp(4, 6), models.make_mlp(6, 6), seed=0)
            gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), lambda_k=0.05)
        batches = callbacks.SeededEpochs(vectors, 12, seed=0)
        gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches])
        trained.append(gan)
    assert float(trained[0].k.numpy()) > 0
    assert max_difference(*trained) < 1e-5


@pytest.mark.parametrize("normalization, batch_dependent", [("batch", True), ("layer", False), ("none", False)])
def test_only_batch_norm_makes_an_images_reconstruction_depend_on_its_batch(normalization, batch_dependent):
    keras.utils.set_random_seed(0)
    autoencoder = models.make_autoencoder_discriminator(width=2, hidden=4, normalization=normalization)
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    alone = autoencoder(images[:2], training=True).numpy()
    in_a_bigger_batch = autoencoder(images, training=True).numpy()[:2]
    layer_names = [type(layer).__name__ for layer in autoencoder.layers]
    assert ("BatchNormalization" in layer_names) == (normalization == "batch")
    assert ("LayerNormalization" in layer_names) == (normalization == "layer")
    assert (not np.allclose(alone, in_a_bigger_batch, atol=1e-5)) == batch_dependent


def test_the_autoencoder_names_the_normalizations_it_accepts():
    with pytest.raises(ValueError, match="batch, layer, none.*'group'"):
        models.make_autoencoder_discriminator(normalization="group")
