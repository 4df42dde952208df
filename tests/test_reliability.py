"""Bad inputs from the reliability probe (issue 30) and what each one gets now.

Each row is one misuse a student or a teacher made; the test asserts the clear error it
meets. The checkpoint cases are in test_callbacks.py and test_checkpoint_kill.py, the
labels' in test_data.py and test_conditional.py, the prepare command's in test_prepare.py.
"""

import keras
import numpy as np
import pytest
from test_training import real_vectors, tiny_gan

from ganbook import callbacks, data, models, training

# (what the user did, the call, the error, what its message says)
BAD_INPUTS = [
    ("GAN(seed=2**64): overflowed inside fit", lambda: _gan(seed=2**64), ValueError,
     r"seed must be an integer from 0 to 2\*\*63 - 1, got 18446744073709551616"),
    ("GAN(seed=1.7): silently stored as 1", lambda: _gan(seed=1.7), ValueError,
     r"seed must be an integer .* got 1\.7"),
    ("GAN(seed=True)", lambda: _gan(seed=True), ValueError, r"seed must be an integer"),
    ("generate(-3): a raw TensorFlow error", lambda: tiny_gan().generate(-3), ValueError,
     r"n \(the number of samples\) must be a positive integer, got -3"),
    ("generate(2.5): a raw TensorFlow error", lambda: tiny_gan().generate(2.5), ValueError,
     r"n \(the number of samples\) must be a positive integer, got 2\.5"),
    ("generate(4, seed='a'): a raw TensorFlow error", lambda: tiny_gan().generate(4, seed="a"),
     ValueError, r"seed must be an integer, got 'a'"),


    ("Evaluate(n=50): failed only after the first interval of training",
     lambda: callbacks.Evaluate(every=10, n=50), ValueError, r"n must be an integer above 128 .* got 50"),
    ("Evaluate(dataset='minst'): failed only mid-training", lambda: callbacks.Evaluate(every=10, dataset="minst"),
     ValueError, r"no evaluator for 'minst'; expected one of"),
    ("fit on uint8 0..255 images, tanh generator: trained without a word",
     lambda: _fit_images(_digits(np.uint8)), ValueError, r"real images are uint8 .* \[-1, 1\], the range of"),
    ("fit on [0, 1] images, tanh generator: trained without a word",
     lambda: _fit_images(_digits(np.uint8) / np.float32(255)), ValueError,
     r"\[0, 1\], only the upper half of \[-1, 1\].*to_signed_range"),
    ("fit on [-1, 1] images, sigmoid generator", lambda: _fit_images(_digits(), output="sigmoid"),
     ValueError, r"lie in \[-1, 1\], outside \[0, 1\]"),
    ("fit on 0..255 floats, tanh generator", lambda: _fit_images(_digits(np.uint8).astype(np.float32)),
     ValueError, r"lie in \[0, 255\], outside \[-1, 1\]"),
    ("conditional fit with a label of 10 among 10 classes: a 3.3 KB graph error",
     lambda: _fit_conditional(np.arange(32) % 11), ValueError, r"labels must be integers in 0\.\.9, got \[10\]"),
    ("conditional fit with 1-based labels 1..10", lambda: _fit_conditional(np.arange(32) % 10 + 1),
     ValueError, r"labels must be integers in 0\.\.9, got \[10\]"),
    ("conditional fit with a label of -1: trained as class 9", lambda: _fit_conditional(np.arange(32) % 10 - 1),
     ValueError, r"labels must be integers in 0\.\.9, got \[-1\]"),
    ("conditional fit with float labels: truncated", lambda: _fit_conditional(np.arange(32) % 10 + 0.5),
     TypeError, r"labels must be integers \(class indices\), got dtype float64"),
]


def _digits(dtype=np.float32, n=32):
    # n 28x28 "images" in [-1, 1] (or 0..255 as uint8) with a dark background, like MNIST's
    pixels = np.random.default_rng(0).integers(0, 256, (n, 28, 28, 1)).astype(np.uint8)
    pixels[:, :4] = 0
    return pixels if dtype == np.uint8 else data.to_signed_range(pixels)


def _image_gan(output="tanh", num_classes=0):
    if num_classes:
        networks = (models.make_conditional_generator(latent_dim=8, num_classes=num_classes, width=8),
                    models.make_projection_discriminator(num_classes=num_classes, width=8))
    else:
        networks = (models.make_dcgan_generator(latent_dim=8, width=8, output=output),
                    models.make_dcgan_discriminator(width=8))
    gan = training.GAN(*networks, num_classes=num_classes)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def _fit_images(images, output="tanh"):
    return _image_gan(output).fit(images, batch_size=16, epochs=1, verbose=0)


def _fit_conditional(labels):
    gan = _image_gan(num_classes=10)
    seeded = callbacks.SeededEpochs(_digits(n=len(labels)), 16, seed=0, labels=np.arange(len(labels)) % 10)
    seeded.labels = labels  # as if the pipeline's own checks had let them through
    return gan.fit(seeded.dataset, epochs=1, verbose=0, callbacks=[seeded])


def _gan(seed):
    return training.GAN(models.make_mlp(4, 6, (8,), name="g"), models.make_mlp(6, 1, (8,), name="d"),
                        seed=seed)


@pytest.mark.parametrize("what, call, error, message", BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS])
def test_a_bad_input_gets_a_clear_error(what, call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_largest_seed_trains_and_generates():
    gan = _gan(seed=2**63 - 1)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    history = gan.fit(real_vectors(32), batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all() and int(gan.step.numpy()) == 2
    assert gan.generate(3, seed=5).shape == (3, 6)


def test_a_data_dir_with_a_tilde_is_expanded_and_a_relative_one_named_in_full(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.dataset_path("~/data", "mnist") == tmp_path / "data" / "mnist.npz"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(data, "_load_from_keras", lambda spec: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(FileNotFoundError) as error:
        data.load_dataset("mnist", data_dir="relative")
    assert f"{tmp_path / 'relative' / 'mnist.npz'}: not found" in str(error.value)


def test_the_cifar10_error_does_not_recommend_make_data(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "_load_from_keras", lambda spec: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(FileNotFoundError) as error:
        data.load_dataset("cifar10", data_dir=tmp_path)
    assert "make data" not in str(error.value) and "needs keras.datasets" in str(error.value)
    with pytest.raises(FileNotFoundError, match="make data"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_saving_a_whole_gan_is_refused_and_leaves_no_empty_file(tmp_path):
    gan = tiny_gan()
    with pytest.raises(NotImplementedError, match=r"nothing was written .* gan\.generator\.save"):
        gan.save(tmp_path / "gan.keras")
    assert not (tmp_path / "gan.keras").exists()
    gan.generator.save(tmp_path / "generator.keras")
    restored = keras.models.load_model(tmp_path / "generator.keras")
    noise = np.zeros((2, 4), np.float32)
    np.testing.assert_allclose(restored(noise), gan.generator(noise), atol=1e-6)


def test_n_critic_checks_the_batches_an_array_makes():
    gan = tiny_gan(n_critic=5)
    with pytest.raises(ValueError, match=r"n_critic=5 .* batch_size=16 over 96 examples gives batches of 16"):
        gan.fit(real_vectors(96), batch_size=16, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"batches of 16 and 20"):
        gan.fit(real_vectors(96), batch_size=20, epochs=1, verbose=0)
    gan.fit(real_vectors(100), batch_size=20, epochs=1, verbose=0)
    assert int(gan.step.numpy()) == 5


@pytest.mark.parametrize("layer", [
    lambda: models.layers.WeightNormDense(3, activation="relu"),
    lambda: models.layers.MinibatchStddev(),
    lambda: models.layers.MinibatchDiscrimination(num_kernels=4, kernel_dim=2),
    lambda: models.layers.InstanceNoise(0.2),
    lambda: models.virtual_batch.VirtualBatchNorm(reference_size=2),
], ids=["WeightNormDense", "MinibatchStddev", "MinibatchDiscrimination", "InstanceNoise", "VirtualBatchNorm"])
def test_a_network_with_a_custom_layer_saves_and_loads_without_custom_objects(tmp_path, layer):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6,))
    network = keras.Model(inputs, keras.layers.Dense(1)(layer()(keras.layers.Dense(8)(inputs))))
    network.save(tmp_path / "d.keras")
    restored = keras.models.load_model(tmp_path / "d.keras")
    x = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)
    np.testing.assert_allclose(restored(x), network(x), atol=1e-6)


def test_num_classes_must_match_the_networks_label_embeddings():
    generator = models.make_conditional_generator(latent_dim=8, num_classes=10)
    discriminator = models.make_projection_discriminator(num_classes=10)
    with pytest.raises(ValueError, match=r"num_classes=5 but the generator's label embedding has 10 classes"):
        training.GAN(generator, discriminator, num_classes=5)
    assert training.GAN(generator, discriminator, num_classes=10).condition_classes == 10


def test_images_and_labels_that_suit_the_networks_train():
    history = _fit_images(_digits())
    assert int(history.model.step.numpy()) == 2 and np.isfinite(history.history["d_loss"]).all()
    unit = _fit_images(data.as_unit_images(_digits(np.uint8)), output="sigmoid")
    assert int(unit.model.step.numpy()) == 2
    assert _image_gan().value_range == data.SIGNED_RANGE
    assert _image_gan(output="sigmoid").value_range == data.UNIT_RANGE
    assert tiny_gan().value_range is None  # a linear output: no range to check
    assert int(_fit_conditional(np.arange(32) % 10).model.step.numpy()) == 2


def test_a_label_beyond_the_classes_is_refused_in_the_first_batch_of_a_pipeline():
    gan = _image_gan(num_classes=10)
    pipeline = data.make_pipeline(_digits(), 16, seed=0, labels=np.arange(32) % 12)
    with pytest.raises(ValueError, match=r"labels must be integers in 0\.\.9, got \[1[01]"):
        gan.fit(pipeline, epochs=1, verbose=0)


def test_evaluate_takes_the_value_range_from_the_generator(monkeypatch):
    seen = []
    monkeypatch.setattr("ganbook.metrics.evaluate", lambda images, dataset, value_range: seen.append(value_range) or {})
    evaluate = callbacks.Evaluate(every=1, n=200)
    evaluate.set_model(_image_gan(output="sigmoid"))
    evaluate.steps = [1]
    evaluate._run()
    assert seen == [data.UNIT_RANGE]


def test_began_and_ssgan_refuse_the_gan_options_their_own_steps_ignore():
    from test_began import small_began
    from test_ssgan import tiny_ssgan

    adam = keras.optimizers.Adam
    with pytest.raises(ValueError, match=r"BEGAN.compile does not take n_critic, objective: BEGAN's losses"):
        small_began().compile(adam(), adam(), n_critic=2, objective=training.Objective())
    with pytest.raises(ValueError, match=r"SSGAN.compile does not take augment: the classifier's update"):
        tiny_ssgan(augment=lambda images, seed: images)
    with pytest.raises(ValueError, match=r"SSGAN's objective takes no gradient_penalty, d_penalty: the classifier"):
        tiny_ssgan(objective=training.Objective(gradient_penalty=1.0, d_penalty=lambda gan, r, f: 0.0))
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['n_critics'\]"):
        small_began().compile(adam(), adam(), n_critics=2)
