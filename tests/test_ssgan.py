"""Tests of training.SSGAN: the K+1 semi-supervised GAN trained with fit()."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from ganbook import callbacks, losses, models, training

LATENT, DIM, CLASSES = 4, 6, 3


pytestmark = pytest.mark.usefixtures("deterministic_ops")


def tiny_classifier(dropout=0.0):
    """6-d vectors -> [3 class logits, 8 features]."""
    inputs = keras.Input((DIM,))
    hidden = layers.Dropout(dropout)(inputs) if dropout else inputs
    features = layers.Dense(8, activation="relu")(hidden)
    return keras.Model(inputs, [layers.Dense(CLASSES)(features), features])


def tiny_ssgan(seed=0, init_seed=None, dropout=0.0, lr=1e-2, **compile_args):
    keras.utils.set_random_seed(seed if init_seed is None else init_seed)
    gan = training.SSGAN(models.make_mlp(LATENT, DIM, (8,), name="g"), tiny_classifier(dropout), seed=seed)
    gan.compile(keras.optimizers.Adam(lr), keras.optimizers.Adam(lr), **compile_args)
    return gan


def toy_problem(n=60, seed=0):
    """Three well separated clusters in 6-d, labels 0..2."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % CLASSES
    centres = 3.0 * np.eye(DIM)[:CLASSES]
    return (centres[labels] + rng.normal(0, 0.3, (n, DIM))).astype(np.float32), labels


def weights(model):
    return [v.numpy().copy() for v in model.variables]


def test_one_step_updates_both_networks_and_reports_three_losses():
    gan = tiny_ssgan()
    x, y = toy_problem()
    g0, d0 = weights(gan.generator), weights(gan.discriminator)
    logs = gan.train_step(((tf.constant(x[:6]), tf.constant(y[:6])), tf.constant(x[6:16])))
    assert set(logs) == {"supervised_loss", "d_loss", "g_loss"}
    assert all(np.isfinite(float(v)) for v in logs.values())
    assert any(not np.array_equal(a, b) for a, b in zip(g0, weights(gan.generator)))
    assert any(not np.array_equal(a, b) for a, b in zip(d0, weights(gan.discriminator)))
    assert int(gan.step.numpy()) == 1


def test_losses_of_a_step_are_the_package_losses_on_the_same_batches():
    gan = tiny_ssgan(lr=0.0)  # nothing moves: the reported losses can be recomputed
    x, y = toy_problem()
    labelled, labels, unlabelled = tf.constant(x[:6]), tf.constant(y[:6]), tf.constant(x[6:16])
    logs = gan.train_step(((labelled, labels), unlabelled))
    fake = gan.generator(gan.sample_noise(10, gan._noise_seed(0) - [0, 2]), training=True)
    d = gan.discriminator
    expected_unsupervised = losses.unsupervised_loss(d(unlabelled)[0], d(fake)[0])
    expected = float(losses.supervised_loss(d(labelled)[0], labels))
    assert float(logs["supervised_loss"]) == pytest.approx(expected, rel=1e-5)
    assert float(logs["d_loss"]) == pytest.approx(float(expected_unsupervised), rel=1e-5)
    fake_g = gan.generator(gan.sample_noise(10, gan._noise_seed(1) - [0, 2]), training=True)
    expected_fm = losses.feature_matching_loss(d(unlabelled)[1], d(fake_g)[1])
    assert float(logs["g_loss"]) == pytest.approx(float(expected_fm), rel=1e-4)


def test_a_third_batch_is_what_feature_matching_compares_with():
    x, y = toy_problem()
    labelled, labels, unlabelled = tf.constant(x[:6]), tf.constant(y[:6]), tf.constant(x[6:16])
    second = tf.constant(x[16:26])
    gan = tiny_ssgan(lr=0.0)
    logs = gan.train_step(((labelled, labels), unlabelled, second))
    d = gan.discriminator
    fake_g = gan.generator(gan.sample_noise(10, gan._noise_seed(1) - [0, 2]), training=True)
    expected = losses.feature_matching_loss(d(second)[1], d(fake_g)[1])
    assert float(logs["g_loss"]) == pytest.approx(float(expected), rel=1e-4)
    assert float(logs["g_loss"]) != pytest.approx(
        float(losses.feature_matching_loss(d(unlabelled)[1], d(fake_g)[1])), rel=1e-3)


def test_feature_batch_needs_a_labelled_set():
    with pytest.raises(ValueError, match="labelled=.images, labels. too"):
        callbacks.SeededEpochs(np.zeros((8, 2), np.float32), 4, seed=0, feature_batch=True)


def test_the_unsupervised_weight_scales_its_share_of_the_classifier_update():
    # With plain SGD the update is -lr * gradient, linear in the weight:
    # the update at 0.5 is the mean of the updates at 0 and 1.
    x, y = toy_problem()
    batch = ((tf.constant(x[:6]), tf.constant(y[:6])), tf.constant(x[6:16]))
    moved = {}
    for weight in (0.0, 0.5, 1.0):
        keras.utils.set_random_seed(0)
        gan = training.SSGAN(models.make_mlp(LATENT, DIM, (8,), name="g"), tiny_classifier(), seed=0)
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), unsupervised_weight=weight)
        before = weights(gan.discriminator)
        gan.train_step(batch)
        moved[weight] = [a - b for a, b in zip(weights(gan.discriminator), before)]
    for zero, half, one in zip(moved[0.0], moved[0.5], moved[1.0]):
        np.testing.assert_allclose(half, (zero + one) / 2, atol=1e-6)
    assert any(not np.allclose(a, b) for a, b in zip(moved[0.0], moved[1.0]))


def test_without_feature_matching_the_generator_minimises_g_loss_on_the_real_logit():
    gan = tiny_ssgan(lr=0.0, objective=training.Objective())
    x, y = toy_problem()
    unlabelled = tf.constant(x[6:16])
    logs = gan.train_step(((tf.constant(x[:6]), tf.constant(y[:6])), unlabelled))
    fake = gan.generator(gan.sample_noise(10, gan._noise_seed(1) - [0, 2]), training=True)
    expected = losses.non_saturating_g_loss(losses.real_logit(gan.discriminator(fake)[0]))
    assert float(logs["g_loss"]) == pytest.approx(float(expected), rel=1e-5)


def test_fit_learns_the_clusters_from_three_labels_and_evaluate_reports_the_error():
    x, y = toy_problem(n=300)
    chosen = np.array([0, 1, 2])  # one label per class
    gan = tiny_ssgan()
    batches = callbacks.SeededEpochs(x, batch_size=30, seed=0, labelled=(x[chosen], y[chosen]))
    test = tf.data.Dataset.from_tensor_slices(toy_problem(n=90, seed=1)).batch(45)
    history = gan.fit(batches.dataset, epochs=4, verbose=0, callbacks=[batches], validation_data=test)
    assert len(history.history["val_error"]) == 4
    x_test, y_test = toy_problem(n=90, seed=1)
    predicted = gan.classify(x_test)
    assert predicted.shape == (90,)
    error = np.mean(predicted != y_test)
    # float(): some Keras versions (3.8) return the metrics as tensors
    assert float(gan.evaluate(test, verbose=0, return_dict=True)["error"]) == pytest.approx(error)
    assert float(history.history["val_error"][-1]) == pytest.approx(error)
    assert error < 0.1  # three clusters, one label each: easy, but only if training works


def test_resume_after_an_interruption_ends_with_the_same_weights(tmp_path):
    x, y = toy_problem(n=96)
    labelled = (x[:6], y[:6])

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if int(self.model.step.numpy()) == 10:
                raise KeyboardInterrupt

    def run(gan, directory, extra=()):
        batches = callbacks.SeededEpochs(x, 16, seed=2, labelled=labelled)
        backup = keras.callbacks.BackupAndRestore(str(directory))
        gan.fit(batches.dataset, epochs=3, verbose=0, callbacks=[batches, backup, *extra])

    straight = tiny_ssgan(dropout=0.2)
    run(straight, tmp_path / "a")
    interrupted = tiny_ssgan(dropout=0.2)
    with pytest.raises(KeyboardInterrupt):
        run(interrupted, tmp_path / "b", [Interrupt()])
    assert json.loads((tmp_path / "b" / "training_metadata.json").read_text())["epoch"] == 1  # epoch 1 ended at step 6
    resumed = tiny_ssgan(dropout=0.2, init_seed=99)
    run(resumed, tmp_path / "b")
    assert int(resumed.step.numpy()) == int(straight.step.numpy()) == 18
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_bad_classifiers_and_arguments_are_rejected():
    g = models.make_mlp(LATENT, DIM, (8,))
    with pytest.raises(TypeError, match="two outputs"):
        training.SSGAN(g, models.make_mlp(DIM, CLASSES, (8,)))
    inputs = keras.Input((DIM,))
    one_logit = keras.Model(inputs, [layers.Dense(1)(inputs), layers.Dense(4)(inputs)])
    with pytest.raises(ValueError, match="K >= 2"):
        training.SSGAN(g, one_logit)
    gan = training.SSGAN(g, tiny_classifier())
    assert gan.num_classes == CLASSES
    with pytest.raises(ValueError, match="unsupervised_weight must be >= 0"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), unsupervised_weight=-1.0)
    with pytest.raises(ValueError, match=r"images must have shape \(N, 6\)"):
        gan.classify(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="not both"):
        callbacks.SeededEpochs(np.zeros((8, DIM)), 4, 0, labels=np.zeros(8, int),
                               labelled=(np.zeros((2, DIM)), np.arange(2)))


def test_classifier_error_callback_records_the_test_error_every_few_steps(capsys):
    x, y = toy_problem(n=120)
    x_test, y_test = toy_problem(n=60, seed=3)
    gan = tiny_ssgan()
    batches = callbacks.SeededEpochs(x, batch_size=20, seed=0, labelled=(x[:3], y[:3]))
    tracker = callbacks.ClassifierError(4, x_test, y_test, verbose=True)
    gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches, tracker])
    assert tracker.history["step"] == [4, 8, 12]
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("step      4: test error") and len(printed) == 3
    assert tracker.history["error"][-1] == pytest.approx(np.mean(gan.classify(x_test) != y_test))
    with pytest.raises(ValueError, match="one label per image"):
        callbacks.ClassifierError(4, x_test, y_test[:5])


def test_the_cifar10_code_path_trains_on_colour_images_of_its_shape():
    # CIFAR-10 has no offline source: its path through the chapter's code is checked on shapes.
    from ganbook import data

    shape = data.SPECS["cifar10"].image_shape
    keras.utils.set_random_seed(0)
    gan = training.SSGAN(models.make_ssgan_mlp_generator(16, shape, hidden=(32,)),
                         models.make_ssgan_mlp_classifier(10, shape, hidden=(64, 32)))
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (40, *shape)).astype(np.float32)
    labels = np.arange(40) % 10
    batches = callbacks.SeededEpochs(images, 10, seed=0, labelled=(images[:20], labels[:20]))
    gan.fit(batches.dataset, epochs=1, verbose=0, callbacks=[batches])
    assert int(gan.step.numpy()) == 4
    assert gan.generate(3).shape == (3, 32, 32, 3)
    assert gan.classify(images[:7]).shape == (7,)
