"""The classic GAN losses, each a short pure function on logits or critic scores.

Naming: ``<name>_d_loss(real, fake)`` is what the discriminator (or critic)
minimises, ``<name>_g_loss(fake)`` what the generator minimises.  ``real`` and
``fake`` are the discriminator's raw outputs on a batch: **logits** for the
cross-entropy losses (``D(x) = sigmoid(logit)``), unbounded **scores** for the
least-squares, Wasserstein and hinge losses.  Every function returns a scalar
mean over the batch.  The relativistic pairing loss is the exception to the naming:
its generator side, ``relativistic_g_loss(real, fake)``, needs the real scores too.
``LOSSES`` maps each loss's name to its ``(d_loss, g_loss)``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import tensorflow as tf


def _outputs(values, name: str) -> tf.Tensor:
    """``values`` as a float32 tensor of shape (N,); (N, 1) is flattened, anything else raises."""
    values = tf.convert_to_tensor(values)
    if not values.dtype.is_floating:
        raise TypeError(f"{name} must be floating-point discriminator outputs, got dtype {values.dtype.name}")
    values = tf.cast(values, tf.float32)
    shape = values.shape
    if shape.rank == 2 and shape[1] == 1:
        return tf.reshape(values, [-1])
    if shape.rank != 1:
        raise ValueError(f"{name} must have shape (N,) or (N, 1): one output per example, got {shape}")
    return values


# --------------------------------------------------------------------------- cross-entropy GANs


def bce_d_loss(real_logits, fake_logits, real_label: float = 1.0) -> tf.Tensor:
    """-V(D, G): binary cross-entropy with target ``real_label`` on real and 0 on fake logits.

    ``real_label=0.9`` gives one-sided label smoothing.  Computed from logits, so it
    never takes the log of a sigmoid that has rounded to 0 or 1.
    """
    real, fake = _outputs(real_logits, "real_logits"), _outputs(fake_logits, "fake_logits")
    if not 0.0 < real_label <= 1.0:
        raise ValueError(f"real_label must be in (0, 1], got {real_label}")
    real_term = tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(real), real_label), real)
    fake_term = tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros_like(fake), fake)
    return tf.reduce_mean(real_term) + tf.reduce_mean(fake_term)


def minimax_g_loss(fake_logits) -> tf.Tensor:
    """E[log(1 - D(G(z)))], the generator's side of the original minimax game.

    Its gradient with respect to a logit is -D(G(z)), which vanishes when D rejects
    the fakes, so it saturates early in training.
    """
    fake = _outputs(fake_logits, "fake_logits")
    return -tf.reduce_mean(tf.nn.softplus(fake))  # log(1 - sigmoid(l)) = -softplus(l)


def non_saturating_g_loss(fake_logits) -> tf.Tensor:
    """-E[log D(G(z))]; its gradient with respect to a logit is -(1 - D(G(z)))."""
    fake = _outputs(fake_logits, "fake_logits")
    return tf.reduce_mean(tf.nn.softplus(-fake))  # -log(sigmoid(l)) = softplus(-l)


# --------------------------------------------------------------------------- least squares (Mao et al.)


def least_squares_d_loss(real_scores, fake_scores) -> tf.Tensor:
    """½E[(D(x) - 1)²] + ½E[D(G(z))²]: the LSGAN targets are 1 for real and 0 for fake."""
    real, fake = _outputs(real_scores, "real_scores"), _outputs(fake_scores, "fake_scores")
    return 0.5 * tf.reduce_mean(tf.square(real - 1.0)) + 0.5 * tf.reduce_mean(tf.square(fake))


def least_squares_g_loss(fake_scores) -> tf.Tensor:
    """½E[(D(G(z)) - 1)²]: the generator wants its samples scored like real ones."""
    fake = _outputs(fake_scores, "fake_scores")
    return 0.5 * tf.reduce_mean(tf.square(fake - 1.0))


# --------------------------------------------------------------------------- Wasserstein and hinge


def wasserstein_d_loss(real_scores, fake_scores) -> tf.Tensor:
    """E[f(G(z))] - E[f(x)]: minimising it maximises the critic's Wasserstein estimate.

    Only meaningful when the critic f is kept (about) 1-Lipschitz: by weight clipping
    (``clip_weights``) or a gradient penalty (``gradient_penalty``).
    """
    real, fake = _outputs(real_scores, "real_scores"), _outputs(fake_scores, "fake_scores")
    return tf.reduce_mean(fake) - tf.reduce_mean(real)


def wasserstein_g_loss(fake_scores) -> tf.Tensor:
    """-E[f(G(z))]: the generator raises the critic's score of its samples."""
    return -tf.reduce_mean(_outputs(fake_scores, "fake_scores"))


def hinge_d_loss(real_scores, fake_scores) -> tf.Tensor:
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]: no reward beyond a margin of 1."""
    real, fake = _outputs(real_scores, "real_scores"), _outputs(fake_scores, "fake_scores")
    return tf.reduce_mean(tf.nn.relu(1.0 - real)) + tf.reduce_mean(tf.nn.relu(1.0 + fake))


hinge_g_loss = wasserstein_g_loss  # the hinge GAN's generator loss is -E[D(G(z))] too


# --------------------------------------------------------------------------- keeping a critic Lipschitz


def gradient_penalty(critic: Callable, real, fake, seed=None) -> tf.Tensor:
    """WGAN-GP's penalty E[(‖∇f(x̂)‖₂ - 1)²] at random points x̂ between real and fake.

    ``x̂ = ε·real + (1 - ε)·fake`` with one ε ~ U[0, 1] per example (Gulrajani et al.,
    2017).  Multiply by λ (10 in the paper) and add it to ``wasserstein_d_loss``.
    ``seed`` is an optional stateless seed, a pair of integers.
    """
    real, fake = tf.convert_to_tensor(real, tf.float32), tf.convert_to_tensor(fake, tf.float32)
    if real.shape.rank is None or real.shape.rank < 2 or real.shape[1:] != fake.shape[1:]:
        raise ValueError(
            f"real and fake must be batches of the same example shape, got {real.shape} and {fake.shape}"
        )
    eps_shape = tf.concat([tf.shape(real)[:1], tf.ones([real.shape.rank - 1], tf.int32)], axis=0)
    if seed is None:
        eps = tf.random.uniform(eps_shape)
    else:
        eps = tf.random.stateless_uniform(eps_shape, seed=seed)
    between = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(between)
        scores = critic(between)
    grads = tape.gradient(scores, between)
    norms = tf.sqrt(tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


def clip_weights(model, limit: float = 0.01) -> None:
    """Clip every trainable weight of ``model`` to [-limit, limit], as the original WGAN does."""
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    for variable in model.trainable_variables:
        variable.assign(tf.clip_by_value(variable, -limit, limit))


# --------------------------------------------------------------------------- semi-supervised (K+1 classes)


def _class_logits(logits, name: str) -> tf.Tensor:
    """``logits`` as a float32 tensor of shape (N, K) with K >= 2, or a clear error."""
    logits = tf.convert_to_tensor(logits)
    if not logits.dtype.is_floating:
        raise TypeError(f"{name} must be floating-point class logits, got dtype {logits.dtype.name}")
    if logits.shape.rank != 2 or (logits.shape[1] is not None and logits.shape[1] < 2):
        raise ValueError(f"{name} must have shape (N, K): K >= 2 class logits per example, got {logits.shape}")
    return tf.cast(logits, tf.float32)


def real_logit(class_logits) -> tf.Tensor:
    """The real-vs-generated logit of a K+1 classifier whose (K+1)-th logit is fixed at 0.

    With Z(x) = Σ_k exp(l_k(x)), the probability of "real" is D(x) = Z / (Z + 1) =
    sigmoid(log Z), so the binary logit is log Z = logsumexp of the K class logits
    (Salimans et al., 2016).  Shape (N,).
    """
    return tf.reduce_logsumexp(_class_logits(class_logits, "class_logits"), axis=1)


def supervised_loss(class_logits, labels) -> tf.Tensor:
    """Cross-entropy of the true class among the K real classes, -E log p(y | x, y ≤ K).

    ``labels`` are integers in 0..K-1; anything else raises ``ValueError``.
    """
    logits = _class_logits(class_logits, "class_logits")
    labels = tf.convert_to_tensor(labels)
    if not labels.dtype.is_integer:
        raise TypeError(f"labels must be integers, got dtype {labels.dtype.name}")
    if labels.shape.rank != 1 or (labels.shape[0] is not None and logits.shape[0] is not None
                                  and labels.shape[0] != logits.shape[0]):
        raise ValueError(f"labels must have shape ({logits.shape[0]},), one per example, got {labels.shape}")
    if tf.executing_eagerly():  # in a compiled step the op itself refuses such labels
        values, classes = labels.numpy(), logits.shape[1]
        if values.size and (values.min() < 0 or values.max() >= classes):
            raise ValueError(f"labels must be class indices in 0..{classes - 1}, "
                             f"got values in [{values.min()}, {values.max()}]")
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))


def unsupervised_loss(real_class_logits, fake_class_logits) -> tf.Tensor:
    """-E log D(x) - E log(1 - D(G(z))) for a K+1 classifier with D(x) = Z / (Z + 1).

    The discriminator's loss of the ordinary GAN (``bce_d_loss``), applied to the
    real-vs-generated logit ``real_logit``: real unlabelled images should look real,
    generated ones like the (K+1)-th class.
    """
    return bce_d_loss(real_logit(real_class_logits), real_logit(fake_class_logits))


def feature_matching_loss(real_features, fake_features, squared: bool = False) -> tf.Tensor:
    """How far the batch means of D's features are apart: mean |Δ|, or mean Δ² if ``squared``.

    Δ = E f(x) - E f(G(z)), averaged over the d features.  Salimans et al. (2016) train
    the generator to shrink it instead of fooling D: the generated batch need only have
    the statistics of a real one.  Their paper writes ‖Δ‖² (``squared``, up to the
    factor 1/d); the Semi-supervised GAN chapter measures both.  Shapes (N, d), (M, d).
    """
    real = tf.convert_to_tensor(real_features, tf.float32)
    fake = tf.convert_to_tensor(fake_features, tf.float32)
    if real.shape.rank != 2 or fake.shape.rank != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"features must have shapes (N, d) and (M, d) with the same d, "
                         f"got {real.shape} and {fake.shape}")
    gap = tf.reduce_mean(real, axis=0) - tf.reduce_mean(fake, axis=0)
    return tf.reduce_mean(tf.square(gap) if squared else tf.abs(gap))


# --------------------------------------------------------------------------- auxiliary heads (ACGAN, InfoGAN)


def acgan_d_loss(real_logits, fake_logits, real_class_logits, fake_class_logits, real_labels,
                 fake_labels, real_label: float = 1.0, class_weight: float = 1.0) -> tf.Tensor:
    """What ACGAN's discriminator minimises: -(L_S + L_C) (Odena et al., 2017), as batch means.

    L_S = E log P(S=real | x_real) + E log P(S=fake | x_fake) is the log-likelihood of
    the right source (``bce_d_loss`` is -L_S); L_C = E log P(C=c | x_real) + E log
    P(C=c | x_fake) that of the right class, read from the class head's logits.
    ``class_weight`` scales L_C (1 in the paper).
    """
    source = bce_d_loss(real_logits, fake_logits, real_label=real_label)
    classes = (supervised_loss(real_class_logits, real_labels)
               + supervised_loss(fake_class_logits, fake_labels))
    return source + class_weight * classes


def acgan_g_loss(fake_logits, fake_class_logits, fake_labels, class_weight: float = 1.0) -> tf.Tensor:
    """What ACGAN's generator minimises: its samples should look real *and* be classified as
    the class they were asked for.

    The paper's generator maximises L_C - L_S; as everywhere in this book, the source
    term is the non-saturating -E log D(G(z)) rather than E log(1 - D(G(z))).
    """
    return non_saturating_g_loss(fake_logits) + class_weight * supervised_loss(fake_class_logits, fake_labels)


def mutual_information_bound(code_logits, codes) -> tf.Tensor:
    """InfoGAN's variational lower bound L_I = E log Q(c | G(z, c)) + H(c) on I(c; G(z, c)), in nats.

    For a uniform categorical code of K categories H(c) = log K, so the bound is
    log K minus the cross-entropy of Q's logits with the codes drawn (Chen et al., 2016);
    it reaches log K when Q recovers every code.
    """
    logits = _class_logits(code_logits, "code_logits")
    log_k = tf.math.log(tf.cast(tf.shape(logits)[1], tf.float32))
    return log_k - supervised_loss(logits, codes)


def continuous_code_loss(predicted_codes, codes) -> tf.Tensor:
    """InfoGAN's cross-entropy for continuous codes: -E log Q(c | x) up to a constant, in nats.

    Q(c | x) is a Gaussian with mean ``predicted_codes`` and unit variance per code, as
    in the authors' MNIST run, so the loss is half the squared error summed over the
    codes, averaged over the batch.  Both arguments have shape (N, number of codes).
    """
    predicted = tf.convert_to_tensor(predicted_codes, tf.float32)
    codes = tf.cast(codes, tf.float32)
    if predicted.shape.rank != 2 or predicted.shape != codes.shape:
        raise ValueError(f"predicted_codes and codes must both have shape (N, number of codes), got "
                         f"{predicted.shape} and {codes.shape}")
    return 0.5 * tf.reduce_mean(tf.reduce_sum(tf.square(codes - predicted), axis=1))


# --------------------------------------------------------------------------- BEGAN (an autoencoder discriminator)


def autoencoder_loss(images, reconstructions) -> tf.Tensor:
    """BEGAN's L(v) = |v - D(v)|: each image's mean absolute reconstruction error, shape (N,).

    D is an autoencoder; it should reconstruct real images well and generated ones badly.
    """
    images = tf.convert_to_tensor(images, tf.float32)
    reconstructions = tf.convert_to_tensor(reconstructions, tf.float32)
    if images.shape != reconstructions.shape:
        raise ValueError(f"images and reconstructions must have the same shape, got {images.shape} "
                         f"and {reconstructions.shape}")
    return tf.reduce_mean(tf.abs(images - reconstructions), axis=list(range(1, images.shape.rank)))


def check_began_settings(gamma: float, lambda_k: float) -> None:
    """Raise ``ValueError`` unless gamma is in (0, 1] and lambda_k >= 0."""
    if not 0 < gamma <= 1:
        raise ValueError(f"gamma must be in (0, 1], got {gamma}")
    if not lambda_k >= 0:
        raise ValueError(f"lambda_k must be >= 0, got {lambda_k}")


def began_k_update(k, real_loss, fake_loss, gamma: float, lambda_k: float) -> tf.Tensor:
    """BEGAN's equilibrium variable after one step: clip(k + lambda_k (gamma L(x) - L(G(z))), 0, 1).

    ``real_loss`` and ``fake_loss`` are batch means of ``autoencoder_loss``.  When D
    reconstructs generated images too well (L(G(z)) < gamma L(x)), k grows, and D's loss
    L(x) - k L(G(z)) pushes harder against them; k stays in [0, 1].
    """
    check_began_settings(gamma, lambda_k)
    k = tf.cast(k, tf.float32)
    return tf.clip_by_value(k + lambda_k * (gamma * real_loss - fake_loss), 0.0, 1.0)


def began_convergence(real_loss, fake_loss, gamma: float) -> tf.Tensor:
    """BEGAN's convergence measure M_global = L(x) + |gamma L(x) - L(G(z))| (lower is better)."""
    return real_loss + tf.abs(gamma * real_loss - fake_loss)


# --------------------------------------------------------------------------- relativistic pairing (RpGAN)


def relativistic_d_loss(real_scores, fake_scores) -> tf.Tensor:
    """E softplus(D(fake) - D(real)), each real example paired with a generated one.

    The relativistic pairing loss of Jolicoeur-Martineau (2019), the objective of
    R3GAN (Huang et al., 2024): D is asked only that a real example score above the
    generated one it is paired with, not that either score reach a fixed target.
    """
    real, fake = _paired(real_scores, fake_scores)
    return tf.reduce_mean(tf.nn.softplus(fake - real))


def relativistic_g_loss(real_scores, fake_scores) -> tf.Tensor:
    """E softplus(D(real) - D(fake)): the generator's side of the pairing loss, which
    needs the real scores too (each generated example must overtake its real partner)."""
    real, fake = _paired(real_scores, fake_scores)
    return tf.reduce_mean(tf.nn.softplus(real - fake))


def _paired(real_scores, fake_scores) -> tuple[tf.Tensor, tf.Tensor]:
    real, fake = _outputs(real_scores, "real_scores"), _outputs(fake_scores, "fake_scores")
    if real.shape[0] is not None and fake.shape[0] is not None and real.shape[0] != fake.shape[0]:
        raise ValueError(f"the pairing loss pairs real and generated examples one to one: "
                         f"got {real.shape[0]} real and {fake.shape[0]} generated scores")
    return real, fake


# --------------------------------------------------------------------------- registry


class GanLoss(NamedTuple):
    """A discriminator loss and the matching generator loss."""

    d_loss: Callable
    g_loss: Callable


LOSSES = {
    "minimax": GanLoss(bce_d_loss, minimax_g_loss),
    "non_saturating": GanLoss(bce_d_loss, non_saturating_g_loss),
    "least_squares": GanLoss(least_squares_d_loss, least_squares_g_loss),
    "wasserstein": GanLoss(wasserstein_d_loss, wasserstein_g_loss),
    "hinge": GanLoss(hinge_d_loss, hinge_g_loss),
}


def get_loss(name: str) -> GanLoss:
    """The ``(d_loss, g_loss)`` pair called ``name``; unknown names raise ``ValueError``."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
    return LOSSES[name]


def two_sided_bce_d_loss(real_logits, fake_logits, real_label: float = 0.9,
                         fake_label: float = 0.1) -> tf.Tensor:
    """Binary cross-entropy with smoothed targets on both sides: ``real_label`` for real
    and ``fake_label`` for generated logits.

    Shown for contrast: the optimal discriminator becomes (α p_data + β p_g) / (p_data + p_g),
    which no longer falls to 0 where only the generator puts samples, so those samples
    are not pushed away.  One-sided smoothing (β = 0) is ``losses.bce_d_loss(real_label=)``.
    """
    if not 0.5 < real_label <= 1.0:
        raise ValueError(f"real_label must be in (0.5, 1], got {real_label}")
    if not 0.0 <= fake_label < 0.5:
        raise ValueError(f"fake_label must be in [0, 0.5), got {fake_label}")
    real = _outputs(real_logits, "real_logits")
    fake = _outputs(fake_logits, "fake_logits")
    real_term = tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(real), real_label), real)
    fake_term = tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(fake), fake_label), fake)
    return tf.reduce_mean(real_term) + tf.reduce_mean(fake_term)
