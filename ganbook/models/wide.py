"""The two other discriminators and the 64x64 networks of the Other objectives chapter.

``make_autoencoder_discriminator``: BEGAN's discriminator, an autoencoder for 28x28
images.  ``make_dcgan64_generator`` / ``make_dcgan64_discriminator``: the five-layer
DCGAN of Radford et al. (2015) for 64x64 images, with a width parameter so that it
fits a CPU.
"""

from __future__ import annotations

import keras
from keras import layers

from ganbook._checks import check_output_shape, check_positive_int

# The autoencoder's normalisation by name, and the layer it inserts (None: nothing).
AUTOENCODER_NORMALIZATIONS = {"batch": layers.BatchNormalization, "layer": layers.LayerNormalization,
                              "none": None}


def make_autoencoder_discriminator(width: int = 32, hidden: int = 32, channels: int = 1,
                                   normalization: str = "batch") -> keras.Model:
    """BEGAN's discriminator for 28x28 images: an image in, its reconstruction out.

    ``conv 3x3/2 (width, 14x14) -> dense to hidden -> dense to 14x14xwidth -> upsample
    x2 -> conv 3x3 to channels``, linear at the end; a normalisation and ReLU after the
    two dense layers.  ``normalization``: ``"batch"`` (batch statistics, so an image's
    reconstruction error depends on the rest of its batch), ``"layer"`` (each image's own
    statistics) or ``"none"``.  Deliberately small: Berthelot et al. (2017) use a deeper
    ELU autoencoder without normalisation, with which BEGAN reached about twice this
    one's FID in the Other objectives chapter's 1,500 steps, at 2.6 times the time
    (``benchmarks/family.py``, ``began_paper_autoencoder``).
    """
    check_positive_int("width", width)
    check_positive_int("hidden", hidden)
    if normalization not in AUTOENCODER_NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {', '.join(AUTOENCODER_NORMALIZATIONS)}, "
                         f"got {normalization!r}")

    normalization_layer = AUTOENCODER_NORMALIZATIONS[normalization]

    def normalize():
        return [normalization_layer()] if normalization_layer else []

    model = keras.Sequential([
        keras.Input((28, 28, channels)),
        layers.Conv2D(width, 3, strides=2, padding="same"), layers.ReLU(),
        layers.Flatten(),
        layers.Dense(hidden, name="embedding"), *normalize(), layers.ReLU(),
        layers.Dense(14 * 14 * width), *normalize(), layers.ReLU(),
        layers.Reshape((14, 14, width)),
        layers.UpSampling2D(),
        layers.Conv2D(channels, 3, padding="same"),
    ], name="autoencoder_discriminator")
    return check_output_shape(model, (28, 28, channels))


def make_dcgan64_generator(latent_dim: int = 100, width: int = 128, channels: int = 3) -> keras.Model:
    """The DCGAN generator for 64x64 images (Radford et al., 2015): five layers.

    ``z -> dense 4x4x(8·width) -> [transposed conv 4x4/2, halving the channels] three
    times to 32x32xwidth -> transposed conv 4x4/2 to 64x64xchannels -> tanh``, batch
    normalisation and ReLU after every layer but the last.  ``width = 128`` is the
    paper's 1024-512-256-128.
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("width", width)
    blocks = []
    for filters in (4 * width, 2 * width, width):
        blocks += [layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False),
                   layers.BatchNormalization(), layers.ReLU()]
    model = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(4 * 4 * 8 * width, use_bias=False), layers.BatchNormalization(), layers.ReLU(),
        layers.Reshape((4, 4, 8 * width)),
        *blocks,
        layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh"),
    ], name="dcgan64_generator")
    return check_output_shape(model, (64, 64, channels))


def make_dcgan64_discriminator(width: int = 128, channels: int = 3) -> keras.Model:
    """The DCGAN discriminator for 64x64 images: five layers, one logit.

    ``image -> [conv 4x4/2, doubling the channels from width] four times to
    4x4x(8·width) -> dense to one logit``; LeakyReLU(0.2) after each convolution,
    batch normalisation after all but the first.
    """
    check_positive_int("width", width)
    blocks = []
    for i, filters in enumerate((width, 2 * width, 4 * width, 8 * width)):
        blocks += [layers.Conv2D(filters, 4, strides=2, padding="same"),
                   *([layers.BatchNormalization()] if i else []), layers.LeakyReLU(0.2)]
    model = keras.Sequential([keras.Input((64, 64, channels)), *blocks, layers.Flatten(), layers.Dense(1)],
                             name="dcgan64_discriminator")
    return check_output_shape(model, (1,))
