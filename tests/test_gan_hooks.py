"""Tests of the hooks of training.GAN that the tricks use, and of fresh critic batches."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook import callbacks, losses, models, training, tricks

LATENT = 4


def vectors(n=96, seed=0):
    return np.random.default_rng(seed).normal(1.0, 0.5, (n, 6)).astype(np.float32)


def gan_with(discriminator=None, lr=1e-3, **compile_args):
    keras.utils.set_random_seed(0)
    gan = training.GAN(models.make_mlp(LATENT, 6, (16,), name="g"),
                       discriminator or models.make_mlp(6, 1, (16,), name="d"))
    gan.compile(keras.optimizers.Adam(lr), keras.optimizers.Adam(lr), **compile_args)
    return gan


def d_with_features():
    inputs = keras.Input((6,))
    features = keras.layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, [keras.layers.Dense(1)(features), features])


def test_each_critic_step_reads_a_real_batch_of_its_own():
    seen = []

    def record(gan, real, fake):
        seen.append(np.array(real))
        return tf.constant(0.0)

    gan = gan_with(n_critic=3, objective=training.Objective(d_penalty=record))
    gan.run_eagerly = True
    batch = vectors(24)
    gan.train_step(tf.constant(batch))
    assert len(seen) == 3
    for k in range(3):
        np.testing.assert_array_equal(seen[k], batch[8 * k: 8 * (k + 1)])
    assert int(gan.d_optimizer.iterations.numpy()) == 3 and int(gan.g_optimizer.iterations.numpy()) == 1
    with pytest.raises(ValueError, match="batch size divisible by 3, got 10"):
        gan.train_step(tf.constant(vectors(10)))


def test_augment_sees_every_image_the_discriminator_sees():
    calls = []

    def augment(images, seed):
        calls.append(int(images.shape[0]))
        return images + 100.0  # far from anything: D's output must change

    plain, augmented = gan_with(lr=0.0), gan_with(lr=0.0, augment=augment)
    for gan in (plain, augmented):
        gan.run_eagerly = True
    batch = tf.constant(vectors(16))
    d_plain = plain.train_step(batch)["d_loss"]
    d_augmented = augmented.train_step(batch)["d_loss"]
    assert calls == [16, 16, 16]  # D step: real and fake; G step: fake
    assert float(d_plain) != pytest.approx(float(d_augmented))


def test_mixed_batches_score_real_and_fake_in_one_call():
    sizes = []

    def record(x):
        if x.shape[0] is not None:  # a real batch, not the symbolic one of model building
            sizes.append(int(x.shape[0]))
        return x

    def recording_discriminator():
        inputs = keras.Input((6,))
        probe = keras.layers.Lambda(record, output_shape=(6,))
        return keras.Model(inputs, keras.layers.Dense(1)(probe(inputs)))

    separate = gan_with(recording_discriminator())
    mixed = gan_with(recording_discriminator(), mixed_batches=True)
    for gan in (separate, mixed):
        gan.run_eagerly = True
    sizes.clear()
    separate.train_step(tf.constant(vectors(8)))
    assert sizes == [8, 8, 8]  # D: real, fake; G: fake
    sizes.clear()
    mixed.train_step(tf.constant(vectors(8)))
    assert sizes == [16, 16]  # G's batch is scored beside a real one, as D learned it


def test_with_mixed_batches_the_generator_is_judged_under_mixed_batch_statistics():
    # D normalises with its batch's statistics: G's loss is that of its half of a mixed
    # batch, computed here by hand.
    def normalising_discriminator():
        inputs = keras.Input((6,))
        normalised = keras.layers.BatchNormalization(center=False, scale=False)(inputs)
        return keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="ones")(normalised))

    gan = gan_with(normalising_discriminator(), lr=0.0, mixed_batches=True)
    gan.run_eagerly = True
    real = tf.constant(vectors(8))
    fake = gan._generate(gan._step_noise(8, gan._noise_seed(gan.n_critic)), None, training=True)
    g_loss = float(gan.train_step(real)["g_loss"])  # learning rate 0: nothing moves
    logits = gan.discriminator(tf.concat([real, fake], 0), training=True)[8:]
    assert g_loss == pytest.approx(float(losses.non_saturating_g_loss(logits)), rel=1e-5)
    alone = gan.discriminator(fake, training=True)
    assert g_loss != pytest.approx(float(losses.non_saturating_g_loss(alone)), rel=1e-3)


def test_a_two_argument_generator_loss_is_given_the_real_scores_too():
    # The pairing loss (R3GAN): G's loss compares each generated score with the real
    # score of its partner, computed here by hand with the networks frozen.
    gan = gan_with(lr=0.0, objective=training.Objective(losses.relativistic_d_loss, losses.relativistic_g_loss))
    assert gan.objective.g_loss_reads_real
    gan.run_eagerly = True
    real = tf.constant(vectors(8))
    fake = gan._generate(gan._step_noise(8, gan._noise_seed(gan.n_critic)), None, training=True)
    g_loss = float(gan.train_step(real)["g_loss"])
    real_scores, fake_scores = gan.discriminator(real), gan.discriminator(fake)
    assert g_loss == pytest.approx(float(losses.relativistic_g_loss(real_scores, fake_scores)), rel=1e-5)
    assert g_loss != pytest.approx(float(losses.non_saturating_g_loss(fake_scores)), rel=1e-3)
    assert not training.Objective(g_loss=losses.non_saturating_g_loss).g_loss_reads_real


def test_a_gan_with_its_own_generator_terms_refuses_a_two_argument_generator_loss():
    keras.utils.set_random_seed(0)
    acgan = training.ACGAN(models.make_conditional_generator(8, 10),
                           models.make_two_head_discriminator(10), num_classes=10)
    with pytest.raises(ValueError, match="ACGAN adds its own terms to the generator's loss"):
        acgan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(),
                      training.Objective(g_loss=losses.relativistic_g_loss))


def test_discriminator_pauses_while_its_loss_is_below_the_threshold():
    for threshold, moves in ((1e9, False), (-1.0, True)):
        gan = gan_with(d_loss_threshold=threshold)
        before = [v.numpy().copy() for v in gan.discriminator.trainable_variables]
        gan.train_step(tf.constant(vectors(16)))
        after = gan.discriminator.trainable_variables
        assert any(not np.array_equal(a, b.numpy()) for a, b in zip(before, after)) == moves


def test_feature_matching_and_a_generator_penalty_make_the_generator_loss():
    gan = gan_with(d_with_features(), lr=0.0, objective=training.Objective(
        feature_matching=losses.feature_matching_loss, g_penalty=lambda gan, real, fake: tf.constant(0.25)))
    batch = tf.constant(vectors(16))
    logs = gan.train_step(batch)
    fake = gan.generator(gan.sample_noise(16, gan._noise_seed(1) - [0, 2]), training=True)
    expected = losses.feature_matching_loss(gan.discriminator(batch)[1], gan.discriminator(fake)[1])
    assert float(logs["g_loss"]) == pytest.approx(float(expected) + 0.25, rel=1e-5)


def test_tricks_train_through_fit():
    x = vectors(96)
    averaging = tricks.HistoricalAveraging("generator", weight=1e-2)
    gan = gan_with(objective=training.Objective(d_penalty=tricks.R1Penalty(1.0), g_penalty=averaging))
    batches = callbacks.SeededEpochs(x, 16, seed=0)
    history = gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches, averaging])
    assert np.isfinite(history.history["g_loss"]).all() and int(gan.step.numpy()) == 12
    assert float(averaging.count.numpy()) == 13  # the start plus 12 steps


def test_bad_hook_arguments_are_rejected():
    gan = training.GAN(models.make_mlp(LATENT, 6, (8,)), models.make_mlp(6, 1, (8,)))

    def compile_with(**args):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), **args)

    with pytest.raises(ValueError, match="feature_matching needs a discriminator"):
        compile_with(objective=training.Objective(feature_matching=losses.feature_matching_loss))
    with pytest.raises(TypeError, match="augment must be callable"):
        compile_with(augment="translate")
    with pytest.raises(TypeError, match="d_penalty must be callable"):
        training.Objective(d_penalty=1.0)
    with pytest.raises(TypeError, match="feature_matching must be callable .*losses.feature_matching_loss"):
        training.Objective(feature_matching=True)
    with pytest.raises(TypeError, match="d_loss must be a loss function"):
        training.Objective(d_loss="bce")
    for weight in (-1.0, float("nan"), True, "10"):
        with pytest.raises(ValueError, match="gradient_penalty must be a finite weight >= 0"):
            training.Objective(gradient_penalty=weight)
    three = keras.Model(inputs := keras.Input((6,)), [keras.layers.Dense(1)(inputs)] * 3)
    with pytest.raises(ValueError, match="scores, or \\[scores, features\\]"):
        training.GAN(models.make_mlp(LATENT, 6, (8,)), three)
