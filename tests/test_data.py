"""Tests of ganbook.data: loading, checks, scaling, pipelines, label subsets."""


import numpy as np
import pytest

from ganbook import callbacks, data, prepare


def make_dataset(name="mnist", n_train=40, n_test=20, seed=0):
    """A small random dataset of the right shape for ``name``."""
    spec = data.SPECS[name]
    rng = np.random.default_rng(seed)
    return data.Dataset(
        name,
        rng.integers(0, 256, (n_train,) + spec.image_shape, dtype=np.uint8),
        np.arange(n_train) % spec.num_classes,
        rng.integers(0, 256, (n_test,) + spec.image_shape, dtype=np.uint8),
        np.arange(n_test) % spec.num_classes,
        {"source": "unit test", "complete": False},
    )


@pytest.fixture
def no_keras(monkeypatch):
    """keras.datasets as on a machine without internet."""

    def offline():
        raise ConnectionError("URL fetch failure: Name or service not known")

    monkeypatch.setattr(data, "_keras_loader", lambda name: offline)


# --------------------------------------------------------------------------- loading


def test_unknown_dataset_names_the_valid_ones():
    with pytest.raises(ValueError, match="unknown dataset 'svhn'.*mnist, fashion_mnist, cifar10"):
        data.load_dataset("svhn")


def test_saved_dataset_round_trips_through_a_directory(tmp_path):
    original = make_dataset()
    prepare.save_dataset(original, tmp_path)
    loaded = data.load_dataset("mnist", data_dir=tmp_path)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(loaded, key), getattr(original, key))
    assert loaded.y_train.dtype == np.int64
    assert loaded.provenance == original.provenance


def test_data_dir_comes_from_the_environment(tmp_path, monkeypatch, no_keras):
    prepare.save_dataset(make_dataset("fashion_mnist"), tmp_path)
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(tmp_path))
    assert data.load_dataset("fashion_mnist").x_train.shape == (40, 28, 28, 1)


def test_corrupt_prepared_file_is_an_error_not_a_fallback(tmp_path):
    data.dataset_path(tmp_path, "mnist").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match=r"mnist\.npz is not a readable prepared dataset.*prepare"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_nothing_available_says_what_was_tried_and_the_remedy(tmp_path, no_keras):
    with pytest.raises(FileNotFoundError) as err:
        data.load_dataset("mnist", data_dir=tmp_path)
    message = str(err.value)
    assert str(tmp_path / "mnist.npz") in message and "not found" in message
    assert "keras.datasets.mnist: ConnectionError" in message
    assert "make data" in message and "python -m ganbook.prepare prepare" in message


def test_keras_path_reshapes_cifar_and_flattens_labels(monkeypatch, tmp_path):
    rng = np.random.default_rng(0)
    fake = ((rng.integers(0, 256, (12, 32, 32, 3), dtype=np.uint8), np.arange(12).reshape(12, 1) % 10),
            (rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8), np.arange(6).reshape(6, 1) % 10))
    monkeypatch.setattr(data, "_keras_loader", lambda name: (lambda: fake))
    cifar = data.load_dataset("cifar10", data_dir=tmp_path)
    assert cifar.x_train.shape == (12, 32, 32, 3) and cifar.x_test.shape == (6, 32, 32, 3)
    assert cifar.y_train.shape == (12,) and cifar.y_train.dtype == np.int64
    assert cifar.provenance["complete"] is True
    assert cifar.spec.class_names[0] == "airplane"


def test_keras_path_adds_the_channel_axis_to_mnist(monkeypatch):
    fake = ((np.zeros((4, 28, 28), np.uint8), np.arange(4)), (np.zeros((2, 28, 28), np.uint8), np.arange(2)))
    monkeypatch.setattr(data, "_keras_loader", lambda name: (lambda: fake))
    monkeypatch.delenv(data.DATA_DIR_ENV_VAR, raising=False)
    assert data.load_dataset("mnist").x_train.shape == (4, 28, 28, 1)


def test_wrong_shapes_from_a_source_are_rejected(monkeypatch, tmp_path):
    fake = ((np.zeros((4, 28, 28), np.uint8), np.arange(4)), (np.zeros((2, 28, 28), np.uint8), np.arange(2)))
    monkeypatch.setattr(data, "_keras_loader", lambda name: (lambda: fake))
    with pytest.raises(FileNotFoundError, match=r"expected shape \(N, 32, 32, 3\)"):
        data.load_dataset("cifar10", data_dir=tmp_path)


def test_labels_out_of_range_are_rejected(tmp_path):
    bad = make_dataset()
    bad.y_train[0] = 10
    with pytest.raises(ValueError, match=r"labels: expected integers in \[0, 9\]"):
        prepare.save_dataset(bad, tmp_path)


def test_describe_flags_a_subset_and_the_split_seed():
    subset = make_dataset()
    subset.provenance.update(split_seed=3)
    text = subset.describe()
    assert "a subset: the published dataset has 60,000 + 10,000 images" in text
    assert "seed 3" in text
    complete = make_dataset()
    complete.provenance["complete"] = True
    assert "subset" not in complete.describe()


def test_the_data_the_book_uses_is_labelled_honestly():
    """Whatever `make data` prepared (or Keras downloaded) says truthfully if it is complete."""
    for name in ("mnist", "fashion_mnist"):
        dataset = data.load_dataset(name)
        sizes = (len(dataset.x_train), len(dataset.x_test))
        assert dataset.provenance["complete"] == (sizes == dataset.spec.full_sizes), name
        assert min(data.class_counts(dataset.y_train, 10)) > 0


# --------------------------------------------------------------------------- scaling


def test_scaling_maps_pixels_to_the_tanh_range_and_back():
    pixels = np.array([0, 127, 255], dtype=np.uint8)
    signed = data.to_signed_range(pixels)
    np.testing.assert_allclose(signed, [-1.0, 127 / 127.5 - 1, 1.0], atol=1e-7)
    assert signed.dtype == np.float32
    np.testing.assert_allclose(data.to_unit_range(signed) * 255, pixels, atol=1e-4)
    np.testing.assert_allclose(data.to_signed_range(np.array([0.0, 0.5, 1.0])), [-1, 0, 1])


@pytest.mark.parametrize("bad", [np.array([1.5]), np.array([-0.1]), np.array([np.nan])])
def test_scaling_rejects_floats_outside_the_unit_interval(bad):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        data.to_signed_range(bad)


def test_scaling_rejects_other_integer_types_and_out_of_range_outputs():
    with pytest.raises(TypeError, match="uint8 or float"):
        data.to_signed_range(np.array([0, 255], dtype=np.int32))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        data.to_unit_range(np.array([0.0, 3.0]))


# --------------------------------------------------------------------------- pipelines and subsets


def test_pipeline_batches_reproducibly_and_reshuffles_each_epoch():
    images = np.arange(32, dtype=np.float32).reshape(32, 1)
    labels = np.arange(32) * 10
    first = [b for b in data.make_pipeline(images, 8, seed=3, labels=labels)]
    again = [b for b in data.make_pipeline(images, 8, seed=3, labels=labels)]
    assert len(first) == 4 and first[0][0].shape == (8, 1)
    np.testing.assert_array_equal(first[0][0], again[0][0])
    for x, y in first:  # labels stay with their images
        np.testing.assert_array_equal(x.numpy()[:, 0] * 10, y.numpy())
    pipeline = data.make_pipeline(images, 32, seed=3)
    epoch1, epoch2 = (next(iter(pipeline)).numpy().ravel() for _ in range(2))
    assert sorted(epoch1) == sorted(epoch2) and not np.array_equal(epoch1, epoch2)


def test_pipeline_rejects_bad_arguments():
    images = np.zeros((10, 2), np.float32)
    with pytest.raises(ValueError, match="positive integer"):
        data.make_pipeline(images, 0, seed=0)
    with pytest.raises(ValueError, match="no full batch"):
        data.make_pipeline(images, 11, seed=0)
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        data.make_pipeline(images, 2, seed=0, labels=np.zeros(9))


def test_labeled_subset_has_exactly_per_class_distinct_indices():
    labels = np.repeat(np.arange(10), 50)
    np.random.default_rng(0).shuffle(labels)
    subset = data.labeled_subset(labels, per_class=7, seed=5)
    assert len(subset) == 70 and len(np.unique(subset)) == 70
    assert data.class_counts(labels[subset], 10) == [7] * 10
    np.testing.assert_array_equal(subset, data.labeled_subset(labels, 7, seed=5))
    assert not np.array_equal(subset, data.labeled_subset(labels, 7, seed=6))


def test_labeled_subset_rejects_impossible_requests():
    labels = np.array([0, 0, 1])
    with pytest.raises(ValueError, match="class 1 has 1 examples, fewer than per_class=2"):
        data.labeled_subset(labels, 2, seed=0)
    with pytest.raises(ValueError, match="positive integer"):
        data.labeled_subset(labels, 0, seed=0)
    with pytest.raises(ValueError, match="one-dimensional"):
        data.labeled_subset(labels.reshape(3, 1), 1, seed=0)


def test_semi_supervised_pipeline_pairs_labelled_and_unlabelled_batches():
    import tensorflow as tf

    labelled = np.arange(10, dtype=np.float32).reshape(10, 1)
    labels = np.arange(10) % 5
    unlabelled = np.arange(100, 160, dtype=np.float32).reshape(60, 1)
    epoch = tf.Variable(0, dtype=tf.int64)
    ds = data.make_semi_supervised_pipeline(labelled, labels, unlabelled, batch_size=4, seed=3,
                                            epoch=epoch, labelled_batch_size=5)
    batches = list(ds)
    assert len(batches) == len(ds) == 15
    (x, y), u = batches[0]
    assert x.shape == (5, 1) and y.shape == (5,) and u.shape == (4, 1)
    seen = np.concatenate([b[0][0].numpy()[:, 0] for b in batches]).astype(int)
    # 15 batches x 5 = 75 draws: every labelled example 7 or 8 times, never more apart
    counts = np.bincount(seen, minlength=10)
    assert counts.min() >= 7 and counts.max() <= 8
    pairs = np.concatenate([b[0][1].numpy() for b in batches])
    np.testing.assert_array_equal(pairs, labels[seen])  # images keep their own labels
    unlabelled_seen = np.concatenate([b[1].numpy()[:, 0] for b in batches])
    assert sorted(unlabelled_seen) == list(range(100, 160))


def test_semi_supervised_pipeline_adds_a_second_unlabelled_pass_in_its_own_order():
    import tensorflow as tf

    unlabelled = np.arange(100, 160, dtype=np.float32).reshape(60, 1)
    epoch = tf.Variable(0, dtype=tf.int64)
    ds = data.make_semi_supervised_pipeline(np.zeros((10, 1), np.float32), np.arange(10) % 5,
                                            unlabelled, batch_size=4, seed=3, epoch=epoch,
                                            feature_batch=True)
    batches = list(ds)
    assert len(batches) == 15 and all(len(b) == 3 for b in batches)
    first = np.concatenate([b[1].numpy()[:, 0] for b in batches])
    second = np.concatenate([b[2].numpy()[:, 0] for b in batches])
    assert sorted(second) == list(range(100, 160))  # a whole pass of its own
    assert not np.array_equal(first, second)  # in another order
    plain = data.make_semi_supervised_pipeline(np.zeros((10, 1), np.float32), np.arange(10) % 5,
                                               unlabelled, batch_size=4, seed=3, epoch=epoch)
    np.testing.assert_array_equal(first, np.concatenate([u.numpy()[:, 0] for _, u in plain]))


def test_semi_supervised_pipeline_depends_only_on_seed_and_epoch():
    import tensorflow as tf

    def first_pass(epoch_value, seed=1):
        epoch = tf.Variable(epoch_value, dtype=tf.int64)
        ds = data.make_semi_supervised_pipeline(np.eye(6, dtype=np.float32), np.arange(6),
                                                np.eye(8, 6, dtype=np.float32), 2, seed, epoch)
        return np.concatenate([np.concatenate([x.numpy(), u.numpy()]) for (x, _), u in ds])

    np.testing.assert_array_equal(first_pass(2), first_pass(2))
    assert not np.array_equal(first_pass(2), first_pass(3))
    assert not np.array_equal(first_pass(2), first_pass(2, seed=5))


def test_semi_supervised_pipeline_rejects_mismatched_labels():
    import tensorflow as tf

    epoch = tf.Variable(0, dtype=tf.int64)
    images = np.zeros((4, 2), np.float32)
    with pytest.raises(ValueError, match="one label per labelled image"):
        data.make_semi_supervised_pipeline(images, np.arange(3), images, 2, 0, epoch)
    with pytest.raises(TypeError, match="labels must be integers"):
        data.make_semi_supervised_pipeline(images, np.zeros(4), images, 2, 0, epoch)
    with pytest.raises(ValueError, match=r"labels must be integers in 0 or more, got \[-1\]"):
        data.make_semi_supervised_pipeline(images, np.array([0, 1, -1, 2]), images, 2, 0, epoch)
    with pytest.raises(ValueError, match="labelled_batch_size"):
        data.make_semi_supervised_pipeline(images, np.arange(4), images, 2, 0, epoch,
                                           labelled_batch_size=0)


def test_pipelines_switch_auto_sharding_off_on_one_host():
    import tensorflow as tf

    images = np.zeros((32, 4, 4, 1), np.uint8)
    plain = data.make_pipeline(images, 8, seed=0)
    semi = data.make_semi_supervised_pipeline(images[:4], np.arange(4), images, 8, seed=0,
                                              epoch=tf.Variable(0, dtype=tf.int64))
    for ds in (plain, semi):
        assert ds.options().experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.OFF


def test_training_labels_must_be_class_indices():
    # Keras' Embedding wraps -1 round to the last class, and a float label is truncated:
    # both would train silently as another class.
    images = np.zeros((4, 2), np.float32)
    with pytest.raises(ValueError, match=r"labels must be integers in 0 or more, got \[-1\]"):
        data.make_pipeline(images, 2, seed=0, labels=np.array([0, -1, 1, 2]))
    with pytest.raises(TypeError, match="labels must be integers .* got dtype float64"):
        data.make_pipeline(images, 2, seed=0, labels=np.array([0.0, 1.5, 1.0, 2.0]))
    with pytest.raises(TypeError, match="labels must be integers"):
        callbacks.SeededEpochs(images, 2, seed=0, labels=np.array([0.0, 1.0, 1.0, 2.0]))
    batches = data.make_pipeline(images, 2, seed=0, labels=np.array([0, 1, 1, 2]), shuffle=False)
    assert [y.numpy().tolist() for _, y in batches] == [[0, 1], [1, 2]]


def test_output_range_reads_the_last_activation_and_nothing_else():
    import keras

    from ganbook import models

    def ending(*last):
        inputs = keras.Input((4,))
        outputs = inputs
        for layer in last:
            outputs = layer(outputs)
        return keras.Model(inputs, outputs)

    assert data.output_range(ending(keras.layers.Dense(4, activation="tanh"))) == (-1.0, 1.0)
    assert data.output_range(ending(keras.layers.Dense(4), keras.layers.Activation("sigmoid"),
                                    keras.layers.Reshape((2, 2)))) == (0.0, 1.0)
    assert data.output_range(ending(keras.layers.Dense(4))) is None
    assert data.output_range(ending(keras.layers.Dense(4, activation="relu"))) is None
    # a layer that moves the values after the tanh: the range is no longer known
    assert data.output_range(ending(keras.layers.Dense(4, activation="tanh"),
                                    keras.layers.Rescaling(0.5, 0.5))) is None
    assert data.output_range(models.make_conditional_generator(latent_dim=4, width=8)) == (-1.0, 1.0)
