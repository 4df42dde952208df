"""Tests of ganbook.metrics: closed forms, invariants, the shipped evaluators, input checks."""

import math
import shutil

import numpy as np
import pytest

from ganbook import data, metrics


@pytest.fixture(scope="module")
def mnist():
    return data.load_dataset("mnist")


# --------------------------------------------------------------------------- closed forms


def test_frechet_distance_of_diagonal_gaussians_has_a_closed_form():
    mean_a, mean_b = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.0])
    var_a, var_b = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((mean_a - mean_b) ** 2) + np.sum((np.sqrt(var_a) - np.sqrt(var_b)) ** 2)
    got = metrics.frechet_distance(mean_a, np.diag(var_a), mean_b, np.diag(var_b))
    assert got == pytest.approx(expected, rel=1e-9)  # 5 + (4 + 1 + 0) = 10
    assert metrics.frechet_distance([0.0], [[1.0]], [3.0], [[4.0]]) == pytest.approx(9 + 1)


def test_fid_of_samples_approaches_the_closed_form():
    rng = np.random.default_rng(0)
    a = rng.normal([0, 0], [1, 2], size=(200_000, 2))
    b = rng.normal([1, 0], [1, 1], size=(200_000, 2))
    assert metrics.fid(a, b) == pytest.approx(1 + 1, abs=0.03)


def test_fid_of_a_set_with_itself_is_zero_and_fid_is_symmetric():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(500, 20))
    b = rng.normal(0.3, 1.2, size=(400, 20))
    assert metrics.fid(a, a) == pytest.approx(0.0, abs=1e-6)
    assert metrics.fid(a, b) == pytest.approx(metrics.fid(b, a), rel=1e-6)
    assert metrics.fid(a, b) > 1.0


def test_kid_is_unbiased_near_zero_for_the_same_distribution_and_positive_otherwise():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(1500, 16)), rng.normal(size=(1500, 16))
    mean, sd = metrics.kid(a, b, subset_size=500)
    assert abs(mean) < 3 * sd + 1e-3
    shifted_mean, _ = metrics.kid(a, b + 0.5, subset_size=500)
    assert shifted_mean > 20 * max(sd, 1e-4)


def test_classifier_score_bounds():
    one_hot = np.eye(10)[np.arange(1000) % 10]
    assert metrics.classifier_score(one_hot) == pytest.approx(10.0)
    assert metrics.classifier_score(np.eye(10)[np.zeros(50, int)]) == pytest.approx(1.0)
    assert metrics.classifier_score(np.full((20, 10), 0.1)) == pytest.approx(1.0)


def test_class_coverage_of_one_class_and_of_balanced_classes():
    single = metrics.class_coverage(np.eye(10)[np.full(300, 7)])
    assert single == {"classes_hit": 1, "class_kl": pytest.approx(math.log(10)), "confident": 1.0}
    balanced = metrics.class_coverage(np.eye(10)[np.arange(300) % 10])
    assert balanced["classes_hit"] == 10 and balanced["class_kl"] == pytest.approx(0.0, abs=1e-12)
    unsure = metrics.class_coverage(np.full((10, 10), 0.1))
    assert unsure["confident"] == 0.0


# --------------------------------------------------------------------------- the shipped evaluators


@pytest.mark.parametrize("name, minimum", [("mnist", 0.98), ("fashion_mnist", 0.89)])
def test_shipped_evaluator_is_accurate_on_held_out_real_data(name, minimum):
    dataset = data.load_dataset(name)
    evaluator = metrics.load_evaluator(name)
    _, probabilities = evaluator.features_and_probabilities(dataset.x_test)
    accuracy = np.mean(probabilities.argmax(1) == dataset.y_test)
    assert accuracy >= minimum
    assert metrics.weights_path(name).stat().st_size < 2 * 1024 * 1024
    record = evaluator.record
    assert record["dataset"] == name and record["test_accuracy"] >= minimum
    assert {"data_source", "train_images", "test_images", "seed"} <= set(record)


def test_evaluator_is_loaded_once():
    assert metrics.load_evaluator("mnist") is metrics.load_evaluator("mnist")


def test_real_images_score_near_the_floor_and_noise_far_above_it(mnist):
    floor = metrics.real_floor("mnist", n=1000)
    assert floor["n"] == 1000 and floor["classes_hit"] == 10
    assert floor["classifier_score"] > 9.0 and floor["class_kl"] < 0.02
    # real vs real: the unbiased KID is zero up to its sampling noise
    assert abs(floor["kid"]) < 3 * floor["kid_sd"] + 0.05
    noise = np.random.default_rng(0).uniform(-1, 1, (1000, 28, 28, 1)).astype(np.float32)
    noisy = metrics.evaluate(noise, "mnist")
    assert noisy["fid"] > 20 * floor["fid"]
    assert noisy["kid"] > 20 * max(floor["kid"], 1e-3)


def test_signed_unit_and_uint8_images_give_the_same_metrics(mnist):
    images = mnist.x_test[:300]
    as_uint8 = metrics.evaluate(images, "mnist")
    as_signed = metrics.evaluate(data.to_signed_range(images), "mnist")
    as_unit = metrics.evaluate(images.astype(np.float32) / 255, "mnist", value_range=(0, 1))
    for key in ("fid", "classifier_score", "class_kl"):
        assert as_signed[key] == pytest.approx(as_uint8[key], rel=1e-5)
        assert as_unit[key] == pytest.approx(as_uint8[key], rel=1e-5)


def test_the_value_range_is_stated_not_guessed(mnist):
    # Before, the range was read from the data: one pixel at -0.002 in a [0, 1] batch made it
    # a [-1, 1] batch (FID 5.4 -> 202.8), and a [-1, 1] batch with no negative pixel a [0, 1] one.
    unit = mnist.x_test[:300].astype(np.float32) / 255
    right = metrics.evaluate(unit, "mnist", value_range=(0, 1))["fid"]
    with pytest.raises(ValueError, match=r"no negative value.*value_range=\(0, 1\)"):
        metrics.evaluate(unit, "mnist")  # unstated: refused, not read as [-1, 1]
    nudged = unit.copy()
    nudged[0, 0, 0, 0] = -0.002
    with pytest.raises(ValueError, match=r"expected images in \[0, 1\] \(value_range\).*-0.002"):
        metrics.evaluate(nudged, "mnist", value_range=(0, 1))
    bright = unit * 2 - 1
    bright[bright < 0] = 0.0  # [-1, 1] images with no negative pixel, stated as such
    stated = metrics.evaluate(bright, "mnist", value_range=(-1, 1))["fid"]
    misread = metrics.evaluate(bright, "mnist", value_range=(0, 1))["fid"]
    assert stated > 3 * right and misread != pytest.approx(stated, rel=0.05)
    with pytest.raises(ValueError, match="low < high"):
        metrics.evaluate(unit, "mnist", value_range=(1, 0))


def test_a_batch_of_one_digit_has_coverage_one_and_a_large_kl(mnist):
    sevens = mnist.x_train[mnist.y_train == 7][:400]
    result = metrics.evaluate(sevens, "mnist")
    assert result["classes_hit"] == 1
    assert result["class_kl"] > 0.9 * math.log(10)
    assert result["classifier_score"] < 1.5


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("images, error, message", [
    (np.full((300, 32, 32, 3), -1.0, np.float32), ValueError, r"shape \(N, 28, 28, 1\)"),
    (np.full((300, 28, 28, 1), 2.0, np.float32), ValueError, r"expected images in \[-1, 1\].*value_range=\(0, 1\)"),
    (np.full((300, 28, 28, 1), np.nan, np.float32), ValueError, "NaN"),
    (np.full((50, 28, 28, 1), -1.0, np.float32), ValueError, "too few"),
    (np.zeros((300, 28, 28, 1), np.int32), TypeError, "uint8 or float"),
])
def test_bad_images_are_rejected(images, error, message):
    with pytest.raises(error, match=message):
        metrics.evaluate(images, "mnist")


def test_unknown_dataset_is_rejected():
    with pytest.raises(ValueError, match="no evaluator for 'cifar10'.*mnist, fashion_mnist"):
        metrics.evaluate(np.zeros((300, 28, 28, 1), np.float32), "cifar10")


def test_missing_or_tampered_weights_name_the_training_script(tmp_path, monkeypatch):
    shipped = [metrics.weights_path("mnist"), metrics.record_path("mnist")]
    monkeypatch.setattr(metrics, "ASSETS", tmp_path)
    metrics.load_evaluator.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="tools/train_evaluator.py mnist"):
            metrics.load_evaluator("mnist")
        for path in shipped:
            shutil.copy(path, tmp_path / path.name)
        with open(metrics.weights_path("mnist"), "ab") as f:
            f.write(b"tampered")
        with pytest.raises(ValueError, match="does not match the checksum"):
            metrics.load_evaluator("mnist")
    finally:
        metrics.load_evaluator.cache_clear()


def test_frechet_distance_agrees_with_scipys_matrix_square_root():
    from scipy import linalg

    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(6, 6)), rng.normal(size=(6, 6))
    cov_a, cov_b = a @ a.T + 0.1 * np.eye(6), b @ b.T + 0.1 * np.eye(6)
    mean_a, mean_b = rng.normal(size=6), rng.normal(size=6)
    root = np.real(linalg.sqrtm(cov_a @ cov_b))
    reference = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * root)
    assert metrics.frechet_distance(mean_a, cov_a, mean_b, cov_b) == pytest.approx(reference, rel=1e-8)


def test_fid_is_finite_when_a_feature_never_varies():
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(400, 10)), rng.normal(size=(400, 10))
    a[:, 2] = 0.0  # e.g. a ReLU unit that generated images never switch on
    assert np.isfinite(metrics.fid(a, b)) and metrics.fid(a, b) > 0.5


def test_nearest_distances_by_hand():
    reference = np.zeros((3, 2, 2, 1), np.float32)
    reference[1] = 1.0
    images = np.zeros((2, 2, 2, 1), np.float32)
    images[1, 0, 0, 0] = 0.6  # nearest is the black image, at distance 0.6
    np.testing.assert_allclose(metrics.nearest_distances(images, reference, value_range=(0, 1)),
                               [0.0, 0.6], atol=1e-7)
    with pytest.raises(ValueError, match="cannot be compared"):
        metrics.nearest_distances(images, np.zeros((3, 3, 3, 1), np.float32), value_range=(0, 1))


def test_memorisation_flags_copies_of_training_images_and_nothing_new():
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (300, 8, 8, 1), dtype=np.uint8)
    held_out = rng.integers(0, 256, (100, 8, 8, 1), dtype=np.uint8)
    new = rng.integers(0, 256, (50, 8, 8, 1), dtype=np.uint8)
    copies = train[:5].copy()
    result = metrics.memorisation(np.concatenate([new, copies]), train, held_out)
    assert result["indices"] == [50, 51, 52, 53, 54]
    assert result["flagged"] == pytest.approx(5 / 55)
    assert result["threshold"] > 0 and result["held_out_median"] > result["threshold"]
    assert metrics.memorisation(new, train, held_out)["flagged"] == 0.0


# --------------------------------------------------------------------------- classes asked for


def test_conditional_accuracy_counts_samples_seen_as_their_class():
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    assert metrics.conditional_accuracy(p, [0, 1, 1, 1]) == 0.75
    with pytest.raises(ValueError, match=r"labels must be 4 integers in 0..1, one per sample"):
        metrics.conditional_accuracy(p, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="labels must be 4 integers"):
        metrics.conditional_accuracy(p, [0, 1, 1])


def test_per_class_fid_compares_each_class_with_its_own_real_images():
    rng = np.random.default_rng(0)
    reference = np.concatenate([rng.normal(0, 1, (300, 3)), rng.normal(5, 1, (300, 3))])
    reference_labels = np.repeat([0, 1], 300)
    generated = np.concatenate([rng.normal(0, 1, (300, 3)), rng.normal(0, 1, (300, 3))])
    labels = np.repeat([0, 1], 300)
    right, wrong = metrics.per_class_fid(generated, labels, reference, reference_labels, 2)
    assert right < 0.2 and abs(wrong - 75) < 5  # class 1's mean is 5 away in 3 dimensions: 3 * 25


def test_matched_accuracy_finds_the_best_one_to_one_matching():
    categories = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    classes = np.array([1, 1, 0, 1, 1, 2, 2, 0])
    result = metrics.matched_accuracy(categories, classes, 3, 3)
    # categories 0 and 1 both prefer class 1; the matching gives it to one of them
    assert result["purity"] == 6 / 8
    assert result["accuracy"] == 5 / 8
    assert sorted(result["assignment"]) == [0, 1, 2]
    assert result["counts"].sum() == 8 and result["counts"][2, 2] == 2
    with pytest.raises(ValueError, match=r"categories must be 8 integers in 0..1"):
        metrics.matched_accuracy(categories, classes, 2, 3)


def test_class_variety_is_the_ratio_of_total_variances():
    rng = np.random.default_rng(1)
    reference = rng.normal(0, 1, (4000, 3))
    reference_labels = np.repeat([0, 1], 2000)
    generated = np.concatenate([rng.normal(0, 1, (2000, 3)), rng.normal(0, 0.5, (2000, 3))])
    same, narrower = metrics.class_variety(generated, reference_labels, reference, reference_labels, 2)
    assert abs(same - 1) < 0.08 and abs(narrower - 0.25) < 0.02


def test_variety_is_the_ratio_of_total_variances_and_checks_its_input():
    rng = np.random.default_rng(2)
    reference = rng.normal(0, 1, (3000, 4))
    assert metrics.variety(reference, reference) == pytest.approx(1.0)
    assert metrics.variety(2 * reference, reference) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="features must have shape"):
        metrics.variety(reference[:, 0], reference)
