"""The book's optimizer set-up: a learning rate that decays to 0 on a cosine, and Adam with it."""

from __future__ import annotations

import keras
import numpy as np

from ganbook._checks import check_positive_int


def decayed_rate(learning_rate: float, steps: int | None):
    """A learning rate falling from ``learning_rate`` to 0 over ``steps`` updates
    (``keras.optimizers.schedules.CosineDecay``), for any Keras optimizer; with
    ``steps=None``, ``learning_rate`` itself, constant."""
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
    if steps is None:
        return learning_rate
    check_positive_int("steps", steps, (int, np.integer))
    return keras.optimizers.schedules.CosineDecay(learning_rate, int(steps))


def decayed_adam(learning_rate: float, steps: int | None, beta_1: float = 0.5, beta_2: float = 0.999,
                 **options) -> keras.optimizers.Adam:
    """Adam with ``beta_1``, ``beta_2``, its rate from ``decayed_rate(learning_rate, steps)``.
    ``options`` go to ``keras.optimizers.Adam`` (``global_clipnorm``, ...)."""
    return keras.optimizers.Adam(decayed_rate(learning_rate, steps), beta_1=beta_1, beta_2=beta_2, **options)
