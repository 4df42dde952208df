"""Generator and discriminator factories, each checked for the shapes it promises.

Discriminators return one raw output per example (a logit, or a critic score), never
a probability: the losses in ``ganbook.losses`` apply the sigmoid themselves, which
is numerically stable.  Generators of images end in tanh, so images are in [-1, 1].
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from ganbook._checks import check_positive_int


def _check_shape(model: keras.Model, expected: tuple) -> keras.Model:
    """Raise unless ``model``'s output shape (batch axis excluded) is ``expected``."""
    got = tuple(model.output_shape[1:])
    if got != tuple(expected):
        raise ValueError(f"{model.name} produces shape {got}, expected {tuple(expected)}")
    return model


# --------------------------------------------------------------------------- multilayer perceptrons


def make_mlp(input_dim: int, output_dim: int, hidden: Sequence[int] = (128, 128),
             activation: str = "relu", output_activation: str | None = None,
             name: str = "mlp") -> keras.Model:
    """A fully connected network ``input_dim -> hidden... -> output_dim``.

    Used as a generator (noise in, sample out) or a discriminator (sample in, one
    logit out) for the toy problems and the MLP GAN.
    """
    check_positive_int("input_dim", input_dim)
    check_positive_int("output_dim", output_dim)
    for width in hidden:
        check_positive_int("every hidden width", width)
    model = keras.Sequential([keras.Input((input_dim,))], name=name)
    for width in hidden:
        model.add(layers.Dense(width, activation=activation))
    model.add(layers.Dense(output_dim, activation=output_activation))
    return _check_shape(model, (output_dim,))


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


# --------------------------------------------------------------------------- DCGAN for 28x28 images


def make_dcgan_generator(latent_dim: int = 16, width: int = 16, channels: int = 1) -> keras.Model:
    """DCGAN generator for 28x28 images (Radford et al., 2015, sized down).

    ``z -> dense 7x7x(4·width) -> [BN, ReLU] -> transposed conv 4x4/2 to 14x14x(2·width)
    -> [BN, ReLU] -> transposed conv 4x4/2 to 28x28xwidth -> [BN, ReLU] -> conv 3x3 to
    28x28xchannels -> tanh``.
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("width", width)
    model = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 4 * width, use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Reshape((7, 7, 4 * width)),
        layers.Conv2DTranspose(2 * width, 4, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Conv2D(channels, 3, padding="same", activation="tanh"),
    ], name="dcgan_generator")
    return _check_shape(model, (28, 28, channels))


def make_upsampling_generator(latent_dim: int = 64, width: int = 64, channels: int = 1) -> keras.Model:
    """Generator that upsamples by repetition, then convolves (the design of Keras'
    early DCGAN examples): ``z -> dense 7x7x(2·width) -> BN, tanh -> [upsample x2,
    conv 5x5, tanh] -> upsample x2 -> conv 5x5 to channels -> tanh``.
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("width", width)
    model = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 2 * width),
        layers.BatchNormalization(),
        layers.Activation("tanh"),
        layers.Reshape((7, 7, 2 * width)),
        layers.UpSampling2D(),
        layers.Conv2D(width, 5, padding="same", activation="tanh"),
        layers.UpSampling2D(),
        layers.Conv2D(channels, 5, padding="same", activation="tanh"),
    ], name="upsampling_generator")
    return _check_shape(model, (28, 28, channels))


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


def make_dcgan_discriminator(width: int = 32, channels: int = 1,
                             minibatch_stddev: bool = False) -> keras.Model:
    """DCGAN discriminator for 28x28 images: strided convolutions and LeakyReLU(0.2), no pooling.

    ``image -> conv 4x4/2 to 14x14xwidth -> conv 4x4/2 to 7x7x(2·width) -> conv 3x3/2
    to 4x4x(4·width)``, each followed by LeakyReLU, ``-> flatten -> one logit``.
    ``minibatch_stddev`` inserts a ``MinibatchStddev`` feature before the last convolution.
    """
    check_positive_int("width", width)
    model = keras.Sequential([
        keras.Input((28, 28, channels)),
        layers.Conv2D(width, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Conv2D(2 * width, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        *([MinibatchStddev()] if minibatch_stddev else []),
        layers.Conv2D(4 * width, 3, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Flatten(),
        layers.Dense(1),
    ], name="dcgan_discriminator")
    return _check_shape(model, (1,))


# --------------------------------------------------------------------------- semi-supervised GAN (K+1 classes)


def make_ssgan_mlp_classifier(num_classes: int = 10, image_shape: tuple = (28, 28, 1),
                              hidden: Sequence[int] = (1000, 500, 250, 250, 250),
                              input_noise: float = 0.3, hidden_noise: float = 0.5) -> keras.Model:
    """The semi-supervised discriminator of Salimans et al. (2016) for MNIST: a classifier.

    ``image -> flatten -> Gaussian noise -> [weight-normalised dense, ReLU, Gaussian
    noise] per hidden width -> weight-normalised dense to num_classes logits``, for
    images in [0, 1] as in the paper.  It returns ``[logits, features]``; the features
    are the last hidden layer's ReLU output before its noise (what feature matching
    compares, as in the paper's code).  The noise is active in training only.
    """
    check_positive_int("num_classes", num_classes)
    for width in hidden:
        check_positive_int("every hidden width", width)
    if not hidden:
        raise ValueError("hidden must name at least one layer width: the features come from it")
    if input_noise < 0 or hidden_noise < 0:
        raise ValueError(f"noise levels must be >= 0, got {input_noise} and {hidden_noise}")
    inputs = keras.Input(image_shape)
    x = layers.GaussianNoise(input_noise)(layers.Flatten()(inputs))
    for width in hidden:
        features = WeightNormDense(width, activation="relu")(x)
        x = layers.GaussianNoise(hidden_noise)(features)
    logits = WeightNormDense(num_classes)(x)
    return keras.Model(inputs, [logits, features], name="ssgan_mlp_classifier")


def make_ssgan_mlp_generator(latent_dim: int = 100, image_shape: tuple = (28, 28, 1),
                             hidden: Sequence[int] = (500, 500)) -> keras.Model:
    """The generator of Salimans et al. (2016) for MNIST: ``z -> [dense, batch norm,
    softplus] per hidden width -> dense -> sigmoid``, reshaped to ``image_shape``.

    Its images are in [0, 1], like the paper's (and unlike the book's tanh generators).
    """
    check_positive_int("latent_dim", latent_dim)
    for width in hidden:
        check_positive_int("every hidden width", width)
    model = keras.Sequential([keras.Input((latent_dim,))], name="ssgan_mlp_generator")
    for width in hidden:
        model.add(layers.Dense(width, use_bias=False))
        model.add(layers.BatchNormalization())
        model.add(layers.Activation("softplus"))
    model.add(layers.Dense(int(np.prod(image_shape)), activation="sigmoid"))
    model.add(layers.Reshape(image_shape))
    return _check_shape(model, image_shape)


# --------------------------------------------------------------------------- the TensorFlow tutorial's DCGAN


def make_tutorial_generator(latent_dim: int = 100) -> keras.Model:
    """The generator of the official TensorFlow DCGAN tutorial, re-implemented.

    Dense 7x7x256, then transposed convolutions with 5x5 kernels to 128, 64 and 1
    channels, batch norm and LeakyReLU between them, tanh at the end.
    """
    check_positive_int("latent_dim", latent_dim)
    model = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 256, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ], name="tutorial_generator")
    return _check_shape(model, (28, 28, 1))


def make_tutorial_discriminator() -> keras.Model:
    """The discriminator of the official TensorFlow DCGAN tutorial, re-implemented.

    Two 5x5 strided convolutions (64 and 128 filters) with LeakyReLU and dropout 0.3,
    then one logit.
    """
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Flatten(),
        layers.Dense(1),
    ], name="tutorial_discriminator")
    return _check_shape(model, (1,))

