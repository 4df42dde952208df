"""Generator and discriminator factories, each checked for the shapes it promises.

Discriminators return one raw output per example (a logit, or a critic score), never
a probability: the losses in ``ganbook.losses`` apply the sigmoid themselves, which
is numerically stable.  Generators of images end in tanh, so images are in [-1, 1]
(the semi-supervised chapter's MLPs, which follow their paper, use [0, 1]).

``models.layers`` holds the custom layers (the discriminator's training tricks among
them), ``models.virtual_batch`` virtual batch normalisation for a generator, ``models.mlp`` the multilayer perceptrons,
``models.dcgan`` the convolutional networks for 28x28 images, ``models.conditional``
their kin that know about classes, ``models.wide`` BEGAN's autoencoder and the 64x64
DCGAN, ``models.residual`` R3GAN's residual networks; this module hands their names on.
"""

from ganbook.models.conditional import (
    make_conditional_generator,
    make_label_channel_discriminator,
    make_projection_discriminator,
    make_two_head_discriminator,
)
from ganbook.models.dcgan import (
    DOWNSAMPLING,
    NORMALIZATIONS,
    UPSAMPLING,
    make_dcgan_discriminator,
    make_dcgan_generator,
    make_tutorial_discriminator,
    make_tutorial_generator,
    make_upsampling_generator,
)
from ganbook.models.layers import (
    InstanceNoise,
    MinibatchDiscrimination,
    MinibatchStddev,
    NoiseDropout,
    Pack,
    PixelShuffle,
    WeightNormDense,
    spectral_norm,
)
from ganbook.models.mlp import make_mlp, make_ssgan_mlp_classifier, make_ssgan_mlp_generator
from ganbook.models.residual import ResidualBlock, make_residual_discriminator, make_residual_generator
from ganbook.models.virtual_batch import VirtualBatchGenerator, VirtualBatchNorm
from ganbook.models.wide import make_autoencoder_discriminator, make_dcgan64_discriminator, make_dcgan64_generator

__all__ = ["DOWNSAMPLING", "NORMALIZATIONS", "UPSAMPLING", "InstanceNoise", "MinibatchDiscrimination",
           "MinibatchStddev", "NoiseDropout", "Pack", "PixelShuffle", "ResidualBlock", "VirtualBatchGenerator",
           "VirtualBatchNorm", "WeightNormDense",
           "make_autoencoder_discriminator", "make_conditional_generator", "make_dcgan64_discriminator",
           "make_dcgan64_generator", "make_dcgan_discriminator", "make_dcgan_generator",
           "make_label_channel_discriminator", "make_mlp",
           "make_projection_discriminator", "make_residual_discriminator", "make_residual_generator",
           "make_ssgan_mlp_classifier", "make_ssgan_mlp_generator",
           "make_tutorial_discriminator", "make_tutorial_generator", "make_two_head_discriminator",
           "make_upsampling_generator", "spectral_norm"]
