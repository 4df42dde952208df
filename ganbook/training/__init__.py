"""The Keras models that train GANs, and the toy-problem runs.

``GAN(generator, discriminator)`` (``training.gan``) is a ``keras.Model`` whose
``train_step`` updates the discriminator ``n_critic`` times, each on a real batch of its
own, then the generator once; train it with ``fit()`` and the callbacks of
``ganbook.callbacks``, and switch on the tricks of ``ganbook.tricks`` in its
``compile``.  What the players minimise is an ``Objective`` (``training.objective``):
both losses and their regularisers, which the step adds without knowing which exist.
``SSGAN`` (``training.ssgan``) is its semi-supervised kin, whose discriminator
classifies.  ``ACGAN`` and ``InfoGAN`` (``training.auxiliary``) give the discriminator a
second head that names the class, or the latent code, of an image; ``BEGAN``
(``training.began``) makes it an autoencoder.  ``training.toys`` trains small GANs on
the 2-D toys.  ``decayed_rate`` / ``decayed_adam`` are the optimizer set-up the package and benchmarks share.
Resuming is Keras' own ``keras.callbacks.BackupAndRestore``: a GAN stores its step
counter, both optimizers and both networks in the model's weights, and draws its noise
from the step counter, so a resumed run repeats exactly what an uninterrupted one does.
Both trainers run under ``tf.distribute`` (see ``ganbook.distribute``): each replica
takes its slice of the global batch's noise and divides its loss by the number of
replicas (``replicas.for_gradients``), so R replicas compute what one device computes.
"""

from ganbook.training import replicas
from ganbook.training.auxiliary import ACGAN, InfoGAN
from ganbook.training.began import BEGAN
from ganbook.training.gan import GAN, PRIORS
from ganbook.training.objective import Objective
from ganbook.training.optimizers import decayed_adam, decayed_rate
from ganbook.training.ssgan import FEATURE_MATCHING, SSGAN
from ganbook.training.toys import TOY_SETUPS, ToySetup, make_toy_gan, run_toy, train_on_toy

__all__ = ["ACGAN", "BEGAN", "FEATURE_MATCHING", "GAN", "InfoGAN", "Objective", "PRIORS", "SSGAN", "TOY_SETUPS",
           "ToySetup", "decayed_adam", "decayed_rate",
           "make_toy_gan", "replicas", "run_toy", "train_on_toy"]
