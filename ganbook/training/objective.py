"""``Objective``: what the two players of a ``GAN`` minimise, with its regularisers.

The trainer's step asks the objective for each player's loss and adds its regularisers
through it, so the step does not know which terms exist (as StyleGAN2-ADA's loss object
owns R1).  ``GAN.compile(d_optimizer, g_optimizer, objective=Objective(...))``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

import numpy as np
import tensorflow as tf

from ganbook import losses
from ganbook.training.latent import seed_offset


def _required_arguments(fn: Callable) -> int:
    # How many positional arguments `fn` needs (those without a default).
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: the usual one-argument loss
        return 1
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in parameters)


@dataclass(frozen=True)
class Objective:
    """The losses of the two players, on the discriminator's raw scores, and what is added to them.

    - ``d_loss(real_scores, fake_scores)``: the discriminator's loss (see ``ganbook.losses``).
    - ``g_loss(fake_scores)``: the generator's; a ``g_loss`` of two arguments, such as
      ``losses.relativistic_g_loss``, is given ``(real_scores, fake_scores)``, D's scores on
      a real batch beside G's.
    - ``gradient_penalty``: the weight of WGAN-GP's penalty (``losses.gradient_penalty``)
      in D's loss; 0 leaves it out.
    - ``d_penalty(gan, real, fake)`` / ``g_penalty(gan, real, fake)``: scalars added to a
      player's loss (``penalties.R1Penalty``, ``callbacks.HistoricalAveraging``, ...).
    - ``feature_matching(real_features, fake_features)``: when given (e.g.
      ``losses.feature_matching_loss``), the generator matches the batch means of D's
      features with this loss instead of fooling D; D must return ``[scores, features]``.
    """

    d_loss: Callable = losses.bce_d_loss
    g_loss: Callable = losses.non_saturating_g_loss
    gradient_penalty: float = 0.0
    d_penalty: Callable | None = None
    g_penalty: Callable | None = None
    feature_matching: Callable | None = None

    def __post_init__(self):
        for name in ("d_loss", "g_loss"):
            if not callable(getattr(self, name)):
                raise TypeError(f"{name} must be a loss function of D's scores, got {getattr(self, name)!r}")
        for name in ("d_penalty", "g_penalty", "feature_matching"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, (bool, np.bool_)) or not callable(value)):
                example = ("losses.feature_matching_loss" if name == "feature_matching"
                           else "penalties.R1Penalty(10.0)")
                raise TypeError(f"{name} must be callable (e.g. {example}) or None, got {value!r}")
        weight = self.gradient_penalty
        if isinstance(weight, (bool, np.bool_)) or not (isinstance(weight, (int, float, np.number))
                                                         and np.isfinite(weight) and weight >= 0):
            raise ValueError(f"gradient_penalty must be a finite weight >= 0, got {weight!r}")

    @property
    def g_loss_reads_real(self) -> bool:
        """Whether ``g_loss`` takes D's scores on a real batch as well as on G's."""
        return _required_arguments(self.g_loss) == 2

    def add_d_regularisers(self, d_loss, gan, real, fake, labels, seed) -> tf.Tensor:
        """``d_loss`` plus the discriminator's regularisers on this step's real and generated
        batches (as D sees them); ``seed`` draws WGAN-GP's interpolation weights."""
        if self.gradient_penalty:
            def critic(images):
                return gan.critic_scores(images, labels)

            d_loss += self.gradient_penalty * losses.gradient_penalty(critic, real, fake,
                                                                      seed=seed_offset(seed, 1))
        if self.d_penalty is not None:
            d_loss += self.d_penalty(gan, real, fake)
        return d_loss

    def add_g_regularisers(self, g_loss, gan, real, fake) -> tf.Tensor:
        """``g_loss`` plus the generator's regulariser on this step's batches."""
        if self.g_penalty is not None:
            g_loss += self.g_penalty(gan, real, fake)
        return g_loss
