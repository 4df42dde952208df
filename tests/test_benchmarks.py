"""The benchmarks measure what the book runs: their DCGAN configuration is the chapter's."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

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


def test_coded_gan_noise_ends_in_one_scaled_one_hot_code_per_vector():
    from dcgan_latent_code import CODE_SCALE, CODES, make_coded_dcgan

    gan = make_coded_dcgan(schedule_steps=10)
    noise = gan.sample_noise(4000, (0, 1)).numpy()
    assert noise.shape == (4000, BOOK_DCGAN["LATENT_DIM"] + CODES)
    code = noise[:, -CODES:]
    assert set(np.unique(code)) == {0.0, CODE_SCALE}
    np.testing.assert_array_equal((code == CODE_SCALE).sum(1), 1)
    shares = (code == CODE_SCALE).mean(0)
    assert np.all(np.abs(shares - 1 / CODES) < 0.03), shares  # categories equally likely
    assert abs(noise[:, :-CODES].std() - 1.0) < 0.05  # the rest is N(0, 1)
    np.testing.assert_array_equal(noise, gan.sample_noise(4000, (0, 1)).numpy())
    assert not np.array_equal(code, gan.sample_noise(4000, (0, 2)).numpy()[:, -CODES:])


def test_coded_gan_rejects_a_code_as_long_as_the_generator_input():
    from dcgan_latent_code import CodedGAN
    from ganbook import models

    generator = models.make_dcgan_generator(latent_dim=10)
    with pytest.raises(ValueError, match="codes must be between 1 and 9"):
        CodedGAN(generator, models.make_dcgan_discriminator(), codes=10, scale=3.0)


def test_ambiguity_of_real_digits_and_of_a_blend_of_two():
    import dcgan_latent_code
    from ganbook import data

    digits = data.load_dataset("mnist")
    ones, sevens = (digits.x_test[digits.y_test == d][:100] for d in (1, 7))
    real = dcgan_latent_code.ambiguity(np.concatenate([ones, sevens]))
    assert real["unsure_share"] < 0.05
    # The pixel average of a 1 and a 7 lies between two digits: often unsure, and
    # then split between two classes.
    blend = dcgan_latent_code.ambiguity(((ones.astype(float) + sevens) / 2).astype(np.uint8))
    assert blend["unsure_share"] > 0.2
    assert blend["unsure_top_two"] > 0.8
    assert 0.5 < blend["unsure_entropy_share"] <= 1.0


def test_benchmark_variants_differ_only_where_their_labels_say():
    from dcgan_latent_code import VARIANTS
    from ganbook import models

    built = {key: make(10) for key, (_, make, _) in VARIANTS.items()}
    has_stddev = {key: any(isinstance(layer, models.MinibatchStddev) for layer in gan.discriminator.layers)
                  for key, gan in built.items()}
    assert has_stddev == {"plain": False, "code": False, "code+mbstd": True}
    assert built["plain"].latent_dim == BOOK_DCGAN["LATENT_DIM"]
    assert built["code"].latent_dim == built["code+mbstd"].latent_dim == BOOK_DCGAN["LATENT_DIM"] + 10
