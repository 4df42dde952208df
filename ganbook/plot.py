"""What a chapter shows, in the book and in Colab: image grids, loss curves, tables, and
the numbers its prose quotes (``glue``).

Every function returns a ``matplotlib.figure.Figure`` that is already closed in
pyplot, so a notebook shows it exactly once (as the cell's value, or via
``display(fig)``) and it can also be saved with ``fig.savefig``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

from ganbook._checks import check_positive_int
from ganbook.data import as_unit_images

try:  # the book's build has myst-nb; a student's Colab or Jupyter session need not
    from myst_nb import glue as _myst_glue
except ImportError:
    _myst_glue = None


def glue(name: str, value: Any) -> Any:
    """Hand a computed number (or short text) to the prose as ``{glue:text}`name:.1f```.

    myst-nb pastes it into the rendered page, so the prose never carries a typed result.
    Without myst-nb (Colab, plain Jupyter) nothing is shown: the cell's printed output
    carries the number. NumPy scalars become Python numbers, because myst-nb formats the
    stored text back into a number. Returns ``value`` unchanged.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"glue needs a name made of letters, digits and _, got {name!r}")
    stored = value.item() if isinstance(value, np.generic) else value
    if isinstance(stored, bool) or not isinstance(stored, (int, float, str)):
        raise TypeError(f"glue stores a number or a string, got {type(value).__name__}")
    if _myst_glue is not None:
        _myst_glue(name, stored, display=False)
    return value


def tile_images(images: Any, ncols: int | None = None, pad: int = 1, value_range=None) -> np.ndarray:
    """Arrange a batch into one array of shape (rows*(H+pad)-pad, cols*(W+pad)-pad, C) in [0, 1].

    ``value_range`` states the range of float images (see ``data.as_unit_images``).
    """
    images = as_unit_images(images, value_range)
    n, h, w, c = images.shape
    ncols = ncols or math.ceil(math.sqrt(n))
    check_positive_int("ncols", ncols)
    nrows = math.ceil(n / ncols)
    canvas = np.ones((nrows * (h + pad) - pad, ncols * (w + pad) - pad, c), dtype=np.float32)
    for i, image in enumerate(images):
        r, col = divmod(i, ncols)
        canvas[r * (h + pad): r * (h + pad) + h, col * (w + pad): col * (w + pad) + w] = image
    return canvas


def image_grid(images: Any, ncols: int | None = None, title: str | None = None,
               row_labels: Sequence[str] | None = None, scale: float = 0.6, value_range=None) -> Figure:
    """Show a batch of images (uint8, or floats in ``value_range``; grey or RGB) as one grid.

    ``ncols`` defaults to a square layout; ``row_labels`` names each row (e.g. the class);
    ``scale`` is inches per image.  ``value_range`` is (-1, 1) unless stated, e.g.
    ``value_range=(0, 1)`` for a sigmoid generator (see ``data.as_unit_images``).
    """
    canvas = tile_images(images, ncols, value_range=value_range)
    n = len(np.asarray(images))
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"row_labels has {len(row_labels)} entries for {nrows} rows")
    fig, ax = plt.subplots(figsize=(max(2.0, ncols * scale + (1.2 if row_labels else 0)),
                                    max(2.0, nrows * scale + (0.4 if title else 0))))
    grey = canvas.shape[-1] == 1
    ax.imshow(canvas[..., 0] if grey else canvas, cmap="gray" if grey else None,
              vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    if row_labels is not None:
        row_height = canvas.shape[0] / nrows
        ax.set_yticks([(r + 0.5) * row_height for r in range(nrows)], labels=list(row_labels))
        ax.tick_params(length=0)
    else:
        ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def loss_curves(history: Any, title: str | None = None, xlabel: str = "epoch",
                keys: Sequence[str] | None = None) -> Figure:
    """Plot the curves in ``history`` (a dict of equal-length lists, or a Keras ``History``).

    ``keys`` picks and orders the curves (default: all of them).
    """
    history = getattr(history, "history", history)
    if not isinstance(history, Mapping):
        raise TypeError(f"expected a dict of lists or a keras History, got {type(history).__name__}")
    keys = list(history) if keys is None else list(keys)
    missing = [k for k in keys if k not in history]
    if not keys or missing:
        raise ValueError(f"nothing to plot: keys {missing or keys} not found in {list(history)}")
    series = {}
    for key in keys:
        values = np.asarray(history[key], dtype=np.float64).reshape(-1)
        if values.size == 0:
            raise ValueError(f"history[{key!r}] is empty")
        series[key] = values
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key, values in series.items():
        ax.plot(np.arange(1, values.size + 1), values, label=key, marker="." if values.size < 30 else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("value")
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def animate(fig: Figure, draw_frame: Callable[[int], Any], n_frames: int,
            interval_ms: int = 200):
    """Turn ``draw_frame(i)`` for ``i`` in ``range(n_frames)`` into an inline animation.

    The result is HTML with JavaScript controls: it plays in Jupyter, in Colab and in
    the rendered book, with no video encoder needed.  ``fig`` is closed afterwards,
    also when this raises.
    """
    from IPython.display import HTML

    try:
        check_positive_int("n_frames", n_frames)
        animation = FuncAnimation(fig, draw_frame, frames=n_frames, interval=interval_ms)
        return HTML(animation.to_jshtml(default_mode="once"))
    finally:
        plt.close(fig)  # also on error: the figure must never be shown a second time


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str], digits: int = 4):
    """A Markdown table of ``rows`` under ``headers`` that renders in Jupyter, Colab and the book.

    Floats are shown with ``digits`` significant digits; other values with ``str``.
    """
    from IPython.display import Markdown

    if any(len(row) != len(headers) for row in rows):
        raise ValueError(f"every row needs {len(headers)} cells, one per header")

    def cell(value: Any) -> str:
        if isinstance(value, (float, np.floating)):
            return f"{value:.{digits}g}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(map(cell, headers)) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return Markdown("\n".join(lines))


def animate_grids(frames: Sequence[Any], titles: Sequence[str] | None = None,
                  ncols: int | None = None, scale: float = 0.5, interval_ms: int = 250,
                  value_range=None):
    """An inline animation with one image grid per frame (e.g. ``callbacks.Snapshots.frames``).

    Each frame is a batch of images as ``image_grid`` accepts them; ``titles`` labels
    the frames (e.g. the training step).  Plays in Jupyter, Colab and the book.
    ``value_range`` states the range of float images (see ``data.as_unit_images``).
    """
    if len(frames) == 0:
        raise ValueError("frames is empty: nothing to animate")
    if titles is not None and len(titles) != len(frames):
        raise ValueError(f"{len(titles)} titles for {len(frames)} frames")
    canvases = [tile_images(frame, ncols, value_range=value_range) for frame in frames]
    if any(c.shape != canvases[0].shape for c in canvases):
        raise ValueError("every frame must hold the same number of images of the same shape")
    grey = canvases[0].shape[-1] == 1
    n = len(np.asarray(frames[0]))
    cols = ncols or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    fig, ax = plt.subplots(figsize=(max(2.5, cols * scale), max(2.5, rows * scale + 0.4)))
    shown = ax.imshow(canvases[0][..., 0] if grey else canvases[0], cmap="gray" if grey else None,
                      vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.axis("off")

    def draw(i):
        shown.set_data(canvases[i][..., 0] if grey else canvases[i])
        if titles is not None:
            ax.set_title(titles[i])
        return (shown,)

    draw(0)
    fig.tight_layout()
    return animate(fig, draw, len(frames), interval_ms)
