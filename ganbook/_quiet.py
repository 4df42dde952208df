"""TensorFlow's C++ log lines that mean nothing for a reader, kept out of a chapter's output.

They go straight to file descriptor 2, which Jupyter shows as cell output, and some are
printed before ``TF_CPP_MIN_LOG_LEVEL`` is read; so they are silenced by pointing that
descriptor at /dev/null while the code that prints them runs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

_int32_notice_taken = False


@contextlib.contextmanager
def stderr_discarded() -> Iterator[None]:
    """Discard whatever is written to file descriptor 2 (C++ logs included) inside the block."""
    saved_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)


def take_int32_notice() -> None:
    """Let TensorFlow print its one-time oneDNN notice about int32 ops, into /dev/null.

    On CPUs without AVX-512, TF 2.21 logs at error level, once per process, that oneDNN
    leaves int32 ops to Eigen, the first time a gradient needs one: that of
    ``UpSampling2D``, for instance.  Every ``training.GAN`` calls this when it is built,
    so the notice is taken here, quietly, instead of in the middle of a training cell,
    whatever networks the GAN trains.  It creates tensors, so it must not run at import
    (``distribute.split_cpu`` needs TensorFlow's devices unconfigured until it runs).
    """
    global _int32_notice_taken
    if _int32_notice_taken:
        return
    import tensorflow as tf

    with stderr_discarded():
        x = tf.ones((1, 1))
        with tf.GradientTape() as tape:
            tape.watch(x)
            repeated = tf.repeat(x, 2, axis=0)
        tape.gradient(repeated, x)
    _int32_notice_taken = True
