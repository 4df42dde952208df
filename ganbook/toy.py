"""Toy distributions with known densities, and the divergences GAN theory is stated in.

1-D: ``Gaussian``, ``Uniform`` and ``GaussianMixture``; 2-D: ``Ring`` and ``Grid`` of
Gaussian modes.  Each has ``sample(n, seed)`` and ``density(x)``.  ``two_moons`` draws
labelled 2-D points for the semi-supervised chapter.  The divergence
helpers integrate densities numerically on a grid, which is exact enough for the
smooth 1-D densities of the Concepts chapter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate

from ganbook._checks import check_positive_int

_INTEGERS = (int, np.integer)  # counts may come from NumPy


def _check_positive(name: str, value: float) -> None:
    if not (isinstance(value, (int, float, np.number)) and np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def _normal_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


@dataclass(frozen=True)
class Gaussian:
    """The normal distribution N(mean, std²) on the real line."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self):
        _check_positive("std", self.std)

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` samples, shape (n,), reproducible for the same seed."""
        check_positive_int("n", n, _INTEGERS)
        return np.random.default_rng(seed).normal(self.mean, self.std, n)

    def density(self, x) -> np.ndarray:
        """The probability density at ``x``."""
        return _normal_pdf(np.asarray(x, dtype=np.float64), self.mean, self.std)


@dataclass(frozen=True)
class Uniform:
    """The uniform distribution on [low, high], e.g. the prior of the original GAN."""

    low: float = -1.0
    high: float = 1.0

    def __post_init__(self):
        if not self.high > self.low:
            raise ValueError(f"need low < high, got low={self.low}, high={self.high}")

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` samples, shape (n,), reproducible for the same seed."""
        check_positive_int("n", n, _INTEGERS)
        return np.random.default_rng(seed).uniform(self.low, self.high, n)

    def density(self, x) -> np.ndarray:
        """The probability density at ``x``: 1/(high-low) inside the interval, 0 outside."""
        x = np.asarray(x, dtype=np.float64)
        return np.where((x >= self.low) & (x <= self.high), 1.0 / (self.high - self.low), 0.0)


@dataclass(frozen=True)
class GaussianMixture:
    """A mixture of 1-D Gaussians with the given weights (which must sum to 1)."""

    weights: tuple[float, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]

    def __post_init__(self):
        if not len(self.weights) == len(self.means) == len(self.stds) > 0:
            raise ValueError("weights, means and stds must be non-empty and of equal length")
        if min(self.weights) < 0 or not math.isclose(sum(self.weights), 1.0, abs_tol=1e-9):
            raise ValueError(f"weights must be non-negative and sum to 1, got {self.weights}")
        for std in self.stds:
            _check_positive("every std", std)

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` samples, shape (n,), reproducible for the same seed."""
        check_positive_int("n", n, _INTEGERS)
        rng = np.random.default_rng(seed)
        component = rng.choice(len(self.weights), size=n, p=self.weights)
        return rng.normal(np.take(self.means, component), np.take(self.stds, component))

    def density(self, x) -> np.ndarray:
        """The probability density at ``x``."""
        x = np.asarray(x, dtype=np.float64)
        return sum(w * _normal_pdf(x, m, s) for w, m, s in zip(self.weights, self.means, self.stds))

    @property
    def mean(self) -> float:
        """The mixture's mean."""
        return float(np.dot(self.weights, self.means))

    @property
    def std(self) -> float:
        """The mixture's standard deviation (law of total variance)."""
        second_moment = np.dot(self.weights, np.square(self.stds) + np.square(self.means))
        return float(math.sqrt(second_moment - self.mean ** 2))


class _ModesIn2D:
    """Equal-weight isotropic Gaussians centred on ``self.modes`` (shape (k, 2))."""

    modes: np.ndarray
    std: float

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` samples, shape (n, 2), reproducible for the same seed."""
        check_positive_int("n", n, _INTEGERS)
        rng = np.random.default_rng(seed)
        centres = self.modes[rng.integers(len(self.modes), size=n)]
        return centres + rng.normal(0.0, self.std, (n, 2))

    def density(self, x) -> np.ndarray:
        """The probability density at points ``x`` of shape (..., 2)."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape[-1:] != (2,):
            raise ValueError(f"expected points of shape (..., 2), got {x.shape}")
        sq = ((x[..., None, :] - self.modes) ** 2).sum(-1)
        return np.exp(-sq / (2 * self.std ** 2)).mean(-1) / (2 * math.pi * self.std ** 2)


class Ring(_ModesIn2D):
    """``n_modes`` Gaussians spaced evenly on a circle of ``radius`` (the 8-Gaussian ring)."""

    def __init__(self, n_modes: int = 8, radius: float = 2.0, std: float = 0.02):
        check_positive_int("n_modes", n_modes, _INTEGERS)
        _check_positive("radius", radius)
        _check_positive("std", std)
        angles = 2 * math.pi * np.arange(n_modes) / n_modes
        self.modes = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        self.std = std


class Grid(_ModesIn2D):
    """A ``side`` x ``side`` grid of Gaussians ``spacing`` apart, centred on the origin."""

    def __init__(self, side: int = 5, spacing: float = 2.0, std: float = 0.02):
        check_positive_int("side", side, _INTEGERS)
        _check_positive("spacing", spacing)
        _check_positive("std", std)
        ticks = spacing * (np.arange(side) - (side - 1) / 2)
        self.modes = np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)
        self.std = std


# --------------------------------------------------------------------------- divergences


def two_moons(n: int, seed: int, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points of two interleaved half circles of radius 1, centred on the origin, and
    their class: 0 for the upper arc, 1 for the lower one.

    Each point is a uniform angle on its arc plus Gaussian noise of std ``noise`` in each
    coordinate.  Returns float32 points (n, 2) and int64 labels (n,).
    """
    check_positive_int("n", n)
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    lower = rng.random(n) < 0.5
    angle = rng.uniform(0.0, np.pi, n)
    x = np.where(lower, 1.0 - np.cos(angle), np.cos(angle)) - 0.5
    y = np.where(lower, 0.5 - np.sin(angle), np.sin(angle)) - 0.25
    points = np.stack([x, y], axis=1) + rng.normal(0.0, noise, (n, 2))
    return points.astype(np.float32), lower.astype(np.int64)


def _check_grid(x, *densities) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or len(x) < 3 or np.any(np.diff(x) <= 0):
        raise ValueError("x must be a strictly increasing 1-D grid of at least 3 points")
    for d in densities:
        d = np.asarray(d)
        if d.shape != x.shape:
            raise ValueError(f"densities must have the grid's shape {x.shape}, got {d.shape}")
        if np.any(d < 0) or not np.all(np.isfinite(d)):
            raise ValueError("densities must be finite and non-negative")
    return x


def kl_divergence(p, q, x) -> float:
    """KL(p || q) = ∫ p log(p/q) dx for densities ``p``, ``q`` tabulated on grid ``x``.

    Terms where p = 0 contribute 0; where p > 0 but q = 0 the divergence is infinite.
    """
    x = _check_grid(x, p, q)
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    if np.any((p > 0) & (q == 0)):
        return math.inf
    integrand = np.zeros_like(p)
    support = p > 0
    integrand[support] = p[support] * np.log(p[support] / q[support])
    return float(integrate.trapezoid(integrand, x))


def js_divergence(p, q, x) -> float:
    """JSD(p || q) = ½ KL(p || m) + ½ KL(q || m) with m = (p + q)/2; lies in [0, log 2]."""
    _check_grid(x, p, q)
    m = 0.5 * (np.asarray(p, np.float64) + np.asarray(q, np.float64))
    return 0.5 * kl_divergence(p, m, x) + 0.5 * kl_divergence(q, m, x)


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), the best response to a fixed generator.

    Where both densities vanish D* is undefined; it is returned as 0.5 there.
    """
    p_data, p_g = np.asarray(p_data, np.float64), np.asarray(p_g, np.float64)
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data and p_g must have the same shape, got {p_data.shape} and {p_g.shape}")
    total = p_data + p_g
    safe_total = np.where(total > 0, total, 1.0)
    return np.where(total > 0, p_data / safe_total, 0.5)


def _expected_log(p: np.ndarray, log_values: np.ndarray, x: np.ndarray) -> float:
    """∫ p log(.) dx, where ``log_values`` may be -inf in floating point.

    D* rounds to exactly 0 or 1 where one density is ~1e-16 of the other; there the
    true integrand p·log(.) is vanishingly small, so points holding less than 1e-12
    of p's mass in total are neglected.  More mass on a -inf log gives -inf.
    """
    finite = np.isfinite(log_values)
    if integrate.trapezoid(np.where(finite, 0.0, p), x) > 1e-12:
        return -math.inf
    terms = np.zeros_like(p)
    counted = finite & (p > 0)
    terms[counted] = p[counted] * log_values[counted]
    return float(integrate.trapezoid(terms, x))


def gan_value(p_data, p_g, d, x) -> float:
    """V(D, G) = E_{p_data}[log D(x)] + E_{p_g}[log(1 - D(x))], integrated on grid ``x``.

    ``d`` holds D(x) on the grid.  Terms with zero density contribute 0.
    """
    x = _check_grid(x, p_data, p_g)
    p_data, p_g, d = (np.asarray(a, np.float64) for a in (p_data, p_g, d))
    if d.shape != x.shape or np.any((d < 0) | (d > 1)):
        raise ValueError("d must hold probabilities in [0, 1] on the grid")
    with np.errstate(divide="ignore"):
        log_d, log_one_minus_d = np.log(d), np.log1p(-d)
    return _expected_log(p_data, log_d, x) + _expected_log(p_g, log_one_minus_d, x)


# --------------------------------------------------------------------------- 2-D mode metrics


def mode_metrics(samples, dist: _ModesIn2D, n_std: float = 3.0) -> dict:
    """How well ``samples`` (shape (N, 2)) cover the modes of ``dist`` (a ``Ring`` or ``Grid``).

    The metrics of the VEEGAN and PacGAN papers: a sample is *high quality* if it lies
    within ``n_std`` standard deviations of its nearest mode; a mode is *covered* if it
    is the nearest mode of at least one high-quality sample.  Returns
    ``{"modes_covered", "n_modes", "high_quality"}`` (the last a fraction in [0, 1]).
    Samples of ``dist`` itself are high quality with probability 1 - exp(-n_std²/2).
    """
    if not isinstance(dist, _ModesIn2D):
        raise TypeError(f"dist must be a 2-D mode distribution (Ring or Grid), got {type(dist).__name__}")
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"expected a non-empty batch of 2-D points of shape (N, 2), got {samples.shape}")
    if not np.isfinite(samples).all():
        raise ValueError("samples contain NaN or infinite values")
    _check_positive("n_std", n_std)
    distances = np.linalg.norm(samples[:, None, :] - dist.modes[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] < n_std * dist.std
    return {
        "modes_covered": int(len(np.unique(nearest[good]))),
        "n_modes": int(len(dist.modes)),
        "high_quality": float(good.mean()),
    }


def summarize_mode_metrics(runs, keys=("loss", "toy")) -> list[dict]:
    """Mean and standard deviation of ``modes_covered`` and ``high_quality`` over seeds.

    ``runs`` is a list of dicts holding the ``keys`` and the two metrics; one summary
    row is returned per distinct combination of ``keys``, in order of first appearance.
    """
    groups: dict[tuple, list] = {}
    for run in runs:
        groups.setdefault(tuple(run[k] for k in keys), []).append(run)
    rows = []
    for group_key, members in groups.items():
        modes = np.array([m["modes_covered"] for m in members], dtype=np.float64)
        quality = np.array([m["high_quality"] for m in members], dtype=np.float64)
        rows.append({**dict(zip(keys, group_key)), "runs": len(members),
                     "n_modes": members[0]["n_modes"],
                     "modes_mean": float(modes.mean()), "modes_sd": float(modes.std()),
                     "high_quality_mean": float(quality.mean()),
                     "high_quality_sd": float(quality.std())})
    return rows
