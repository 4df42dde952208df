"""The small GANs of the 2-D toy problems: each loss with its paper's recipe."""

from __future__ import annotations

import time
from typing import Callable, NamedTuple

import keras
import numpy as np
import tensorflow as tf

from ganbook import callbacks, losses, models, toy
from ganbook._checks import check_positive_int
from ganbook.training.gan import GAN
from ganbook.training.objective import Objective
from ganbook.training.optimizers import decayed_adam, decayed_rate


class ToySetup(NamedTuple):
    """How one loss is trained on the 2-D toys: its losses, critic steps, Lipschitz
    device and optimizer.  The two WGANs keep their papers' optimizers and learning
    rates; the other losses share Adam at the race's learning rate."""

    d_loss: Callable
    g_loss: Callable
    n_critic: int = 1
    gradient_penalty_weight: float = 0.0
    clip_weights: float | None = None
    optimizer: str = "adam"
    learning_rate: float = 3e-3
    beta_1: float = 0.5
    beta_2: float = 0.9


TOY_SETUPS = {
    "minimax": ToySetup(losses.bce_d_loss, losses.minimax_g_loss),
    "non_saturating": ToySetup(losses.bce_d_loss, losses.non_saturating_g_loss),
    "least_squares": ToySetup(losses.least_squares_d_loss, losses.least_squares_g_loss),
    # Arjovsky et al. (2017): RMSprop at 5e-5 (momentum made the clipped critic unstable)
    "wgan_clip": ToySetup(losses.wasserstein_d_loss, losses.wasserstein_g_loss, n_critic=5,
                          clip_weights=0.01, optimizer="rmsprop", learning_rate=5e-5),
    # Gulrajani et al. (2017): Adam at 1e-4 with betas (0, 0.9), lambda = 10
    "wgan_gp": ToySetup(losses.wasserstein_d_loss, losses.wasserstein_g_loss, n_critic=5,
                        gradient_penalty_weight=10.0, learning_rate=1e-4, beta_1=0.0),
    "hinge": ToySetup(losses.hinge_d_loss, losses.hinge_g_loss),
}


def make_toy_gan(loss: str, seed: int, steps: int, latent_dim: int = 2, hidden: tuple = (128, 128),
                 learning_rate: float | None = None) -> GAN:
    """A compiled MLP GAN for 2-D points, trained with the loss named ``loss`` (see ``TOY_SETUPS``).

    Each loss uses its setup's optimizer and learning rate (``learning_rate`` overrides
    the rate for every loss).  The rate decays to 0 over ``steps`` generator steps
    (cosine schedule): the modes are narrow, and a constant step size keeps the
    samples jittering around them.
    """
    if loss not in TOY_SETUPS:
        raise ValueError(f"unknown toy loss {loss!r}; expected one of {', '.join(TOY_SETUPS)}")
    setup = TOY_SETUPS[loss]
    keras.utils.set_random_seed(seed)
    gan = GAN(models.make_mlp(latent_dim, 2, hidden, name="toy_generator"),
              models.make_mlp(2, 1, hidden, name="toy_discriminator"), seed=seed)
    rate = setup.learning_rate if learning_rate is None else learning_rate

    def optimizer(updates):
        if setup.optimizer == "rmsprop":
            return keras.optimizers.RMSprop(decayed_rate(rate, updates))
        return decayed_adam(rate, updates, beta_1=setup.beta_1, beta_2=setup.beta_2)

    objective = Objective(setup.d_loss, setup.g_loss, gradient_penalty=setup.gradient_penalty_weight)
    gan.compile(optimizer(steps * setup.n_critic), optimizer(steps), objective, n_critic=setup.n_critic,
                clip_weights=setup.clip_weights, steps_per_execution=_steps_per_execution(steps))
    return gan


def _steps_per_execution(steps: int) -> int:
    # 50 steps per compiled call, for speed; but at least ten calls per run, because a race
    # of many short runs traces one new function per GAN, and TensorFlow warns about
    # "retracing" when most of its last calls of that code traced.
    return max(1, min(50, steps // 10))


def train_on_toy(gan: GAN, dist, steps: int, batch_size: int = 128, seed: int = 0,
                 extra_callbacks=()) -> dict:
    """Train ``gan`` for ``steps`` generator steps on fresh samples of ``dist``; return its history.

    Every critic step gets a batch of its own: a GAN with ``n_critic`` critic steps reads
    ``n_critic * batch_size`` fresh points per generator step.  ``extra_callbacks`` run
    beside the non-finite guard.
    """
    check_positive_int("steps", steps)
    per_step = batch_size * gan.n_critic
    real = dist.sample(steps * per_step, seed=seed).astype(np.float32)
    batches = tf.data.Dataset.from_tensor_slices(real).batch(per_step).prefetch(tf.data.AUTOTUNE)
    return gan.fit(batches, epochs=1, verbose=0,
                   callbacks=[*extra_callbacks, callbacks.StopOnNonFinite()]).history


def run_toy(loss: str, dist, seed: int, steps: int, batch_size: int = 128, n_samples: int = 2500,
            **gan_args) -> dict:
    """Train one toy GAN and measure it: ``toy.mode_metrics`` of ``n_samples`` samples,
    the samples themselves, the loss name, seed and wall-clock seconds."""
    start = time.perf_counter()
    gan = make_toy_gan(loss, seed, steps, **gan_args)
    train_on_toy(gan, dist, steps, batch_size=batch_size, seed=seed)
    samples = gan.generate(n_samples, seed=seed)
    return {"loss": loss, "seed": seed, **toy.mode_metrics(samples, dist), "samples": samples,
            "seconds": time.perf_counter() - start}
