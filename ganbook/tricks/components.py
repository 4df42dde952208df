"""The tricks themselves: layers, callbacks, penalties, an augmentation and a loss.

The classic tips of Salimans et al. (2016) and the modern defaults that followed them,
each written once, to plug into the one trainer, ``training.GAN``:

- layers for the discriminator: ``MinibatchDiscrimination``, ``InstanceNoise`` (with the
  ``AnnealInstanceNoise`` callback), ``spectral_norm`` (Keras' own wrapper); for the
  generator: ``VirtualBatchNorm`` inside a ``VirtualBatchGenerator``;
- penalties added to a player's loss (``GAN.compile(d_penalty=..., g_penalty=...)``):
  ``R1Penalty``, ``HistoricalAveraging`` (also a callback that keeps the running mean);
- ``diff_augment``: differentiable augmentation of every image the discriminator sees;
- ``GeneratorEMA``: an exponential moving average of the generator's weights;
- losses: ``two_sided_bce_d_loss``; one-sided smoothing is ``losses.bce_d_loss(real_label=)``.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganbook import losses
from ganbook._checks import check_positive_int


def _check_non_negative(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)


# --------------------------------------------------------------------------- layers


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


class InstanceNoise(layers.Layer):
    """Gaussian noise of standard deviation ``stddev`` added to the discriminator's input
    in training (Sønderby et al., 2017), real and generated images alike.

    Noise widens both distributions until they overlap, so the discriminator cannot
    separate them perfectly and its gradients stay informative.  ``stddev`` is a
    variable: ``AnnealInstanceNoise`` lowers it to 0 during training.
    """

    def __init__(self, stddev: float = 0.1, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.initial_stddev = _check_non_negative("stddev", stddev)
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


def spectral_norm(layer: layers.Layer, power_iterations: int = 1) -> layers.Layer:
    """``layer`` with spectral normalisation (Miyato et al., 2018): its kernel is divided
    by its largest singular value, estimated by power iteration (Keras' own wrapper)."""
    check_positive_int("power_iterations", power_iterations)
    return layers.SpectralNormalization(layer, power_iterations=power_iterations)


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


# --------------------------------------------------------------------------- penalties


class R1Penalty:
    """(γ/2) E_x ‖∇_x D(x)‖² on real images (Mescheder et al., 2018): the discriminator is
    penalised for a steep slope where the data is, which damps the oscillation of the
    plain game.  Use as ``GAN.compile(d_penalty=R1Penalty(gamma))``."""

    def __init__(self, gamma: float = 10.0):
        self.gamma = _check_non_negative("gamma", gamma)

    def __call__(self, gan, real, fake) -> tf.Tensor:
        real = tf.convert_to_tensor(real, tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(real)
            scores = gan.discriminator(real, training=True)
        grads = tape.gradient(scores, real)
        squared = tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1)
        return 0.5 * self.gamma * tf.reduce_mean(squared)


class HistoricalAveraging(keras.callbacks.Callback):
    """λ Σ ‖θ - θ̄‖², θ̄ the running mean of a player's past weights (Salimans et al., 2016).

    ``player`` is ``"discriminator"`` or ``"generator"``.  As a callback it updates θ̄
    after every step; as a penalty (``GAN.compile(d_penalty=...)`` or ``g_penalty=``)
    it adds the term to that player's loss, pulling it back towards its history.
    """

    def __init__(self, player: str = "discriminator", weight: float = 1e-3):
        super().__init__()
        if player not in ("discriminator", "generator"):
            raise ValueError(f"player must be 'discriminator' or 'generator', got {player!r}")
        self.player, self.weight = player, _check_non_negative("weight", weight)
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


# --------------------------------------------------------------------------- augmentation


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


# --------------------------------------------------------------------------- the generator's average


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


# --------------------------------------------------------------------------- losses


def two_sided_bce_d_loss(real_logits, fake_logits, real_label: float = 0.9,
                         fake_label: float = 0.1) -> tf.Tensor:
    """Binary cross-entropy with smoothed targets on both sides: ``real_label`` for real
    and ``fake_label`` for generated logits.

    Shown for contrast: the optimal discriminator becomes (α p_data + β p_g) / (p_data + p_g),
    which no longer falls to 0 where only the generator puts samples, so those samples
    are not pushed away.  One-sided smoothing (β = 0) is ``losses.bce_d_loss(real_label=)``.
    """
    if not 0.5 < real_label <= 1.0:
        raise ValueError(f"real_label must be in (0.5, 1], got {real_label}")
    if not 0.0 <= fake_label < 0.5:
        raise ValueError(f"fake_label must be in [0, 0.5), got {fake_label}")
    real = losses._outputs(real_logits, "real_logits")
    fake = losses._outputs(fake_logits, "fake_logits")
    real_term = tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(real), real_label), real)
    fake_term = tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(fake), fake_label), fake)
    return tf.reduce_mean(real_term) + tf.reduce_mean(fake_term)
