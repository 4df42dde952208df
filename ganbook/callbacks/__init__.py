"""Callbacks for training GANs with ``fit()``.

``SeededEpochs`` (real batches whose order depends only on the seed and the epoch),
``Snapshots`` (fixed-noise samples for grids and animations), ``Evaluate`` (sample-quality
metrics every few steps), ``ClassifierError`` (a semi-supervised GAN's test error every few
steps), ``StopOnNonFinite`` (stop at the first NaN or infinite loss,
keeping the last good checkpoint), ``RunBackup`` (Keras' ``BackupAndRestore`` for one run
only: it refuses a checkpoint of another configuration); ``mean_since_each_measurement`` lines up a logged loss
with ``Evaluate``'s measurements.  The training tricks
that run as callbacks are here too: ``AnnealInstanceNoise``, ``HistoricalAveraging`` (also a
penalty) and ``GeneratorEMA``.  They expect the model to count its steps in a ``step``
variable, as ``ganbook.training.GAN`` does.
"""


from ganbook.callbacks.backup import CheckpointMismatchError, RunBackup, run_fingerprint
from ganbook.callbacks.epochs import NonFiniteLossError, SeededEpochs, StopAtStep, StopOnNonFinite
from ganbook.callbacks.records import ClassifierError, Evaluate, Snapshots, mean_since_each_measurement
from ganbook.callbacks.tricks import AnnealInstanceNoise, GeneratorEMA, HistoricalAveraging

__all__ = ["AnnealInstanceNoise", "CheckpointMismatchError", "ClassifierError", "Evaluate",
           "GeneratorEMA", "HistoricalAveraging", "NonFiniteLossError", "RunBackup", "SeededEpochs",
           "Snapshots", "StopAtStep", "StopOnNonFinite", "mean_since_each_measurement",
           "run_fingerprint"]
