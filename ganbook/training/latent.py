"""Latent vectors of a GAN: noise from its prior, then its continuous and categorical codes."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

PRIORS = ("normal", "uniform")


def seed_offset(seed: tf.Tensor, k: int) -> tf.Tensor:
    """A stateless seed of its own for the k-th random draw that shares ``seed`` (two int64s)."""
    return seed + tf.constant([0, k << 40], tf.int64)


class LatentSampling:
    """How ``GAN`` draws its latent vectors: ``[noise, continuous codes, one-hot code]``.

    A mixin: it reads the GAN's ``latent_dim``, ``prior``, ``codes``, ``code_scale`` and
    ``continuous_codes``, which ``GAN.__init__`` checks and sets.
    """

    def sample_noise(self, n, seed, category=None, continuous=None) -> tf.Tensor:
        """``n`` latent vectors from the prior, drawn statelessly with ``seed`` (two integers).

        With a code, ``category`` (an integer, or one per vector) fixes the categories
        instead of drawing them; with continuous codes, ``continuous`` (one value per
        code, or an array of shape (n, continuous_codes)) fixes their values.
        """
        n = tf.cast(n, tf.int32)
        shape = tf.stack([n, self.latent_dim - self.codes - self.continuous_codes])
        if self.prior == "normal":
            noise = tf.random.stateless_normal(shape, seed=seed)
        else:
            noise = tf.random.stateless_uniform(shape, seed=seed, minval=-1.0, maxval=1.0)
        if category is not None and not self.codes:
            raise ValueError("category needs a GAN with a code (codes > 0)")
        if continuous is not None and not self.continuous_codes:
            raise ValueError("continuous needs a GAN with continuous codes (continuous_codes > 0)")
        parts = [noise]
        if self.continuous_codes:
            parts.append(self._continuous_code(n, seed, continuous))
        if self.codes:
            parts.append(self._code(n, seed, category))
        return tf.concat(parts, axis=1) if len(parts) > 1 else noise

    def _continuous_code(self, n, seed, values) -> tf.Tensor:
        # The continuous codes: `values` checked and broadcast, or U[-1, 1] draws with a
        # seed of their own.
        if values is None:
            shape = tf.stack([n, self.continuous_codes])
            return tf.random.stateless_uniform(shape, seed=seed_offset(tf.cast(seed, tf.int64), 4),
                                               minval=-1.0, maxval=1.0)
        values = np.asarray(values, dtype=np.float64)
        wanted = (int(n), self.continuous_codes)
        try:
            values = np.broadcast_to(values, wanted)
        except ValueError:
            raise ValueError(f"continuous must be {self.continuous_codes} values or an array of shape {wanted}, "
                             f"got shape {values.shape}") from None
        if not np.isfinite(values).all():
            raise ValueError("continuous codes must be finite numbers")
        return tf.constant(values, tf.float32)

    def _code(self, n, seed, category) -> tf.Tensor:
        # The scaled one-hot codes of `category`, or of categories drawn with a seed of
        # their own, so that the continuous part does not depend on the code.
        if category is None:
            # floor(u * codes) draws what tf.random.stateless_categorical draws for equal
            # logits, but compiles with XLA as well.
            code_seed = seed_offset(tf.cast(seed, tf.int64), 1)
            u = tf.random.stateless_uniform(tf.reshape(n, [1]), seed=code_seed, dtype=tf.float64)
            category = tf.cast(tf.floor(u * self.codes), tf.int32)
        else:
            category = np.broadcast_to(category, (int(n),))
            if not (np.issubdtype(category.dtype, np.integer)
                    and ((category >= 0) & (category < self.codes)).all()):
                raise ValueError(f"category must be integers in 0..{self.codes - 1}, "
                                 f"got {sorted(set(category.tolist()))}")
        return self.code_scale * tf.one_hot(category, self.codes)

    @property
    def continuous_columns(self) -> slice:
        """Where the continuous codes sit in a latent vector (an empty slice without them)."""
        end = self.latent_dim - self.codes
        return slice(end - self.continuous_codes, end)

    def continuous_code_of(self, z) -> np.ndarray:
        """The continuous codes of each latent vector in ``z``, shape (N, continuous_codes)
        (N × 0 for a GAN without them)."""
        return np.asarray(z)[:, self.continuous_columns]

    def code_of(self, z) -> np.ndarray:
        """The category of each latent vector in ``z`` (a GAN with a code)."""
        if not self.codes:
            raise ValueError("code_of needs a GAN with a code (codes > 0)")
        return np.argmax(np.asarray(z)[:, -self.codes:], axis=1)
