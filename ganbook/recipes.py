"""Recipes: a plain GAN plus any set of named tricks, for the ablations of the Training tricks chapter.

This module composes the tricks, so it sits above ``models``, ``training`` and ``callbacks``.

``plain_dcgan()`` is the recipe of Radford et al. (2015) at the book's sizes;
``plain_toy_gan()`` the 2-D toys' MLP GAN; ``r3gan()`` the modern baseline that
needs none of the tricks.  ``TRICKS`` maps each trick's name to a
description and the change it makes to a recipe; ``with_tricks(recipe, names)``
applies several, and ``Recipe.build(seed, steps)`` returns the compiled GAN and the
callbacks it needs.  An unknown name, or a trick that needs images on a toy, raises.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, NamedTuple

import keras

from ganbook import callbacks as cbs
from ganbook import data, losses, metrics, models, toy, training
from ganbook._checks import check_positive_int
from ganbook.augment import diff_augment
from ganbook.callbacks import AnnealInstanceNoise, GeneratorEMA, HistoricalAveraging
from ganbook.penalties import R1Penalty, R2Penalty, combine_penalties


@dataclass
class Recipe:
    """How to build and compile one GAN: network options, losses, optimizers, tricks."""

    kind: str                                   # "dcgan" (28x28 images) or "toy" (2-D points)
    latent_dim: int
    architecture: str = "dcgan"                 # images: "dcgan" or "residual" (R3GAN's blocks)
    g_options: dict = field(default_factory=dict)
    d_options: dict = field(default_factory=dict)
    objective_options: dict = field(default_factory=dict)  # training.Objective's losses
    compile_options: dict = field(default_factory=dict)
    d_learning_rate: float = 2e-4
    g_learning_rate: float = 2e-4
    betas: tuple = (0.5, 0.999)
    d_optimizer: str = "adam"                   # or "sgd"
    d_momentum: float = 0.0                     # SGD's momentum, when D's optimizer is SGD
    decay: bool = False                         # cosine decay of both learning rates to 0
    unit_range: bool = False                    # images in [0, 1] from a sigmoid generator
    ema: bool = False                           # sample from a moving average of the generator
    clip_norm: float | None = None              # clip each player's gradients to this global norm
    penalties: dict = field(default_factory=lambda: {"d": [], "g": []})  # factories
    callback_factories: list = field(default_factory=list)  # f(steps) -> Callback
    tricks: tuple = ()

    def build(self, seed: int, steps: int):
        """The compiled GAN (seeded) and its callbacks for a run of ``steps`` steps; with
        ``ema``, the last callback is the ``GeneratorEMA`` to sample from, its half-life a
        tenth of the run (so the first weights are forgotten by the end)."""
        check_positive_int("steps", steps)
        keras.utils.set_random_seed(seed)
        if self.kind == "dcgan":
            make_generator, make_discriminator = ARCHITECTURES[self.architecture]
            generator = make_generator(self.latent_dim, **self.g_options)
            discriminator = make_discriminator(**self.d_options)
        else:
            generator = models.make_mlp(self.latent_dim, 2, (128, 128), name="toy_generator", **self.g_options)
            discriminator = models.make_mlp(2, 1, **{"hidden": (128, 128), **self.d_options},
                                            name="toy_discriminator")
        gan = training.GAN(generator, discriminator, seed=seed)
        penalties = {side: [make() for make in makers] for side, makers in self.penalties.items()}
        callbacks = [p for side in penalties.values() for p in side if isinstance(p, keras.callbacks.Callback)]
        callbacks += [make(steps) for make in self.callback_factories]
        objective = training.Objective(**self.objective_options, d_penalty=combine_penalties(*penalties["d"]),
                                       g_penalty=combine_penalties(*penalties["g"]))
        gan.compile(self._optimizer(self.d_learning_rate, steps, self.d_optimizer),
                    self._optimizer(self.g_learning_rate, steps, "adam"), objective, **self.compile_options)
        if self.ema:
            callbacks.append(GeneratorEMA(0.5 ** (10 / steps)))
        return gan, callbacks

    def _optimizer(self, learning_rate: float, steps: int, kind: str):
        if kind == "sgd":
            rate = training.decayed_rate(learning_rate, steps if self.decay else None)
            return keras.optimizers.SGD(rate, momentum=self.d_momentum, global_clipnorm=self.clip_norm)
        return training.decayed_adam(learning_rate, steps if self.decay else None, *self.betas,
                                     global_clipnorm=self.clip_norm)


ARCHITECTURES = {"dcgan": (models.make_dcgan_generator, models.make_dcgan_discriminator),
                 "residual": (models.make_residual_generator, models.make_residual_discriminator)}


def plain_dcgan() -> Recipe:
    """Radford et al. (2015) at the book's sizes: batch norm and ReLU in G, LeakyReLU(0.2) and
    no batch norm in D, z ~ N(0, I) of 100 numbers, Adam 2e-4 with beta_1 = 0.5, the
    non-saturating loss, images in [-1, 1].  Their discriminator's batch norm is left
    out, to be measured as the trick ``batch_norm_separate``."""
    return Recipe("dcgan", latent_dim=100)


def r3gan(gamma: float = 0.1, learning_rate: float = 2e-3) -> Recipe:
    """R3GAN's "no tricks" baseline (Huang et al., 2024) at the book's sizes: the
    residual networks of ``models.residual`` (G of width 16, D of width 32, z of 64
    numbers), the relativistic pairing loss with R1 and R2 penalties of weight
    ``gamma`` each, Adam with betas (0, 0.99) and samples from a moving average of G.
    The paper trains for millions of images at 2e-4; for the book's 2,500 steps the
    learning rate starts at ``learning_rate`` and decays to 0 (cosine), as in the DCGAN
    chapter."""
    return Recipe("dcgan", latent_dim=64, architecture="residual", g_options={"width": 16},
                  d_options={"width": 32},
                  objective_options={"d_loss": losses.relativistic_d_loss, "g_loss": losses.relativistic_g_loss},
                  d_learning_rate=learning_rate, g_learning_rate=learning_rate, betas=(0.0, 0.99),
                  decay=True, ema=True,
                  penalties={"d": [partial(R1Penalty, gamma), partial(R2Penalty, gamma)], "g": []})


def plain_toy_gan() -> Recipe:
    """The Losses chapter's toy GAN: MLPs of 128 x 128 ReLU units, z of 2 numbers, Adam 3e-3
    with betas (0.5, 0.9) decayed to 0, the non-saturating loss."""
    return Recipe("toy", latent_dim=2, d_learning_rate=3e-3, g_learning_rate=3e-3, betas=(0.5, 0.9), decay=True)


class Trick(NamedTuple):
    """A trick: what it is, how it changes a recipe, and whether it needs images."""

    description: str
    apply: Callable[[Recipe], None]
    images_only: bool = False


def _set(target: str, **values) -> Callable[[Recipe], None]:
    def apply(recipe: Recipe) -> None:
        getattr(recipe, target).update(values)
    return apply


def _penalty(side: str, make: Callable) -> Callable[[Recipe], None]:
    return lambda recipe: recipe.penalties[side].append(make)


def _minibatch_discrimination(recipe: Recipe) -> None:
    recipe.d_options["minibatch_discrimination"] = 10 if recipe.kind == "toy" else 50


def _historical(recipe: Recipe) -> None:
    recipe.penalties["d"].append(lambda: HistoricalAveraging("discriminator", 1e-3))
    recipe.penalties["g"].append(lambda: HistoricalAveraging("generator", 1e-3))


def _instance_noise(recipe: Recipe) -> None:
    recipe.d_options["instance_noise"] = 0.1 if recipe.kind == "toy" else 0.3
    recipe.callback_factories.append(AnnealInstanceNoise)


def _ttur(recipe: Recipe) -> None:
    recipe.d_learning_rate, recipe.g_learning_rate = 2 * recipe.d_learning_rate, recipe.g_learning_rate / 2


# SGD for D at the best setting of the sweep in benchmarks/tricks_ablation.py
# (--parts sgd_sweep): D's rate as a multiple of the recipe's, and the momentum.
SGD_FOR_D = {"dcgan": (100.0, 0.0), "toy": (100.0, 0.0)}


def sgd_for_d(recipe: Recipe, rate_multiple: float, momentum: float) -> None:
    """Give ``recipe``'s discriminator SGD at ``rate_multiple`` times its Adam rate, with ``momentum``."""
    if not rate_multiple > 0 or not 0 <= momentum < 1:
        raise ValueError(f"SGD for D needs a positive rate multiple and a momentum in [0, 1), "
                         f"got {rate_multiple!r} and {momentum!r}")
    recipe.d_optimizer, recipe.d_momentum = "sgd", float(momentum)
    recipe.d_learning_rate = rate_multiple * recipe.d_learning_rate


def _sgd_for_d(recipe: Recipe) -> None:
    sgd_for_d(recipe, *SGD_FOR_D[recipe.kind])


def _unit_range(recipe: Recipe) -> None:
    recipe.g_options["output"], recipe.unit_range = "sigmoid", True


def _decay(recipe: Recipe) -> None:
    recipe.d_learning_rate, recipe.g_learning_rate, recipe.decay = 2e-3, 2e-3, True


def _ema(recipe: Recipe) -> None:
    recipe.ema = True


def _dropout_in_g(recipe: Recipe) -> None:
    # The DCGAN generator's dropout is always NoiseDropout; the MLP's only when asked.
    recipe.g_options.update(dropout=0.3, **({"dropout_when_sampling": True} if recipe.kind == "toy" else {}))


def _wider_d(recipe: Recipe) -> None:
    # Twice the discriminator's width: its capacity, as source 002 advises against collapse.
    if recipe.kind == "dcgan":
        recipe.d_options["width"] = 64
    else:
        recipe.d_options["hidden"] = (256, 256)


def _augment(recipe: Recipe) -> None:
    recipe.compile_options["augment"] = partial(diff_augment, max_shift=2, cutout=8)


TRICKS: dict[str, Trick] = {
    "feature_matching": Trick("feature matching (G matches D's mean features)",
                              lambda r: (r.d_options.update(features=True),
                                         r.objective_options.update(feature_matching=losses.feature_matching_loss))),
    "minibatch_discrimination": Trick("minibatch discrimination, 50 kernels (10 on the toys; Salimans et al.)",
                                      _minibatch_discrimination),
    "historical_averaging": Trick("historical averaging of both players, weight 1e-3", _historical),
    "one_sided_smoothing": Trick("one-sided label smoothing, real target 0.9",
                                 _set("objective_options", d_loss=partial(losses.bce_d_loss, real_label=0.9))),
    "two_sided_smoothing": Trick("two-sided label smoothing, targets 0.9 and 0.1",
                                 _set("objective_options", d_loss=losses.two_sided_bce_d_loss)),
    "unit_range": Trick("images in [0, 1] with a sigmoid generator", _unit_range, images_only=True),
    "batch_norm_separate": Trick("batch norm in D, real and fake batches apart",
                                 _set("d_options", batch_norm=True), images_only=True),
    "batch_norm_mixed": Trick("batch norm in D, real and fake in one batch",
                              lambda r: (r.d_options.update(batch_norm=True),
                                         r.compile_options.update(mixed_batches=True)), images_only=True),
    "virtual_batch_norm": Trick("virtual batch norm in G, reference batch of 64 (Salimans et al.)",
                                _set("g_options", normalization="virtual"), images_only=True),
    "relu_in_d": Trick("ReLU instead of LeakyReLU in D", _set("d_options", activation="relu"), images_only=True),
    "max_pool": Trick("max-pooling instead of strided convolutions in D",
                      _set("d_options", downsample="max_pool"), images_only=True),
    "avg_pool": Trick("average pooling instead of strided convolutions in D (source 003)",
                      _set("d_options", downsample="avg_pool"), images_only=True),
    "instance_norm": Trick("instance normalisation in D, where batch norm would go (source 003)",
                           _set("d_options", instance_norm=True), images_only=True),
    "wider_d": Trick("a discriminator twice as wide (source 002, against mode collapse)", _wider_d),
    "gradient_clipping": Trick("both players' gradients clipped to a global norm of 20 (source 003's SSGAN)",
                               lambda r: setattr(r, "clip_norm", 20.0)),
    "pixel_shuffle": Trick("pixel shuffle instead of transposed convolutions in G",
                           _set("g_options", upsample="pixel_shuffle"), images_only=True),
    "packing": Trick("packing: D scores two images at once (PacGAN, Lin et al.)",
                     _set("d_options", packing=2), images_only=True),
    "sgd_for_d": Trick("SGD for D at 100x the recipe's Adam rate, no momentum (the best of a sweep), Adam for G",
                       _sgd_for_d),
    "ttur": Trick("two time-scales: D's learning rate x2, G's / 2 (Heusel et al.)", _ttur),
    "instance_noise": Trick("instance noise on D's input, annealed to 0 (Sønderby et al.)", _instance_noise),
    "dropout_in_g": Trick("dropout 0.3 in G, in training and sampling (pix2pix; ganhacks tip 17)", _dropout_in_g),
    "loss_threshold": Trick("train D only while its loss is above 1.0 (2 log 2 = 1.39 at equilibrium)",
                            _set("compile_options", d_loss_threshold=1.0)),
    "spectral_norm": Trick("spectral normalisation in D (Miyato et al.)", _set("d_options", spectral_norm=True)),
    "ema": Trick("exponential moving average of G's weights (half-life: a tenth of the run)", _ema),
    "r1": Trick("R1 penalty on real data, gamma 1 (Mescheder et al.)", _penalty("d", lambda: R1Penalty(1.0))),
    "diff_augment": Trick("DiffAugment: translation and cutout (Zhao et al.)", _augment, images_only=True),
    "decay": Trick("learning rate 2e-3 decayed to 0 (cosine), as the DCGAN chapter", _decay, images_only=True),
}


def with_tricks(recipe: Recipe, names) -> Recipe:
    """A copy of ``recipe`` with the named tricks applied, in order."""
    recipe = copy.deepcopy(recipe)
    for name in names:
        if name not in TRICKS:
            raise ValueError(f"unknown trick {name!r}; expected one of {', '.join(TRICKS)}")
        trick = TRICKS[name]
        if trick.images_only and recipe.kind != "dcgan":
            raise ValueError(f"the trick {name!r} works on images, not on the 2-D toys")
        trick.apply(recipe)
        recipe.tricks = (*recipe.tricks, name)
    return recipe


def train_dcgan_recipe(recipe: Recipe, images, seed: int, steps: int, batch_size: int = 64,
                       n_eval: int = 2000, dataset: str = "mnist") -> dict:
    """Train a DCGAN ``recipe`` on uint8 ``images`` for ``steps`` steps and measure it.

    Returns the recipe's tricks, the seed, ``metrics.evaluate`` of ``n_eval`` samples (from
    the generator's moving average when the recipe keeps one) and the seconds per step.
    """
    if recipe.kind != "dcgan":
        raise ValueError(f"train_dcgan_recipe trains image GANs, not a {recipe.kind!r} recipe")
    real = data.as_unit_images(images) if recipe.unit_range else data.to_signed_range(images)
    gan, callbacks = recipe.build(seed, steps)
    batches = cbs.SeededEpochs(real, batch_size, seed=seed)
    start = time.perf_counter()
    gan.fit(batches.dataset, epochs=-(-steps // batches.batches_per_epoch), verbose=0,
            callbacks=[batches, *callbacks, cbs.StopOnNonFinite(), cbs.StopAtStep(steps)])
    seconds = time.perf_counter() - start
    samples = gan.generate(n_eval, seed=seed, generator=callbacks[-1].ema if recipe.ema else None)
    return {"tricks": list(recipe.tricks), "seed": seed, "steps": steps,
            **metrics.evaluate(samples, dataset, value_range=gan.value_range),
            "ms_per_step": round(1000 * seconds / steps, 1)}


def train_toy_recipe(recipe: Recipe, dist, seed: int, steps: int, batch_size: int = 128,
                     n_samples: int = 2500) -> dict:
    """Train a toy ``recipe`` on fresh points of ``dist`` for ``steps`` steps; return its
    tricks, seed, ``toy.mode_metrics`` of ``n_samples`` samples, the samples and seconds."""
    if recipe.kind != "toy":
        raise ValueError(f"train_toy_recipe trains toy GANs, not a {recipe.kind!r} recipe")
    gan, callbacks = recipe.build(seed, steps)
    start = time.perf_counter()
    training.train_on_toy(gan, dist, steps, batch_size=batch_size, seed=seed, extra_callbacks=callbacks)
    samples = gan.generate(n_samples, seed=seed, generator=callbacks[-1].ema if recipe.ema else None)
    return {"tricks": list(recipe.tricks), "seed": seed, **toy.mode_metrics(samples, dist),
            "samples": samples, "seconds": round(time.perf_counter() - start, 1)}
