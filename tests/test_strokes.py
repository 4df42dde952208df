"""Tests of the stroke measures: slant and stroke width against images drawn with known values."""

import numpy as np
import pytest

from ganbook import strokes


def canvas(n=1):
    return -np.ones((n, 28, 28))


def sheared_bar(shear, width=2):
    # A vertical bar of `width` columns, rows 4..23, shifted right by `shear` per row upwards.
    image = canvas()[0]
    for row in range(4, 24):
        left = int(round(13 - shear * (row - 13.5)))
        image[row, left:left + width] = 1.0
    return image


def test_an_upright_bar_has_no_slant_and_a_leaning_bar_its_shear():
    np.testing.assert_allclose(strokes.slant(sheared_bar(0.0)[None]), [0.0], atol=1e-12)
    measured = strokes.slant(np.stack([sheared_bar(s) for s in (0.3, -0.5)]))
    np.testing.assert_allclose(measured, [0.3, -0.5], atol=0.03)  # rounding to whole pixels
    assert strokes.slant(sheared_bar(0.3)[None, ..., None]).shape == (1,)  # (N, 28, 28, 1) too


def test_the_stroke_width_of_a_rectangle_is_its_area_over_half_its_outline():
    images = canvas(3)
    images[0, 4:24, 10:12] = 1.0  # 20 x 2
    images[1, 4:24, 10:14] = 1.0  # 20 x 4
    images[2, 10:11, 10:11] = 1.0  # a single pixel
    np.testing.assert_allclose(strokes.stroke_width(images), [2 * 40 / 44, 2 * 80 / 48, 2 * 1 / 4])
    # ink at the border is outlined by the border
    edge = canvas()
    edge[0, :, :3] = 1.0
    np.testing.assert_allclose(strokes.stroke_width(edge), [2 * 84 / 62])


def test_measures_refuse_empty_or_out_of_range_images():
    with pytest.raises(ValueError, match="every image needs some ink to have a slant"):
        strokes.slant(canvas())
    with pytest.raises(ValueError, match="every image needs some pixels above 0.0"):
        strokes.stroke_width(canvas())
    with pytest.raises(ValueError, match=r"expected images in \[-1, 1\]"):
        strokes.slant(np.zeros((1, 28, 28)) + 2)
    with pytest.raises(ValueError, match=r"expected grey images of shape \(N, H, W\)"):
        strokes.slant(np.zeros((28, 28)))


def test_code_correlations_rank_each_code_against_each_property():
    shears = np.linspace(-0.5, 0.5, 9)
    images = np.stack([sheared_bar(s, width=1 + i % 3) for i, s in enumerate(shears)])
    codes = np.stack([shears, -(np.arange(9) % 3)], axis=1)  # code 0 is the shear, code 1 minus the width
    got = strokes.code_correlations(codes, images)
    assert got["slant"][0] == pytest.approx(1.0)
    assert got["stroke_width"][1] < -0.9
    with pytest.raises(ValueError, match="one row per image"):
        strokes.code_correlations(codes[:5], images)
