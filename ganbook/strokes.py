"""How a digit is drawn, measured on the image: its slant and its stroke width.

InfoGAN's continuous codes are judged by whether they follow such properties.  Both
measures read images in [-1, 1] (background -1, ink 1), shape (N, 28, 28) or
(N, 28, 28, 1), and return one number per image:

- ``slant``: the shear of the ink, from its second-order moments; the horizontal shift
  per pixel of height, positive when the digit leans right (``/``);
- ``stroke_width``: the ink's area divided by half the length of its outline, in pixels:
  a stroke of width w and length L has area wL and an outline of about 2L;

and ``code_correlations`` ranks codes against both.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

INK = 0.0  # a pixel above this (the middle of [-1, 1]) is ink for stroke_width


def _ink(images) -> np.ndarray:
    # Images as (N, H, W) arrays of ink in [0, 1], checked.
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"expected grey images of shape (N, H, W) or (N, H, W, 1), got shape {images.shape}")
    if not np.isfinite(images).all() or images.min() < -1 - 1e-6 or images.max() > 1 + 1e-6:
        raise ValueError("expected images in [-1, 1] (background -1, ink 1)")
    return (images + 1) / 2


def slant(images) -> np.ndarray:
    """The shear of each image's ink: -mu_rc / mu_rr from its second-order central moments.

    With rows r (downwards) and columns c, a digit drawn as c = c0 - s (r - r0) + (upright
    shape) has slant s; ``s > 0`` leans right.  Empty images raise.
    """
    ink = _ink(images)
    mass = ink.sum(axis=(1, 2))
    if (mass <= 0).any():
        raise ValueError("every image needs some ink to have a slant")
    rows, cols = np.indices(ink.shape[1:], dtype=np.float64)
    r0 = (ink * rows).sum(axis=(1, 2)) / mass
    c0 = (ink * cols).sum(axis=(1, 2)) / mass
    dr, dc = rows - r0[:, None, None], cols - c0[:, None, None]
    mu_rc = (ink * dr * dc).sum(axis=(1, 2)) / mass
    mu_rr = (ink * dr * dr).sum(axis=(1, 2)) / mass
    return -mu_rc / mu_rr


def stroke_width(images, threshold: float = INK) -> np.ndarray:
    """Each image's mean stroke width in pixels: 2 × (ink area) / (outline length).

    Pixels above ``threshold`` are ink; the outline counts the pixel edges between ink
    and background (the image's border counts as background).  Empty images raise.
    """
    ink = np.pad(_ink(images) > (threshold + 1) / 2, ((0, 0), (1, 1), (1, 1)))
    area = ink.sum(axis=(1, 2))
    if (area == 0).any():
        raise ValueError(f"every image needs some pixels above {threshold} to have a stroke width")
    outline = ((ink[:, 1:, :] != ink[:, :-1, :]).sum(axis=(1, 2))
               + (ink[:, :, 1:] != ink[:, :, :-1]).sum(axis=(1, 2)))
    return 2 * area / outline


PROPERTIES = {"slant": slant, "stroke_width": stroke_width}


def code_correlations(codes, images) -> dict[str, list[float]]:
    """Spearman's rank correlation of each continuous code with each property of its image.

    ``codes`` has shape (N, number of codes), ``images`` are the N images made from them;
    returns ``{"slant": [r for each code], "stroke_width": [...]}``.
    """
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or len(codes) != len(images) or len(codes) < 3:
        raise ValueError(f"codes must have shape (N, number of codes) with N >= 3 and one row per image, got "
                         f"shape {codes.shape} for {len(images)} images")
    measured = {name: measure(images) for name, measure in PROPERTIES.items()}
    return {name: [float(stats.spearmanr(code, values).statistic) for code in codes.T]
            for name, values in measured.items()}
