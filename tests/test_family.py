"""Tests of the GAN family's networks, losses and trainers: projection D, ACGAN, InfoGAN."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook import callbacks, losses, models, training

pytestmark = pytest.mark.usefixtures("deterministic_ops")


def log_sigmoid(x):
    return -np.log1p(np.exp(-np.asarray(x, np.float64)))


def cross_entropy(logits, labels):
    logits = np.asarray(logits, np.float64)
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


REAL, FAKE = np.array([1.5, -0.5, 0.2]), np.array([-1.0, 0.3, 2.0])
REAL_HEAD = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5], [-1.0, 3.0, 0.0]])
FAKE_HEAD = np.array([[0.0, 1.0, 0.0], [1.0, -2.0, 0.5], [0.0, 0.0, 4.0]])
REAL_LABELS, FAKE_LABELS = np.array([0, 2, 1]), np.array([1, 0, 2])


def test_acgan_losses_equal_the_log_likelihoods_written_out():
    source = -(log_sigmoid(REAL).mean() + log_sigmoid(-FAKE).mean())  # -L_S
    classes = cross_entropy(REAL_HEAD, REAL_LABELS) + cross_entropy(FAKE_HEAD, FAKE_LABELS)  # -L_C
    got = losses.acgan_d_loss(REAL, FAKE, REAL_HEAD, FAKE_HEAD, REAL_LABELS, FAKE_LABELS)
    np.testing.assert_allclose(float(got), source + classes, rtol=1e-6)
    weighted = losses.acgan_d_loss(REAL, FAKE, REAL_HEAD, FAKE_HEAD, REAL_LABELS, FAKE_LABELS, class_weight=0.5)
    np.testing.assert_allclose(float(weighted), source + 0.5 * classes, rtol=1e-6)
    g = losses.acgan_g_loss(FAKE, FAKE_HEAD, FAKE_LABELS)
    np.testing.assert_allclose(float(g), -log_sigmoid(FAKE).mean() + cross_entropy(FAKE_HEAD, FAKE_LABELS),
                               rtol=1e-6)
    # a wrong label for a real image costs more
    assert float(losses.acgan_d_loss(REAL, FAKE, REAL_HEAD, FAKE_HEAD, [1, 2, 1], FAKE_LABELS)) > float(got)


def test_acgan_loss_rejects_labels_outside_the_classes():
    with pytest.raises(ValueError, match=r"labels must be class indices in 0..2, got values in \[0, 3\]"):
        losses.acgan_g_loss(FAKE, FAKE_HEAD, [0, 3, 1])
    with pytest.raises(TypeError, match="labels must be integers"):
        losses.acgan_g_loss(FAKE, FAKE_HEAD, [0.0, 1.0, 1.0])


def test_mutual_information_bound_is_log_k_minus_the_cross_entropy():
    bound = losses.mutual_information_bound(FAKE_HEAD, FAKE_LABELS)
    np.testing.assert_allclose(float(bound), np.log(3) - cross_entropy(FAKE_HEAD, FAKE_LABELS), rtol=1e-6)
    # a Q that recovers every code reaches log K; a Q that knows nothing gets 0
    certain = 50.0 * np.eye(4)[[0, 3, 1, 2]]
    np.testing.assert_allclose(float(losses.mutual_information_bound(certain, [0, 3, 1, 2])), np.log(4), atol=1e-6)
    np.testing.assert_allclose(float(losses.mutual_information_bound(np.zeros((4, 4)), [0, 3, 1, 2])), 0.0,
                               atol=1e-6)


# --------------------------------------------------------------------------- networks


def test_conditional_networks_have_the_promised_shapes():
    g = models.make_conditional_generator(latent_dim=8, num_classes=5, embedding_dim=4, width=4)
    images = g([tf.zeros((3, 8)), tf.constant([0, 4, 2])])
    assert images.shape == (3, 28, 28, 1)
    assert g.get_layer("label_embedding").get_weights()[0].shape == (5, 4)
    d = models.make_projection_discriminator(num_classes=5, width=4)
    assert d([images, tf.constant([0, 4, 2])]).shape == (3, 1)
    two = models.make_two_head_discriminator(num_classes=7, width=4)
    logit, classes = two(images)
    assert logit.shape == (3, 1) and classes.shape == (3, 7)
    with pytest.raises(ValueError, match="num_classes must be a positive integer, got 0"):
        models.make_projection_discriminator(num_classes=0)


def test_projection_adds_the_class_embeddings_inner_product_with_the_features():
    keras.utils.set_random_seed(1)
    d = models.make_projection_discriminator(num_classes=3, width=4)
    base = d.get_layer("dcgan_discriminator")
    embedding = d.get_layer("class_projection").get_weights()[0]
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    labels = np.array([0, 2, 1, 2])
    logit, features = (t.numpy() for t in base(images))
    expected = logit[:, 0] + (embedding[labels] * features).sum(1)
    np.testing.assert_allclose(d([images, labels]).numpy()[:, 0], expected, rtol=1e-4, atol=1e-5)


def test_the_label_channel_discriminator_reads_the_one_hot_label_at_every_pixel():
    keras.utils.set_random_seed(2)
    d = models.make_label_channel_discriminator(num_classes=3, width=4)
    images = np.random.default_rng(1).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    labels = np.array([0, 2, 1, 2])
    maps = np.broadcast_to(np.eye(3, dtype="float32")[labels][:, None, None, :], (4, 28, 28, 3))
    expected = d.get_layer("dcgan_discriminator")(np.concatenate([images, maps], axis=-1)).numpy()
    np.testing.assert_allclose(d([images, labels]).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert not d.get_layer("one_hot_label").trainable_weights  # the one-hot table is fixed
    # the label matters: another label, another logit
    assert not np.allclose(d([images, labels]).numpy(), d([images, (labels + 1) % 3]).numpy())
    with pytest.raises(ValueError, match="num_classes must be a positive integer, got 0"):
        models.make_label_channel_discriminator(num_classes=0)


def test_a_conditional_gan_refuses_a_label_channel_discriminator_of_other_classes():
    with pytest.raises(ValueError, match="label embedding has 4 classes"):
        training.GAN(models.make_conditional_generator(LATENT, 3, 2, width=2),
                     models.make_label_channel_discriminator(4, width=2), num_classes=3)


def test_continuous_code_loss_is_half_the_summed_squared_error():
    codes = np.array([[0.5, -1.0], [0.0, 0.25], [1.0, 1.0]])
    predicted = np.array([[0.0, -1.0], [1.0, 0.0], [1.0, -1.0]])
    expected = 0.5 * np.mean([0.25, 1.0 + 0.0625, 4.0])
    np.testing.assert_allclose(float(losses.continuous_code_loss(predicted, codes)), expected, rtol=1e-6)
    with pytest.raises(ValueError, match=r"must both have shape \(N, number of codes\)"):
        losses.continuous_code_loss(predicted[:, :1], codes)


# --------------------------------------------------------------------------- trainers

LATENT = 6


def small_acgan(classes=3, seed=0):
    keras.utils.set_random_seed(seed)
    gan = training.ACGAN(models.make_conditional_generator(LATENT, classes, 2, width=2),
                         models.make_two_head_discriminator(classes, width=2), num_classes=classes, seed=seed)
    gan.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05))
    return gan


def small_infogan(codes=3, weight=1.0, seed=0):
    keras.utils.set_random_seed(seed)
    gan = training.InfoGAN(models.make_dcgan_generator(LATENT + codes, width=2),
                           models.make_two_head_discriminator(codes, width=2), codes=codes, seed=seed,
                           code_scale=2.0)
    gan.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05), head_weight=weight)
    return gan


def images_and_labels(n=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32"), (np.arange(n) % classes).astype("int32")


def expected_d_weights(gan, real, labels, loss_of):
    # D's weights after one SGD step on loss_of(D outputs on real, on fake), fakes from draw 0.
    noise = gan.sample_noise(len(real), gan._noise_seed(0))
    fake = gan._generate(noise, labels, training=True)
    variables = gan.discriminator.trainable_variables
    with tf.GradientTape() as tape:
        loss = loss_of(gan.discriminator(real, training=True), gan.discriminator(fake, training=True), noise)
    return [v.numpy() - 0.05 * g.numpy() for v, g in zip(variables, tape.gradient(loss, variables))]


def test_an_acgan_step_takes_the_gradient_of_its_written_out_loss():
    gan = small_acgan()
    real, labels = images_and_labels()
    expected = expected_d_weights(gan, real, labels, lambda r, f, _: losses.acgan_d_loss(
        r[0], f[0], r[1], f[1], labels, labels))
    logs = gan.train_step((tf.constant(real), tf.constant(labels)))
    for variable, want in zip(gan.discriminator.trainable_variables, expected):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-4, atol=1e-6)
    assert set(logs) == {"d_loss", "g_loss", "class_loss"} and int(gan.step.numpy()) == 1


def test_an_infogan_step_asks_q_for_the_code_it_drew():
    gan = small_infogan()
    real, _ = images_and_labels()

    def loss_of(r, f, noise):
        code = np.argmax(noise.numpy()[:, -3:], axis=1)
        return losses.bce_d_loss(r[0], f[0]) + losses.supervised_loss(f[1], code)

    expected = expected_d_weights(gan, real, None, loss_of)
    logs = gan.train_step(tf.constant(real))
    for variable, want in zip(gan.discriminator.trainable_variables, expected):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-4, atol=1e-6)
    assert set(logs) == {"d_loss", "g_loss", "code_loss"}


def small_continuous_infogan(codes=3, continuous=2, weight=1.0, seed=0):
    keras.utils.set_random_seed(seed)
    gan = training.InfoGAN(models.make_dcgan_generator(LATENT + continuous + codes, width=2),
                           models.make_two_head_discriminator(codes + continuous, width=2), codes=codes,
                           continuous_codes=continuous, seed=seed, code_scale=2.0)
    gan.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05), head_weight=weight)
    return gan


def test_an_infogan_step_with_continuous_codes_asks_q_for_both_codes():
    gan = small_continuous_infogan()
    real, _ = images_and_labels()

    def loss_of(r, f, noise):
        noise = noise.numpy()
        category, continuous = np.argmax(noise[:, -3:], axis=1), noise[:, LATENT:LATENT + 2]
        head = f[1].numpy() if not isinstance(f[1], tf.Tensor) else f[1]
        return (losses.bce_d_loss(r[0], f[0]) + losses.supervised_loss(head[:, :3], category)
                + 0.5 * tf.reduce_mean(tf.reduce_sum(tf.square(head[:, 3:] - continuous), axis=1)))

    expected = expected_d_weights(gan, real, None, loss_of)
    gan.train_step(tf.constant(real))
    for variable, want in zip(gan.discriminator.trainable_variables, expected):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-4, atol=1e-6)
    assert gan.infer_continuous_code(real).shape == (8, 2) and gan.infer_code(real).max() < 3


def test_continuous_codes_sit_between_the_noise_and_the_category():
    gan = small_continuous_infogan()
    noise = gan.sample_noise(500, (3, 4), category=1).numpy()
    codes = gan.continuous_code_of(noise)
    assert noise.shape == (500, LATENT + 2 + 3) and codes.shape == (500, 2)
    assert codes.min() >= -1 and codes.max() <= 1 and codes.std() > 0.5  # U[-1, 1], sd 0.58
    np.testing.assert_array_equal(noise[:, -3:], np.tile([0.0, 2.0, 0.0], (500, 1)))
    assert abs(noise[:, :LATENT].std() - 1) < 0.1  # the Gaussian noise comes first
    fixed = gan.sample_noise(4, (3, 4), continuous=[0.5, -0.25]).numpy()
    np.testing.assert_array_equal(gan.continuous_code_of(fixed), np.tile([0.5, -0.25], (4, 1)))
    np.testing.assert_array_equal(fixed[:, :LATENT], gan.sample_noise(4, (3, 4)).numpy()[:, :LATENT])
    assert gan.generate(3, continuous=[[0, 0], [1, 1], [-1, 1]]).shape == (3, 28, 28, 1)


def test_continuous_codes_are_checked():
    gan = small_continuous_infogan()
    with pytest.raises(ValueError, match=r"continuous must be 2 values or an array of shape \(4, 2\), got shape"):
        gan.sample_noise(4, (0, 0), continuous=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="continuous codes must be finite"):
        gan.generate(2, continuous=[np.nan, 0.0])
    with pytest.raises(ValueError, match=r"continuous needs a GAN with continuous codes"):
        small_infogan().generate(2, continuous=[0.0])
    with pytest.raises(ValueError, match="continuous_codes must be an integer from 0 to"):
        training.GAN(models.make_dcgan_generator(4, width=2), models.make_dcgan_discriminator(2), codes=2,
                     continuous_codes=2)
    with pytest.raises(ValueError, match=r"second output must hold 5 code \(the categories' logits"):
        training.InfoGAN(models.make_dcgan_generator(LATENT + 5, width=2), models.make_two_head_discriminator(
            3, width=2), codes=3, continuous_codes=2)
    with pytest.raises(ValueError, match="infer_continuous_code needs an InfoGAN with continuous codes"):
        small_infogan().infer_continuous_code(images_and_labels()[0])
    plain = small_infogan()  # no continuous codes: none to read back
    assert plain.continuous_code_of(plain.sample_noise(4, (0, 0)).numpy()).shape == (4, 0)


def test_a_checkpoint_of_other_continuous_codes_is_refused(tmp_path):
    # The same two networks read the same numbers; only their meaning differs.
    real, _ = images_and_labels(16)
    batches = callbacks.SeededEpochs(real, 8, seed=0)

    def fit(continuous):
        keras.utils.set_random_seed(0)
        gan = training.GAN(models.make_dcgan_generator(LATENT, width=2), models.make_dcgan_discriminator(2),
                           continuous_codes=continuous)
        gan.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05))
        backup = callbacks.RunBackup(tmp_path / "run", delete_checkpoint=False)
        gan.fit(batches.dataset, epochs=1, verbose=0, callbacks=[batches, backup])

    fit(continuous=2)
    with pytest.raises(callbacks.CheckpointMismatchError, match="continuous_codes"):
        fit(continuous=0)


def test_without_the_information_term_q_learns_nothing():
    gan = small_infogan(weight=0.0)
    head = gan.discriminator.get_layer("class_head")
    before = [w.copy() for w in head.get_weights()]
    gan.train_step(tf.constant(images_and_labels()[0]))
    for b, a in zip(before, head.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_acgan_generates_the_requested_classes_and_checks_its_networks():
    gan = small_acgan()
    assert gan.generate(4, labels=[0, 1, 2, 1]).shape == (4, 28, 28, 1)
    with pytest.raises(ValueError, match=r"labels must be integers in 0..2, got \[3\]"):
        gan.generate(2, labels=3)
    with pytest.raises(ValueError, match=r"second output must hold 4 class outputs per image, it has shape \(3,\)"):
        training.ACGAN(models.make_conditional_generator(LATENT, 4, 2, width=2),
                       models.make_two_head_discriminator(3, width=2), num_classes=4)
    with pytest.raises(TypeError, match="two outputs"):
        training.ACGAN(models.make_conditional_generator(LATENT, 3, 2, width=2),
                       models.make_dcgan_discriminator(2), num_classes=3)
    with pytest.raises(ValueError, match="head_weight must be >= 0"):
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), head_weight=-1)


def test_infogan_fits_and_infers_codes_and_acgan_fits_labelled_batches():
    real, labels = images_and_labels(16)
    info = small_infogan()
    batches = callbacks.SeededEpochs(real, 8, seed=0)
    history = info.fit(batches.dataset, epochs=1, verbose=0, callbacks=[batches])
    assert np.isfinite(history.history["code_loss"][0])
    assert info.infer_code(real).shape == (16,) and info.infer_code(real).max() < 3
    acgan = small_acgan()
    labelled = callbacks.SeededEpochs(real, 8, seed=0, labels=labels)
    assert np.isfinite(acgan.fit(labelled.dataset, epochs=1, verbose=0, callbacks=[labelled]).history["d_loss"][0])
    with pytest.raises(ValueError, match=r"trains on batches of \(images, labels\)"):
        acgan.train_step(tf.constant(real))


def test_acgan_and_infogan_take_every_option_of_gan_compile():
    # They used to accept only the losses and head_weight: d_penalty= raised a TypeError.
    real, labels = images_and_labels(16)
    batch = (tf.constant(real), tf.constant(labels))
    plain, penalised = small_acgan(), small_acgan()
    penalised.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05),
                      training.Objective(d_penalty=lambda gan, r, f: tf.constant(1.5)))
    gap = float(penalised.train_step(batch)["d_loss"]) - float(plain.train_step(batch)["d_loss"])
    assert gap == pytest.approx(1.5, abs=1e-5)  # the same step, plus the penalty
    seen = []
    critic = small_acgan()
    critic.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05), training.Objective(gradient_penalty=10.0),
                   n_critic=2, augment=lambda images, seed: seen.append(1) or -images)
    logs = critic.train_step(batch)
    assert int(critic.step.numpy()) == 1 and np.isfinite(float(logs["class_loss"])) and seen
    info = small_infogan()
    info.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05), clip_weights=0.01, mixed_batches=True)
    info.train_step(tf.constant(real))
    assert max(float(np.abs(w).max()) for w in info.discriminator.get_weights()
               if w.ndim > 1) <= 0.01 + 1e-7
    with pytest.raises(ValueError, match="feature_matching is not available for ACGAN: .* the class head"):
        small_acgan().compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1),
                              training.Objective(feature_matching=losses.feature_matching_loss))


# --------------------------------------------------------------------------- under two replicas


def two_head_mlp(dim, heads):
    x = keras.Input((dim,))
    hidden = keras.layers.Dense(8, activation="relu")(x)
    return keras.Model(x, [keras.layers.Dense(1)(hidden), keras.layers.Dense(heads)(hidden)])


def conditional_generator_mlp(latent, classes, dim):
    z, labels = keras.Input((latent,)), keras.Input((), dtype="int32")
    joined = keras.layers.Concatenate()([z, keras.layers.Embedding(classes, 2)(labels)])
    return keras.Model([z, labels], keras.layers.Dense(dim)(keras.layers.Dense(8, activation="relu")(joined)))


def mlp_acgan(seed=0):
    keras.utils.set_random_seed(seed)
    gan = training.ACGAN(conditional_generator_mlp(4, 3, 6), two_head_mlp(6, 3), num_classes=3, seed=seed)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    return gan


def mlp_infogan(seed=0):
    keras.utils.set_random_seed(seed)
    gan = training.InfoGAN(models.make_mlp(7, 6), two_head_mlp(6, 3), codes=3, seed=seed)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    return gan


@pytest.mark.parametrize("make_gan, labelled", [(mlp_acgan, True), (mlp_infogan, False)])
def test_acgan_and_infogan_under_two_replicas_match_one_device(make_gan, labelled):
    from test_distribute import max_difference

    from ganbook import distribute

    rng = np.random.default_rng(0)
    vectors, labels = rng.normal(size=(48, 6)).astype("float32"), np.arange(48) % 3
    trained = []
    for strategy in (tf.distribute.get_strategy(), distribute.make_strategy(cpu_replicas=2)):
        with strategy.scope():
            gan = make_gan()
        batches = callbacks.SeededEpochs(vectors, 12, seed=0, labels=labels if labelled else None)
        gan.fit(batches.dataset, epochs=2, verbose=0, callbacks=[batches])
        trained.append(gan)
    assert max_difference(*trained) < 1e-5
