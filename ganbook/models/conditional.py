"""Networks that know about classes: the conditional GAN's, ACGAN's and InfoGAN's.

Each wraps the Keras DCGAN chapter's networks (``models.dcgan``) and adds only what
conditioning needs: a label embedding in front of the generator; the label as extra
input channels of the discriminator, or a projection of its features onto a label
embedding; or a second head that predicts a class (ACGAN) or a latent code (InfoGAN's
Q network).
"""

from __future__ import annotations

import keras
from keras import layers

from ganbook._checks import check_output_shape, check_positive_int
from ganbook.models.dcgan import make_dcgan_discriminator, make_dcgan_generator


def make_conditional_generator(latent_dim: int = 16, num_classes: int = 10, embedding_dim: int = 16,
                               width: int = 16, channels: int = 1) -> keras.Model:
    """``[z, labels] -> image``: the label's learned embedding joins z (Mirza & Osindero, 2014).

    ``labels`` are integers of shape (N,); their ``embedding_dim`` numbers (layer
    ``label_embedding``) are concatenated to the ``latent_dim`` numbers of z and fed to
    the DCGAN generator (layer ``dcgan_generator``), which is unchanged otherwise.
    """
    for name, value in (("latent_dim", latent_dim), ("num_classes", num_classes),
                        ("embedding_dim", embedding_dim)):
        check_positive_int(name, value)
    z, labels = keras.Input((latent_dim,), name="z"), keras.Input((), dtype="int32", name="labels")
    embedded = layers.Embedding(num_classes, embedding_dim, name="label_embedding")(labels)
    body = make_dcgan_generator(latent_dim + embedding_dim, width, channels)
    model = keras.Model([z, labels], body(layers.Concatenate()([z, embedded])),
                        name="conditional_generator")
    return check_output_shape(model, (28, 28, channels))


def make_label_channel_discriminator(num_classes: int = 10, width: int = 32, channels: int = 1,
                                    minibatch_stddev: bool = False) -> keras.Model:
    """``[image, labels] -> logit``: the label joins the image as ``num_classes`` input channels.

    The concatenation discriminator of Mirza & Osindero (2014), as convolutional
    conditional GANs build it: the one-hot label (a fixed identity embedding, layer
    ``one_hot_label``) is repeated over every pixel and stacked on the image's channels,
    and the DCGAN discriminator reads the ``channels + num_classes`` maps.
    """
    check_positive_int("num_classes", num_classes)
    image, labels = keras.Input((28, 28, channels), name="image"), keras.Input((), dtype="int32", name="labels")
    one_hot = layers.Embedding(num_classes, num_classes, embeddings_initializer="identity", trainable=False,
                               name="one_hot_label")(labels)
    label_maps = layers.UpSampling2D(28)(layers.Reshape((1, 1, num_classes))(one_hot))
    body = make_dcgan_discriminator(width, channels + num_classes, minibatch_stddev=minibatch_stddev)
    model = keras.Model([image, labels], body(layers.Concatenate()([image, label_maps])),
                        name="label_channel_discriminator")
    return check_output_shape(model, (1,))


def make_projection_discriminator(num_classes: int = 10, width: int = 32, channels: int = 1,
                                  minibatch_stddev: bool = False) -> keras.Model:
    """``[image, labels] -> logit``: the projection discriminator (Miyato & Koyama, 2018).

    The DCGAN discriminator gives features φ(x) and its logit ψ(φ(x)); the label adds
    the inner product of a learned class embedding with the features:
    ``logit = ψ(φ(x)) + embed(y) · φ(x)`` (layer ``class_projection``).
    """
    check_positive_int("num_classes", num_classes)
    image, labels = keras.Input((28, 28, channels), name="image"), keras.Input((), dtype="int32", name="labels")
    base = make_dcgan_discriminator(width, channels, minibatch_stddev=minibatch_stddev, features=True)
    logit, features = base(image)
    embedded = layers.Embedding(num_classes, features.shape[-1], name="class_projection")(labels)
    projection = layers.Dot(axes=1)([embedded, features])
    model = keras.Model([image, labels], layers.Add()([logit, projection]), name="projection_discriminator")
    return check_output_shape(model, (1,))


def make_two_head_discriminator(num_classes: int = 10, width: int = 32, channels: int = 1,
                                minibatch_stddev: bool = False) -> keras.Model:
    """``image -> [logit, class logits]``: one body, two heads (ACGAN's D, InfoGAN's D and Q).

    The DCGAN discriminator's body and logit, and beside the logit a dense layer
    (``class_head``) from the same features to ``num_classes`` logits.
    """
    check_positive_int("num_classes", num_classes)
    image = keras.Input((28, 28, channels), name="image")
    logit, features = make_dcgan_discriminator(width, channels, minibatch_stddev=minibatch_stddev,
                                               features=True)(image)
    class_logits = layers.Dense(num_classes, name="class_head")(features)
    return keras.Model(image, [logit, class_logits], name="two_head_discriminator")
