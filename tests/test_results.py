"""Tests of ganbook.results: the measured results ship inside the package."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
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
    # one run against two cannot be told from chance: 1 split in 3
    assert results.verdict([0.5], [1.0, 2.0], higher_is_better=False) == "within the spread"
    with pytest.raises(ValueError, match="at least one run"):
        results.verdict([], [1.0], higher_is_better=True)


def test_chance_of_lead_counts_the_splits_by_hand():
    # the 6 pairs from 1..4 sum to 3, 4, 5, 5, 6, 7: {3,4} is the best of them, and
    # {2,4}'s 6 is reached by two pairs (itself and {3,4}); as the lower it beats five
    assert results.chance_of_lead([3, 4], [1, 2], True) == pytest.approx(1 / 6)
    assert results.chance_of_lead([2, 4], [1, 3], True) == pytest.approx(2 / 6)
    assert results.chance_of_lead([2, 4], [1, 3], False) == pytest.approx(5 / 6)
    assert results.chance_of_lead([1, 1], [1, 1], True) == 1.0  # all ties: no lead at all


def test_with_three_runs_a_side_the_verdict_is_each_run_beats_each():
    rng = np.random.default_rng(0)
    for _ in range(300):
        ours, plain = rng.integers(0, 8, size=(2, 3)).tolist()  # small integers: many ties
        expected = ("helpful" if min(ours) > max(plain) else
                    "harmful" if max(ours) < min(plain) else "within the spread")
        assert results.verdict(ours, plain, True) == expected, (ours, plain)


def test_a_trick_that_changes_nothing_gets_a_verdict_at_most_alpha_of_the_time():
    draws = np.random.default_rng(1).normal(size=(2000, 10))
    helpful = np.mean([results.verdict(d[:5], d[5:], True) == "helpful" for d in draws])
    exact = 12 / 252  # the 12 most extreme of the C(10, 5) = 252 equally likely splits
    assert abs(helpful - exact) < 0.015 and exact <= 0.05


@pytest.mark.parametrize("runs, plain, alpha, message", [
    ([1.0], [2.0], 0.0, "alpha"), ([1.0], [2.0], 1.0, "alpha"),
    ([float("nan")], [2.0], 0.05, "finite"), (list(range(13)), list(range(13)), 0.05, "splits")])
def test_a_verdict_refuses_what_it_cannot_judge(runs, plain, alpha, message):
    with pytest.raises(ValueError, match=message):
        results.verdict(runs, plain, True, alpha=alpha)
