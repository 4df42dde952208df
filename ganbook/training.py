"""The Keras models that train GANs, and the toy-problem runs.

``GAN(generator, discriminator)`` is a ``keras.Model`` whose ``train_step`` updates the
discriminator ``n_critic`` times, then the generator once; train it with ``fit()`` and
the callbacks of ``ganbook.callbacks``.  Resuming is Keras' own
``keras.callbacks.BackupAndRestore``: the GAN stores its step counter, both
optimizers and both networks in the model's weights, and draws its noise from the
step counter, so a resumed run repeats exactly what an uninterrupted one does.
"""

from __future__ import annotations

import time
from typing import Callable, NamedTuple

import keras
import numpy as np
import tensorflow as tf

from ganbook import callbacks, losses
from ganbook._checks import check_positive_int

PRIORS = ("normal", "uniform")


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit()``.

    ``latent_dim`` is read from the generator's input.  Noise is drawn statelessly from
    ``(seed, step)``, so it is reproducible and survives a resume.  ``prior`` is
    ``"normal"`` (N(0, I)) or ``"uniform"`` (U[-1, 1]).  With ``codes`` > 0 the last
    ``codes`` of the ``latent_dim`` numbers are a categorical code instead: one of
    ``codes`` equally likely categories, one-hot, times ``code_scale`` (InfoGAN's
    categorical code, without its mutual-information term).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int = 0,
                 prior: str = "normal", codes: int = 0, code_scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(generator, keras.Model) and isinstance(discriminator, keras.Model)):
            raise TypeError("generator and discriminator must be keras Models")
        if prior not in PRIORS:
            raise ValueError(f"prior must be one of {', '.join(PRIORS)}, got {prior!r}")
        if tuple(generator.output_shape[1:]) != tuple(discriminator.input_shape[1:]):
            raise ValueError(f"the generator makes shape {generator.output_shape[1:]} but the "
                             f"discriminator reads {discriminator.input_shape[1:]}")
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = int(generator.input_shape[-1])
        if not (isinstance(codes, (int, np.integer)) and 0 <= codes < self.latent_dim):
            raise ValueError(f"codes must be an integer from 0 to {self.latent_dim - 1} (the "
                             f"generator reads {self.latent_dim} numbers), got {codes!r}")
        if not code_scale > 0:
            raise ValueError(f"code_scale must be positive, got {code_scale}")
        self.codes, self.code_scale = int(codes), float(code_scale)
        self.seed, self.prior = int(seed), prior
        self.step = keras.Variable(0, dtype="int64", trainable=False, name="step")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        # The seed states of the networks' random layers (dropout, Gaussian noise).  Keras
        # leaves them out of a network's checkpoint; held here, they are the GAN's own
        # variables, so BackupAndRestore saves them and a resumed run draws the same noise.
        self._random_layer_states = [v for network in (generator, discriminator)
                                     for v in network.variables if v.name == "seed_generator_state"]
        self.built = True  # both networks are built; the GAN adds no layers of its own

    def compile(self, d_optimizer, g_optimizer, d_loss_fn: Callable = losses.bce_d_loss,
                g_loss_fn: Callable = losses.non_saturating_g_loss, n_critic: int = 1,
                gradient_penalty_weight: float = 0.0, clip_weights: float | None = None,
                jit_compile: bool = False, steps_per_execution: int = 1):
        """Set the two optimizers and losses.

        ``d_loss_fn(real_out, fake_out)`` and ``g_loss_fn(fake_out)`` work on the
        discriminator's raw outputs (see ``ganbook.losses``).  ``n_critic`` D steps per
        G step; ``gradient_penalty_weight`` > 0 adds WGAN-GP's penalty to the D loss;
        ``clip_weights`` clips D's weights after every D step (the original WGAN).
        ``jit_compile`` and ``steps_per_execution`` are Keras' own speed settings: the
        latter runs several steps per call, which pays off for very small networks.
        """
        for name, optimizer in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(optimizer, keras.optimizers.Optimizer):
                raise TypeError(f"{name} must be a keras optimizer, got {type(optimizer).__name__}")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer objects")
        for name, fn in (("d_loss_fn", d_loss_fn), ("g_loss_fn", g_loss_fn)):
            if not callable(fn):
                raise TypeError(f"{name} must be callable, got {fn!r}")
        check_positive_int("n_critic", n_critic)
        if not gradient_penalty_weight >= 0:
            raise ValueError(f"gradient_penalty_weight must be >= 0, got {gradient_penalty_weight}")
        if clip_weights is not None and not clip_weights > 0:
            raise ValueError(f"clip_weights must be positive or None, got {clip_weights}")
        super().compile(optimizer=None, jit_compile=jit_compile, steps_per_execution=steps_per_execution)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        # Built now, so that their state exists before a checkpoint is restored into it.
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)
        self.d_loss_fn, self.g_loss_fn = d_loss_fn, g_loss_fn
        self.n_critic = n_critic
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.clip_weights = clip_weights

    def fit(self, *args, shuffle: bool = False, **kwargs):
        """``keras.Model.fit``.  ``shuffle`` defaults to False: GANs here read ``tf.data``
        pipelines that shuffle themselves, and Keras warns when asked to shuffle one."""
        return super().fit(*args, shuffle=shuffle, **kwargs)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def sample_noise(self, n, seed, category=None) -> tf.Tensor:
        """``n`` latent vectors from the prior, drawn statelessly with ``seed`` (two integers).

        With a code, ``category`` (an integer, or one per vector) fixes the categories
        instead of drawing them.
        """
        n = tf.cast(n, tf.int32)
        shape = tf.stack([n, self.latent_dim - self.codes])
        if self.prior == "normal":
            noise = tf.random.stateless_normal(shape, seed=seed)
        else:
            noise = tf.random.stateless_uniform(shape, seed=seed, minval=-1.0, maxval=1.0)
        if not self.codes:
            if category is not None:
                raise ValueError("category needs a GAN with a code (codes > 0)")
            return noise
        return tf.concat([noise, self._code(n, seed, category)], axis=1)

    def _code(self, n, seed, category) -> tf.Tensor:
        # The scaled one-hot codes of `category`, or of categories drawn with a seed of
        # their own, so that the continuous part does not depend on the code.
        if category is None:
            # floor(u * codes) draws what tf.random.stateless_categorical draws for equal
            # logits, but compiles with XLA as well.
            code_seed = tf.cast(seed, tf.int64) + tf.constant([0, 1 << 40], tf.int64)
            u = tf.random.stateless_uniform(tf.reshape(n, [1]), seed=code_seed, dtype=tf.float64)
            category = tf.cast(tf.floor(u * self.codes), tf.int32)
        else:
            category = np.broadcast_to(category, (int(n),))
            if not (np.issubdtype(category.dtype, np.integer)
                    and ((category >= 0) & (category < self.codes)).all()):
                raise ValueError(f"category must be integers in 0..{self.codes - 1}, "
                                 f"got {sorted(set(category.tolist()))}")
        return self.code_scale * tf.one_hot(category, self.codes)

    def code_of(self, z) -> np.ndarray:
        """The category of each latent vector in ``z`` (a GAN with a code)."""
        if not self.codes:
            raise ValueError("code_of needs a GAN with a code (codes > 0)")
        return np.argmax(np.asarray(z)[:, -self.codes:], axis=1)

    def call(self, z, training=False):
        """Generated samples for latent vectors ``z``."""
        return self.generator(z, training=training)

    def generate(self, n: int, seed: int = 0, category=None) -> np.ndarray:
        """``n`` samples (inference mode) as a NumPy array, reproducible for the same seed;
        ``category`` fixes the code's categories (see ``sample_noise``)."""
        noise = self.sample_noise(n, (seed, -1), category=category)
        return self.generator(noise, training=False).numpy()

    def _noise_seed(self, k: int) -> tf.Tensor:
        # A fresh, reproducible seed for draw k of the current step.
        counter = self.step * (self.n_critic + 1) + k
        return tf.stack([tf.constant(self.seed, tf.int64), tf.cast(counter, tf.int64)])

    def _d_step(self, real, k: int) -> tf.Tensor:
        batch = tf.shape(real)[0]
        with tf.GradientTape() as tape:
            fake = self.generator(self.sample_noise(batch, self._noise_seed(k)), training=True)
            real_out = self.discriminator(real, training=True)
            fake_out = self.discriminator(fake, training=True)
            d_loss = self.d_loss_fn(real_out, fake_out)
            if self.gradient_penalty_weight:
                critic = lambda x: self.discriminator(x, training=True)  # noqa: E731
                d_loss += self.gradient_penalty_weight * losses.gradient_penalty(
                    critic, real, fake, seed=self._noise_seed(k) + [0, 1 << 40])
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, variables), variables))
        if self.clip_weights:
            losses.clip_weights(self.discriminator, self.clip_weights)
        return d_loss

    def _g_step(self, batch) -> tf.Tensor:
        noise = self.sample_noise(batch, self._noise_seed(self.n_critic))
        with tf.GradientTape() as tape:
            fake_out = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.g_loss_fn(fake_out)
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
        return g_loss

    def train_step(self, batch):
        """``n_critic`` discriminator updates on this real batch, then one generator update."""
        real = batch[0] if isinstance(batch, (tuple, list)) else batch
        for k in range(self.n_critic):
            d_loss = self._d_step(real, k)
        g_loss = self._g_step(tf.shape(real)[0])
        self.step.assign_add(1)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


class SSGAN(GAN):
    """A semi-supervised GAN (Salimans et al., 2016): the discriminator is a K-class classifier.

    ``classifier`` maps an image to ``[logits, features]``: K class logits, and the
    features of its last hidden layer.  A (K+1)-th class, "generated", has its logit
    fixed at 0, so the classifier's real-vs-generated logit is ``losses.real_logit``
    (logsumexp of the K logits) and ``d_loss_fn`` / ``g_loss_fn`` of ``GAN`` apply to it
    unchanged.  Each training batch is ``((labelled images, labels), unlabelled images)``,
    as ``callbacks.SeededEpochs(..., labelled=(images, labels))`` delivers it; the
    labels of the unlabelled images are never read.  ``evaluate((images, labels))`` and
    ``fit(validation_data=...)`` report the classifier's test ``error``.
    """

    def __init__(self, generator: keras.Model, classifier: keras.Model, seed: int = 0,
                 prior: str = "normal", **kwargs):
        if not isinstance(classifier, keras.Model) or len(classifier.outputs) != 2:
            raise TypeError("classifier must be a keras Model with two outputs: "
                            "[class logits (N, K), features (N, d)]")
        logits_shape, features_shape = (tuple(o.shape[1:]) for o in classifier.outputs)
        if len(logits_shape) != 1 or logits_shape[0] < 2 or len(features_shape) != 1:
            raise ValueError(f"classifier outputs must have shapes (N, K) with K >= 2 and (N, d), "
                             f"got {logits_shape} and {features_shape}")
        super().__init__(generator, classifier, seed=seed, prior=prior, **kwargs)
        self.num_classes = logits_shape[0]
        self.supervised_tracker = keras.metrics.Mean(name="supervised_loss")
        self.error_tracker = keras.metrics.Mean(name="error")

    def compile(self, d_optimizer, g_optimizer, feature_matching: bool = True,
                unsupervised_weight: float = 1.0, d_loss_fn: Callable = losses.bce_d_loss,
                g_loss_fn: Callable = losses.non_saturating_g_loss,
                feature_loss_fn: Callable = losses.feature_matching_loss, jit_compile: bool = False,
                steps_per_execution: int = 1):
        """Set the optimizers and the losses.

        The classifier minimises ``supervised_loss`` on the labelled batch plus
        ``unsupervised_weight`` times ``d_loss_fn`` on the real-vs-generated logits of
        the unlabelled and the generated batch.  The generator minimises
        ``feature_loss_fn(real_features, fake_features)`` (``feature_matching=True``)
        or ``g_loss_fn`` on its samples' real-vs-generated logits.
        """
        if not unsupervised_weight >= 0:
            raise ValueError(f"unsupervised_weight must be >= 0, got {unsupervised_weight}")
        if not callable(feature_loss_fn):
            raise TypeError(f"feature_loss_fn must be callable, got {feature_loss_fn!r}")
        super().compile(d_optimizer, g_optimizer, d_loss_fn, g_loss_fn, jit_compile=jit_compile,
                        steps_per_execution=steps_per_execution)
        self.feature_matching = bool(feature_matching)
        self.unsupervised_weight = float(unsupervised_weight)
        self.feature_loss_fn = feature_loss_fn

    @property
    def metrics(self):
        return [self.supervised_tracker, self.d_loss_tracker, self.g_loss_tracker, self.error_tracker]

    def _classifier_step(self, labelled, labels, unlabelled) -> tuple[tf.Tensor, tf.Tensor]:
        noise = self.sample_noise(tf.shape(unlabelled)[0], self._noise_seed(0))
        with tf.GradientTape() as tape:
            labelled_logits, _ = self.discriminator(labelled, training=True)
            real_logits, _ = self.discriminator(unlabelled, training=True)
            fake_logits, _ = self.discriminator(self.generator(noise, training=True), training=True)
            supervised = losses.supervised_loss(labelled_logits, labels)
            unsupervised = self.d_loss_fn(losses.real_logit(real_logits), losses.real_logit(fake_logits))
            loss = supervised + self.unsupervised_weight * unsupervised
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return supervised, unsupervised

    def _generator_step(self, unlabelled) -> tf.Tensor:
        noise = self.sample_noise(tf.shape(unlabelled)[0], self._noise_seed(1))
        with tf.GradientTape() as tape:
            fake_logits, fake_features = self.discriminator(self.generator(noise, training=True),
                                                            training=True)
            if self.feature_matching:
                _, real_features = self.discriminator(unlabelled, training=True)
                g_loss = self.feature_loss_fn(real_features, fake_features)
            else:
                g_loss = self.g_loss_fn(losses.real_logit(fake_logits))
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
        return g_loss

    def train_step(self, batch):
        """One classifier update (labelled + unlabelled + generated), then one generator update."""
        (labelled, labels), unlabelled = batch
        supervised, unsupervised = self._classifier_step(labelled, labels, unlabelled)
        g_loss = self._generator_step(unlabelled)
        self.step.assign_add(1)
        self.supervised_tracker.update_state(supervised)
        self.d_loss_tracker.update_state(unsupervised)
        self.g_loss_tracker.update_state(g_loss)
        return {"supervised_loss": self.supervised_tracker.result(),
                "d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    def test_step(self, batch):
        """The classifier's error rate on ``(images, labels)``."""
        images, labels = batch
        logits, _ = self.discriminator(images, training=False)
        wrong = tf.not_equal(tf.argmax(logits, axis=1), tf.cast(labels, tf.int64))
        self.error_tracker.update_state(tf.cast(wrong, tf.float32))
        return {"error": self.error_tracker.result()}

    def classify(self, images, batch_size: int = 500) -> np.ndarray:
        """The predicted class of each image (inference mode), as a NumPy array."""
        images = np.asarray(images, np.float32)
        expected = tuple(self.discriminator.input_shape[1:])
        if images.ndim != len(expected) + 1 or images.shape[1:] != expected:
            raise ValueError(f"images must have shape (N, {', '.join(map(str, expected))}), got {images.shape}")
        logits = [self.discriminator(images[i:i + batch_size], training=False)[0]
                  for i in range(0, len(images), batch_size)]
        return np.argmax(np.concatenate(logits), axis=1)


# --------------------------------------------------------------------------- toy problems


class ToySetup(NamedTuple):
    """How one loss is trained on the 2-D toys: the losses plus their paper's recipe."""

    d_loss: Callable
    g_loss: Callable
    n_critic: int = 1
    gradient_penalty_weight: float = 0.0
    clip_weights: float | None = None
    optimizer: str = "adam"  # the original WGAN used RMSprop: momentum hurt its critic


TOY_SETUPS = {
    "minimax": ToySetup(losses.bce_d_loss, losses.minimax_g_loss),
    "non_saturating": ToySetup(losses.bce_d_loss, losses.non_saturating_g_loss),
    "least_squares": ToySetup(losses.least_squares_d_loss, losses.least_squares_g_loss),
    "wgan_clip": ToySetup(losses.wasserstein_d_loss, losses.wasserstein_g_loss, n_critic=5,
                          clip_weights=0.01, optimizer="rmsprop"),
    "wgan_gp": ToySetup(losses.wasserstein_d_loss, losses.wasserstein_g_loss, n_critic=5,
                        gradient_penalty_weight=10.0),
    "hinge": ToySetup(losses.hinge_d_loss, losses.hinge_g_loss),
}


def make_toy_gan(loss: str, seed: int, steps: int, latent_dim: int = 2, hidden: tuple = (128, 128),
                 learning_rate: float = 3e-3) -> GAN:
    """A compiled MLP GAN for 2-D points, trained with the loss named ``loss`` (see ``TOY_SETUPS``).

    The learning rate decays to 0 over ``steps`` generator steps (cosine schedule): the
    modes are narrow, and a constant step size keeps the samples jittering around them.
    """
    from ganbook import models

    if loss not in TOY_SETUPS:
        raise ValueError(f"unknown toy loss {loss!r}; expected one of {', '.join(TOY_SETUPS)}")
    setup = TOY_SETUPS[loss]
    keras.utils.set_random_seed(seed)
    gan = GAN(models.make_mlp(latent_dim, 2, hidden, name="toy_generator"),
              models.make_mlp(2, 1, hidden, name="toy_discriminator"), seed=seed)

    def optimizer(updates):
        schedule = keras.optimizers.schedules.CosineDecay(learning_rate, updates)
        if setup.optimizer == "rmsprop":
            return keras.optimizers.RMSprop(schedule)
        return keras.optimizers.Adam(schedule, beta_1=0.5, beta_2=0.9)

    gan.compile(optimizer(steps * setup.n_critic), optimizer(steps), setup.d_loss, setup.g_loss,
                n_critic=setup.n_critic, gradient_penalty_weight=setup.gradient_penalty_weight,
                clip_weights=setup.clip_weights, steps_per_execution=50)
    return gan


def train_on_toy(gan: GAN, dist, steps: int, batch_size: int = 128, seed: int = 0) -> dict:
    """Train ``gan`` for ``steps`` generator steps on fresh samples of ``dist``; return its history."""
    check_positive_int("steps", steps)
    real = dist.sample(steps * batch_size, seed=seed).astype(np.float32)
    batches = tf.data.Dataset.from_tensor_slices(real).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    return gan.fit(batches, epochs=1, verbose=0, callbacks=[callbacks.StopOnNonFinite()]).history


def run_toy(loss: str, dist, seed: int, steps: int, batch_size: int = 128, n_samples: int = 2500,
            **gan_args) -> dict:
    """Train one toy GAN and measure it: ``toy.mode_metrics`` of ``n_samples`` samples,
    the samples themselves, the loss name, seed and wall-clock seconds."""
    from ganbook import toy

    start = time.perf_counter()
    gan = make_toy_gan(loss, seed, steps, **gan_args)
    train_on_toy(gan, dist, steps, batch_size=batch_size, seed=seed)
    samples = gan.generate(n_samples, seed=seed)
    return {"loss": loss, "seed": seed, **toy.mode_metrics(samples, dist), "samples": samples,
            "seconds": time.perf_counter() - start}
