"""The training tricks by name, for the Training tricks chapter: an index of their homes.

Each trick lives with its kind: layers in ``models`` (``MinibatchDiscrimination``,
``InstanceNoise``, ``Pack``, ``spectral_norm``, ``VirtualBatchNorm`` with
``VirtualBatchGenerator``), callbacks in ``callbacks`` (``AnnealInstanceNoise``,
``HistoricalAveraging``, ``GeneratorEMA``), penalties in ``penalties`` (``R1Penalty``,
``R2Penalty``, ``combine_penalties``), the augmentation in ``augment`` (``diff_augment``) and the loss in
``losses`` (``two_sided_bce_d_loss``).  ``recipes`` composes them: a plain DCGAN or toy
GAN plus any named set (``TRICKS``, ``with_tricks``), R3GAN's modern baseline (``r3gan``), and the runs that train and
measure them (``train_dcgan_recipe``, ``train_toy_recipe``).
"""

from ganbook.augment import diff_augment
from ganbook.callbacks import AnnealInstanceNoise, GeneratorEMA, HistoricalAveraging
from ganbook.losses import two_sided_bce_d_loss
from ganbook.models import (
    InstanceNoise,
    MinibatchDiscrimination,
    Pack,
    VirtualBatchGenerator,
    VirtualBatchNorm,
    spectral_norm,
)
from ganbook.penalties import R1Penalty, R2Penalty, combine_penalties
from ganbook.recipes import (
    TRICKS,
    Recipe,
    Trick,
    plain_dcgan,
    plain_toy_gan,
    r3gan,
    train_dcgan_recipe,
    train_toy_recipe,
    with_tricks,
)

__all__ = ["TRICKS", "AnnealInstanceNoise", "GeneratorEMA", "HistoricalAveraging", "InstanceNoise",
           "MinibatchDiscrimination", "Pack", "R1Penalty", "R2Penalty", "Recipe", "Trick", "VirtualBatchGenerator",
           "VirtualBatchNorm", "combine_penalties", "diff_augment", "plain_dcgan", "plain_toy_gan",
           "r3gan", "spectral_norm", "train_dcgan_recipe", "train_toy_recipe", "two_sided_bce_d_loss",
           "with_tricks"]
