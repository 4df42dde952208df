"""Tests of ganbook.results: the measured results ship inside the package."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ganbook import results

ROOT = Path(__file__).resolve().parents[1]
# What the chapters read (a test in test_notebooks.py keeps them off the repository's paths).
CHAPTER_RESULTS = ("family", "keras_dcgan", "dcgan_latent_code", "toy_losses", "tricks_ablation")


def test_the_results_the_chapters_show_ship_with_the_package():
    assert set(CHAPTER_RESULTS) <= set(results.available())
    family = results.load("family")
    assert family == json.loads((results.RESULTS_DIR / "family.json").read_text())
    assert "wgan_gp" in family["runs"]


def test_unknown_or_malformed_names_are_refused_with_what_ships():
    with pytest.raises(ValueError, match="available: .*family"):
        results.load("familly")
    for bad in ("family.json", "../README", "", 3):
        with pytest.raises(ValueError, match="bare file stem"):
            results.path(bad)


def test_a_built_wheel_carries_the_results(tmp_path):
    """A student's `pip install ganbook` gets the same tables the rendered book shows."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)], check=True,
                   capture_output=True)
    wheel, = tmp_path.glob("ganbook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in CHAPTER_RESULTS:
        assert f"ganbook/assets/results/{name}.json" in names


def test_the_ablation_verdict_needs_a_clean_separation_either_way():
    assert results.verdict([5, 6, 7], [1, 2, 3], higher_is_better=True) == "helpful"
    assert results.verdict([5, 6, 7], [1, 2, 3], higher_is_better=False) == "harmful"
    assert results.verdict([3, 6, 7], [1, 2, 3], higher_is_better=True) == "within the spread"  # a tie
    assert results.verdict([0.5], [1.0, 2.0], higher_is_better=False) == "helpful"  # a lower FID
    with pytest.raises(ValueError, match="at least one run"):
        results.verdict([], [1.0], higher_is_better=True)
