"""The book's one optimizer set-up: Adam whose learning rate decays to 0 on a cosine."""

from __future__ import annotations

import keras
import numpy as np

from ganbook._checks import check_positive_int


def decayed_adam(learning_rate: float, steps: int | None, beta_1: float = 0.5, beta_2: float = 0.999,
                 **options) -> keras.optimizers.Adam:
    """Adam with ``beta_1``, ``beta_2``, its rate falling from ``learning_rate`` to 0 over
    ``steps`` updates (``keras.optimizers.schedules.CosineDecay``); ``steps=None`` keeps the
    rate constant.  ``options`` go to ``keras.optimizers.Adam`` (``global_clipnorm``, ...).
    """
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
    rate = learning_rate
    if steps is not None:
        check_positive_int("steps", steps, (int, np.integer))
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, int(steps))
    return keras.optimizers.Adam(rate, beta_1=beta_1, beta_2=beta_2, **options)
