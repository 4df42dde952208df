"""Training tricks, each written once, for ``training.GAN``; this module hands their names on.

``tricks.components``: the tricks themselves (``MinibatchDiscrimination``,
``InstanceNoise`` and ``AnnealInstanceNoise``, ``spectral_norm``, ``VirtualBatchNorm``, ``R1Penalty``,
``HistoricalAveraging``, ``diff_augment``, ``GeneratorEMA``, ``two_sided_bce_d_loss``).
``tricks.recipes``: a plain DCGAN or toy GAN plus any named set of them (``TRICKS``,
``with_tricks``), and the runs that train and measure them (``train_dcgan_recipe``,
``train_toy_recipe``) for the Training tricks chapter and its benchmark.
"""

from ganbook.tricks.components import (AnnealInstanceNoise, GeneratorEMA, HistoricalAveraging, InstanceNoise,
                                       MinibatchDiscrimination, R1Penalty, VirtualBatchGenerator, VirtualBatchNorm,
                                       diff_augment, spectral_norm, two_sided_bce_d_loss)
from ganbook.tricks.recipes import (TRICKS, Recipe, Trick, combine_penalties, plain_dcgan, plain_toy_gan,
                                    train_dcgan_recipe, train_toy_recipe, with_tricks)

__all__ = ["AnnealInstanceNoise", "GeneratorEMA", "HistoricalAveraging", "InstanceNoise", "MinibatchDiscrimination",
           "R1Penalty", "Recipe", "VirtualBatchGenerator", "VirtualBatchNorm", "TRICKS", "Trick", "combine_penalties", "diff_augment", "plain_dcgan",
           "plain_toy_gan", "spectral_norm", "train_dcgan_recipe", "train_toy_recipe", "two_sided_bce_d_loss",
           "with_tricks"]
