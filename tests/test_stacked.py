"""Stacked MNIST: the stacked images and their modes, and the mode count against a hand computation."""

import math

import numpy as np
import pytest

from ganbook import stacked


def digit_images(digits):
    """Stand-in digit images: an image's value is its digit, so a 'classifier' can read it."""
    return np.asarray(digits, np.float32)[:, None, None] * np.ones((1, 28, 28), np.float32)


def read_digit(channel_images):
    return np.rint(channel_images[:, 0, 0, 0]).astype(int)


def test_stacked_images_carry_their_three_digits_and_mode():
    labels = np.arange(10)
    images, modes = stacked.stack_digits(digit_images(labels), labels, n=500, seed=3)
    assert images.shape == (500, 28, 28, 3) and modes.shape == (500,)
    digits = np.stack([read_digit(images[..., c:c + 1]) for c in range(3)], axis=1)
    np.testing.assert_array_equal(stacked.mode_of(digits), modes)
    again, _ = stacked.stack_digits(digit_images(labels), labels, n=500, seed=3)
    np.testing.assert_array_equal(again, images)
    assert len(np.unique(modes)) > 300  # independent channels: many of the 1,000 triples


def test_mode_counts_by_hand():
    # modes 123, 123, 456, 789: three modes covered, shares 1/2, 1/4, 1/4
    triples = np.array([[1, 2, 3], [1, 2, 3], [4, 5, 6], [7, 8, 9]])
    images = np.stack([digit_images(triples[:, c]) for c in range(3)], axis=-1)
    counted = stacked.mode_counts(images, read_digit)
    expected_kl = 0.5 * math.log(0.5 * 1000) + 2 * 0.25 * math.log(0.25 * 1000)
    assert counted["modes_covered"] == 3 and counted["samples"] == 4
    assert counted["kl_to_uniform"] == pytest.approx(expected_kl)
    single = stacked.mode_counts(images[:1], read_digit)
    assert single["kl_to_uniform"] == pytest.approx(math.log(1000))


def test_stacked_mnist_refuses_wrong_shapes_and_labels():
    with pytest.raises(ValueError, match="n, 28, 28, 3"):
        stacked.mode_counts(np.zeros((2, 28, 28, 1)), read_digit)
    with pytest.raises(ValueError, match="labels"):
        stacked.stack_digits(digit_images([1, 2]), np.array([1, 12]), n=4, seed=0)
    with pytest.raises(ValueError, match="grayscale"):
        stacked.stack_digits(digit_images([1, 2]), np.array([1]), n=4, seed=0)
    with pytest.raises(ValueError, match="n"):
        stacked.stack_digits(digit_images([1, 2]), np.array([1, 2]), n=0, seed=0)
