"""R3GAN's modern baseline at the book's sizes: tuned on one seed, then measured over three.

``tricks.r3gan(gamma, learning_rate)`` is Huang et al.'s (2024) recipe: residual networks
without normalisation, the relativistic pairing loss, R1 and R2 penalties, a moving
average of G.  The ``sweep`` part trains seed 0 for ``--sweep-steps`` steps at every
(gamma, learning rate) of the grid; the ``main`` part trains the setting with the lowest
FID there (or ``--gamma`` / ``--learning-rate``) for ``--steps`` steps (the DCGAN
chapter's 2,500) on each seed, to compare with the plain DCGAN and the tricks combined
(``tricks_ablation.py --parts moonshot``) and with the DCGAN chapter's model.
Writes results/modern_recipe.json; a part not run keeps its earlier results.
Usage: python benchmarks/modern_recipe.py [--parts sweep main] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import json

import tables
from common import RESULTS_DIR, write_results
from tables import rate_text

import ganbook  # noqa: F401  (imports TensorFlow quietly)
from ganbook import data, tricks

GAMMAS = (0.1, 1.0)
LEARNING_RATES = (5e-4, 2e-3)


def best_setting(sweep: list[dict]) -> tuple[float, float]:
    """(gamma, learning rate) of the sweep run with the lowest FID."""
    if not sweep:
        raise ValueError("no sweep results: run the sweep part first, or give --gamma and --learning-rate")
    best = min(sweep, key=lambda run: run["fid"])
    return best["gamma"], best["learning_rate"]


def train(gamma: float, learning_rate: float, seed: int, steps: int, images) -> dict:
    """One R3GAN run, measured as the tricks ablation measures its runs."""
    run = tricks.train_dcgan_recipe(tricks.r3gan(gamma, learning_rate), images, seed, steps)
    print(f"gamma {gamma:g}, learning rate {learning_rate:g}, seed {seed}: score {run['classifier_score']:.2f}, "
          f"FID {run['fid']:.1f}, {run['ms_per_step']} ms/step", flush=True)
    return {"gamma": gamma, "learning_rate": learning_rate, **run}


# ------------------------------------------------- its tables in benchmarks/README.md

def r3gan_sweep_table() -> str:
    """Markdown table of R3GAN's tuning runs (one seed), from modern_recipe.json."""
    results = tables.load_results("modern_recipe")
    sweep, main = results.get("sweep"), results.get("main")
    if not sweep:
        return "_No measurement yet: run `python benchmarks/modern_recipe.py`._"
    lines = ["| gamma (R1 and R2) | learning rate | classifier score | FID |", "|---|---|---|---|"]
    lines += [f"| {r['gamma']:g} | {rate_text(r['learning_rate'])} | {r['classifier_score']:.2f} | {r['fid']:.1f} |"
              for r in sweep["runs"]]
    chosen = (f"the main runs use gamma {main['gamma']:g} and {rate_text(main['learning_rate'])}, {main['steps']:,} "
              "steps" if main else "no main run yet")
    return "\n".join(lines + ["", f"Seed {sweep['seed']}, {sweep['steps']:,} steps each (the learning rate decays "
                              f"to 0 over the run); {chosen}. Measured by `benchmarks/modern_recipe.py`, file last "
                              f"written {results['measured_at']} ({results['machine']}); data: {results['data']}."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["sweep", "main"], choices=["sweep", "main"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=2500)
    parser.add_argument("--sweep-steps", type=int, default=1000)
    parser.add_argument("--gamma", type=float)
    parser.add_argument("--learning-rate", type=float)
    args = parser.parse_args()
    path = RESULTS_DIR / "modern_recipe.json"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    mnist = data.load_dataset("mnist")
    payload = {"sweep": stored.get("sweep", {}), "main": stored.get("main", {}),
               "data": mnist.describe().splitlines()[0]}
    if "sweep" in args.parts:
        payload["sweep"] = {"steps": args.sweep_steps, "seed": 0, "runs": []}
        for gamma in GAMMAS:
            for learning_rate in LEARNING_RATES:
                payload["sweep"]["runs"].append(train(gamma, learning_rate, 0, args.sweep_steps, mnist.x_train))
                write_results("modern_recipe", payload)
    if "main" in args.parts:
        chosen = best_setting(payload["sweep"].get("runs", []))
        gamma = chosen[0] if args.gamma is None else args.gamma
        learning_rate = chosen[1] if args.learning_rate is None else args.learning_rate
        payload["main"] = {"steps": args.steps, "gamma": gamma, "learning_rate": learning_rate, "runs": []}
        for seed in args.seeds:
            payload["main"]["runs"].append(train(gamma, learning_rate, seed, args.steps, mnist.x_train))
            write_results("modern_recipe", payload)


if __name__ == "__main__":
    main()
