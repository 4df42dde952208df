"""``BEGAN``: a GAN whose discriminator is an autoencoder, balanced by an equilibrium variable."""

from __future__ import annotations

import keras
import tensorflow as tf

from ganbook import losses
from ganbook.training.gan import GAN
from ganbook.training.replicas import for_gradients, mean_over_replicas


class BEGAN(GAN):
    """Boundary equilibrium GAN (Berthelot et al., 2017).

    The discriminator is an autoencoder (an image in, an image of the same shape out);
    ``L(v) = |v - D(v)|`` is its reconstruction error (``losses.autoencoder_loss``).
    D minimises ``L(x) - k L(G(z_D))``, G minimises ``L(G(z_G))``, and after each step
    ``k`` moves towards the equilibrium ``E L(G(z)) = gamma E L(x)``
    (``losses.began_k_update``, with rate ``lambda_k``, clipped to [0, 1]).  ``k`` is a
    variable of the model, saved with it.  Logged: ``d_loss``, ``g_loss``, ``k`` and
    ``m_global``, the convergence measure ``losses.began_convergence``.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int = 0, prior: str = "uniform",
                 **kwargs):
        made = tuple(generator.output_shape[1:])
        if not isinstance(discriminator, keras.Model) or tuple(discriminator.output_shape[1:]) != made:
            raise ValueError(f"BEGAN's discriminator is an autoencoder: it must return images of the "
                             f"generator's shape {made}, got "
                             f"{getattr(discriminator, 'output_shape', type(discriminator).__name__)}")
        super().__init__(generator, discriminator, seed=seed, prior=prior, **kwargs)
        self.k = keras.Variable(0.0, dtype="float32", trainable=False, name="k")
        self.k_tracker = keras.metrics.Mean(name="k")
        self.convergence_tracker = keras.metrics.Mean(name="m_global")

    def compile(self, d_optimizer, g_optimizer, gamma: float = 0.5, lambda_k: float = 1e-3, k_initial: float = 0.0,
                jit_compile: bool = False, steps_per_execution: int = 1, **options):
        """Set the two optimizers, the diversity ratio ``gamma`` (lower: sharper images,
        less variety), the rate ``lambda_k`` of k's update and k's starting value.

        The other options of ``GAN.compile`` (its objective, ``n_critic``, ...) are
        refused with a reason: BEGAN's objective is its own."""
        self._refuse_options(options, "BEGAN's losses are reconstruction errors of its autoencoder, "
                                      "balanced by k, in a step of its own that these options do not reach")
        losses.check_began_settings(gamma, lambda_k)
        if not 0 <= k_initial <= 1:
            raise ValueError(f"k_initial must be in [0, 1], got {k_initial}")
        super().compile(d_optimizer, g_optimizer, jit_compile=jit_compile, steps_per_execution=steps_per_execution)
        self.gamma, self.lambda_k = float(gamma), float(lambda_k)
        self.k.assign(k_initial)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.k_tracker, self.convergence_tracker]

    def reconstruction_error(self, images, training: bool = False) -> tf.Tensor:
        """``L(v) = |v - D(v)|`` of each image, shape (N,)."""
        return losses.autoencoder_loss(images, self.discriminator(images, training=training))

    def train_step(self, batch):
        """One discriminator update, one generator update, then k's update."""
        real, _ = self._unpack(batch)
        n = tf.shape(real)[0]
        with tf.GradientTape() as tape:
            fake = self.generator(self._step_noise(n, self._noise_seed(0)), training=True)
            real_loss = tf.reduce_mean(self.reconstruction_error(real, training=True))
            d_fake_loss = tf.reduce_mean(self.reconstruction_error(fake, training=True))
            d_loss = real_loss - self.k * d_fake_loss
            replicas_share = for_gradients(d_loss)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(replicas_share, variables), variables))

        with tf.GradientTape() as tape:
            fake = self.generator(self._step_noise(n, self._noise_seed(1)), training=True)
            g_loss = tf.reduce_mean(self.reconstruction_error(fake, training=True))
            replicas_share = for_gradients(g_loss)
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(replicas_share, variables), variables))

        real_mean, fake_mean = mean_over_replicas(real_loss), mean_over_replicas(g_loss)
        self.k.assign(losses.began_k_update(self.k, real_mean, fake_mean, self.gamma, self.lambda_k))
        self.step.assign_add(1)
        self.d_loss_tracker.update_state(mean_over_replicas(d_loss))
        self.g_loss_tracker.update_state(fake_mean)
        self.k_tracker.update_state(self.k)
        self.convergence_tracker.update_state(losses.began_convergence(real_mean, fake_mean, self.gamma))
        return {m.name: m.result() for m in self.metrics}
