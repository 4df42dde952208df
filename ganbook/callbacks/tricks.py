"""Callbacks that are training tricks: annealed instance noise, historical averaging
(also a penalty), and an exponential moving average of the generator."""

from __future__ import annotations

import keras
import tensorflow as tf

from ganbook._checks import check_non_negative, check_positive_int
from ganbook.models.layers import InstanceNoise


class AnnealInstanceNoise(keras.callbacks.Callback):
    """Lower every ``InstanceNoise`` layer of the discriminator linearly from its initial
    standard deviation to 0 over ``steps`` training steps."""

    def __init__(self, steps: int):
        super().__init__()
        check_positive_int("steps", steps)
        self.steps = steps

    def on_train_batch_begin(self, batch, logs=None):
        remaining = max(0.0, 1.0 - float(self.model.step.numpy()) / self.steps)
        for layer in self.model.discriminator.layers:
            if isinstance(layer, InstanceNoise):
                layer.stddev.assign(layer.initial_stddev * remaining)


class HistoricalAveraging(keras.callbacks.Callback):
    """λ Σ ‖θ - θ̄‖², θ̄ the running mean of a player's past weights (Salimans et al., 2016).

    ``player`` is ``"discriminator"`` or ``"generator"``.  As a callback it updates θ̄
    after every step; as a penalty (``training.Objective(d_penalty=...)`` or ``g_penalty=``)
    it adds the term to that player's loss, pulling it back towards its history.
    """

    def __init__(self, player: str = "discriminator", weight: float = 1e-3):
        super().__init__()
        if player not in ("discriminator", "generator"):
            raise ValueError(f"player must be 'discriminator' or 'generator', got {player!r}")
        self.player, self.weight = player, check_non_negative("weight", weight)
        self.averages: list[tf.Variable] = []
        self.count = tf.Variable(0.0, trainable=False)

    def _variables(self, gan):
        return getattr(gan, self.player).trainable_variables

    def _ensure(self, gan):
        if not self.averages:
            self.averages = [tf.Variable(v, trainable=False) for v in self._variables(gan)]
            self.count.assign(1.0)

    def __call__(self, gan, real, fake) -> tf.Tensor:
        return self.weight * tf.add_n([tf.reduce_sum(tf.square(v - a))
                                       for v, a in zip(self._variables(gan), self.averages)])

    def set_model(self, model):
        super().set_model(model)
        self._ensure(model)

    def on_train_batch_end(self, batch, logs=None):
        self.count.assign_add(1.0)
        for v, a in zip(self._variables(self.model), self.averages):
            a.assign_add((v - a) / self.count)


class GeneratorEMA(keras.callbacks.Callback):
    """An exponential moving average of the generator's weights, updated after every step.

    ``ema`` is a copy of the generator that holds the averages: sample from it instead
    of the generator itself (Karras et al., 2018; Yazıcı et al., 2019).  Batch-norm
    statistics are averaged too.
    """

    def __init__(self, decay: float = 0.999):
        super().__init__()
        if not 0.0 < decay < 1.0:
            raise ValueError(f"decay must be in (0, 1), got {decay}")
        self.decay = decay
        self.ema: keras.Model | None = None

    def set_model(self, model):
        super().set_model(model)
        if self.ema is None:
            self.ema = keras.models.clone_model(model.generator)
            self.ema.set_weights(model.generator.get_weights())

    def on_train_batch_end(self, batch, logs=None):
        for average, current in zip(self.ema.weights, self.model.generator.weights):
            average.assign(self.decay * average + (1.0 - self.decay) * current)
