"""Convolutional networks for 28x28 images: the DCGAN family and the TensorFlow tutorial's.

The DCGAN factories take the options the Training tricks chapter switches one at a
time; their defaults build the Keras DCGAN chapter's networks.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ganbook._checks import check_output_shape, check_positive_int
from ganbook.models.layers import (
    InstanceNoise,
    MinibatchDiscrimination,
    MinibatchStddev,
    NoiseDropout,
    Pack,
    PixelShuffle,
    stack,
)
from ganbook.models.layers import spectral_norm as spectrally_normalised
from ganbook.models.virtual_batch import VirtualBatchGenerator, VirtualBatchNorm

UPSAMPLING = ("transposed", "pixel_shuffle")
DOWNSAMPLING = ("strided", "max_pool", "avg_pool")
POOLS = {"max_pool": layers.MaxPooling2D, "avg_pool": layers.AveragePooling2D}
OUTPUTS = {"tanh": "tanh", "sigmoid": "sigmoid"}
ACTIVATIONS = {"leaky_relu": lambda: layers.LeakyReLU(0.2), "relu": layers.ReLU}


def _choose(name: str, value: str, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _fraction(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)


NORMALIZATIONS = ("batch", "synchronized", "virtual")


def make_dcgan_generator(latent_dim: int = 16, width: int = 16, channels: int = 1,
                         upsample: str = "transposed", output: str = "tanh",
                         dropout: float = 0.0, normalization: str = "batch",
                         reference_size: int = 64, seed: int = 0) -> keras.Model:
    """DCGAN generator for 28x28 images (Radford et al., 2015, sized down).

    ``z -> dense 7x7x(4·width) -> [BN, ReLU] -> up x2 to 14x14x(2·width) -> [BN, ReLU]
    -> up x2 to 28x28xwidth -> [BN, ReLU] -> conv 3x3 to 28x28xchannels -> tanh``.
    ``upsample``: ``"transposed"`` (transposed convolution 4x4/2) or ``"pixel_shuffle"``
    (convolution 3x3 to four times the channels, then ``PixelShuffle``); ``output``:
    ``"tanh"`` (images in [-1, 1]) or ``"sigmoid"`` ([0, 1]); ``dropout`` > 0 adds
    ``NoiseDropout`` after every hidden block, on in training and sampling alike (noise
    inside the generator);
    ``normalization``: ``"batch"``; ``"synchronized"`` (batch normalisation whose
    statistics are those of the global batch under ``tf.distribute``, not of each
    replica's part; the same as ``"batch"`` on one device); or ``"virtual"``
    (``VirtualBatchNorm`` with a reference batch of ``reference_size`` noise
    vectors drawn with ``seed``, wrapped in a ``VirtualBatchGenerator``).
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("width", width)
    _choose("upsample", upsample, UPSAMPLING)
    _choose("output", output, OUTPUTS)
    dropout = _fraction("dropout", dropout)
    _choose("normalization", normalization, NORMALIZATIONS)

    def block():  # what follows every hidden layer
        norm = (VirtualBatchNorm(reference_size) if normalization == "virtual"
                else layers.BatchNormalization(synchronized=normalization == "synchronized"))
        return [norm, layers.ReLU(), *([NoiseDropout(dropout)] if dropout else [])]

    def up(filters):
        if upsample == "transposed":
            return [layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False)]
        return [layers.Conv2D(4 * filters, 3, padding="same", use_bias=False), PixelShuffle(2)]

    model = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 4 * width, use_bias=False),
        *block(),
        layers.Reshape((7, 7, 4 * width)),
        *up(2 * width),
        *block(),
        *up(width),
        *block(),
        layers.Conv2D(channels, 3, padding="same", activation=OUTPUTS[output]),
    ], name="dcgan_generator")
    check_output_shape(model, (28, 28, channels))
    if normalization != "virtual":
        return model
    reference = np.random.default_rng(seed).normal(size=(reference_size, latent_dim))
    return VirtualBatchGenerator(model, reference, name="dcgan_generator_vbn")


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
    return check_output_shape(model, (28, 28, channels))


def make_dcgan_discriminator(width: int = 32, channels: int = 1, minibatch_stddev: bool = False,
                             activation: str = "leaky_relu", downsample: str = "strided",
                             batch_norm: bool = False, spectral_norm: bool = False,
                             minibatch_discrimination: int = 0, instance_noise: float = 0.0,
                             features: bool = False, instance_norm: bool = False,
                             packing: int = 1) -> keras.Model:
    """DCGAN discriminator for 28x28 images: strided convolutions and LeakyReLU(0.2), no pooling.

    ``image -> conv 4x4/2 to 14x14xwidth -> conv 4x4/2 to 7x7x(2·width) -> conv 3x3/2
    to 4x4x(4·width)``, each followed by LeakyReLU, ``-> flatten -> one logit``.
    Options, each a trick of the Training tricks chapter: ``minibatch_stddev`` inserts a
    ``MinibatchStddev`` feature before the last convolution; ``activation``
    (``"leaky_relu"`` or ``"relu"``); ``downsample`` (``"strided"`` convolutions or
    stride-1 convolutions followed by ``"max_pool"`` or ``"avg_pool"``); ``batch_norm``
    after the second and third convolutions, or ``instance_norm`` there (each image's
    feature maps normalised on their own, ``GroupNormalization(groups=-1)``);
    ``spectral_norm`` on every convolution and the last layer;
    ``minibatch_discrimination`` kernels (``layers.MinibatchDiscrimination``) before the
    last layer; ``instance_noise``, the initial standard deviation of a
    ``layers.InstanceNoise`` input layer; ``features`` returns ``[logit, features]``,
    the flattened features, for feature matching; ``packing`` m > 1 scores m images at
    once (``layers.Pack``, PacGAN), one logit per group of m.
    """
    check_positive_int("width", width)
    check_positive_int("packing", packing)
    _choose("activation", activation, ACTIVATIONS)
    _choose("downsample", downsample, DOWNSAMPLING)
    if minibatch_discrimination:
        check_positive_int("minibatch_discrimination", minibatch_discrimination)
    if batch_norm and instance_norm:
        raise ValueError("choose batch_norm or instance_norm for the discriminator, not both")
    wrap = spectrally_normalised if spectral_norm else (lambda layer: layer)

    def normalisation():
        return layers.BatchNormalization() if batch_norm else layers.GroupNormalization(groups=-1)

    def down(filters, kernel, normalise):
        if downsample == "strided":
            convolution = [wrap(layers.Conv2D(filters, kernel, strides=2, padding="same"))]
        else:
            convolution = [wrap(layers.Conv2D(filters, kernel, padding="same")),
                           POOLS[downsample](2, padding="same")]
        return [*convolution, *([normalisation()] if normalise else []), ACTIVATIONS[activation]()]

    normalised = batch_norm or instance_norm
    body = [
        *([InstanceNoise(instance_noise)] if instance_noise else []),
        *([Pack(packing)] if packing > 1 else []),
        *down(width, 4, False),
        *down(2 * width, 4, normalised),
        *([MinibatchStddev()] if minibatch_stddev else []),
        *down(4 * width, 3, normalised),
        layers.Flatten(),
    ]
    head = [*([MinibatchDiscrimination(minibatch_discrimination)] if minibatch_discrimination else []),
            wrap(layers.Dense(1))]
    return stack((28, 28, channels), body, head, features, "dcgan_discriminator", (1,))


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
    return check_output_shape(model, (28, 28, 1))


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
    return check_output_shape(model, (1,))
