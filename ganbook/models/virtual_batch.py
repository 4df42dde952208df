"""Virtual batch normalisation for a generator: the layer, and the model that feeds it.

``VirtualBatchNorm`` normalises each sample with the statistics of a fixed reference
batch plus itself; ``VirtualBatchGenerator`` runs the reference noise through the
network beside every batch (Salimans et al., 2016).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganbook._checks import check_positive_int


@keras.saving.register_keras_serializable(package="ganbook")
class VirtualBatchNorm(layers.Layer):
    """Virtual batch normalisation (Salimans et al., 2016) for a generator.

    Batch norm makes every sample depend on the others in its batch.  VBN normalises each
    example with the statistics of a fixed **reference batch** plus the example itself:
    mean and mean square are (1 - w) · reference + w · example, w = 1 / (reference_size + 1),
    taken over the batch and, for feature maps, the positions.  The reference examples
    travel with every batch as its first ``reference_size`` rows (``VirtualBatchGenerator``
    puts them there and takes them off the output); learned scale and offset follow.
    """

    def __init__(self, reference_size: int, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("reference_size", reference_size)
        self.reference_size, self.epsilon = reference_size, float(epsilon)

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="beta")

    def call(self, x):
        positions = list(range(1, len(x.shape) - 1))
        reference = x[:self.reference_size]
        ref_mean = tf.reduce_mean(reference, axis=[0, *positions])
        ref_square = tf.reduce_mean(tf.square(reference), axis=[0, *positions])
        own_mean = tf.reduce_mean(x, axis=positions, keepdims=True) if positions else x
        own_square = tf.reduce_mean(tf.square(x), axis=positions, keepdims=True) if positions else tf.square(x)
        w = 1.0 / (self.reference_size + 1)
        mean = (1 - w) * ref_mean + w * own_mean
        variance = (1 - w) * ref_square + w * own_square - tf.square(mean)
        return self.gamma * (x - mean) * tf.math.rsqrt(variance + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "reference_size": self.reference_size, "epsilon": self.epsilon}


class VirtualBatchGenerator(keras.Model):
    """A generator with ``VirtualBatchNorm`` layers, fed its fixed reference noise with every batch.

    ``network`` maps noise to samples and contains VBN layers built for
    ``len(reference_noise)`` reference rows; calling this model on ``z`` runs
    ``network`` on ``[reference_noise; z]`` and returns the rows of ``z`` only.
    """

    def __init__(self, network: keras.Model, reference_noise, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        reference_noise = np.asarray(reference_noise, np.float32)
        sizes = {layer.reference_size for layer in network.layers if isinstance(layer, VirtualBatchNorm)}
        if sizes != {len(reference_noise)}:
            raise ValueError(f"the network's VirtualBatchNorm layers expect reference batches of sizes "
                             f"{sorted(sizes)}, got {len(reference_noise)} reference noise vectors")
        self.reference_size = len(reference_noise)
        self.reference_noise = self.add_weight(shape=reference_noise.shape, trainable=False,
                                               initializer=keras.initializers.Constant(reference_noise),
                                               name="reference_noise")
        self.built = True

    @property
    def input_shape(self):
        return self.network.input_shape

    @property
    def output_shape(self):
        return self.network.output_shape

    def call(self, z, training=False):
        both = self.network(tf.concat([self.reference_noise, z], axis=0), training=training)
        return both[self.reference_size:]
