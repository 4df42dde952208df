"""Penalties added to a player's loss: ``GAN.compile(d_penalty=..., g_penalty=...)``.

A penalty is a callable ``penalty(gan, real, fake) -> scalar``: ``R1Penalty`` (the
discriminator's slope on real data), ``callbacks.HistoricalAveraging`` (also a callback,
which keeps the running mean of the weights), and ``combine_penalties`` to add several.
WGAN-GP's gradient penalty is built into the trainer (``gradient_penalty_weight``).
"""

from __future__ import annotations

from typing import Callable

import tensorflow as tf

from ganbook._checks import check_non_negative


class R1Penalty:
    """(γ/2) E_x ‖∇_x D(x)‖² on real images (Mescheder et al., 2018): the discriminator is
    penalised for a steep slope where the data is, which damps the oscillation of the
    plain game.  Use as ``GAN.compile(d_penalty=R1Penalty(gamma))``."""

    def __init__(self, gamma: float = 10.0):
        self.gamma = check_non_negative("gamma", gamma)

    def __call__(self, gan, real, fake) -> tf.Tensor:
        real = tf.convert_to_tensor(real, tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(real)
            scores = gan.discriminator(real, training=True)
        grads = tape.gradient(scores, real)
        squared = tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1)
        return 0.5 * self.gamma * tf.reduce_mean(squared)


def combine_penalties(*penalties: Callable) -> Callable | None:
    """One penalty that adds up ``penalties`` (each ``f(gan, real, fake)``), or None if there are none."""
    if not penalties:
        return None
    return lambda gan, real, fake: tf.add_n([p(gan, real, fake) for p in penalties])
