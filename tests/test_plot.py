"""Tests of ganbook.plot: grids and loss curves, and their input checks."""

import os
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from ganbook import plot


def shown_image(fig):
    return fig.axes[0].images[0].get_array()


@pytest.mark.parametrize("shape", [(6, 28, 28), (6, 28, 28, 1), (6, 8, 8, 3)])
def test_grid_accepts_grey_and_rgb_batches(shape):
    fig = plot.image_grid(np.random.default_rng(0).random(shape), ncols=3, title="t", value_range=(0, 1))
    assert isinstance(fig, Figure)
    h, w = shape[1:3]
    expected = (2 * (h + 1) - 1, 3 * (w + 1) - 1)
    assert shown_image(fig).shape[:2] == expected
    assert fig.axes[0].get_title() == "t"
    assert not plt.get_fignums(), "the figure must be closed in pyplot so it shows only once"


def test_signed_unit_and_uint8_batches_show_the_same_picture():
    unit = np.random.default_rng(1).random((4, 5, 5, 1)).astype(np.float32)
    from_unit = plot.tile_images(unit, value_range=(0, 1))
    np.testing.assert_allclose(plot.tile_images(unit * 2 - 1), from_unit, atol=1e-6)
    np.testing.assert_allclose(plot.tile_images(np.rint(unit * 255).astype(np.uint8)), from_unit, atol=1 / 255)
    np.testing.assert_allclose(plot.tile_images(unit * 4 - 2, value_range=(-2, 2)), from_unit, atol=1e-6)


def test_a_unit_batch_is_not_read_as_signed_unless_stated():
    unit = np.random.default_rng(1).random((4, 5, 5, 1)).astype(np.float32)
    with pytest.raises(ValueError, match=r"no negative value.*value_range=\(0, 1\)"):
        plot.image_grid(unit)
    # stated, the same numbers are read as [-1, 1]: 0 is mid-grey
    assert plot.tile_images(np.zeros((1, 2, 2)), value_range=(-1, 1)).max() == pytest.approx(0.5)
    with pytest.raises(ValueError, match="value_range must be a pair"):
        plot.image_grid(unit, value_range="unit")


def test_tiles_are_placed_row_by_row_with_white_padding():
    images = np.stack([np.full((2, 2), v) for v in (0.0, 0.25, 0.5)])
    canvas = plot.tile_images(images, ncols=2, value_range=(0, 1))[..., 0]
    assert canvas.shape == (5, 5)
    assert canvas[0, 0] == 0.0 and canvas[0, 3] == 0.25 and canvas[3, 0] == 0.5
    assert canvas[2, 2] == 1.0 and canvas[3, 3] == 1.0  # padding and the empty slot


def test_row_labels_label_each_row():
    fig = plot.image_grid(np.zeros((4, 3, 3), np.uint8), ncols=2, row_labels=["a", "b"])
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b"]
    with pytest.raises(ValueError, match="row_labels has 3 entries for 2 rows"):
        plot.image_grid(np.zeros((4, 3, 3), np.uint8), ncols=2, row_labels=["a", "b", "c"])


@pytest.mark.parametrize(
    "images, error, message",
    [(np.zeros((28, 28)), ValueError, "shape"),
     (np.zeros((2, 28, 28, 2)), ValueError, r"got shape \(2, 28, 28, 2\)"),
     (np.zeros((0, 28, 28)), ValueError, "non-empty"),
     (np.full((2, 4, 4), 3.0), ValueError, r"expected images in \[-1, 1\] \(value_range\)"),
     (np.full((2, 4, 4), np.nan), ValueError, "NaN"),
     (np.zeros((2, 4, 4), dtype=np.int64), TypeError, "uint8 or float")],
)
def test_grid_rejects_bad_batches(images, error, message):
    with pytest.raises(error, match=message):
        plot.image_grid(images)


def test_loss_curves_plot_every_series_of_a_history():
    history = {"d_loss": [1.0, 0.8, 0.7], "g_loss": [2.0, 1.5, 1.2]}
    fig = plot.loss_curves(history, title="losses")
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["d_loss", "g_loss"]
    np.testing.assert_array_equal(lines[1].get_ydata(), [2.0, 1.5, 1.2])
    np.testing.assert_array_equal(lines[1].get_xdata(), [1, 2, 3])
    assert len(plot.loss_curves(history, keys=["g_loss"]).axes[0].get_lines()) == 1


def test_loss_curves_accept_a_keras_history_object():
    class History:  # the one attribute of keras.callbacks.History that is used
        history = {"loss": [3.0, 2.0]}

    assert plot.loss_curves(History()).axes[0].get_lines()[0].get_label() == "loss"


def test_loss_curves_reject_bad_histories():
    with pytest.raises(TypeError, match="dict of lists"):
        plot.loss_curves([1, 2, 3])
    with pytest.raises(ValueError, match="not found"):
        plot.loss_curves({"loss": [1.0]}, keys=["d_loss"])
    with pytest.raises(ValueError, match="empty"):
        plot.loss_curves({"loss": []})
    with pytest.raises(ValueError, match="nothing to plot"):
        plot.loss_curves({})


def test_animate_renders_every_frame_as_inline_html():
    fig, ax = plt.subplots()
    (line,) = ax.plot([], [])
    drawn = []

    def draw(i):
        drawn.append(i)
        line.set_data([0, 1], [0, i])

    html = plot.animate(fig, draw, n_frames=4).data
    assert "<script" in html and html.count("data:image/png;base64") >= 4
    assert set(drawn) >= {0, 1, 2, 3}
    assert not plt.get_fignums()
    with pytest.raises(ValueError, match="positive integer"):
        plot.animate(plt.figure(), draw, n_frames=0)


def test_table_renders_markdown_with_significant_digits():
    md = plot.table([["a|b", 3.14159265, 2], ["c", 1e-7, 10]], ["name", "value", "n"], digits=3).data
    assert md.splitlines() == ["| name | value | n |", "|---|---|---|",
                               "| a\\|b | 3.14 | 2 |", "| c | 1e-07 | 10 |"]
    with pytest.raises(ValueError, match="3 cells"):
        plot.table([[1, 2]], ["a", "b", "c"])


def test_animate_grids_makes_one_frame_per_batch():
    frames = [np.full((4, 6, 6, 1), value, np.float32) for value in (0.0, 0.5, 1.0)]
    html = plot.animate_grids(frames, titles=["a", "b", "c"], ncols=2, value_range=(0, 1)).data
    # matplotlib's JavaScript player holds one image per frame: frames[0] .. frames[2]
    assert "new Array(3)" in html and "frames[2]" in html and "frames[3]" not in html
    assert not plt.get_fignums()
    with pytest.raises(ValueError, match="3 titles for 2 frames"):
        plot.animate_grids(frames[:2], titles=["a", "b", "c"])
    with pytest.raises(ValueError, match="same number of images"):
        plot.animate_grids([frames[0], frames[1][:2]], value_range=(0, 1))
    with pytest.raises(ValueError, match="empty"):
        plot.animate_grids([])


def test_glue_stores_numpy_scalars_as_numbers_myst_nb_can_format(monkeypatch):
    from myst_nb.core.variables import format_plain_text

    shown = []
    monkeypatch.setattr("myst_nb.ext.glue.ipy_display",
                        lambda bundle, **kw: shown.append((bundle, kw)))
    assert plot.glue("wgan_fid", np.float32(19.25)) == np.float32(19.25)
    (bundle, kwargs), = shown
    text = bundle["application/papermill.record/text/plain"]
    assert format_plain_text(text, ".1f") == "19.2"
    assert kwargs["metadata"]["scrapbook"]["name"] == "wgan_fid"


def test_glue_without_myst_nb_shows_nothing_and_returns_the_value(tmp_path):
    # A student's session (Colab) has no myst-nb; the chapters glue all the same.
    hidden = tmp_path / "myst_nb"
    hidden.mkdir()
    (hidden / "__init__.py").write_text('raise ImportError("no myst-nb here")\n')
    code = ("from ganbook import plot; print(plot._myst_glue is None, "
            "plot.glue('fid', 12.5))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=300, check=True)
    assert result.stdout == "True 12.5\n"


@pytest.mark.parametrize("name, value, error", [
    ("two words", 1.0, ValueError), ("", 1.0, ValueError),
    ("fid", np.zeros(3), TypeError), ("fid", True, TypeError), ("fid", None, TypeError)])
def test_glue_rejects_bad_names_and_values(name, value, error):
    with pytest.raises(error):
        plot.glue(name, value)
