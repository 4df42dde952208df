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

import tables
from chapter_models import chapter_budgets, chapter_parameters
from common import write_results
from tables import rate_text

import ganbook  # noqa: F401  (imports TensorFlow quietly)
from ganbook import toy, training

CHAPTER = {**chapter_parameters("losses"), **chapter_budgets("losses")}  # the Losses chapter's settings


# ------------------------------------------------- its tables in benchmarks/README.md

def toy_losses_table() -> str:
    """Markdown table of the 2-D loss race, from toy_losses.json."""
    results = tables.load_results("toy_losses")
    if not results:
        return "_No measurement yet: run `python benchmarks/toy_losses.py`._"
    rows = {(r["loss"], r["toy"]): r for r in results["summary"]}

    def cell(r: dict) -> str:
        return (f"{r['modes_mean']:.1f} ± {r['modes_sd']:.1f} / {r['n_modes']}, "
                f"{100 * r['high_quality_mean']:.1f} ± {100 * r['high_quality_sd']:.1f}%")

    lines = ["| loss | " + " | ".join(f"{t}: modes covered, high quality" for t in results["toys"]) + " |",
             "|---" * (1 + len(results["toys"])) + "|"]
    lines += [f"| {loss} | " + " | ".join(cell(rows[loss, t]) for t in results["toys"]) + " |"
              for loss in results["losses"]]
    wgans = {name: s for name, s in training.TOY_SETUPS.items() if s.n_critic > 1}
    others = {s.learning_rate for s in training.TOY_SETUPS.values() if s.n_critic == 1}
    critic_steps = " or ".join(str(n) for n in sorted({s.n_critic for s in wgans.values()}))
    lines += ["", f"Mean ± sd over {results['seeds']} seeds; {results['steps']} generator steps, each loss "
              f"with its setup in `training.TOY_SETUPS` (the WGANs with their papers' optimizers "
              f"and learning rates, {critic_steps} critic steps each on a fresh batch; the others with Adam "
              f"{' or '.join(map(rate_text, sorted(others)))}), "
              f"batch {results['batch_size']}, modes with sigma {results['mode_std']}. Measured "
              f"{results['measured_at']} by `benchmarks/toy_losses.py` "
              f"({results['machine']}, {results['total_seconds'] / 60:.1f} min)."]
    return "\n".join(lines)


def glance_row() -> str:
    """This benchmark's row of the README's "at a glance" table."""
    run = tables.load_results("toy_losses")
    ring = {r["loss"]: r for r in run["summary"] if r["toy"] == run["toys"][0]}
    cells = ", ".join(f"{loss} {ring[loss]['modes_mean']:.1f}" for loss in run["losses"])
    return (f"| the loss race, {run['toys'][0]} of {ring[run['losses'][0]]['n_modes']} Gaussians | "
            f"modes covered: {cells} ({run['seeds']} seeds) | `toy_losses.json` |")


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
