"""Penalties added to a player's loss: ``training.Objective(d_penalty=..., g_penalty=...)``.

A penalty is a callable ``penalty(gan, real, fake) -> scalar``: ``R1Penalty`` and
``R2Penalty`` (the discriminator's slope on real and on generated data),
``callbacks.HistoricalAveraging`` (also a callback, which keeps the running mean of the
weights), and ``combine_penalties`` to add several.
WGAN-GP's gradient penalty has its own weight in the objective (``gradient_penalty``).
"""

from __future__ import annotations

from typing import Callable

import tensorflow as tf

from ganbook._checks import check_non_negative


def slope_penalty(discriminator, images, gamma: float) -> tf.Tensor:
    """(γ/2) E ‖∇_x D(x)‖² over ``images``: the mean squared slope of D's score there."""
    images = tf.convert_to_tensor(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(images)
        scores = discriminator(images, training=True)
    grads = tape.gradient(scores, images)
    squared = tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1)
    return 0.5 * gamma * tf.reduce_mean(squared)


class R1Penalty:
    """(γ/2) E_x ‖∇_x D(x)‖² on real images (Mescheder et al., 2018): the discriminator is
    penalised for a steep slope where the data is, which damps the oscillation of the
    plain game.  Use as ``training.Objective(d_penalty=R1Penalty(gamma))``."""

    def __init__(self, gamma: float = 10.0):
        self.gamma = check_non_negative("gamma", gamma)

    def __call__(self, gan, real, fake) -> tf.Tensor:
        return slope_penalty(gan.discriminator, real, self.gamma)


class R2Penalty(R1Penalty):
    """(γ/2) E ‖∇_x D(x)‖² on generated images: R1's twin on the generator's side.
    R3GAN (Huang et al., 2024) uses both, so that D is smooth around the data and
    around the generator's samples alike."""

    def __call__(self, gan, real, fake) -> tf.Tensor:
        return slope_penalty(gan.discriminator, fake, self.gamma)


def combine_penalties(*penalties: Callable) -> Callable | None:
    """One penalty that adds up ``penalties`` (each ``f(gan, real, fake)``), or None if there are none."""
    if not penalties:
        return None
    return lambda gan, real, fake: tf.add_n([p(gan, real, fake) for p in penalties])
