"""Race every GAN loss on the 2-D ring and grid, and write results/toy_losses.json.

The same comparison as the Losses chapter (same networks, recipes and metrics), with
more seeds: each loss with the optimizer of its setup in ``training.TOY_SETUPS`` (the
WGANs with their papers'), every critic step on a fresh batch.  benchmarks/README.md's loss table and the
chapter quote the JSON.
Usage: python benchmarks/toy_losses.py [--steps 2000] [--seeds 5]
"""

from __future__ import annotations

import argparse
import time

from chapter_models import chapter_budgets, chapter_parameters
from common import write_results

import ganbook  # noqa: F401  (imports TensorFlow quietly)
from ganbook import toy, training

CHAPTER = {**chapter_parameters("losses"), **chapter_budgets("losses")}  # the Losses chapter's settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=CHAPTER["STEPS"], help="generator steps per run")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--mode-std", type=float, default=CHAPTER["MODE_STD"])
    parser.add_argument("--batch-size", type=int, default=CHAPTER["BATCH_SIZE"])
    args = parser.parse_args()

    toys = {"ring": toy.Ring(n_modes=8, radius=CHAPTER["RING_RADIUS"], std=args.mode_std),
            "grid": toy.Grid(side=5, spacing=CHAPTER["GRID_SPACING"], std=args.mode_std)}
    runs, start = [], time.perf_counter()
    for loss in training.TOY_SETUPS:
        for toy_name, dist in toys.items():
            for seed in range(args.seeds):
                run = training.run_toy(loss, dist, seed, args.steps, batch_size=args.batch_size)
                del run["samples"]
                runs.append({**run, "toy": toy_name})
                print(f"{loss:15s} {toy_name} seed {seed}: {run['modes_covered']}/{run['n_modes']} "
                      f"modes, {100 * run['high_quality']:.1f}% high quality, "
                      f"{run['seconds']:.1f} s", flush=True)
    write_results("toy_losses", {
        "losses": list(training.TOY_SETUPS), "toys": list(toys), "steps": args.steps,
        "seeds": args.seeds, "mode_std": args.mode_std,
        "batch_size": args.batch_size, "summary": toy.summarize_mode_metrics(runs), "runs": runs,
        "total_seconds": round(time.perf_counter() - start, 1),
    })


if __name__ == "__main__":
    main()
