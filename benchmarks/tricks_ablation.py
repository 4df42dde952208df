"""Every training trick, alone on a plain DCGAN and on the 5x5 grid, over seeds; then the helpful ones combined.

The plain DCGAN is Radford et al.'s recipe at the book's sizes (``tricks.plain_dcgan``),
trained ``--dcgan-steps`` steps on the MNIST training images; the grid GAN is the Losses
chapter's toy GAN (``tricks.plain_toy_gan``), ``--toy-steps`` steps.  Each row switches on
one trick of ``tricks.TRICKS``; ``--combine`` adds a row with several at once.  Writes
results/tricks_ablation.json (rows not run keep their earlier results there).
The ``sgd_sweep`` part tunes SGD for D before its verdict: seed 0 of each part at every
(rate multiple, momentum) of ``SGD_GRID``; ``recipes.SGD_FOR_D`` holds the best.
The ``moonshot`` part trains the plain DCGAN and the combination for ``--moonshot-steps``
(the DCGAN chapter's 2,500), to compare with that chapter's model.
Usage: python benchmarks/tricks_ablation.py [--parts dcgan grid sgd_sweep moonshot] [--tricks ...]
       [--seeds 0 1 2] [--combine decay minibatch_discrimination ...]
(``--tricks --combine a b`` adds only the combination to the earlier results;
``--add-seeds`` keeps each row's stored runs and trains only the seeds it lacks;
``--keep-plain`` reruns only the named tricks and keeps the stored plain row, for a trick
whose code changed.)
"""

from __future__ import annotations

import argparse
import json

from chapter_models import chapter_budgets
from common import RESULTS_DIR, write_results

import ganbook  # noqa: F401  (imports TensorFlow quietly)
from ganbook import data, recipes, toy, tricks
from ganbook.callbacks import NonFiniteLossError

SGD_GRID = tuple((multiple, momentum) for momentum in (0.0, 0.9) for multiple in (1.0, 10.0, 100.0))


def rows_to_run(names: list[str], part: str, combine: list[str],
                keep_plain: bool = False) -> dict[str, list[str]]:
    """Row label -> the tricks of that row: the plain recipe, each trick alone, the combination.

    Without single tricks (``--tricks`` given no names), or with ``keep_plain``, the part
    keeps its earlier plain row; the moonshot always trains its own plain row.
    """
    rows = {"plain": []} if (names and not keep_plain) or part == "moonshot" else {}
    for name in names:
        if part != "grid" or not tricks.TRICKS[name].images_only:
            rows[name] = [name]
    if combine:
        usable = [n for n in combine if part != "grid" or not tricks.TRICKS[n].images_only]
        rows["combined: " + " + ".join(usable)] = usable
    return rows


def seeds_to_train(stored_runs: list[dict], seeds: list[int], add_seeds: bool) -> tuple[list[dict], list[int]]:
    """(runs to keep, seeds to train) for one row: with ``add_seeds``, the stored runs and the
    asked seeds they lack; otherwise nothing kept and every asked seed, in order."""
    kept = list(stored_runs) if add_seeds else []
    done = {run["seed"] for run in kept}
    return kept, [seed for seed in dict.fromkeys(seeds) if seed not in done]


def train(part: str, recipe, mnist, grid, seed: int, steps: int, label: str) -> dict:
    """One run of ``recipe`` in ``part`` (images or the grid), printed as it ends."""
    if part != "grid":
        run = tricks.train_dcgan_recipe(recipe, mnist.x_train, seed, steps)
        print(f"{part} {label:40s} seed {seed}: score {run['classifier_score']:.2f}, "
              f"FID {run['fid']:.1f}, KL {run['class_kl']:.3f}, {run['ms_per_step']} ms/step", flush=True)
        return run
    run = tricks.train_toy_recipe(recipe, grid, seed, steps)
    del run["samples"]
    print(f"grid  {label:40s} seed {seed}: {run['modes_covered']}/25 modes, "
          f"{100 * run['high_quality']:.1f}% high quality, {run['seconds']} s", flush=True)
    return run


def sgd_sweep(mnist, grid, steps: dict, parts: dict, save) -> None:
    """Seed 0 of the plain recipes with SGD for D at every setting of ``SGD_GRID``, into
    ``parts["sgd_sweep"]``; ``save()`` after each run, and settings already stored for the
    same steps are kept.  A run whose loss becomes NaN or infinite is stored as diverged."""
    sweep = parts.setdefault("sgd_sweep", {})
    for part, base in (("dcgan", tricks.plain_dcgan()), ("grid", tricks.plain_toy_gan())):
        if sweep.get(part, {}).get("steps") != steps[part]:
            sweep[part] = {"steps": steps[part], "runs": []}
        done = {(run["rate_multiple"], run["momentum"]) for run in sweep[part]["runs"]}
        for multiple, momentum in SGD_GRID:
            if (multiple, momentum) in done:
                continue
            recipe = tricks.with_tricks(base, [])
            recipes.sgd_for_d(recipe, multiple, momentum)
            setting = {"rate_multiple": multiple, "momentum": momentum, "learning_rate": recipe.d_learning_rate}
            try:
                run = train(part, recipe, mnist, grid, 0, steps[part], f"SGD x{multiple:g}, momentum {momentum:g}")
            except NonFiniteLossError as error:
                print(f"{part} SGD x{multiple:g}, momentum {momentum:g}: {error}", flush=True)
                run = {"diverged": str(error).split(";")[0]}
            sweep[part]["runs"].append({**setting, **run})
            save()


def best_sgd_setting(runs: list[dict], key: str, higher_is_better: bool) -> tuple[float, float]:
    """(rate multiple, momentum) of the sweep's best run that did not diverge."""
    finished = [run for run in runs if "diverged" not in run]
    if not finished:
        raise ValueError("every run of the SGD sweep diverged")
    best = (max if higher_is_better else min)(finished, key=lambda run: run[key])
    return best["rate_multiple"], best["momentum"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["dcgan", "grid"],
                        choices=["dcgan", "grid", "sgd_sweep", "moonshot"])
    parser.add_argument("--tricks", nargs="*", default=list(tricks.TRICKS), choices=list(tricks.TRICKS))
    parser.add_argument("--combine", nargs="*", default=[], choices=list(tricks.TRICKS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--dcgan-steps", type=int, default=1000)
    parser.add_argument("--toy-steps", type=int, default=chapter_budgets("training_tricks")["TOY_STEPS"])
    parser.add_argument("--moonshot-steps", type=int, default=2500)
    parser.add_argument("--add-seeds", action="store_true",
                        help="keep each row's stored runs; train only the seeds it lacks")
    parser.add_argument("--keep-plain", action="store_true",
                        help="keep the stored plain rows; run only the named tricks")
    args = parser.parse_args()
    path = RESULTS_DIR / "tricks_ablation.json"
    results = json.loads(path.read_text()) if path.is_file() else {}
    parts = results.setdefault("parts", {})
    mnist = data.load_dataset("mnist")
    grid = toy.Grid(side=5, spacing=2.0, std=0.05)
    def save() -> None:
        write_results("tricks_ablation", {"parts": parts, "data": mnist.describe().splitlines()[0]})

    if "sgd_sweep" in args.parts:
        sgd_sweep(mnist, grid, {"dcgan": args.dcgan_steps, "grid": args.toy_steps}, parts, save)
    for part in [p for p in args.parts if p != "sgd_sweep"]:
        images = part != "grid"
        base = tricks.plain_dcgan() if images else tricks.plain_toy_gan()
        steps = {"dcgan": args.dcgan_steps, "grid": args.toy_steps, "moonshot": args.moonshot_steps}[part]
        rows = parts.setdefault(part, {"steps": steps, "rows": {}})
        if rows["steps"] != steps:  # earlier rows of another budget no longer compare
            rows["rows"] = {}
        rows["steps"] = steps
        if args.keep_plain and "plain" not in rows["rows"]:
            parser.error(f"--keep-plain: no stored plain row of {steps} steps for the {part} part")
        to_run = rows_to_run(args.tricks if part != "moonshot" else [], part, args.combine, args.keep_plain)
        for label, names in to_run.items():
            if part == "moonshot" and label == "plain" and not args.tricks and label in rows["rows"]:
                continue  # a further combination compares with the plain runs already stored
            runs, seeds = seeds_to_train(rows["rows"].get(label, {}).get("runs", []), args.seeds,
                                         args.add_seeds)
            for seed in seeds:
                runs.append(train(part, tricks.with_tricks(base, names), mnist, grid, seed, steps, label))
            description = "; ".join(tricks.TRICKS[n].description for n in names) or "the plain recipe"
            rows["rows"][label] = {"description": description, "runs": runs}
            # single tricks first, in the order measured, the combinations last
            rows["rows"] = dict(sorted(rows["rows"].items(), key=lambda row: row[0].startswith("combined")))
            save()  # after every row, so an interrupted run keeps what it measured


if __name__ == "__main__":
    main()
