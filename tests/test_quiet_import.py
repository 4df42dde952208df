"""`import ganbook` keeps TensorFlow's C++ log lines out of a chapter's output."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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


# Libraries whose import loads TensorFlow: in a script, ganbook must come before them, since
# ganbook imports TensorFlow with its C++ start-up log discarded and later imports reuse it.
# The scripts' own helper modules (common, tables, ...) are checked too, so importing one
# of them first is quiet.
_LOADS_TENSORFLOW = {"keras", "tensorflow", "tensorflow_datasets"}


def tensorflow_before_ganbook(path: Path) -> str | None:
    """The first module that ``path`` imports at its top level, before ganbook, and that
    loads TensorFlow (so its start-up log would be printed); None if there is none."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            roots = {name.split(".")[0] for name in names}
            if "ganbook" in roots:
                return None
            loud = sorted(roots & _LOADS_TENSORFLOW)
            if loud:
                return loud[0]
    return None


def test_scripts_import_ganbook_before_anything_that_loads_tensorflow():
    scripts = sorted((ROOT / "benchmarks").glob("*.py")) + sorted((ROOT / "tools").glob("*.py"))
    loud = {path.name: first for path in scripts if (first := tensorflow_before_ganbook(path))}
    assert not loud, f"import ganbook before these (TensorFlow's start-up log would print): {loud}"


def test_the_import_order_check_sees_tensorflow_first(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import json\nimport keras\nimport ganbook\n")
    assert tensorflow_before_ganbook(script) == "keras"
    script.write_text("import json\nimport ganbook\n# isort: split\nimport keras\n")
    assert tensorflow_before_ganbook(script) is None
