"""How good are generated images?  Measured offline, on a small frozen classifier.

Inception-v3 weights cannot be downloaded everywhere the book runs, and an ImageNet
network says little about 28x28 digits anyway.  So the book trains a LeNet-style
**evaluator** per dataset once (``tools/train_evaluator.py``), freezes it and ships its
weights in ``ganbook/assets/`` with a JSON record of how it was trained.  The metrics
are computed on its 128-d penultimate **features** and its class **probabilities**:

- ``fid``: the Fréchet distance between Gaussians fitted to two feature sets
  (Heusel et al., 2017), lower is better;
- ``kid``: the unbiased squared MMD with the kernel (x·y/d + 1)³ (Bińkowski et al.,
  2018), mean and sd over random subsets, lower is better;
- ``classifier_score``: exp E[KL(p(y|x) ‖ p(y))], the Inception-score formula on the
  evaluator's softmax, from 1 to the number of classes, higher is better;
- ``class_coverage``: classes hit, KL of the predicted-class histogram to uniform,
  fraction of confident predictions.

For generators that are told what to draw: ``conditional_accuracy`` (the share
drawn as the class asked for), ``per_class_fid``, ``class_variety`` and ``matched_accuracy`` (how well
unsupervised categories, e.g. InfoGAN's code, match the classes).

``evaluate(images, dataset)`` returns all of them for generated images against the
held-out real images; ``real_floor(dataset, n)`` returns the same for ``n`` real
training images, the best a generator can hope for at that sample size.
``memorisation(generated, train_images, held_out)`` checks, in pixel space, that a
generator does not copy its training images: the evaluator cannot tell a copy from a
new digit.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import linalg

from ganbook import data
from ganbook._checks import is_integer

ASSETS = Path(__file__).resolve().parent / "assets"
EVALUATOR_DATASETS = ("mnist", "fashion_mnist")
FEATURE_DIM = 128
CONFIDENT = 0.9    # a prediction is confident when its top probability reaches this
MIN_SHARE = 0.01   # a class is hit when at least this share of samples is predicted as it


def build_evaluator(num_classes: int = 10):
    """The evaluator's architecture: a LeNet-style CNN on 28x28x1 images in [-1, 1].

    Outputs logits; the layer named ``features`` (128 ReLU units) feeds FID and KID.
    """
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 5, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 5, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dropout(0.3),
        layers.Dense(FEATURE_DIM, activation="relu", name="features"),
        layers.Dropout(0.4),
        layers.Dense(num_classes, name="logits"),
    ], name="evaluator")


def weights_path(dataset: str) -> Path:
    """Where the frozen evaluator of ``dataset`` is stored."""
    return ASSETS / f"{dataset}_evaluator.weights.h5"


def record_path(dataset: str) -> Path:
    """The JSON record of how that evaluator was trained."""
    return ASSETS / f"{dataset}_evaluator.json"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _check_dataset(dataset: str) -> None:
    if dataset not in EVALUATOR_DATASETS:
        raise ValueError(f"no evaluator for {dataset!r}; expected one of {', '.join(EVALUATOR_DATASETS)}")


def check_evaluation(dataset: str, n: int) -> None:
    """Raise ``ValueError`` before any training if ``evaluate`` could not measure ``n``
    samples of ``dataset``: an unknown dataset, or too few samples for FID's covariance."""
    _check_dataset(dataset)
    if not (is_integer(n) and n > FEATURE_DIM):
        raise ValueError(f"n must be an integer above {FEATURE_DIM} (FID fits a {FEATURE_DIM}-d "
                         f"covariance to the samples' features), got {n!r}")


@dataclass
class Evaluator:
    """A frozen classifier and the record of its training."""

    dataset: str
    model: Any
    record: dict

    def __post_init__(self):
        import keras

        self._features_and_logits = keras.Model(
            self.model.inputs[0], [self.model.get_layer("features").output, self.model.outputs[0]])

    def features_and_probabilities(self, images, batch_size: int = 1000,
                                   value_range=None) -> tuple[np.ndarray, np.ndarray]:
        """Penultimate features (N, 128) and softmax probabilities (N, classes) of ``images``.

        ``images``: uint8, or floats in ``value_range`` ((-1, 1) unless stated, see
        ``data.as_unit_images``), of shape (N, 28, 28[, 1]).
        """
        from scipy.special import softmax

        signed = check_images(images, self.dataset, value_range) * 2.0 - 1.0
        features, logits = [], []
        for start in range(0, len(signed), batch_size):
            batch_features, batch_logits = self._features_and_logits(signed[start:start + batch_size],
                                                                     training=False)
            features.append(np.asarray(batch_features, np.float64))
            logits.append(np.asarray(batch_logits, np.float64))
        return np.concatenate(features), softmax(np.concatenate(logits), axis=1)


@functools.lru_cache(maxsize=None)
def load_evaluator(dataset: str = "mnist") -> Evaluator:
    """The shipped, frozen evaluator of ``dataset``, loaded once per process.

    It is never retrained here: if the weights are missing or do not match their
    record, this raises and names the script that trains them.
    """
    _check_dataset(dataset)
    weights, record_file = weights_path(dataset), record_path(dataset)
    remedy = f"train it with `python tools/train_evaluator.py {dataset}` (from the repository root)"
    if not weights.is_file() or not record_file.is_file():
        raise FileNotFoundError(f"the {dataset} evaluator is missing ({weights}); {remedy}")
    record = json.loads(record_file.read_text())
    if file_sha256(weights) != record.get("weights_sha256"):
        raise ValueError(f"{weights} does not match the checksum in {record_file.name}; {remedy}")
    model = build_evaluator(len(data.SPECS[dataset].class_names))
    model.load_weights(weights)
    model.trainable = False
    return Evaluator(dataset, model, record)


def check_images(images, dataset: str, value_range=None) -> np.ndarray:
    """``images`` (floats in ``value_range``, see ``data.as_unit_images``) as float32 in
    [0, 1] of the dataset's image shape, or a clear error."""
    _check_dataset(dataset)
    unit = data.as_unit_images(images, value_range)
    expected = data.SPECS[dataset].image_shape
    if unit.shape[1:] != expected:
        raise ValueError(f"{dataset} images must have shape (N, {', '.join(map(str, expected))}), "
                         f"got {np.shape(images)}")
    return unit


# --------------------------------------------------------------------------- the metrics


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root of a symmetric positive semi-definite matrix."""
    eigenvalues, eigenvectors = linalg.eigh(matrix)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T


def frechet_distance(mean_a, cov_a, mean_b, cov_b) -> float:
    """‖μa - μb‖² + tr(Σa + Σb - 2 (Σa Σb)^½), the Fréchet distance of two Gaussians.

    tr (Σa Σb)^½ is computed as Σ√λ over the eigenvalues λ of the symmetric matrix
    Σa^½ Σb Σa^½, which has the same eigenvalues as Σa Σb.  Unlike a general matrix
    square root of Σa Σb this stays real and exact when a covariance is singular
    (a generator whose features never vary in some direction), so no ε·I is needed.
    """
    mean_a, mean_b = np.atleast_1d(mean_a), np.atleast_1d(mean_b)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    if mean_a.shape != mean_b.shape or cov_a.shape != cov_b.shape or cov_a.shape != mean_a.shape * 2:
        raise ValueError(f"mismatched shapes: means {mean_a.shape}, {mean_b.shape}; "
                         f"covariances {cov_a.shape}, {cov_b.shape}")
    root_a = _psd_sqrt(cov_a)
    eigenvalues = linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    diff = mean_a - mean_b
    return float(max(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root, 0.0))


def _check_features(*feature_sets: np.ndarray) -> None:
    for features in feature_sets:
        features = np.asarray(features)
        if features.ndim != 2:
            raise ValueError(f"features must have shape (N, d), got {features.shape}")
        if len(features) <= features.shape[1]:
            raise ValueError(
                f"{len(features)} samples are too few for a {features.shape[1]}-d covariance: "
                f"need more than {features.shape[1]}")
        if not np.isfinite(features).all():
            raise ValueError("features contain NaN or infinite values")


def fid(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two sets of features (N, d)."""
    _check_features(features_a, features_b)
    return frechet_distance(np.mean(features_a, 0), np.cov(features_a, rowvar=False),
                            np.mean(features_b, 0), np.cov(features_b, rowvar=False))


def kid(features_a, features_b, n_subsets: int = 10, subset_size: int = 1000,
        seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance: mean and sd of the unbiased MMD² over random subsets.

    Kernel k(x, y) = (x·y / d + 1)³; each subset draws ``min(subset_size, N_a, N_b)``
    examples from each set without replacement.
    """
    _check_features(features_a, features_b)
    features_a, features_b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    d = features_a.shape[1]
    m = min(subset_size, len(features_a), len(features_b))
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(n_subsets):
        a = features_a[rng.choice(len(features_a), m, replace=False)]
        b = features_b[rng.choice(len(features_b), m, replace=False)]
        k_aa, k_bb, k_ab = ((x @ y.T / d + 1) ** 3 for x, y in ((a, a), (b, b), (a, b)))
        within = (k_aa.sum() - np.trace(k_aa) + k_bb.sum() - np.trace(k_bb)) / (m * (m - 1))
        estimates.append(within - 2 * k_ab.mean())
    return float(np.mean(estimates)), float(np.std(estimates))


def _check_probabilities(probabilities) -> np.ndarray:
    p = np.asarray(probabilities, np.float64)
    if p.ndim != 2 or len(p) == 0 or not np.isfinite(p).all() or np.any(p < 0) \
            or not np.allclose(p.sum(1), 1.0, atol=1e-5):
        raise ValueError("expected class probabilities of shape (N, classes), each row summing to 1")
    return p


def classifier_score(probabilities) -> float:
    """exp E_x[KL(p(y|x) ‖ p(y))]: high when each sample is confidently one class and
    the classes are used evenly; between 1 and the number of classes."""
    p = _check_probabilities(probabilities)
    marginal = p.mean(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(marginal)), 0.0)
    return float(np.exp(terms.sum(1).mean()))


def class_coverage(probabilities, min_share: float = MIN_SHARE, confident: float = CONFIDENT) -> dict:
    """Which classes the samples look like.

    ``classes_hit``: classes that are the top prediction of at least ``min_share`` of
    the samples; ``class_kl``: KL(histogram of top predictions ‖ uniform), 0 for
    perfectly balanced classes and log(classes) for a single one; ``confident``: the
    fraction of samples whose top probability is at least ``confident``.
    """
    p = _check_probabilities(probabilities)
    k = p.shape[1]
    share = np.bincount(p.argmax(1), minlength=k) / len(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        class_kl = float(np.sum(np.where(share > 0, share * np.log(share * k), 0.0)))
    return {"classes_hit": int(np.sum(share >= min_share)), "class_kl": class_kl,
            "confident": float(np.mean(p.max(1) >= confident))}


# --------------------------------------------------------------------------- classes asked for


def _check_labels(labels, n: int, classes: int, name: str = "labels") -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer) \
            or (n and (labels.min() < 0 or labels.max() >= classes)):
        raise ValueError(f"{name} must be {n} integers in 0..{classes - 1}, one per sample; "
                         f"got shape {labels.shape}, dtype {labels.dtype}")
    return labels


def conditional_accuracy(probabilities, labels) -> float:
    """The share of samples whose likeliest class is the one they were generated for."""
    p = _check_probabilities(probabilities)
    return float(np.mean(p.argmax(1) == _check_labels(labels, len(p), p.shape[1])))


def per_class_fid(features, labels, reference, reference_labels, num_classes: int) -> list[float]:
    """FID of each class's samples against the real images of that class.

    ``features``/``labels`` are the generated samples' evaluator features and the
    classes they were asked for; ``reference``/``reference_labels`` those of real
    images.  Every class needs at least two samples on both sides.
    """
    labels = _check_labels(labels, len(features), num_classes)
    reference_labels = _check_labels(reference_labels, len(reference), num_classes, "reference_labels")
    return [fid(features[labels == k], reference[reference_labels == k]) for k in range(num_classes)]


def variety(features, reference) -> float:
    """The total variance (trace of the covariance) of ``features`` over that of
    ``reference``: 1 is the real images' variety, below 1 the samples vary less."""
    _check_features(features, reference)

    def spread(values: np.ndarray) -> float:
        return float(np.trace(np.cov(np.asarray(values, np.float64).T)))

    return spread(features) / spread(reference)


def class_variety(features, labels, reference, reference_labels, num_classes: int) -> list[float]:
    """Within-class ``variety`` of each class: its samples' against the class's real images.

    1 is the variety of the real class; below 1 the class is drawn less varied.
    Arguments as for ``per_class_fid``.
    """
    labels = _check_labels(labels, len(features), num_classes)
    reference_labels = _check_labels(reference_labels, len(reference), num_classes, "reference_labels")
    return [variety(features[labels == k], reference[reference_labels == k]) for k in range(num_classes)]


def matched_accuracy(categories, classes, num_categories: int, num_classes: int) -> dict:
    """How well unsupervised categories match true classes.

    ``counts[k, c]`` counts the samples of category ``k`` seen as class ``c``.
    ``accuracy``: the share of samples right after the best one-to-one matching of
    categories to classes (the Hungarian algorithm; unmatched categories count as
    wrong); ``purity``: the share in each category's majority class, which lets
    several categories claim one class; ``assignment``: the matched class of each
    category (-1 if none).
    """
    from scipy.optimize import linear_sum_assignment

    categories = _check_labels(categories, len(categories), num_categories, "categories")
    classes = _check_labels(classes, len(categories), num_classes, "classes")
    counts = np.zeros((num_categories, num_classes), np.int64)
    np.add.at(counts, (categories, classes), 1)
    rows, cols = linear_sum_assignment(-counts)
    assignment = np.full(num_categories, -1)
    assignment[rows] = cols
    return {"accuracy": float(counts[rows, cols].sum() / len(categories)),
            "purity": float(counts.max(1).sum() / len(categories)),
            "assignment": assignment.tolist(), "counts": counts}


# --------------------------------------------------------------------------- memorisation


def nearest_distances(images, reference, chunk: int = 500, value_range=None) -> np.ndarray:
    """The Euclidean distance, in pixels scaled to [0, 1], from each of ``images`` to its
    nearest neighbour among ``reference`` (both batches of images of one shape; float
    ones in ``value_range``, see ``data.as_unit_images``)."""
    a = data.as_unit_images(images, value_range).reshape(len(images), -1).astype(np.float64)
    b = data.as_unit_images(reference, value_range).reshape(len(reference), -1).astype(np.float64)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"images of shape {np.shape(images)[1:]} cannot be compared with "
                         f"reference images of shape {np.shape(reference)[1:]}")
    b_squared = np.sum(b ** 2, axis=1)
    nearest = []
    for start in range(0, len(a), chunk):
        part = a[start:start + chunk]
        squared = np.sum(part ** 2, axis=1)[:, None] + b_squared[None, :] - 2 * part @ b.T
        nearest.append(np.sqrt(np.clip(squared.min(axis=1), 0.0, None)))
    return np.concatenate(nearest)


def memorisation(generated, train_images, held_out, value_range=None) -> dict:
    """Does a generator copy its training images?  Nearest-neighbour distances to the training set.

    A held-out real image is new to the training set, so the smallest distance of any
    held-out image to its nearest training image is how close a *new* image comes; a
    generated sample closer than that is **flagged** as a possible copy.  Returns the
    median nearest distance of the generated and of the held-out images, that
    ``threshold``, the share of generated samples ``flagged`` and their ``indices``.
    Float images are in ``value_range`` (see ``data.as_unit_images``).
    """
    generated_nearest = nearest_distances(generated, train_images, value_range=value_range)
    held_out_nearest = nearest_distances(held_out, train_images, value_range=value_range)
    threshold = float(held_out_nearest.min())
    flagged = np.flatnonzero(generated_nearest < threshold)
    return {"generated_median": float(np.median(generated_nearest)),
            "held_out_median": float(np.median(held_out_nearest)), "threshold": threshold,
            "flagged": float(len(flagged) / len(generated_nearest)), "indices": flagged.tolist()}


# --------------------------------------------------------------------------- one call


@functools.lru_cache(maxsize=None)
def _reference(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """Features of the held-out real images, and the real training images, of ``dataset``."""
    real = data.load_dataset(dataset)
    features, _ = load_evaluator(dataset).features_and_probabilities(real.x_test)
    return features, real.x_train


def evaluate(images, dataset: str = "mnist", value_range=None) -> dict:
    """All metrics of ``images`` against the held-out real images of ``dataset``.

    Returns ``n``, ``fid``, ``kid`` and ``kid_sd``, ``classifier_score``,
    ``classes_hit``, ``class_kl`` and ``confident``.  Compare them with
    ``real_floor(dataset, n)``: FID and KID depend on the number of samples.  Float
    images are in ``value_range``: (-1, 1) unless stated (see ``data.as_unit_images``).
    """
    features, probabilities = load_evaluator(dataset).features_and_probabilities(
        images, value_range=value_range)
    reference, _ = _reference(dataset)
    kid_mean, kid_sd = kid(features, reference)
    return {"n": len(features), "fid": fid(features, reference), "kid": kid_mean, "kid_sd": kid_sd,
            "classifier_score": classifier_score(probabilities), **class_coverage(probabilities)}


@functools.lru_cache(maxsize=None)
def real_floor(dataset: str = "mnist", n: int = 2000, seed: int = 0) -> dict:
    """``evaluate`` applied to ``n`` real training images (drawn with ``seed``): the floor."""
    _, train_images = _reference(dataset)
    if not 0 < n <= len(train_images):
        raise ValueError(f"n must be between 1 and the {len(train_images)} training images, got {n}")
    chosen = np.random.default_rng(seed).choice(len(train_images), n, replace=False)
    return evaluate(train_images[np.sort(chosen)], dataset)
