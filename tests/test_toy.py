"""Tests of ganbook.toy: densities, sampling, divergences and the optimal discriminator."""

import math

import numpy as np
import pytest
from scipy import integrate

from ganbook import toy

GRID = np.linspace(-15, 15, 30001)
ONE_D = [toy.Gaussian(1.0, 0.5), toy.Uniform(-1.0, 2.0),
         toy.GaussianMixture((0.3, 0.7), (-2.0, 1.5), (0.4, 0.8))]


@pytest.mark.parametrize("dist", ONE_D, ids=lambda d: type(d).__name__)
def test_1d_densities_integrate_to_one(dist):
    total, _ = integrate.quad(lambda x: float(dist.density(x)), -20, 20, points=[-1, 2], limit=200)
    assert total == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("dist", ONE_D, ids=lambda d: type(d).__name__)
def test_seeded_sampling_is_reproducible_and_matches_the_density(dist):
    a, b = dist.sample(50_000, seed=3), dist.sample(50_000, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, dist.sample(50_000, seed=4))
    mean = integrate.trapezoid(GRID * dist.density(GRID), GRID)
    assert a.mean() == pytest.approx(mean, abs=0.02)


@pytest.mark.parametrize("dist", [toy.Ring(), toy.Grid()], ids=["ring", "grid"])
def test_2d_densities_integrate_to_one_and_samples_sit_on_the_modes(dist):
    # integrate mode by mode: each contributes 1/k of the mass
    k = len(dist.modes)
    for centre in dist.modes[:3]:
        axis = np.linspace(-6 * dist.std, 6 * dist.std, 401)
        xx, yy = np.meshgrid(centre[0] + axis, centre[1] + axis)
        mass = integrate.trapezoid(integrate.trapezoid(dist.density(np.stack([xx, yy], -1)), axis), axis)
        assert mass == pytest.approx(1 / k, rel=1e-3)
    samples = dist.sample(4000, seed=0)
    assert samples.shape == (4000, 2)
    nearest = np.min(np.linalg.norm(samples[:, None] - dist.modes, axis=-1), axis=1)
    assert np.mean(nearest < 3 * dist.std) == pytest.approx(0.989, abs=0.01)  # 1 - exp(-9/2)
    np.testing.assert_array_equal(samples, dist.sample(4000, seed=0))


def test_ring_and_grid_geometry():
    ring = toy.Ring(n_modes=8, radius=2.0)
    np.testing.assert_allclose(np.linalg.norm(ring.modes, axis=1), 2.0)
    np.testing.assert_allclose(ring.modes[2], [0.0, 2.0], atol=1e-12)
    grid = toy.Grid(side=5, spacing=2.0)
    assert grid.modes.shape == (25, 2)
    assert set(np.round(grid.modes[:, 0], 9)) == {-4.0, -2.0, 0.0, 2.0, 4.0}


def test_mixture_moments_match_sampling():
    mix = ONE_D[2]
    samples = mix.sample(200_000, seed=1)
    assert mix.mean == pytest.approx(samples.mean(), abs=0.01)
    assert mix.std == pytest.approx(samples.std(), abs=0.01)


def test_kl_of_two_gaussians_matches_the_closed_form():
    p, q = toy.Gaussian(0.0, 1.0), toy.Gaussian(1.0, 2.0)
    closed = math.log(2.0 / 1.0) + (1.0 + 1.0) / (2 * 4.0) - 0.5
    assert toy.kl_divergence(p.density(GRID), q.density(GRID), GRID) == pytest.approx(closed, abs=1e-6)


def test_kl_is_infinite_where_q_misses_the_support_of_p():
    p, q = toy.Gaussian(0, 1).density(GRID), toy.Uniform(-1, 1).density(GRID)
    assert toy.kl_divergence(p, q, GRID) == math.inf
    assert np.isfinite(toy.kl_divergence(q, p, GRID))


def test_jsd_is_zero_for_equal_densities_and_at_most_log_2():
    p = toy.Gaussian(0, 1).density(GRID)
    assert toy.js_divergence(p, p, GRID) == pytest.approx(0.0, abs=1e-12)
    far = toy.Gaussian(10, 0.5).density(GRID)
    assert toy.js_divergence(toy.Gaussian(-10, 0.5).density(GRID), far, GRID) == pytest.approx(math.log(2), abs=1e-6)
    for shift in (0.3, 1.0, 3.0):
        jsd = toy.js_divergence(p, toy.Gaussian(shift, 1).density(GRID), GRID)
        assert 0 < jsd < math.log(2)


def test_optimal_discriminator_formula_and_value():
    p_data, p_g = toy.Gaussian(1, 0.5).density(GRID), toy.Gaussian(-1, 1).density(GRID)
    d_star = toy.optimal_discriminator(p_data, p_g)
    i = np.searchsorted(GRID, 1.0)
    assert d_star[i] == pytest.approx(p_data[i] / (p_data[i] + p_g[i]))
    assert toy.optimal_discriminator(np.array([0.0, 2.0]), np.array([0.0, 2.0])).tolist() == [0.5, 0.5]
    # V(D*, G) = -log 4 + 2 JSD, and D* beats any other discriminator
    value = toy.gan_value(p_data, p_g, d_star, GRID)
    assert value == pytest.approx(-math.log(4) + 2 * toy.js_divergence(p_data, p_g, GRID), abs=1e-6)
    assert toy.gan_value(p_data, p_g, np.clip(d_star * 0.9 + 0.05, 0, 1), GRID) < value
    assert toy.gan_value(p_data, p_data, toy.optimal_discriminator(p_data, p_data), GRID) == pytest.approx(-math.log(4))


@pytest.mark.parametrize("make", [lambda: toy.Gaussian(0, 0), lambda: toy.Gaussian(0, -1),
                                  lambda: toy.Uniform(1, 1), lambda: toy.Ring(radius=0),
                                  lambda: toy.GaussianMixture((0.5, 0.6), (0, 1), (1, 1)),
                                  lambda: toy.GaussianMixture((1.0,), (0, 1), (1,))])
def test_bad_parameters_raise(make):
    with pytest.raises(ValueError):
        make()


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="positive integer"):
        toy.Gaussian().sample(0)
    with pytest.raises(ValueError, match="strictly increasing"):
        toy.kl_divergence(np.ones(3), np.ones(3), np.array([0.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="grid's shape"):
        toy.js_divergence(np.ones(4), np.ones(3), np.linspace(0, 1, 3))
    with pytest.raises(ValueError, match="non-negative"):
        toy.kl_divergence(-np.ones(3), np.ones(3), np.linspace(0, 1, 3))
    with pytest.raises(ValueError, match="same shape"):
        toy.optimal_discriminator(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        toy.gan_value(np.ones(3), np.ones(3), np.full(3, 1.5), np.linspace(0, 1, 3))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2\)"):
        toy.Ring().density(np.zeros((4, 3)))


def test_gan_value_survives_d_star_rounding_to_one_but_not_a_wrong_d():
    p_data, p_g = toy.Gaussian(2, 0.5).density(GRID), toy.Gaussian(10, 0.5).density(GRID)
    d_star = toy.optimal_discriminator(p_data, p_g)
    assert np.any((d_star == 1.0) & (p_g > 0))  # the floating-point case being tested
    value = toy.gan_value(p_data, p_g, d_star, GRID)
    assert value == pytest.approx(-math.log(4) + 2 * toy.js_divergence(p_data, p_g, GRID), abs=1e-9)
    # a discriminator that says "certainly real" where p_g has real mass is punished
    assert toy.gan_value(p_data, p_g, np.ones_like(GRID), GRID) == -math.inf


# --------------------------------------------------------------------------- mode metrics


@pytest.mark.parametrize("dist", [toy.Ring(), toy.Grid()], ids=["ring", "grid"])
def test_true_samples_cover_every_mode_with_the_chi_square_quality(dist):
    metrics = toy.mode_metrics(dist.sample(2500, seed=0), dist)
    assert metrics["modes_covered"] == metrics["n_modes"] == len(dist.modes)
    assert metrics["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.006)  # 0.9889


def test_collapsed_and_scattered_samples():
    ring = toy.Ring()
    collapsed = ring.modes[3] + np.random.default_rng(0).normal(0, ring.std, (500, 2))
    metrics = toy.mode_metrics(collapsed, ring)
    assert metrics["modes_covered"] == 1 and metrics["high_quality"] > 0.97
    # points far from every mode are low quality and cover nothing
    far = np.zeros((100, 2))
    assert toy.mode_metrics(far, ring) == {"modes_covered": 0, "n_modes": 8, "high_quality": 0.0}


def test_mode_metrics_rejects_bad_input():
    ring = toy.Ring()
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        toy.mode_metrics(np.zeros((10, 3)), ring)
    with pytest.raises(ValueError, match="NaN"):
        toy.mode_metrics(np.full((4, 2), np.nan), ring)
    with pytest.raises(TypeError, match="Ring or Grid"):
        toy.mode_metrics(np.zeros((4, 2)), toy.Gaussian())


def test_summaries_average_over_seeds_per_loss_and_toy():
    runs = [{"loss": "a", "toy": "ring", "modes_covered": m, "n_modes": 8, "high_quality": q}
            for m, q in ((8, 0.9), (6, 0.7))]
    runs.append({"loss": "b", "toy": "ring", "modes_covered": 1, "n_modes": 8, "high_quality": 1.0})
    first, second = toy.summarize_mode_metrics(runs)
    assert (first["loss"], first["runs"], first["modes_mean"], first["modes_sd"]) == ("a", 2, 7.0, 1.0)
    assert first["high_quality_mean"] == pytest.approx(0.8)
    assert first["high_quality_sd"] == pytest.approx(0.1)
    assert second["loss"] == "b" and second["modes_sd"] == 0.0


def test_two_moons_lie_on_their_arcs_with_the_stated_labels():
    points, labels = toy.two_moons(4000, seed=1, noise=0.0)
    assert points.shape == (4000, 2) and points.dtype == np.float32 and labels.dtype == np.int64
    upper, lower = points[labels == 0], points[labels == 1]
    # without noise: radius 1 about (-0.5, -0.25) above, about (0.5, 0.25) below
    np.testing.assert_allclose(np.hypot(upper[:, 0] + 0.5, upper[:, 1] + 0.25), 1, atol=1e-5)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 0.5, lower[:, 1] - 0.25), 1, atol=1e-5)
    assert upper[:, 1].min() >= -0.25 - 1e-6 and lower[:, 1].max() <= 0.25 + 1e-6
    assert 0.45 < labels.mean() < 0.55
    noisy, same = toy.two_moons(4000, seed=1, noise=0.1)
    np.testing.assert_array_equal(same, labels)
    assert 0.05 < np.std(noisy - points) < 0.15
    with pytest.raises(ValueError, match="noise must be >= 0"):
        toy.two_moons(10, seed=0, noise=-1)
