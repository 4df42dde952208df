"""`import ganbook` keeps TensorFlow's C++ log lines out of a chapter's output."""

import os
import subprocess
import sys

# A fresh process: TensorFlow's start-up lines and its one-time oneDNN notice appear once
# per process.  The script imports ganbook first, as every chapter does, builds a BEGAN,
# takes one eager step (the Other objectives chapter's hidden check does; the gradient of
# the autoencoder's UpSampling2D layer printed the notice) and trains one compiled epoch
# (Grappler's remapper printed an error line for every compiled step).
SCRIPT = """
import ganbook
import keras
import numpy as np
import tensorflow as tf
from ganbook import models, training

gan = training.BEGAN(models.make_dcgan_generator(4, width=2), models.make_autoencoder_discriminator(4, 8))
gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
images = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
gan.train_step(tf.constant(images[:4]))
gan.fit(images, batch_size=4, epochs=1, verbose=0)
print("ran")
"""


def test_importing_ganbook_first_leaves_no_tensorflow_log_lines():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ran"
    assert result.stderr == "", result.stderr[-3000:]
