"""GANs whose discriminator has a second head that names a class: ``ACGAN`` and ``InfoGAN``."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganbook import losses
from ganbook.training.gan import GAN
from ganbook.training.objective import Objective
from ganbook.training.replicas import mean_over_replicas


def _check_two_heads(discriminator: keras.Model, classes: int, what: str) -> None:
    # The discriminator must return [logit (N, 1), logits over `classes` (N, classes)].
    if not isinstance(discriminator, keras.Model) or len(discriminator.outputs) != 2:
        raise TypeError(f"the discriminator must be a keras Model with two outputs: [logit (N, 1), "
                        f"{what} logits (N, {classes})], e.g. models.make_two_head_discriminator")
    got = tuple(discriminator.outputs[1].shape[1:])
    if got != (classes,):
        raise ValueError(f"the discriminator's second output must hold {classes} {what} outputs per "
                         f"image, it has shape {got}")


class _TwoHeadGAN(GAN):
    """A GAN whose D returns ``[logit, head logits]``, the head naming
    ``self._targets(noise, labels)``, the classes the generated batch was made from.
    Both players add the head's cross-entropy to their adversarial loss; the rest of the
    step, with every option of ``GAN.compile``, is the GAN's."""

    head_name = "class"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_features = False  # D's second output is the head, not features to match
        self.head_tracker = keras.metrics.Mean(name=f"{self.head_name}_loss")

    def compile(self, d_optimizer, g_optimizer, objective: Objective = Objective(), head_weight: float = 1.0,
                **options):
        """Set the optimizers, the objective (its adversarial losses work on the first
        head's logits) and ``head_weight``, the weight of the second head's cross-entropy
        in both losses.

        ``options`` are those of ``GAN.compile`` (``n_critic``, ``augment``, ``jit_compile``,
        ...); an objective with feature matching is refused."""
        if not head_weight >= 0:
            raise ValueError(f"head_weight must be >= 0, got {head_weight}")
        if isinstance(objective, Objective) and objective.feature_matching is not None:
            raise ValueError(f"feature_matching is not available for {type(self).__name__}: its "
                             f"discriminator's second output is the {self.head_name} head, not features")
        super().compile(d_optimizer, g_optimizer, objective, **options)
        self.head_weight = float(head_weight)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.head_tracker]

    def score(self, outputs) -> tf.Tensor:
        """The real-vs-generated logit among the discriminator's ``outputs`` (the first)."""
        return outputs[0]

    def _targets(self, noise, labels) -> tf.Tensor:
        raise NotImplementedError

    def _real_head_loss(self, real_head_logits, labels) -> tf.Tensor:
        # The head's loss on real images: none unless the real classes are known.
        return tf.constant(0.0)

    def _head_loss(self, head_outputs, noise, labels) -> tf.Tensor:
        # The second head's loss on a generated batch: cross-entropy with its classes.
        return losses.supervised_loss(head_outputs, self._targets(noise, labels))

    def _d_loss(self, real_out, fake_out, noise, labels) -> tf.Tensor:
        head_loss = self._head_loss(fake_out[1], noise, labels)
        return (super()._d_loss(real_out, fake_out, noise, labels)
                + self.head_weight * (head_loss + self._real_head_loss(real_out[1], labels)))

    def _g_loss(self, fake_out, noise, labels) -> tf.Tensor:
        head_loss = self._head_loss(fake_out[1], noise, labels)
        self.head_tracker.update_state(mean_over_replicas(head_loss))  # the logged head loss: G's
        return super()._g_loss(fake_out, noise, labels) + self.head_weight * head_loss


class ACGAN(_TwoHeadGAN):
    """Auxiliary-classifier GAN (Odena et al., 2017).

    The generator takes ``[z, labels]`` (as in a conditional GAN); the discriminator
    takes only the image and returns ``[logit, class logits]``: real or generated, and
    which of ``num_classes`` classes.  D minimises ``losses.acgan_d_loss``, G
    ``losses.acgan_g_loss``, with the class term weighted by ``head_weight``.  Batches
    are ``(images, labels)``; each generated batch asks for the real batch's labels.
    The logged ``class_loss`` is the cross-entropy of the class head on generated images.
    """

    discriminator_reads_labels = False

    def __init__(self, generator: keras.Model, discriminator: keras.Model, num_classes: int, seed: int = 0,
                 prior: str = "normal", **kwargs):
        _check_two_heads(discriminator, num_classes, "class")
        super().__init__(generator, discriminator, seed=seed, prior=prior, num_classes=num_classes, **kwargs)

    def _targets(self, noise, labels) -> tf.Tensor:
        return labels

    def _real_head_loss(self, real_head_logits, labels) -> tf.Tensor:
        return losses.supervised_loss(real_head_logits, labels)


class InfoGAN(_TwoHeadGAN):
    """InfoGAN with a categorical code and, optionally, continuous codes (Chen et al., 2016).

    The generator reads ``latent_dim`` numbers whose last ``codes`` are a one-hot code
    times ``code_scale``, preceded by ``continuous_codes`` numbers drawn from U[-1, 1]
    (as ``GAN(codes=..., continuous_codes=...)``); the discriminator returns ``[logit,
    code outputs]``, its second head being the Q network that shares D's body: ``codes``
    logits, then one predicted value per continuous code.  Both players add
    ``head_weight`` (λ) times Q's cross-entropy with the drawn codes: for the category,
    log K minus the lower bound L_I on the mutual information between the code and the
    image (``losses.mutual_information_bound``); for the continuous codes, a unit-variance
    Gaussian's (``losses.continuous_code_loss``).  No labels are used.  The logged
    ``code_loss`` is that cross-entropy.
    """

    head_name = "code"

    def __init__(self, generator: keras.Model, discriminator: keras.Model, codes: int, seed: int = 0,
                 prior: str = "normal", code_scale: float = 1.0, continuous_codes: int = 0, **kwargs):
        _check_two_heads(discriminator, codes + continuous_codes,
                         "code (the categories' logits, then one value per continuous code)")
        super().__init__(generator, discriminator, seed=seed, prior=prior, codes=codes, code_scale=code_scale,
                         continuous_codes=continuous_codes, **kwargs)

    def _targets(self, noise, labels) -> tf.Tensor:
        return tf.argmax(noise[:, -self.codes:], axis=1, output_type=tf.int32)

    def _head_loss(self, head_outputs, noise, labels) -> tf.Tensor:
        category_loss = super()._head_loss(head_outputs[:, :self.codes], noise, labels)
        if not self.continuous_codes:
            return category_loss
        drawn = noise[:, self.continuous_columns]
        return category_loss + losses.continuous_code_loss(head_outputs[:, self.codes:], drawn)

    def infer_code(self, images, batch_size: int = 500):
        """Q's most likely category for each image (inference mode), as a NumPy array."""
        return np.argmax(self._q_outputs(images, batch_size)[:, :self.codes], axis=1)

    def infer_continuous_code(self, images, batch_size: int = 500):
        """Q's estimate of the continuous codes of each image (inference mode), shape (N, continuous_codes)."""
        if not self.continuous_codes:
            raise ValueError("infer_continuous_code needs an InfoGAN with continuous codes")
        return self._q_outputs(images, batch_size)[:, self.codes:]

    def _q_outputs(self, images, batch_size: int) -> np.ndarray:
        # Q's outputs for images, in batches.
        images = tf.convert_to_tensor(images, tf.float32)
        return np.concatenate([self.discriminator(images[i:i + batch_size], training=False)[1]
                               for i in range(0, int(images.shape[0]), batch_size)])
