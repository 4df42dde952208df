"""Tests of ganbook.training: the GAN's train_step, its noise and code, resume, the toy runs."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook import callbacks, losses, models, toy, training

LATENT = 4


pytestmark = pytest.mark.usefixtures("deterministic_ops")


def noisy_discriminator():
    """An MLP discriminator with Gaussian noise and dropout: random layers of its own."""
    return keras.Sequential([keras.Input((6,)), keras.layers.GaussianNoise(0.3),
                             keras.layers.Dense(16, activation="relu"), keras.layers.Dropout(0.3),
                             keras.layers.Dense(1)], name="d")


def tiny_gan(seed=0, g_lr=1e-3, d_lr=1e-3, init_seed=None, noisy=False, **compile_args):
    """An MLP GAN on 6-d vectors, built identically for the same seeds."""
    keras.utils.set_random_seed(seed if init_seed is None else init_seed)
    discriminator = noisy_discriminator() if noisy else models.make_mlp(6, 1, (16,), name="d")
    gan = training.GAN(models.make_mlp(LATENT, 6, (16,), name="g"), discriminator, seed=seed)
    gan.compile(keras.optimizers.Adam(d_lr), keras.optimizers.Adam(g_lr), **compile_args)
    return gan


def real_vectors(n=96, seed=0):
    return np.random.default_rng(seed).normal(1.0, 0.5, (n, 6)).astype(np.float32)


def weights(model):
    return [v.numpy().copy() for v in model.variables]


def changed(before, model):
    return any(not np.array_equal(a, b) for a, b in zip(before, weights(model)))


@pytest.mark.parametrize("frozen", ["generator", "discriminator"])
def test_each_optimizer_updates_only_its_own_network(frozen):
    # With one player's learning rate at 0, a step must leave that player alone:
    # if an optimizer touched the other network's variables, it would change.
    gan = tiny_gan(g_lr=0.0 if frozen == "generator" else 1e-2,
                   d_lr=0.0 if frozen == "discriminator" else 1e-2)
    g0, d0 = weights(gan.generator), weights(gan.discriminator)
    gan.train_step(tf.constant(real_vectors(32)))
    assert changed(g0, gan.generator) == (frozen != "generator")
    assert changed(d0, gan.discriminator) == (frozen != "discriminator")
    assert int(gan.step.numpy()) == 1


def test_train_step_reports_the_losses_and_n_critic_counts_discriminator_steps():
    gan = tiny_gan(n_critic=3)
    logs = gan.train_step(tf.constant(real_vectors(30)))  # three real batches of 10
    assert set(logs) == {"d_loss", "g_loss"}
    assert int(gan.d_optimizer.iterations.numpy()) == 3
    assert int(gan.g_optimizer.iterations.numpy()) == 1


def test_weight_clipping_and_gradient_penalty_are_applied():
    wasserstein = training.Objective(losses.wasserstein_d_loss, losses.wasserstein_g_loss)
    clipped = tiny_gan(objective=wasserstein, clip_weights=0.05, d_lr=0.5)
    clipped.train_step(tf.constant(real_vectors(32)))
    assert max(np.abs(w).max() for w in weights(clipped.discriminator)) <= 0.05 + 1e-7
    penalised = tiny_gan(objective=dataclasses.replace(wasserstein, gradient_penalty=10.0))
    plain = tiny_gan(objective=wasserstein)
    batch = tf.constant(real_vectors(32))
    assert float(penalised.train_step(batch)["d_loss"]) > float(plain.train_step(batch)["d_loss"])


def test_noise_is_reproducible_and_generate_is_seeded():
    gan = tiny_gan()
    np.testing.assert_array_equal(gan.generate(5, seed=2), gan.generate(5, seed=2))
    assert not np.array_equal(gan.generate(5, seed=2), gan.generate(5, seed=3))
    uniform = training.GAN(gan.generator, gan.discriminator, prior="uniform")
    z = uniform.sample_noise(1000, (0, 0)).numpy()
    assert z.shape == (1000, LATENT) and z.min() >= -1 and z.max() <= 1


def test_generate_can_draw_from_another_generator_on_the_same_noise():
    gan = tiny_gan()
    twin = keras.models.clone_model(gan.generator)
    twin.set_weights(gan.generator.get_weights())
    np.testing.assert_array_equal(gan.generate(5, seed=2, generator=twin), gan.generate(5, seed=2))
    twin.set_weights([2.0 * w for w in twin.get_weights()])  # another network, same noise
    expected = twin(gan.sample_noise(5, (2, -1)), training=False).numpy()
    np.testing.assert_allclose(gan.generate(5, seed=2, generator=twin), expected)
    assert not np.allclose(expected, gan.generate(5, seed=2))
    with pytest.raises(ValueError, match=r"generator has input_shape \(None, 3\) but the GAN's generator has "
                                         r"\(None, 4\)"):
        gan.generate(2, generator=models.make_mlp(LATENT - 1, 6, (8,)))
    with pytest.raises(ValueError, match=r"generator has output_shape \(None, 5\)"):
        gan.generate(2, generator=models.make_mlp(LATENT, 5, (8,)))
    with pytest.raises(TypeError, match="generator must be a keras Model shaped like the GAN's, got function"):
        gan.generate(2, generator=lambda z: z)


def test_a_code_ends_each_noise_vector_in_one_scaled_one_hot():
    codes, scale = 4, 3.0
    gan = training.GAN(models.make_mlp(LATENT + codes, 6, (8,)), models.make_mlp(6, 1, (8,)),
                       codes=codes, code_scale=scale)
    noise = gan.sample_noise(4000, (0, 1)).numpy()
    assert noise.shape == (4000, LATENT + codes)
    code = noise[:, -codes:]
    assert set(np.unique(code)) == {0.0, scale}
    np.testing.assert_array_equal((code == scale).sum(1), 1)
    shares = (code == scale).mean(0)
    assert np.all(np.abs(shares - 1 / codes) < 0.03), shares  # categories equally likely
    assert abs(noise[:, :-codes].std() - 1.0) < 0.05  # the rest is N(0, 1)
    np.testing.assert_array_equal(noise, gan.sample_noise(4000, (0, 1)).numpy())
    assert not np.array_equal(code, gan.sample_noise(4000, (0, 2)).numpy()[:, -codes:])
    np.testing.assert_array_equal(gan.code_of(noise), np.argmax(code, axis=1))
    fixed = gan.sample_noise(3, (0, 1), category=[2, 0, 2]).numpy()
    np.testing.assert_array_equal(gan.code_of(fixed), [2, 0, 2])
    # Fixing the categories leaves the continuous part as it was.
    np.testing.assert_array_equal(fixed[:, :-codes], noise[:3, :-codes])
    # The draws are those of tf.random.stateless_categorical with equal logits.
    categorical = tf.random.stateless_categorical(tf.zeros([1, codes]), 4000, seed=[0, 1 + (1 << 40)])
    np.testing.assert_array_equal(gan.code_of(noise), categorical[0].numpy())


def test_a_gan_with_a_code_compiles_with_xla():
    codes = 3
    gan = training.GAN(models.make_mlp(LATENT + codes, 6, (8,)), models.make_mlp(6, 1, (8,)), codes=codes)
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    # Called directly: Keras turns jit_compile off while op determinism is on (as in these tests).
    losses_after = tf.function(gan.train_step, jit_compile=True)(tf.constant(real_vectors(16)))
    assert int(gan.step.numpy()) == 1 and np.isfinite(float(losses_after["d_loss"]))


def test_bad_codes_are_rejected_with_the_expected_range():
    g, d = models.make_mlp(LATENT, 6, (8,)), models.make_mlp(6, 1, (8,))
    with pytest.raises(ValueError, match=f"codes must be an integer from 0 to {LATENT - 1}"):
        training.GAN(g, d, codes=LATENT)
    with pytest.raises(ValueError, match="codes must be an integer"):
        training.GAN(g, d, codes=2.5)
    assert training.GAN(g, d, codes=np.int64(2)).codes == 2
    with pytest.raises(ValueError, match="code_scale must be positive"):
        training.GAN(g, d, codes=2, code_scale=0.0)
    coded = training.GAN(g, d, codes=2)
    with pytest.raises(ValueError, match=r"category must be integers in 0..1, got \[2\]"):
        coded.sample_noise(3, (0, 0), category=2)
    with pytest.raises(ValueError, match="category must be integers"):
        coded.sample_noise(2, (0, 0), category=[0.5, 1.0])
    with pytest.raises(ValueError, match="needs a GAN with a code"):
        training.GAN(g, d).sample_noise(3, (0, 0), category=0)


def fit_with_backup(gan, backup_dir, epochs, extra_callbacks=()):
    batches = callbacks.SeededEpochs(real_vectors(), batch_size=16, seed=7)
    backup = keras.callbacks.BackupAndRestore(str(backup_dir))
    return gan.fit(batches.dataset, epochs=epochs, verbose=0,
                   callbacks=[batches, backup, *extra_callbacks])


class Interrupt(keras.callbacks.Callback):
    """Raise mid-epoch, like a kernel interrupted by the user."""

    def __init__(self, at_step):
        super().__init__()
        self.at_step = at_step

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.step.numpy()) == self.at_step:
            raise KeyboardInterrupt


@pytest.mark.parametrize("noisy", [False, True], ids=["plain", "dropout-and-noise-in-D"])
def test_resume_after_an_interruption_ends_with_the_same_weights(tmp_path, noisy):
    # 96 examples / 16 = 6 steps per epoch; interrupt in the middle of epoch 3 (step 16).
    # Keras does not checkpoint the state of random layers; the GAN seeds them per step.
    uninterrupted = tiny_gan(noisy=noisy)
    fit_with_backup(uninterrupted, tmp_path / "a", epochs=5)

    interrupted = tiny_gan(noisy=noisy)
    with pytest.raises(KeyboardInterrupt):
        fit_with_backup(interrupted, tmp_path / "b", epochs=5, extra_callbacks=[Interrupt(16)])
    metadata = json.loads((tmp_path / "b" / "training_metadata.json").read_text())
    assert metadata["epoch"] == 2  # the last checkpoint: the end of epoch 2, step 12

    # A fresh process would rebuild everything from scratch: so does this test.
    resumed = tiny_gan(init_seed=123, noisy=noisy)  # other initial weights: all must come from the checkpoint
    history = fit_with_backup(resumed, tmp_path / "b", epochs=5)
    assert len(history.history["d_loss"]) == 3  # epochs 3, 4 and 5
    assert int(resumed.step.numpy()) == int(uninterrupted.step.numpy()) == 30
    for a, b in zip(weights(uninterrupted), weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    for a, b in zip(uninterrupted.g_optimizer.variables, resumed.g_optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=1e-6)
    assert not (tmp_path / "b").exists(), "a finished run deletes its backup"








def test_bad_construction_and_compile_arguments_are_rejected():
    g, d = models.make_mlp(LATENT, 6, (8,)), models.make_mlp(6, 1, (8,))
    with pytest.raises(ValueError, match="generator makes shape"):
        training.GAN(g, models.make_mlp(5, 1, (8,)))
    with pytest.raises(TypeError, match="keras Models"):
        training.GAN(g, lambda x: x)
    with pytest.raises(ValueError, match="prior must be one of normal, uniform"):
        training.GAN(g, d, prior="cauchy")
    gan = training.GAN(g, d)
    adam = keras.optimizers.Adam()
    bad = [
        (dict(d_optimizer="adam", g_optimizer=adam), TypeError, "d_optimizer must be a keras optimizer"),
        (dict(d_optimizer=adam, g_optimizer=adam), ValueError, "two different optimizer objects"),
        (dict(n_critic=0), ValueError, "n_critic must be a positive integer"),
        (dict(clip_weights=0.0), ValueError, "clip_weights must be positive"),
        (dict(objective=losses.bce_d_loss), TypeError, "objective must be a training.Objective"),
        (dict(d_loss_fn=losses.bce_d_loss), TypeError, "unexpected keyword argument 'd_loss_fn'"),
    ]
    for overrides, error, message in bad:
        args = {"d_optimizer": keras.optimizers.Adam(), "g_optimizer": keras.optimizers.Adam(), **overrides}
        with pytest.raises(error, match=message):
            gan.compile(**args)


def test_toy_setups_cover_every_loss_and_train():
    assert set(training.TOY_SETUPS) == {"minimax", "non_saturating", "least_squares",
                                        "wgan_clip", "wgan_gp", "hinge"}
    with pytest.raises(ValueError, match="unknown toy loss"):
        training.make_toy_gan("wgan", seed=0, steps=10)
    gan = training.make_toy_gan("wgan_gp", seed=0, steps=50)
    history = training.train_on_toy(gan, toy.Ring(), steps=50)
    assert int(gan.step.numpy()) == 50 and np.isfinite(history["d_loss"]).all()
    assert gan.generate(10).shape == (10, 2)


def test_the_wgans_keep_their_papers_optimizers_and_read_a_fresh_batch_per_critic_step():
    clip = training.make_toy_gan("wgan_clip", seed=0, steps=10)
    assert isinstance(clip.d_optimizer, keras.optimizers.RMSprop)
    assert float(clip.d_optimizer.learning_rate) == pytest.approx(5e-5)  # at step 0 of the decay
    gp = training.make_toy_gan("wgan_gp", seed=0, steps=10)
    assert float(gp.d_optimizer.learning_rate) == pytest.approx(1e-4)
    assert (float(gp.d_optimizer.beta_1), float(gp.d_optimizer.beta_2)) == (0.0, 0.9)
    plain = training.make_toy_gan("hinge", seed=0, steps=10)
    assert float(plain.d_optimizer.learning_rate) == pytest.approx(3e-3)
    history = training.train_on_toy(gp, toy.Ring(), steps=10, batch_size=16)
    # 10 generator steps, 50 critic steps, from 10 batches of 5 x 16 fresh points
    assert int(gp.step.numpy()) == 10 and int(gp.d_optimizer.iterations.numpy()) == 50
    assert np.isfinite(history["d_loss"]).all()


@pytest.mark.parametrize("steps, per_call", [(2000, 50), (60, 6), (5, 1)])
def test_a_short_toy_run_makes_at_least_ten_compiled_calls(steps, per_call):
    # Many short runs each trace a new function; ten calls or more per run keep
    # TensorFlow's retracing heuristic quiet (it warns when most recent calls traced).
    assert training.make_toy_gan("hinge", seed=0, steps=steps).steps_per_execution == per_call


def test_decayed_adam_falls_on_a_cosine_to_zero_or_stays_constant():
    adam = training.decayed_adam(2e-3, 100, beta_1=0.0, beta_2=0.9, global_clipnorm=1.0)
    schedule = adam.learning_rate if callable(adam.learning_rate) else adam._learning_rate
    for step in (0, 25, 50, 100):
        expected = 2e-3 * 0.5 * (1 + np.cos(np.pi * step / 100))
        assert float(schedule(step)) == pytest.approx(expected, abs=1e-9)
    assert float(adam.beta_1) == 0.0 and float(adam.beta_2) == 0.9 and adam.global_clipnorm == 1.0
    constant = training.decayed_adam(1e-4, None)
    assert float(constant.learning_rate) == pytest.approx(1e-4) and float(constant.beta_1) == 0.5
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        training.decayed_adam(1e-3, 0)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        training.decayed_adam(0.0, 10)


def test_every_optimizer_of_the_package_decays_through_one_helper():
    schedule = training.decayed_rate(3e-3, 40)
    assert float(schedule(20)) == pytest.approx(1.5e-3) and float(schedule(40)) == pytest.approx(0.0, abs=1e-12)
    assert training.decayed_rate(3e-3, None) == 3e-3
    rmsprop = training.make_toy_gan("wgan_clip", seed=0, steps=10).d_optimizer
    assert isinstance(rmsprop.learning_rate if callable(rmsprop.learning_rate) else rmsprop._learning_rate,
                      keras.optimizers.schedules.CosineDecay)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        training.decayed_rate(-1.0, 10)
