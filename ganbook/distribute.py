"""Training on several devices with ``tf.distribute``: choosing a strategy, and CPU replicas.

The trainers of ``ganbook.training`` run unchanged under a strategy: build and compile
the GAN inside ``strategy.scope()`` and call ``fit()``.  Each replica trains on its part
of the global batch, draws its part of the global batch's noise, and divides its mean
loss by the number of replicas, because Keras' optimizers sum the replicas' gradients
(``training.replicas.for_gradients``).  ``make_strategy`` picks a TPU, several GPUs or, on a
CPU-only machine, logical CPU devices made by ``split_cpu``.
"""

from __future__ import annotations

import logging

import tensorflow as tf

from ganbook._checks import check_positive_int

# tf.distribute logs, at INFO level, every strategy it creates and every reduction it
# plans; a chapter's output should show its results, not that.
tf.get_logger().setLevel(logging.WARNING)


def split_cpu(replicas: int) -> list[str]:
    """Split the CPU into ``replicas`` logical devices and return their names.

    Logical devices let ``MirroredStrategy`` run on a laptop: the replicas share the
    same cores, so this checks correctness, not speed.  TensorFlow fixes its devices
    when it first runs an operation, so call this first, before any tensor exists.
    """
    check_positive_int("replicas", replicas)
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(replicas)]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is None or len(current) != replicas:
        try:
            tf.config.set_logical_device_configuration(cpu, wanted)
        except RuntimeError as error:
            have = len(tf.config.list_logical_devices("CPU"))
            raise RuntimeError(
                f"TensorFlow has already started with {have} CPU device(s), so it cannot be split into "
                f"{replicas}: call split_cpu before anything creates a tensor (restart the kernel, "
                "then run it first)") from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def make_strategy(cpu_replicas: int = 2) -> tf.distribute.Strategy:
    """The strategy for the devices this machine has.

    A TPU (a Colab TPU runtime): ``TPUStrategy``.  Two or more GPUs: ``MirroredStrategy``
    over all of them (NCCL all-reduce).  Otherwise ``MirroredStrategy`` over
    ``cpu_replicas`` logical CPU devices (``split_cpu``), reducing gradients on one device:
    TF 2.21's default collective all-reduce on CPU devices mismatched two reductions of
    one step (a discriminator's and a generator's) when a step held several.
    """
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
    except (ValueError, RuntimeError):  # no TPU here
        resolver = None
    if resolver is not None:
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) >= 2:
        return tf.distribute.MirroredStrategy([gpu.name for gpu in gpus])
    return tf.distribute.MirroredStrategy(split_cpu(cpu_replicas),
                                          cross_device_ops=tf.distribute.ReductionToOneDevice())
