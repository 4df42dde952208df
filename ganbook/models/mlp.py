"""Multilayer perceptrons: the toys' and the MLP chapters' networks, and the
semi-supervised GAN's classifier and generator (Salimans et al., 2016)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from ganbook._checks import check_output_shape, check_positive_int
from ganbook.models.layers import InstanceNoise, MinibatchDiscrimination, NoiseDropout, WeightNormDense, stack
from ganbook.models.layers import spectral_norm as spectrally_normalised


def make_mlp(input_dim: int, output_dim: int, hidden: Sequence[int] = (128, 128),
             activation: str = "relu", output_activation: str | None = None,
             name: str = "mlp", dropout: float = 0.0, spectral_norm: bool = False,
             minibatch_discrimination: int = 0, instance_noise: float = 0.0,
             features: bool = False, dropout_when_sampling: bool = False) -> keras.Model:
    """A fully connected network ``input_dim -> hidden... -> output_dim``.

    Used as a generator (noise in, sample out) or a discriminator (sample in, one
    logit out) for the toy problems and the MLP GAN.  The options are tricks of the
    Training tricks chapter: ``dropout`` after every hidden layer (``NoiseDropout``, on
    when sampling too, with ``dropout_when_sampling``: a generator's); ``spectral_norm`` on
    every layer; ``minibatch_discrimination`` kernels before the last layer;
    ``instance_noise`` on the input; ``features`` returns ``[output, last hidden layer]``.
    """
    check_positive_int("input_dim", input_dim)
    check_positive_int("output_dim", output_dim)
    for width in hidden:
        check_positive_int("every hidden width", width)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
    if minibatch_discrimination:
        check_positive_int("minibatch_discrimination", minibatch_discrimination)
    wrap = spectrally_normalised if spectral_norm else (lambda layer: layer)
    body = [InstanceNoise(instance_noise)] if instance_noise else []
    for width in hidden:
        body += [wrap(layers.Dense(width, activation=activation)),
                 *([(NoiseDropout if dropout_when_sampling else layers.Dropout)(dropout)] if dropout else [])]
    head = [*([MinibatchDiscrimination(minibatch_discrimination)] if minibatch_discrimination else []),
            wrap(layers.Dense(output_dim, activation=output_activation))]
    return stack((input_dim,), body, head, features, name, (output_dim,))


def make_ssgan_mlp_classifier(num_classes: int = 10, image_shape: tuple = (28, 28, 1),
                              hidden: Sequence[int] = (1000, 500, 250, 250, 250),
                              input_noise: float = 0.3, hidden_noise: float = 0.5) -> keras.Model:
    """The semi-supervised discriminator of Salimans et al. (2016) for MNIST: a classifier.

    ``image -> flatten -> Gaussian noise -> [weight-normalised dense, ReLU, Gaussian
    noise] per hidden width -> weight-normalised dense to num_classes logits``, for
    images in [0, 1] as in the paper.  It returns ``[logits, features]``; the features
    are the last hidden layer's ReLU output before its noise (what feature matching
    compares, as in the paper's code).  The noise is active in training only.
    """
    check_positive_int("num_classes", num_classes)
    for width in hidden:
        check_positive_int("every hidden width", width)
    if not hidden:
        raise ValueError("hidden must name at least one layer width: the features come from it")
    if input_noise < 0 or hidden_noise < 0:
        raise ValueError(f"noise levels must be >= 0, got {input_noise} and {hidden_noise}")
    inputs = keras.Input(image_shape)
    x = layers.GaussianNoise(input_noise)(layers.Flatten()(inputs))
    for width in hidden:
        features = WeightNormDense(width, activation="relu")(x)
        x = layers.GaussianNoise(hidden_noise)(features)
    logits = WeightNormDense(num_classes)(x)
    return keras.Model(inputs, [logits, features], name="ssgan_mlp_classifier")


def make_ssgan_mlp_generator(latent_dim: int = 100, image_shape: tuple = (28, 28, 1),
                             hidden: Sequence[int] = (500, 500),
                             output_weight_norm: bool = False) -> keras.Model:
    """The generator of Salimans et al. (2016) for MNIST: ``z -> [dense, batch norm,
    softplus] per hidden width -> dense -> sigmoid``, reshaped to ``image_shape``.

    Its images are in [0, 1], like the paper's (and unlike the book's tanh generators).
    ``output_weight_norm=True`` makes the last dense layer a ``WeightNormDense``, as in
    the authors' MNIST script.
    """
    check_positive_int("latent_dim", latent_dim)
    for width in hidden:
        check_positive_int("every hidden width", width)
    model = keras.Sequential([keras.Input((latent_dim,))], name="ssgan_mlp_generator")
    for width in hidden:
        model.add(layers.Dense(width, use_bias=False))
        model.add(layers.BatchNormalization())
        model.add(layers.Activation("softplus"))
    output = WeightNormDense if output_weight_norm else layers.Dense
    model.add(output(int(np.prod(image_shape)), activation="sigmoid"))
    model.add(layers.Reshape(image_shape))
    return check_output_shape(model, image_shape)
