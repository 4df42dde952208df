"""Helpers shared by the chapters of the GAN Book.

Each module has one concern: ``budget`` (run profiles), ``data`` (datasets and
pipelines), ``prepare`` (the offline conversion of the data), ``plot`` (figures, and
numbers glued into the prose), ``toy`` (toy distributions and divergences), ``losses``,
``penalties`` and ``augment`` (what a player's loss adds), ``models`` (networks and
their layers), ``training`` (the Keras models that train), ``callbacks`` (what runs
around training), ``distribute`` (strategies for several devices), ``metrics`` (sample
quality), ``results`` (the measured results that ship with the package), ``recipes``
(a plain GAN plus named tricks) and ``tricks`` (the tricks by name).  Imports go only
downwards in that layering (tests/test_architecture.py).
Import ``ganbook`` before TensorFlow: it imports TensorFlow without
its C++ start-up log, so notebook output stays readable.
"""

import os

from ganbook._quiet import stderr_discarded


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with its C++ start-up log discarded.

    TF 2.21 prints an informational oneDNN line through absl before it reads
    ``TF_CPP_MIN_LOG_LEVEL``, so the variable alone cannot silence it (``ganbook._quiet``).
    Import errors still raise as usual.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with stderr_discarded():
        import tensorflow  # noqa: F401


_import_tensorflow_quietly()


def _disable_remapper() -> None:
    """Turn off Grappler's remapper (its graph-fusion pass).

    On TF 2.21 it fails to fuse Conv2D + BiasAdd + LeakyReLU inside a gradient tape and
    prints an error line for every compiled GAN step ("remapper failed ...") although
    nothing is wrong.  ``benchmarks/step_speed.py`` measures what turning it off costs
    (benchmarks/README.md, "Notes on speed").
    """
    import tensorflow as tf

    tf.config.optimizer.set_experimental_options({"remapping": False})


_disable_remapper()

from ganbook.budget import PROFILES, active_profile, budget, checking_claims  # noqa: E402

__all__ = ["PROFILES", "active_profile", "budget", "checking_claims"]
__version__ = "0.1.0"
