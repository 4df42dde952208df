"""Differentiable augmentation of every image the discriminator sees (DiffAugment).

``diff_augment`` shifts each image and cuts a hole in it, with operations that pass
gradients to the generator: ``GAN.compile(augment=augment.diff_augment)``.
"""

from __future__ import annotations

import tensorflow as tf


def _translate(images: tf.Tensor, max_shift: int, seed) -> tf.Tensor:
    # Shift each image by up to max_shift pixels in each direction, filling with the
    # background (-1); built from gathers, so gradients reach the images.
    n, h, w = tf.shape(images)[0], images.shape[1], images.shape[2]
    shifts = tf.random.stateless_uniform([2, n], seed=seed, minval=0, maxval=2 * max_shift + 1,
                                         dtype=tf.int32)
    padded = tf.pad(images, [[0, 0], [max_shift, max_shift], [max_shift, max_shift], [0, 0]],
                    constant_values=-1.0)
    rows = shifts[0][:, None] + tf.range(h)[None, :]
    cols = shifts[1][:, None] + tf.range(w)[None, :]
    shifted = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(shifted, cols, axis=2, batch_dims=1)


def _cutout(images: tf.Tensor, size: int, seed) -> tf.Tensor:
    # Blank one size x size square per image (to the background, -1) at a random place.
    n, h, w = tf.shape(images)[0], images.shape[1], images.shape[2]
    corner = tf.random.stateless_uniform([2, n], seed=seed, minval=0, maxval=max(h, w), dtype=tf.int32)
    ys, xs = tf.range(h)[None, :], tf.range(w)[None, :]
    inside_rows = (ys >= corner[0][:, None] - size // 2) & (ys < corner[0][:, None] + (size + 1) // 2)
    inside_cols = (xs >= corner[1][:, None] - size // 2) & (xs < corner[1][:, None] + (size + 1) // 2)
    hole = tf.cast(inside_rows[:, :, None] & inside_cols[:, None, :], images.dtype)[..., None]
    return images * (1.0 - hole) - hole


def diff_augment(images, seed, max_shift: int = 2, cutout: int = 8) -> tf.Tensor:
    """DiffAugment (Zhao et al., 2020) for images in [-1, 1]: a random translation by up to
    ``max_shift`` pixels and a ``cutout`` x ``cutout`` hole, both differentiable.

    The trainer applies it to every image the discriminator sees, real and generated,
    in the discriminator's and the generator's steps, so the generator is not taught
    to draw shifted, holed digits.  ``seed`` is a stateless seed (two integers).
    """
    images = tf.convert_to_tensor(images, tf.float32)
    if images.shape.rank != 4:
        raise ValueError(f"diff_augment reads image batches (N, H, W, C), got shape {images.shape}")
    if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"max_shift must be an integer >= 0, got {max_shift!r}")
    if isinstance(cutout, bool) or not isinstance(cutout, int) or cutout < 0:
        raise ValueError(f"cutout must be an integer >= 0, got {cutout!r}")
    seed = tf.cast(seed, tf.int64)
    if max_shift:
        images = _translate(images, max_shift, seed)
    if cutout:
        images = _cutout(images, cutout, seed + tf.constant([0, 1 << 40], tf.int64))
    return images
