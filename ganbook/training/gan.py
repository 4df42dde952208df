"""``GAN``: a generator and a discriminator trained against each other with ``fit()``."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import tensorflow as tf

from ganbook import data, losses
from ganbook._checks import check_labels, check_positive_int, is_integer
from ganbook._quiet import take_int32_notice
from ganbook.models.layers import Pack
from ganbook.training.latent import PRIORS, LatentSampling, seed_offset
from ganbook.training.objective import Objective
from ganbook.training.replicas import for_gradients, mean_over_replicas, replica_seed, replicas


def _input_shapes(network: keras.Model) -> list[tuple]:
    # The shape of each input of a network (one or several).
    shapes = network.input_shape
    return shapes if isinstance(shapes, list) else [shapes]


class GAN(LatentSampling, keras.Model):
    """A generator and a discriminator trained against each other with ``fit()``.

    ``latent_dim`` is read from the generator's input.  Noise is drawn statelessly from
    ``(seed, step)``, so it is reproducible and survives a resume.  ``prior`` is
    ``"normal"`` (N(0, I)) or ``"uniform"`` (U[-1, 1]).  With ``codes`` > 0 the last
    ``codes`` of the ``latent_dim`` numbers are a categorical code instead: one of
    ``codes`` equally likely categories, one-hot, times ``code_scale`` (InfoGAN's
    categorical code, without its mutual-information term).  With ``continuous_codes``
    > 0, that many numbers before the categorical code are continuous codes, each drawn
    from U[-1, 1] whatever the prior (InfoGAN's continuous codes).  The layout of a
    latent vector is ``[noise, continuous codes, one-hot code]``.  The discriminator returns
    one score per image, or ``[scores, features]`` for feature matching.

    With ``num_classes`` > 0 the GAN is **conditional** (Mirza & Osindero, 2014): both
    networks take a second input, the class labels (integers, shape (N,)); the training
    batches are ``(images, labels)``, and each generated batch asks for the labels of
    the real batch beside it, so D sees the same classes on both sides.
    """

    # A conditional GAN's discriminator reads the labels; ACGAN's predicts them instead.
    discriminator_reads_labels = True

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int = 0,
                 prior: str = "normal", codes: int = 0, code_scale: float = 1.0,
                 num_classes: int = 0, continuous_codes: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(generator, keras.Model) and isinstance(discriminator, keras.Model)):
            raise TypeError("generator and discriminator must be keras Models")
        if prior not in PRIORS:
            raise ValueError(f"prior must be one of {', '.join(PRIORS)}, got {prior!r}")
        if not (isinstance(num_classes, (int, np.integer)) and num_classes >= 0):
            raise ValueError(f"num_classes must be an integer >= 0, got {num_classes!r}")
        self.condition_classes = int(num_classes)
        for name, network in (("generator", generator), ("discriminator", discriminator)):
            reads_labels = self.condition_classes and (name == "generator" or self.discriminator_reads_labels)
            inputs = 2 if reads_labels else 1
            if len(_input_shapes(network)) != inputs:
                raise ValueError(f"with num_classes={self.condition_classes} the {name} must take {inputs} "
                                 f"input(s){' (data, labels)' if inputs == 2 else ''}, it takes "
                                 f"{len(_input_shapes(network))}")
            # A label beyond the embedding's table would be wrapped or zeroed, not refused.
            tables = {layer.input_dim for layer in network.layers if isinstance(layer, keras.layers.Embedding)}
            if reads_labels and tables and tables != {self.condition_classes}:
                raise ValueError(f"num_classes={self.condition_classes} but the {name}'s label embedding "
                                 f"has {', '.join(map(str, sorted(tables)))} classes: build the networks "
                                 "with the same number of classes")
        made, read = tuple(generator.output_shape[1:]), tuple(_input_shapes(discriminator)[0][1:])
        if made != read:
            raise ValueError(f"the generator makes shape {made} but the discriminator reads {read}")
        if len(discriminator.outputs) not in (1, 2):
            raise ValueError("the discriminator must return scores, or [scores, features]; "
                             f"it has {len(discriminator.outputs)} outputs")
        self.generator, self.discriminator = generator, discriminator
        # What the generator's last activation bounds its images to; the real ones must match.
        self.value_range = data.output_range(generator)
        self.has_features = len(discriminator.outputs) == 2
        self.latent_dim = int(_input_shapes(generator)[0][-1])
        if not (isinstance(codes, (int, np.integer)) and 0 <= codes < self.latent_dim):
            raise ValueError(f"codes must be an integer from 0 to {self.latent_dim - 1} (the "
                             f"generator reads {self.latent_dim} numbers), got {codes!r}")
        if not code_scale > 0:
            raise ValueError(f"code_scale must be positive, got {code_scale}")
        if not (isinstance(continuous_codes, (int, np.integer)) and 0 <= continuous_codes < self.latent_dim - codes):
            raise ValueError(f"continuous_codes must be an integer from 0 to {self.latent_dim - codes - 1} (the "
                             f"generator reads {self.latent_dim} numbers, {codes} of them the categorical code), "
                             f"got {continuous_codes!r}")
        self.codes, self.code_scale = int(codes), float(code_scale)
        self.continuous_codes = int(continuous_codes)
        # The seed enters TensorFlow's stateless draws as an int64, beside the step.
        if not (is_integer(seed) and 0 <= seed < 2**63):
            raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed!r}")
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
        take_int32_notice()  # before any gradient of an upsampling layer prints it mid-training

    def compile(self, d_optimizer, g_optimizer, objective: Objective = Objective(), n_critic: int = 1,
                clip_weights: float | None = None, augment=None, mixed_batches: bool = False,
                d_loss_threshold: float | None = None, jit_compile: bool = False, steps_per_execution: int = 1):
        """Set the two optimizers, the objective and how the discriminator is trained.

        ``objective`` (a ``training.Objective``) holds both players' losses and their
        regularisers: the cross-entropy pair by default, WGAN-GP's losses and gradient
        penalty, an R1 penalty, feature matching.  ``n_critic`` D steps per G step, each on
        **its own** real batch: every batch then holds ``n_critic`` real batches, which the
        step splits (WGAN's algorithm); ``clip_weights`` clips D's weights after every D
        step (the original WGAN).  The rest are tricks of ``ganbook.tricks``:

        - ``augment(images, seed)``: applied to every image D sees, real and generated,
          in both players' steps (DiffAugment);
        - ``mixed_batches``: D scores real and generated images in one batch, so batch
          normalisation in D sees both, in D's step and in G's alike (the default scores
          them separately);
        - ``d_loss_threshold``: skip D's update while its loss is below this.

        ``jit_compile`` and ``steps_per_execution`` are Keras' own speed settings.
        """
        for name, optimizer in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(optimizer, keras.optimizers.Optimizer):
                raise TypeError(f"{name} must be a keras optimizer, got {type(optimizer).__name__}")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer objects")
        if not isinstance(objective, Objective):
            raise TypeError("objective must be a training.Objective, e.g. "
                            f"Objective(d_loss=losses.hinge_d_loss, g_loss=losses.hinge_g_loss), got {objective!r}")
        if augment is not None and not callable(augment):
            raise TypeError(f"augment must be callable, got {augment!r}")
        check_positive_int("n_critic", n_critic)
        if clip_weights is not None and not clip_weights > 0:
            raise ValueError(f"clip_weights must be positive or None, got {clip_weights}")
        if objective.feature_matching is not None and not self.has_features:
            raise ValueError("feature_matching needs a discriminator that returns [scores, features]")
        if mixed_batches and any(isinstance(layer, Pack) for layer in self.discriminator.layers):
            raise ValueError("mixed_batches cannot be used with a packing discriminator: it would pack real "
                             "and generated images together; score them apart (the default)")
        if objective.g_loss_reads_real and type(self)._g_loss is not GAN._g_loss:
            raise ValueError(f"{type(self).__name__} adds its own terms to the generator's loss, which takes "
                             "D's scores on the generated batch only; a g_loss of (real, fake) scores "
                             "works with training.GAN")
        super().compile(optimizer=None, jit_compile=jit_compile, steps_per_execution=steps_per_execution)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        # Built now, so that their state exists before a checkpoint is restored into it.
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)
        self.objective = objective
        self.n_critic = n_critic
        self.clip_weights = clip_weights
        self.augment = augment
        self.mixed_batches = bool(mixed_batches)
        self.d_loss_threshold = None if d_loss_threshold is None else float(d_loss_threshold)

    def _refuse_options(self, options: dict, reason: str) -> None:
        # For a subclass whose own step does not use some of GAN.compile's options: a clear
        # refusal rather than a TypeError, or an option accepted and silently ignored.
        known = set(inspect.signature(GAN.compile).parameters) - {"self"}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"{type(self).__name__}.compile() got unexpected keyword arguments {unknown}")
        if options:
            raise ValueError(f"{type(self).__name__}.compile does not take {', '.join(sorted(options))}: {reason}")

    def fit(self, x=None, y=None, batch_size=None, *args, shuffle: bool = False, **kwargs):
        """``keras.Model.fit``.  ``shuffle`` defaults to False: GANs here read ``tf.data``
        pipelines that shuffle themselves, and Keras warns when asked to shuffle one."""
        if isinstance(x, np.ndarray) and getattr(self, "n_critic", 1) > 1:
            self._check_array_batches(len(x), batch_size or 32)  # Keras' default batch size
        if isinstance(x, tf.data.Dataset):
            self.check_real_batch(next(iter(x.take(1))))
        elif isinstance(x, np.ndarray):
            self.check_real_batch(x[:batch_size or 32] if y is None else (x[:batch_size or 32], y))
        return super().fit(x, y, batch_size, *args, shuffle=shuffle, **kwargs)

    def check_real_batch(self, batch) -> None:
        """Raise a clear error unless a training batch suits the networks: its images
        (every array shaped like the generator's output) lie in the generator's value
        range, and its labels are class indices below the number of classes.

        ``fit`` checks the first batch of a ``tf.data`` pipeline or an array this way:
        uint8 images, or [0, 1] images against a tanh generator, would otherwise train
        without a word and never match (the generator cannot make what D sees)."""
        made = tuple(self.generator.output_shape[1:])
        for part in tf.nest.flatten(batch):
            part = np.asarray(part)
            if part.shape[1:] == made and self.value_range is not None:
                self._check_range(part)
            elif part.ndim == 1 and self.label_classes:
                check_labels(part, self.label_classes)

    @property
    def label_classes(self) -> int:
        """How many classes the training labels index (0 when labels are not used)."""
        return self.condition_classes

    def _check_range(self, images: np.ndarray) -> None:
        low, high = self.value_range
        wanted = f"[{low:g}, {high:g}], the range of the generator's last activation"
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(f"the real images are {images.dtype} (0..255?) but must be floats in {wanted}: "
                             "scale them first, e.g. data.to_signed_range(images) for [-1, 1]")
        lo, hi = float(images.min()), float(images.max())
        slack = data.RANGE_SLACK * (high - low)
        if lo < low - slack or hi > high + slack:
            raise ValueError(f"the real images lie in [{lo:.3g}, {hi:.3g}], outside {wanted}: "
                             "scale them to it (data.to_signed_range for [-1, 1], data.as_unit_images "
                             "for [0, 1])")
        if lo >= (low + high) / 2:
            raise ValueError(f"the real images lie in [{lo:.3g}, {hi:.3g}], only the upper half of {wanted}: "
                             "are they in [0, 1] against a tanh generator?  Scale them with "
                             "data.to_signed_range, or end the generator in a sigmoid")

    def _check_array_batches(self, examples: int, batch_size: int) -> None:
        # From an array Keras also makes a last, smaller batch, and the traced step cannot
        # check a batch size it does not know: check both here.
        sizes = sorted({min(batch_size, examples), examples % batch_size} - {0})
        if any(size % self.n_critic for size in sizes):
            raise ValueError(f"with n_critic={self.n_critic} each batch must hold {self.n_critic} real "
                             f"batches: batch_size={batch_size} over {examples} examples gives batches "
                             f"of {' and '.join(map(str, sizes))}; use sizes divisible by {self.n_critic}")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training=False):
        """Generated samples for latent vectors ``z`` (``[z, labels]`` when conditional)."""
        return self.generator(z, training=training)

    def save(self, filepath, *args, **kwargs):
        """Refused, before any file is written: a GAN is saved as its two networks."""
        raise NotImplementedError(
            f"a {type(self).__name__} is not saved whole (nothing was written to {filepath}): save its "
            "networks, gan.generator.save('generator.keras') and gan.discriminator.save(...), or its "
            "training state with gan.save_weights('gan.weights.h5') or callbacks.RunBackup")

    def generate(self, n: int, seed: int = 0, category=None, labels=None, continuous=None,
                 generator: keras.Model | None = None) -> np.ndarray:
        """``n`` samples (inference mode) as a NumPy array, reproducible for the same seed;
        ``category`` and ``continuous`` fix the codes (see ``sample_noise``).  A conditional
        GAN draws the classes of ``labels`` (one integer, or one per sample), or classes
        drawn uniformly with ``seed`` if none are given.  ``generator``, a network shaped
        like the GAN's (a moving average of its weights, ``callbacks.GeneratorEMA().ema``),
        draws from the same noise and labels instead of the GAN's own generator."""
        check_positive_int("n (the number of samples)", n, (int, np.integer))
        if not is_integer(seed):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        generator = self._check_generator(generator)
        noise = self.sample_noise(n, (seed, -1), category=category, continuous=continuous)
        return self._generate(noise, self._labels_to_draw(n, seed, labels), training=False,
                              generator=generator).numpy()

    def _check_generator(self, generator: keras.Model | None) -> keras.Model:
        # The network to sample from: the GAN's own, or one with its inputs and outputs.
        if generator is None:
            return self.generator
        if not isinstance(generator, keras.Model):
            raise TypeError(f"generator must be a keras Model shaped like the GAN's, got {type(generator).__name__}")
        for what in ("input_shape", "output_shape"):
            theirs, ours = getattr(generator, what), getattr(self.generator, what)
            if theirs != ours:
                raise ValueError(f"generator has {what} {theirs} but the GAN's generator has {ours}: "
                                 "pass a copy of the GAN's generator, such as a moving average of it")
        return generator

    def _labels_to_draw(self, n: int, seed: int, labels):
        # The labels of n samples to generate, checked; None for an unconditional GAN.
        if not self.condition_classes:
            if labels is not None:
                raise ValueError("labels need a conditional GAN (num_classes > 0)")
            return None
        if labels is None:
            return np.random.default_rng(seed).integers(0, self.condition_classes, n)
        labels = np.asarray(labels)
        if labels.ndim > 1 or (labels.ndim == 1 and len(labels) != n):
            raise ValueError(f"labels must be one integer or {n} of them, got shape {labels.shape}")
        return check_labels(np.broadcast_to(labels, (n,)), self.condition_classes)

    def _generate(self, noise, labels, training: bool, generator: keras.Model | None = None):
        # The generator's samples for noise, given the labels when it is conditional.
        inputs = noise if labels is None else [noise, tf.convert_to_tensor(labels, tf.int32)]
        return (self.generator if generator is None else generator)(inputs, training=training)

    def _discriminate(self, images, labels, training: bool = True):
        # D's outputs on images, given their labels when it is conditional.
        reads_labels = labels is not None and self.discriminator_reads_labels
        return self.discriminator([images, labels] if reads_labels else images, training=training)

    def _step_noise(self, n, seed) -> tf.Tensor:
        # This replica's part of the noise for the global batch: with R replicas of n
        # examples, the noise of the same n * R examples as one device would draw.
        replica, count = replicas()
        if count == 1:
            return self.sample_noise(n, seed)
        return self.sample_noise(n * count, seed)[replica * n:(replica + 1) * n]

    def _noise_seed(self, k: int) -> tf.Tensor:
        # A fresh, reproducible seed for draw k of the current step.
        counter = self.step * (self.n_critic + 1) + k
        return tf.stack([tf.constant(self.seed, tf.int64), tf.cast(counter, tf.int64)])

    # ----------------------------------------------------------------------- the two players

    def score(self, outputs) -> tf.Tensor:
        """The real-vs-generated score in the discriminator's ``outputs`` (its first one)."""
        return outputs[0] if self.has_features else outputs

    def _features(self, outputs) -> tf.Tensor:
        return outputs[1]

    def _seen(self, images, seed) -> tf.Tensor:
        # What D sees of a batch: the images, augmented when a trick asks for it.
        return images if self.augment is None else self.augment(images, seed)

    def critic_scores(self, images, labels=None) -> tf.Tensor:
        """D's real-vs-generated scores of ``images`` (given their labels when conditional),
        in training mode, as its step sees them."""
        return self.score(self._discriminate(images, labels))

    def _discriminate_both(self, real, fake, labels):
        # D's outputs on the real and the generated batch, in one call or two.
        if not self.mixed_batches:
            return self._discriminate(real, labels), self._discriminate(fake, labels)
        both_labels = None if labels is None else tf.concat([labels, labels], axis=0)
        outputs = self._discriminate(tf.concat([real, fake], axis=0), both_labels)
        n = tf.shape(real)[0]
        return tf.nest.map_structure(lambda o: o[:n], outputs), tf.nest.map_structure(lambda o: o[n:], outputs)

    def _d_loss(self, real_out, fake_out, noise, labels) -> tf.Tensor:
        # D's objective on its outputs for the real and the generated batch (made from
        # `noise` and `labels`); the two-head GANs add their head's cross-entropy.
        return self.objective.d_loss(self.score(real_out), self.score(fake_out))

    def _g_loss(self, fake_out, noise, labels) -> tf.Tensor:
        # G's objective on D's outputs for its batch, when it does not match features.
        return self.objective.g_loss(self.score(fake_out))

    def _d_step(self, real, labels, k: int) -> tf.Tensor:
        seed = self._noise_seed(k)
        with tf.GradientTape() as tape:
            noise = self._step_noise(tf.shape(real)[0], seed)
            fake = self._generate(noise, labels, training=True)
            seed = replica_seed(seed)  # augmentation and penalties: this replica's draws
            real, fake = self._seen(real, seed_offset(seed, 2)), self._seen(fake, seed_offset(seed, 3))
            real_out, fake_out = self._discriminate_both(real, fake, labels)
            d_loss = self._d_loss(real_out, fake_out, noise, labels)
            d_loss = self.objective.add_d_regularisers(d_loss, self, real, fake, labels, seed)
            replicas_share = for_gradients(d_loss)  # inside the tape: it is differentiated
        variables = self.discriminator.trainable_variables
        gradients = tape.gradient(replicas_share, variables)
        if self.d_loss_threshold is None:
            self.d_optimizer.apply_gradients(zip(gradients, variables))
        else:
            def update():
                self.d_optimizer.apply_gradients(zip(gradients, variables))
                return tf.constant(True)

            tf.cond(d_loss > self.d_loss_threshold, update, lambda: tf.constant(False))
        if self.clip_weights:
            losses.clip_weights(self.discriminator, self.clip_weights)
        return d_loss

    def _g_step(self, real, labels) -> tf.Tensor:
        seed = self._noise_seed(self.n_critic)
        with tf.GradientTape() as tape:
            noise = self._step_noise(tf.shape(real)[0], seed)
            fake = self._generate(noise, labels, training=True)
            seed = replica_seed(seed)
            fake_seen = self._seen(fake, seed_offset(seed, 3))
            if self.mixed_batches:
                # G is judged by the function D learned: its batch scored beside a real
                # one, as in D's step (batch norm in D then sees both here too).
                real_out, fake_out = self._discriminate_both(self._seen(real, seed_offset(seed, 2)), fake_seen, labels)
            else:
                fake_out = self._discriminate(fake_seen, labels)
                if self.objective.feature_matching is not None or self.objective.g_loss_reads_real:
                    real_out = self._discriminate(self._seen(real, seed_offset(seed, 2)), labels)
            if self.objective.feature_matching is not None:
                g_loss = self.objective.feature_matching(self._features(real_out), self._features(fake_out))
            elif self.objective.g_loss_reads_real:
                g_loss = self.objective.g_loss(self.score(real_out), self.score(fake_out))
            else:
                g_loss = self._g_loss(fake_out, noise, labels)
            g_loss = self.objective.add_g_regularisers(g_loss, self, real, fake)
            replicas_share = for_gradients(g_loss)
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(replicas_share, variables), variables))
        return g_loss

    def _real_batches(self, real) -> list[tf.Tensor]:
        # n_critic real batches (of images or labels), one per D step, from one batch.
        if self.n_critic == 1:
            return [real]
        n = real.shape[0]
        if n is not None and n % self.n_critic:
            raise ValueError(f"with n_critic={self.n_critic} each batch must hold {self.n_critic} real "
                             f"batches, one per critic step: a batch size divisible by "
                             f"{self.n_critic}, got {n}")
        return tf.split(real, self.n_critic)

    def _unpack(self, batch):
        # (images, labels) of a training batch; labels only for a conditional GAN.
        if not self.condition_classes:
            return (batch[0] if isinstance(batch, (tuple, list)) else batch), None
        if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
            raise ValueError("a conditional GAN trains on batches of (images, labels), e.g. "
                             "callbacks.SeededEpochs(images, batch_size, seed, labels=labels)")
        return batch[0], tf.cast(batch[1], tf.int32)

    def train_step(self, batch):
        """``n_critic`` discriminator updates, each on its own part of the real batch,
        then one generator update."""
        real, labels = self._unpack(batch)
        if self.d_loss_threshold is not None and replicas()[1] > 1:
            raise ValueError("d_loss_threshold cannot be used with several replicas: skipping D's update "
                             "is a condition around the replicas' gradient reduction, which tf.distribute "
                             "cannot synchronise; train on one device or drop the threshold")
        chunks = self._real_batches(real)
        label_chunks = [None] * len(chunks) if labels is None else self._real_batches(labels)
        for k, (chunk, chunk_labels) in enumerate(zip(chunks, label_chunks)):
            d_loss = self._d_step(chunk, chunk_labels, k)
        g_loss = self._g_step(chunks[-1], label_chunks[-1])
        self.step.assign_add(1)
        self.d_loss_tracker.update_state(mean_over_replicas(d_loss))
        self.g_loss_tracker.update_state(mean_over_replicas(g_loss))
        return {metric.name: metric.result() for metric in self.metrics}
