"""Residual networks for 28x28 images in the manner of R3GAN (Huang et al., 2024), sized down.

R3GAN drops the DCGAN's batch norm and plain convolution stacks for the blocks of
modern classifiers (ConvNeXt, ResNeXt): every stage is a residual block whose branch
widens the channels with a 1x1 convolution, mixes space with a grouped 3x3
convolution, and narrows back with a 1x1 convolution; there is no normalisation.
Here the 3x3 convolution is depthwise (one group per channel, as in ConvNeXt):
TensorFlow's CPU kernel for grouped convolutions is far slower than both a full and a
depthwise one (3.3 s, 0.11 s and 0.023 s for one forward and backward pass of 64
maps of 28x28x64, measured on 2 cores).
Training stays stable without it because each branch starts as the identity: its
last convolution is initialised to zero and its first is scaled down by
L^(-1/4) for L blocks (fix-up initialisation, R3GAN Section 4).  Between stages the
resolution changes by bilinear resampling and the channels by a 1x1 convolution.
"""

from __future__ import annotations

import keras
from keras import layers

from ganbook._checks import check_output_shape, check_positive_int

EXPANSION = 2         # how much wider the branch is than the block (R3GAN: 2)


def _leaky_relu():
    return layers.LeakyReLU(0.2)


class ResidualBlock(keras.layers.Layer):
    """``x + conv1x1(act(depthwise conv3x3(act(conv1x1(x)))))``, the branch starting at zero.

    ``blocks`` is how many residual blocks the network has: the branch's first
    convolution starts with its He-initialised weights times ``blocks ** -0.25``.
    """

    def __init__(self, blocks: int, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("blocks", blocks)
        self.blocks = blocks

    def build(self, input_shape):
        channels = int(input_shape[-1])
        wide = EXPANSION * channels
        scale = self.blocks ** -0.25
        self.expand = layers.Conv2D(wide, 1, kernel_initializer=keras.initializers.VarianceScaling(
            2.0 * scale ** 2, "fan_in", "truncated_normal"))
        self.mix = layers.DepthwiseConv2D(3, padding="same", depthwise_initializer=keras.initializers.HeNormal())
        self.narrow = layers.Conv2D(channels, 1, kernel_initializer="zeros")
        self.act1, self.act2 = _leaky_relu(), _leaky_relu()
        for layer, shape in ((self.expand, input_shape), (self.mix, (*input_shape[:-1], wide)),
                             (self.narrow, (*input_shape[:-1], wide))):
            layer.build(shape)

    def call(self, x):
        return x + self.narrow(self.act2(self.mix(self.act1(self.expand(x)))))

    def get_config(self):
        return {**super().get_config(), "blocks": self.blocks}


def make_residual_generator(latent_dim: int = 64, width: int = 16, channels: int = 1) -> keras.Model:
    """R3GAN-style generator for 28x28 images.

    ``z -> dense 7x7x(4·width) -> block -> bilinear x2, conv 1x1 to 2·width -> block
    -> bilinear x2 -> conv 3x3 to channels -> tanh``: the full resolution only in the
    last, thin convolution (as the discriminator's stem, to keep the cost near the
    DCGAN's).
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("width", width)
    model = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 4 * width),
        layers.Reshape((7, 7, 4 * width)),
        ResidualBlock(2),
        layers.UpSampling2D(interpolation="bilinear"),
        layers.Conv2D(2 * width, 1),
        ResidualBlock(2),
        _leaky_relu(),
        layers.UpSampling2D(interpolation="bilinear"),
        layers.Conv2D(channels, 3, padding="same", activation="tanh"),
    ], name="residual_generator")
    return check_output_shape(model, (28, 28, channels))


def make_residual_discriminator(width: int = 32, channels: int = 1) -> keras.Model:
    """R3GAN-style discriminator for 28x28 images: one raw score per image.

    ``image -> conv 2x2/2 to 14x14xwidth (a patchify stem, as ConvNeXt's) -> block ->
    conv 1x1 to 2·width, average pool /2 -> block -> conv 1x1 to 4·width, average pool
    /2 to 4x4 -> block -> flatten -> one score``.
    """
    check_positive_int("width", width)
    model = keras.Sequential([
        keras.Input((28, 28, channels)),
        layers.Conv2D(width, 2, strides=2),
        ResidualBlock(3),
        layers.Conv2D(2 * width, 1),
        layers.AveragePooling2D(2),
        ResidualBlock(3),
        layers.Conv2D(4 * width, 1),
        layers.AveragePooling2D(2, padding="same"),
        ResidualBlock(3),
        _leaky_relu(),
        layers.Flatten(),
        layers.Dense(1),
    ], name="residual_discriminator")
    return check_output_shape(model, (1,))
