"""Tests of ganbook.losses against hand-computed values, gradients and closed forms."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook import losses


def softplus(x):
    return math.log1p(math.exp(x))


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_bce_d_loss_matches_the_cross_entropy_by_hand():
    assert float(losses.bce_d_loss([0.0], [0.0])) == pytest.approx(2 * math.log(2))
    expected = softplus(-2.0) + softplus(1.0)  # -log σ(2) - log(1 - σ(1))
    assert float(losses.bce_d_loss([2.0], [1.0])) == pytest.approx(expected, rel=1e-6)
    # one-sided label smoothing: target 0.9 on real logits only
    smoothed = -(0.9 * math.log(sigmoid(2.0)) + 0.1 * math.log(1 - sigmoid(2.0))) + softplus(1.0)
    assert float(losses.bce_d_loss([2.0], [1.0], real_label=0.9)) == pytest.approx(smoothed, rel=1e-6)


def test_generator_losses_by_hand():
    assert float(losses.minimax_g_loss([0.0])) == pytest.approx(-math.log(2))
    assert float(losses.non_saturating_g_loss([0.0])) == pytest.approx(math.log(2))
    assert float(losses.minimax_g_loss([1.0, -3.0])) == pytest.approx(
        np.mean([math.log(1 - sigmoid(1.0)), math.log(1 - sigmoid(-3.0))]), rel=1e-6)


@pytest.mark.parametrize("logit", [-6.0, -1.0, 0.0, 2.5])
def test_minimax_and_non_saturating_have_the_documented_gradients(logit):
    x = tf.Variable([logit])
    with tf.GradientTape(persistent=True) as tape:
        minimax = losses.minimax_g_loss(x)
        non_saturating = losses.non_saturating_g_loss(x)
    assert float(tape.gradient(minimax, x)[0]) == pytest.approx(-sigmoid(logit), rel=1e-5)
    assert float(tape.gradient(non_saturating, x)[0]) == pytest.approx(-(1 - sigmoid(logit)), rel=1e-5)


def test_cross_entropy_losses_stay_finite_on_huge_logits():
    assert float(losses.bce_d_loss([100.0], [-100.0])) == pytest.approx(0.0, abs=1e-30)
    assert float(losses.non_saturating_g_loss([-100.0])) == pytest.approx(100.0)
    assert float(losses.minimax_g_loss([100.0])) == pytest.approx(-100.0)


def test_least_squares_by_hand():
    assert float(losses.least_squares_d_loss([1.0, 1.0], [0.0])) == 0.0
    assert float(losses.least_squares_d_loss([0.0], [1.0])) == pytest.approx(1.0)
    assert float(losses.least_squares_g_loss([1.0, 3.0])) == pytest.approx(0.5 * (0 + 4) / 2)


def test_wasserstein_and_hinge_by_hand():
    assert float(losses.wasserstein_d_loss([1.0, 3.0], [0.0, 1.0])) == pytest.approx(0.5 - 2.0)
    assert float(losses.wasserstein_g_loss([0.0, 1.0])) == pytest.approx(-0.5)
    # relu(1 - real) = [0, 0.5], relu(1 + fake) = [0, 1]
    assert float(losses.hinge_d_loss([2.0, 0.5], [-2.0, 0.0])) == pytest.approx(0.25 + 0.5)
    assert losses.hinge_g_loss is losses.wasserstein_g_loss


def test_column_vectors_are_accepted_like_flat_ones():
    flat = losses.bce_d_loss([0.3, -1.2], [2.0])
    column = losses.bce_d_loss([[0.3], [-1.2]], [[2.0]])
    assert float(flat) == pytest.approx(float(column))


@pytest.mark.parametrize("bad", [np.zeros((4, 2)), np.zeros((2, 1, 1)), np.float32(1.0)])
def test_wrong_shapes_are_rejected(bad):
    with pytest.raises(ValueError, match=r"shape \(N,\) or \(N, 1\)"):
        losses.wasserstein_d_loss(bad, [0.0])


def test_integer_outputs_are_rejected():
    with pytest.raises(TypeError, match="floating-point"):
        losses.non_saturating_g_loss(np.array([1, 2]))


def test_bad_label_smoothing_is_rejected():
    with pytest.raises(ValueError, match=r"real_label must be in \(0, 1\]"):
        losses.bce_d_loss([0.0], [0.0], real_label=1.5)


def linear_critic(weights):
    w = tf.constant(np.asarray(weights, np.float32).reshape(-1, 1))
    return lambda x: tf.matmul(tf.reshape(x, [tf.shape(x)[0], -1]), w)


def test_gradient_penalty_is_zero_for_a_unit_norm_linear_critic():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(16, 2, 2)), rng.normal(size=(16, 2, 2))
    unit = linear_critic([0.5, 0.5, 0.5, 0.5])  # ‖∇f‖ = 1 everywhere
    assert float(losses.gradient_penalty(unit, real, fake)) == pytest.approx(0.0, abs=1e-6)
    double = linear_critic([1.0, 1.0, 1.0, 1.0])  # ‖∇f‖ = 2 everywhere: (2 - 1)² = 1
    assert float(losses.gradient_penalty(double, real, fake)) == pytest.approx(1.0, rel=1e-5)


def test_gradient_penalty_of_a_network_is_positive_and_seeded():
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="tanh"),
                               keras.layers.Dense(1)])
    rng = np.random.default_rng(1)
    real, fake = rng.normal(size=(32, 3)), rng.normal(size=(32, 3))
    first = float(losses.gradient_penalty(critic, real, fake, seed=(1, 2)))
    assert first > 0
    assert float(losses.gradient_penalty(critic, real, fake, seed=(1, 2))) == first


def test_gradient_penalty_rejects_mismatched_batches():
    with pytest.raises(ValueError, match="same example shape"):
        losses.gradient_penalty(linear_critic([1.0, 1.0]), np.zeros((4, 2)), np.zeros((4, 3)))


def test_clip_weights_bounds_every_weight():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5), keras.layers.Dense(1)])
    model.layers[0].kernel.assign(np.full((3, 5), 2.0))
    losses.clip_weights(model, 0.01)
    assert max(float(np.abs(v.numpy()).max()) for v in model.trainable_variables) <= 0.01
    with pytest.raises(ValueError, match="positive"):
        losses.clip_weights(model, 0.0)


def test_registry_pairs_and_unknown_names():
    assert losses.get_loss("least_squares") == (losses.least_squares_d_loss, losses.least_squares_g_loss)
    assert set(losses.LOSSES) == {"minimax", "non_saturating", "least_squares", "wasserstein", "hinge"}
    with pytest.raises(ValueError, match="unknown loss 'wgan'.*minimax"):
        losses.get_loss("wgan")


# --------------------------------------------------------------------------- semi-supervised (K+1 classes)


def explicit_k_plus_1(logits):
    """Softmax over the K logits plus an explicit (K+1)-th logit of 0."""
    full = np.concatenate([logits, np.zeros((len(logits), 1))], axis=1)
    e = np.exp(full - full.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_real_logit_gives_the_probability_of_the_k_real_classes():
    logits = np.random.default_rng(0).normal(0, 3, (50, 10))
    p = explicit_k_plus_1(logits)
    d = 1 / (1 + np.exp(-losses.real_logit(logits).numpy()))
    np.testing.assert_allclose(d, 1 - p[:, -1], rtol=1e-5)  # D(x) = 1 - p(K+1 | x)
    # and Z / (Z + 1) directly, for a hand-sized case
    z = math.exp(1.0) + math.exp(2.0)
    assert float(losses.real_logit([[1.0, 2.0]])[0]) == pytest.approx(math.log(z), rel=1e-6)


def test_supervised_loss_is_cross_entropy_among_the_real_classes():
    logits = np.random.default_rng(1).normal(0, 2, (20, 10))
    labels = np.arange(20) % 10
    p = explicit_k_plus_1(logits)
    # -log p(y | x, y <= K): renormalise the explicit K+1 softmax over the first K classes
    expected = -np.mean(np.log(p[np.arange(20), labels] / p[:, :-1].sum(1)))
    assert float(losses.supervised_loss(logits, labels)) == pytest.approx(expected, rel=1e-5)


def test_unsupervised_loss_matches_the_explicit_k_plus_1_softmax():
    rng = np.random.default_rng(2)
    real, fake = rng.normal(0, 2, (30, 10)), rng.normal(-1, 2, (40, 10))
    p_real, p_fake = explicit_k_plus_1(real), explicit_k_plus_1(fake)
    expected = -np.mean(np.log(1 - p_real[:, -1])) - np.mean(np.log(p_fake[:, -1]))
    assert float(losses.unsupervised_loss(real, fake)) == pytest.approx(expected, rel=1e-5)


def test_unsupervised_loss_stays_finite_on_huge_logits():
    huge = np.full((2, 10), 200.0, np.float32)
    assert float(losses.unsupervised_loss(huge, -huge)) == pytest.approx(0.0, abs=1e-6)
    assert np.isfinite(float(losses.unsupervised_loss(-huge, huge)))


def test_feature_matching_loss_compares_the_means_of_the_features():
    real = np.array([[0.0, 2.0], [2.0, 2.0]])     # means (1, 2)
    fake = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 3.0]])  # means (1, 1)
    assert float(losses.feature_matching_loss(real, fake)) == pytest.approx((0.0 + 1.0) / 2)
    far = np.array([[1.0, -1.0]])  # gap (0, 3)
    assert float(losses.feature_matching_loss(real, far)) == pytest.approx(3.0 / 2)
    assert float(losses.feature_matching_loss(real, far, squared=True)) == pytest.approx(9.0 / 2)
    same_means = np.array([[0.0, 0.0], [2.0, 4.0]])
    assert float(losses.feature_matching_loss(real, same_means)) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("call, error, message", [
    (lambda: losses.real_logit(np.zeros(5)), ValueError, r"shape \(N, K\)"),
    (lambda: losses.real_logit(np.zeros((5, 1))), ValueError, "K >= 2"),
    (lambda: losses.supervised_loss(np.zeros((3, 10)), [0, 10, 2]), ValueError, r"0\.\.9.*\[0, 10\]"),
    (lambda: losses.supervised_loss(np.zeros((3, 10)), [0, -1, 2]), ValueError, "class indices"),
    (lambda: losses.supervised_loss(np.zeros((3, 10)), [0.0, 1.0, 2.0]), TypeError, "integers"),
    (lambda: losses.supervised_loss(np.zeros((3, 10)), [0, 1]), ValueError, "one per example"),
    (lambda: losses.feature_matching_loss(np.zeros((3, 4)), np.zeros((3, 5))), ValueError, "same d"),
])
def test_semi_supervised_losses_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_relativistic_pairing_losses_by_hand():
    real, fake = tf.constant([1.0, 2.0]), tf.constant([0.0, 3.0])
    softplus = lambda t: math.log1p(math.exp(t))  # noqa: E731
    assert float(losses.relativistic_d_loss(real, fake)) == pytest.approx((softplus(-1) + softplus(1)) / 2)
    assert float(losses.relativistic_g_loss(real, fake)) == pytest.approx((softplus(1) + softplus(-1)) / 2)
    # a generated example that overtakes its partner costs G less than one that trails it
    assert float(losses.relativistic_g_loss([0.0], [2.0])) < float(losses.relativistic_g_loss([2.0], [0.0]))
    # only the difference counts: shifting every score changes nothing
    np.testing.assert_allclose(losses.relativistic_d_loss(real + 5.0, fake + 5.0),
                               losses.relativistic_d_loss(real, fake), rtol=1e-6)
    with pytest.raises(ValueError, match="one to one"):
        losses.relativistic_d_loss(tf.zeros([3]), tf.zeros([2]))
