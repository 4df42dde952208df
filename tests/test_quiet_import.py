"""`import ganbook` keeps TensorFlow's C++ log lines out of a chapter's output."""

import os
import subprocess
import sys

# A fresh process: TensorFlow's start-up lines and its one-time oneDNN notice appear once
# per process.  The script imports ganbook first, as every chapter does, then trains
# BEGAN's autoencoder one step (the gradient of its UpSampling2D layer printed the notice)
# and runs a compiled GAN step (Grappler's remapper printed an error line for each).
SCRIPT = """
import ganbook
import keras
import numpy as np
import tensorflow as tf
from ganbook import models, training

autoencoder = models.make_autoencoder_discriminator(4, 8)
x = tf.random.uniform((2, 28, 28, 1))
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.abs(autoencoder(x, training=True) - x))
tape.gradient(loss, autoencoder.trainable_variables)
gan = training.GAN(models.make_dcgan_generator(4, width=2), models.make_dcgan_discriminator(2))
gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
gan.fit(np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32"), batch_size=4, epochs=1,
        verbose=0)
print("ran")
"""


def test_importing_ganbook_first_leaves_no_tensorflow_log_lines():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ran"
    assert result.stderr == "", result.stderr[-3000:]
