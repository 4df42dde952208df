"""The benchmarks measure what the book runs: their DCGAN configuration is the chapter's."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import BOOK_DCGAN, make_book_dcgan  # noqa: E402


def parameters_of(notebook: Path) -> dict:
    """The names the notebook's `parameters` cell defines, with their values."""
    cells = json.loads(notebook.read_text())["cells"]
    source = next("".join(c["source"]) for c in cells if "parameters" in c["metadata"].get("tags", []))
    namespace: dict = {}
    exec(source, namespace)
    return namespace


def test_benchmark_dcgan_configuration_is_the_chapters():
    chapter = parameters_of(ROOT / "book" / "keras_dcgan.ipynb")
    assert {name: chapter[name] for name in BOOK_DCGAN} == BOOK_DCGAN


def test_book_dcgan_is_built_from_the_configuration():
    gan = make_book_dcgan(schedule_steps=10)
    assert gan.generator.input_shape == (None, BOOK_DCGAN["LATENT_DIM"])
    assert gan.discriminator.layers[0].filters == BOOK_DCGAN["D_WIDTH"]
    assert gan.d_loss_fn.keywords == {"real_label": BOOK_DCGAN["REAL_LABEL"]}
