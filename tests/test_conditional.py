"""Tests of the conditional GAN: training.GAN with num_classes > 0."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from ganbook import callbacks, losses, models, training

LATENT, DIM, CLASSES = 4, 6, 3


pytestmark = pytest.mark.usefixtures("deterministic_ops")


def conditional_mlp(input_dim, output_dim, name):
    """[x, labels] -> output: the label's embedding concatenated to x, then an MLP."""
    x, labels = keras.Input((input_dim,)), keras.Input((), dtype="int32")
    embedded = layers.Embedding(CLASSES, 3)(labels)
    hidden = layers.Dense(8, activation="relu")(layers.Concatenate()([x, embedded]))
    return keras.Model([x, labels], layers.Dense(output_dim)(hidden), name=name)


def conditional_gan(seed=0):
    keras.utils.set_random_seed(seed)
    gan = training.GAN(conditional_mlp(LATENT, DIM, "g"), conditional_mlp(DIM, 1, "d"),
                       seed=seed, num_classes=CLASSES)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    return gan


def labelled_vectors(n=48, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % CLASSES
    return (3.0 * np.eye(DIM)[labels] + rng.normal(0, 0.3, (n, DIM))).astype(np.float32), labels


def test_networks_must_take_labels_when_the_gan_is_conditional():
    with pytest.raises(ValueError, match=r"the generator must take 2 input\(s\) \(data, labels\), it takes 1"):
        training.GAN(models.make_mlp(LATENT, DIM), conditional_mlp(DIM, 1, "d"), num_classes=CLASSES)
    with pytest.raises(ValueError, match=r"with num_classes=0 the generator must take 1 input"):
        training.GAN(conditional_mlp(LATENT, DIM, "g"), models.make_mlp(DIM, 1))
    with pytest.raises(ValueError, match="num_classes must be an integer >= 0, got -1"):
        training.GAN(models.make_mlp(LATENT, DIM), models.make_mlp(DIM, 1), num_classes=-1)


def test_generate_draws_the_requested_classes_and_rejects_bad_labels():
    gan = conditional_gan()
    assert gan.generate(5, labels=2).shape == (5, DIM)
    samples = gan.generate(4, seed=1, labels=[0, 1, 0, 2])
    # the same noise row with another label gives another sample; same label, same sample
    np.testing.assert_allclose(gan.generate(4, seed=1, labels=[0, 1, 0, 2]), samples)
    assert not np.allclose(gan.generate(4, seed=1, labels=[1, 1, 0, 2])[0], samples[0])
    np.testing.assert_allclose(gan.generate(4, seed=1, labels=[0, 2, 0, 1])[2], samples[2], rtol=1e-6)
    assert gan.generate(6, seed=3).shape == (6, DIM)  # classes drawn when none are given
    with pytest.raises(ValueError, match=r"labels must be integers in 0..2, got \[-1, 3\]"):
        gan.generate(3, labels=[1, 3, -1])
    with pytest.raises(TypeError, match=r"labels must be integers \(class indices\), got dtype float"):
        gan.generate(1, labels=[0.5])
    with pytest.raises(ValueError, match=r"labels must be one integer or 3 of them, got shape \(2,\)"):
        gan.generate(3, labels=[0, 1])
    unconditional = training.GAN(models.make_mlp(LATENT, DIM), models.make_mlp(DIM, 1))
    with pytest.raises(ValueError, match="labels need a conditional GAN"):
        unconditional.generate(2, labels=[0, 1])


def test_generate_gives_another_generator_the_same_noise_and_labels():
    gan = conditional_gan()
    twin = keras.models.clone_model(gan.generator)
    twin.set_weights([w + 0.5 for w in gan.generator.get_weights()])
    labels = np.array([0, 1, 2, 2])
    expected = twin([gan.sample_noise(4, (1, -1)), tf.constant(labels, tf.int32)], training=False).numpy()
    np.testing.assert_allclose(gan.generate(4, seed=1, labels=labels, generator=twin), expected, rtol=1e-6)
    assert not np.allclose(expected, gan.generate(4, seed=1, labels=labels))


def test_a_step_conditions_both_networks_on_the_real_batchs_labels():
    gan = conditional_gan()
    images, labels = labelled_vectors(12)
    real, y = tf.constant(images), tf.constant(labels, tf.int32)
    d_vars = gan.discriminator.trainable_variables
    noise = gan.sample_noise(12, gan._noise_seed(0))
    with tf.GradientTape() as tape:
        d_loss = losses.bce_d_loss(gan.discriminator([real, y]),
                                   gan.discriminator([gan.generator([noise, y]), y]))
    expected_d = [v.numpy() - 0.1 * tf.convert_to_tensor(g).numpy()  # embeddings: sparse gradients
                  for v, g in zip(d_vars, tape.gradient(d_loss, d_vars))]
    logs = gan.train_step((real, y))
    for v, e in zip(d_vars, expected_d):
        np.testing.assert_allclose(v.numpy(), e, rtol=1e-5, atol=1e-6)
    assert float(logs["d_loss"]) == pytest.approx(float(d_loss), rel=1e-5)


def test_fit_trains_on_labelled_batches_and_refuses_batches_without_labels():
    gan = conditional_gan()
    images, labels = labelled_vectors()
    batches = callbacks.SeededEpochs(images, batch_size=12, seed=0, labels=labels)
    history = gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches])
    assert len(history.history["d_loss"]) == 2 and int(gan.step.numpy()) == 8
    unlabelled = callbacks.SeededEpochs(images, batch_size=12, seed=0)
    with pytest.raises(ValueError, match=r"a conditional GAN trains on batches of \(images, labels\)"):
        conditional_gan().fit(unlabelled.dataset, epochs=1, verbose=0, callbacks=[unlabelled])


def test_the_critic_steps_split_the_labels_with_the_images():
    gan = conditional_gan()
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), training.Objective(gradient_penalty=1.0),
                n_critic=2, mixed_batches=True)
    images, labels = labelled_vectors(24)
    logs = gan.train_step((tf.constant(images), tf.constant(labels)))
    assert np.isfinite(float(logs["d_loss"])) and int(gan.step.numpy()) == 1


def test_a_conditional_gan_under_two_replicas_matches_one_device():
    from test_distribute import max_difference

    from ganbook import distribute

    images, labels = labelled_vectors()
    trained = []
    for strategy in (tf.distribute.get_strategy(), distribute.make_strategy(cpu_replicas=2)):
        with strategy.scope():
            gan = conditional_gan()
        batches = callbacks.SeededEpochs(images, batch_size=12, seed=0, labels=labels)
        gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches])
        trained.append(gan)
    assert max_difference(*trained) < 1e-5
