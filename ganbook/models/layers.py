"""Custom Keras layers of the book's networks, and how the factories stack layers.

Besides the chapters' own layers (``WeightNormDense``, ``MinibatchStddev``,
``PixelShuffle``), the layers that are training tricks for the discriminator:
``MinibatchDiscrimination``, ``InstanceNoise`` (annealed by
``callbacks.AnnealInstanceNoise``), ``Pack`` (PacGAN) and ``spectral_norm`` (Keras' own
wrapper); and the generator's ``NoiseDropout``.
The generator's ``VirtualBatchNorm`` is in ``models.virtual_batch``.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from ganbook._checks import check_non_negative, check_output_shape, check_positive_int


@keras.saving.register_keras_serializable(package="ganbook")
class WeightNormDense(layers.Layer):
    """A dense layer with weight normalisation (Salimans & Kingma, 2016).

    Each output unit j computes ``g_j · (x · v_j) / ‖v_j‖ + b_j``: the direction ``v_j``
    and the length ``g_j`` of its weight vector are separate parameters, which makes
    the gradient steps better conditioned without batch statistics.
    """

    def __init__(self, units: int, activation=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.v = self.add_weight(shape=(input_shape[-1], self.units), name="v",
                                 initializer=keras.initializers.RandomNormal(stddev=0.05))
        self.g = self.add_weight(shape=(self.units,), name="g", initializer="ones")
        self.b = self.add_weight(shape=(self.units,), name="b", initializer="zeros")

    def call(self, x):
        from keras import ops

        direction = self.v / ops.sqrt(ops.sum(ops.square(self.v), axis=0, keepdims=True))
        return self.activation(ops.matmul(x, direction) * self.g + self.b)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation)}


@keras.saving.register_keras_serializable(package="ganbook")
class MinibatchStddev(layers.Layer):
    """Append one feature map: the standard deviation of each feature over the batch,
    averaged over features and positions (Karras et al., 2018).

    A discriminator that sees it can tell a batch of near-identical fakes from a varied
    real batch, which pushes the generator towards variety.
    """

    def call(self, x):
        from keras import ops

        spread = ops.mean(ops.sqrt(ops.var(x, axis=0) + 1e-8))
        return ops.concatenate([x, ops.ones_like(x[..., :1]) * spread], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


@keras.saving.register_keras_serializable(package="ganbook")
class PixelShuffle(layers.Layer):
    """Upsample by ``scale`` by moving channels into space (Shi et al., 2016):
    (H, W, C·scale²) -> (H·scale, W·scale, C).  After a convolution, an alternative to
    a transposed convolution that cannot leave checkerboard patterns from uneven overlap."""

    def __init__(self, scale: int = 2, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("scale", scale)
        self.scale = scale

    def call(self, x):
        return tf.nn.depth_to_space(x, self.scale)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        scale = self.scale
        return (n, None if h is None else h * scale, None if w is None else w * scale, c // scale ** 2)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def stack(input_shape: tuple, body: list, head: list, features: bool, name: str,
          output_shape: tuple) -> keras.Model:
    """``body`` then ``head`` as one network checked to output ``output_shape``; with
    ``features`` it returns ``[output, body's output]`` (for feature matching)."""
    if not features:
        return check_output_shape(keras.Sequential([keras.Input(input_shape), *body, *head], name=name),
                                  output_shape)
    inputs = keras.Input(input_shape)
    x = inputs
    for layer in body:
        x = layer(x)
    hidden = x
    for layer in head:
        x = layer(x)
    return keras.Model(inputs, [x, hidden], name=name)


@keras.saving.register_keras_serializable(package="ganbook")
class MinibatchDiscrimination(layers.Layer):
    """Features that tell the discriminator how alike the examples of a batch are (Salimans et al., 2016).

    A learned tensor T maps each example's features x_i (A numbers) to ``num_kernels``
    rows of ``kernel_dim`` numbers, M_i.  For each kernel b, o_b(x_i) = Σ_{j≠i}
    exp(-‖M_i,b - M_j,b‖₁): large when other examples lie close to x_i.  The layer
    returns [x, o] (A + num_kernels features), so a batch of near-identical fakes looks
    different from a varied real batch.  Inputs of shape (N, A).
    """

    def __init__(self, num_kernels: int = 50, kernel_dim: int = 5, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("num_kernels", num_kernels)
        check_positive_int("kernel_dim", kernel_dim)
        self.num_kernels, self.kernel_dim = num_kernels, kernel_dim

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"MinibatchDiscrimination reads flat features (N, A), got {input_shape}")
        self.kernel = self.add_weight(shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
                                      initializer=keras.initializers.RandomNormal(stddev=0.05),
                                      name="kernel")

    def call(self, x):
        rows = tf.reshape(tf.matmul(x, self.kernel), [-1, self.num_kernels, self.kernel_dim])
        distances = tf.reduce_sum(tf.abs(rows[:, None] - rows[None, :]), axis=-1)  # (N, N, B)
        closeness = tf.exp(-distances)
        others = tf.reduce_sum(closeness, axis=1) - 1.0  # exp(0) = 1 is the example itself
        return tf.concat([x, others], axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + self.num_kernels)

    def get_config(self):
        return {**super().get_config(), "num_kernels": self.num_kernels, "kernel_dim": self.kernel_dim}


@keras.saving.register_keras_serializable(package="ganbook")
class NoiseDropout(layers.Dropout):
    """Dropout that stays on when the model is called with ``training=False``.

    Dropout in a generator is a source of noise, used at training and at sampling time
    alike (pix2pix; ganhacks' tip 17, "dropout in G in both train and test phase"); a
    plain ``Dropout`` would sample from a network the discriminator never saw. Samples
    from a generator with it differ from call to call, even for the same ``z``.
    """

    def call(self, inputs, training=None):
        return super().call(inputs, training=True)


@keras.saving.register_keras_serializable(package="ganbook")
class InstanceNoise(layers.Layer):
    """Gaussian noise of standard deviation ``stddev`` added to the discriminator's input
    in training (Sønderby et al., 2017), real and generated images alike.

    Noise widens both distributions until they overlap, so the discriminator cannot
    separate them perfectly and its gradients stay informative.  ``stddev`` is a
    variable: ``AnnealInstanceNoise`` lowers it to 0 during training.
    """

    def __init__(self, stddev: float = 0.1, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.initial_stddev = check_non_negative("stddev", stddev)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.stddev = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.initial_stddev),
                                      trainable=False, name="stddev")

    def call(self, x, training=False):
        if not training:
            return x
        return x + self.stddev * keras.random.normal(tf.shape(x), seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "stddev": self.initial_stddev}


@keras.saving.register_keras_serializable(package="ganbook")
class Pack(layers.Layer):
    """PacGAN's packing (Lin et al., 2018): ``m`` examples of a batch judged as one.

    (N, H, W, C) -> (N/m, H, W, m·C): consecutive examples are joined along the
    channels, so the discriminator scores m samples at once and a generator that draws
    the same sample again and again gives itself away.  The first layer of a packing
    discriminator; N must be a multiple of m.
    """

    def __init__(self, m: int = 2, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("m", m)
        self.m = m

    def call(self, x):
        shape = tf.shape(x)
        tf.debugging.assert_equal(shape[0] % self.m, 0, message=f"a packing discriminator needs a batch "
                                  f"size that is a multiple of {self.m}")
        grouped = tf.reshape(x, [shape[0] // self.m, self.m, shape[1], shape[2], shape[3]])
        joined = tf.transpose(grouped, [0, 2, 3, 1, 4])  # (N/m, H, W, m, C)
        return tf.reshape(joined, [shape[0] // self.m, shape[1], shape[2], self.m * x.shape[-1]])

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (None if n is None else n // self.m, h, w, self.m * c)

    def get_config(self):
        return {**super().get_config(), "m": self.m}


def spectral_norm(layer: layers.Layer, power_iterations: int = 1) -> layers.Layer:
    """``layer`` with spectral normalisation (Miyato et al., 2018): its kernel is divided
    by its largest singular value, estimated by power iteration (Keras' own wrapper)."""
    check_positive_int("power_iterations", power_iterations)
    return layers.SpectralNormalization(layer, power_iterations=power_iterations)
