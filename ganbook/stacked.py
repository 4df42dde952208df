"""Stacked MNIST: three digits as the three channels of one image, 1,000 modes to cover.

The standard image-scale count of mode collapse (Metz et al., 2017; Lin et al., 2018,
PacGAN): a generator of 28x28x3 images should draw every one of the 10 x 10 x 10 digit
triples equally often.  ``stack_digits`` builds the data from MNIST; ``mode_counts``
classifies each channel of generated images (with any digit classifier, in practice the
book's frozen evaluator) and reports how many of the 1,000 modes they cover and the KL
divergence of their mode frequencies from the uniform distribution.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ganbook._checks import check_positive_int

MODES = 1000  # 10 digits in each of three channels


def stack_digits(images: np.ndarray, labels: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` Stacked MNIST images (n, 28, 28, 3) of ``images``' dtype, and their modes (n,).

    Each channel is an independent uniform draw from ``images`` (N, 28, 28) or
    (N, 28, 28, 1); the mode is 100 x the first channel's digit + 10 x the second's +
    the third's.
    """
    check_positive_int("n", n)
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(f"stack_digits takes N grayscale images (N, 28, 28[, 1]) and N labels, "
                         f"got images of shape {np.shape(images)} and {len(labels)} labels")
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 or labels.max() > 9:
        raise ValueError("stack_digits needs integer digit labels 0-9")
    picks = np.random.default_rng(seed).integers(0, len(images), size=(n, 3))
    stacked = np.stack([images[picks[:, c]] for c in range(3)], axis=-1)
    return stacked, mode_of(labels[picks])


def mode_of(digits: np.ndarray) -> np.ndarray:
    """The mode index 0..999 of digit triples ``digits`` (n, 3)."""
    digits = np.asarray(digits)
    if digits.ndim != 2 or digits.shape[1] != 3:
        raise ValueError(f"mode_of takes digit triples of shape (n, 3), got {digits.shape}")
    return 100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2]


def mode_counts(images: np.ndarray, classify: Callable[[np.ndarray], np.ndarray]) -> dict:
    """Modes covered (of 1,000) and KL(modes ‖ uniform) of Stacked MNIST ``images`` (n, 28, 28, 3).

    ``classify`` takes (m, 28, 28, 1) images in the range ``images`` use and returns
    their digits (m,); each channel is classified on its own.  The KL divergence is
    Σ_k p_k log(p_k · 1000) over the modes k that occur: 0 for a perfectly uniform
    generator, log 1000 ≈ 6.9 for one that draws a single mode.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"Stacked MNIST images have shape (n, 28, 28, 3), got {images.shape}")
    digits = np.stack([np.asarray(classify(images[..., c:c + 1])) for c in range(3)], axis=1)
    counts = np.bincount(mode_of(digits), minlength=MODES)
    shares = counts[counts > 0] / len(images)
    return {"modes_covered": int((counts > 0).sum()), "kl_to_uniform": float(np.sum(shares * np.log(shares * MODES))),
            "samples": len(images)}
