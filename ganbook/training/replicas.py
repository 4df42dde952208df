"""What a training step does differently on each replica under ``tf.distribute``.

Each replica runs the step on its part of the global batch.  The trainers divide each
loss they differentiate by the number of replicas (``for_gradients``), log the mean
over replicas (``mean_over_replicas``), take their slice of the global batch's noise
(``GAN._step_noise``) and give their other random draws a seed of their own
(``replica_seed``).  On one device all of these change nothing.
"""

from __future__ import annotations

import tensorflow as tf


def replicas() -> tuple:
    """This replica's index and the number of replicas training in sync.

    Inside a training step under ``tf.distribute`` each replica runs the step on its
    own part of the global batch; outside one (or with no strategy) this is ``(0, 1)``.
    """
    context = tf.distribute.get_replica_context()
    if context is None:  # the cross-replica context of a strategy's scope
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def for_gradients(loss: tf.Tensor) -> tf.Tensor:
    """``loss`` (a mean over this replica's examples) divided by the number of replicas.

    Keras' optimizers **sum** the replicas' gradients; a replica's mean loss divided
    by the number of replicas makes that sum the gradient of the mean over the global
    batch, the same as on one device.  Keras' own loss classes do this division for
    you; the book's losses are plain functions, so the trainers call this.
    """
    _, count = replicas()
    return loss if count == 1 else loss / tf.cast(count, loss.dtype)


def mean_over_replicas(value: tf.Tensor) -> tf.Tensor:
    """The mean of ``value`` over the replicas: the global batch's loss, for logging.

    Every replica then logs the same number, whichever way a Keras version combines
    the replicas' metrics (3.15 averages them; 3.8 reports another value).
    """
    _, count = replicas()
    if count == 1:
        return value
    return tf.distribute.get_replica_context().all_reduce(tf.distribute.ReduceOp.MEAN, value)


def replica_seed(seed: tf.Tensor) -> tf.Tensor:
    """``seed`` made this replica's own (unchanged on replica 0), so no two replicas draw
    the same augmentation or penalty numbers."""
    replica, _ = replicas()
    return seed + tf.stack([tf.constant(0, tf.int64), tf.cast(replica, tf.int64) * (1 << 48)])
