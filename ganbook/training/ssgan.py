"""``SSGAN``: the semi-supervised GAN, whose discriminator is a K-class classifier."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganbook import losses
from ganbook.training.gan import GAN
from ganbook.training.objective import Objective
from ganbook.training.replicas import for_gradients, mean_over_replicas

# Salimans et al.'s objective: the generator matches the classifier's features.
FEATURE_MATCHING = Objective(feature_matching=losses.feature_matching_loss)


class SSGAN(GAN):
    """A semi-supervised GAN (Salimans et al., 2016): the discriminator is a K-class classifier.

    ``classifier`` maps an image to ``[logits, features]``: K class logits, and the
    features of its last hidden layer.  A (K+1)-th class, "generated", has its logit
    fixed at 0, so the classifier's real-vs-generated score is ``losses.real_logit``
    (logsumexp of the K logits) and the losses of an ``Objective`` apply to it
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

    @property
    def label_classes(self) -> int:
        """The classifier's K classes, which the labelled batch's labels index."""
        return self.num_classes

    def compile(self, d_optimizer, g_optimizer, objective: Objective = FEATURE_MATCHING,
                unsupervised_weight: float = 1.0, jit_compile: bool = False, steps_per_execution: int = 1,
                **options):
        """Set the optimizers and the objective.

        The classifier minimises ``supervised_loss`` on the labelled batch plus
        ``unsupervised_weight`` times the objective's ``d_loss`` on the real-vs-generated
        logits of the unlabelled and the generated batch.  The generator minimises the
        objective's ``feature_matching`` loss of (real features, generated features) when
        it has one (the default, ``FEATURE_MATCHING``), or its ``g_loss`` on its samples'
        real-vs-generated logits.  Penalties in the objective, and the other options of
        ``GAN.compile`` (``n_critic``, ``augment``, ...), are refused with a reason.
        """
        reason = ("the classifier's update (labelled, unlabelled and generated batches) is a step of its "
                  "own that these options do not reach")
        self._refuse_options(options, reason)
        if isinstance(objective, Objective):
            penalties = [name for name in ("gradient_penalty", "d_penalty", "g_penalty") if getattr(objective, name)]
            if penalties:
                raise ValueError(f"SSGAN's objective takes no {', '.join(penalties)}: {reason}")
        if not unsupervised_weight >= 0:
            raise ValueError(f"unsupervised_weight must be >= 0, got {unsupervised_weight}")
        super().compile(d_optimizer, g_optimizer, objective, jit_compile=jit_compile,
                        steps_per_execution=steps_per_execution)
        self.unsupervised_weight = float(unsupervised_weight)

    @property
    def metrics(self):
        return [self.supervised_tracker, self.d_loss_tracker, self.g_loss_tracker, self.error_tracker]

    def score(self, outputs) -> tf.Tensor:
        """The real-vs-generated logit of the classifier's ``outputs``: log Z of its class logits."""
        return losses.real_logit(outputs[0])

    def _classifier_step(self, labelled, labels, unlabelled) -> tuple[tf.Tensor, tf.Tensor]:
        noise = self._step_noise(tf.shape(unlabelled)[0], self._noise_seed(0))
        with tf.GradientTape() as tape:
            labelled_logits, _ = self.discriminator(labelled, training=True)
            real_out = self.discriminator(unlabelled, training=True)
            fake_out = self.discriminator(self.generator(noise, training=True), training=True)
            supervised = losses.supervised_loss(labelled_logits, labels)
            unsupervised = self.objective.d_loss(self.score(real_out), self.score(fake_out))
            replicas_share = for_gradients(supervised + self.unsupervised_weight * unsupervised)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(replicas_share, variables), variables))
        return supervised, unsupervised

    def train_step(self, batch):
        """One classifier update (labelled + unlabelled + generated), then one generator update.

        The generator's feature matching compares with the unlabelled batch, or with the
        batch's third element when there is one (a second, independent unlabelled batch).
        """
        (labelled, labels), unlabelled, *feature_batch = batch
        supervised, unsupervised = self._classifier_step(labelled, labels, unlabelled)
        g_loss = self._g_step(feature_batch[0] if feature_batch else unlabelled, None)
        self.step.assign_add(1)
        self.supervised_tracker.update_state(mean_over_replicas(supervised))
        self.d_loss_tracker.update_state(mean_over_replicas(unsupervised))
        self.g_loss_tracker.update_state(mean_over_replicas(g_loss))
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
