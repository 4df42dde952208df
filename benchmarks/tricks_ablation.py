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

import tables
from chapter_models import chapter_budgets
from common import RESULTS_DIR, write_results
from tables import mean_sd, mean_sd_cell, per_seed, rate_text, real_floor

import ganbook  # noqa: F401  (imports TensorFlow quietly)
from ganbook import data, recipes, toy, tricks
from ganbook.callbacks import NonFiniteLossError

# The toy problem of the grid part: the Losses chapter's 5x5 grid of Gaussians.
GRID = {"side": 5, "spacing": 2.0, "std": 0.05}
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
    run["n"] = len(run.pop("samples"))
    print(f"grid  {label:40s} seed {seed}: {run['modes_covered']}/{run['n_modes']} modes, "
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


# ------------------------------------------------- its tables in benchmarks/README.md

def _tricks_table(part_name: str, headers: list[str], cells, footer: str) -> str:
    """A table of one part of tricks_ablation.json: a row per trick, ``cells(runs)`` after its label.

    ``headers`` and ``footer`` are format strings of the file's fields and of the part's
    ``steps``, ``seeds``, ``n_samples``, ``n_modes`` and ``floor``."""
    results = tables.load_results("tricks_ablation")
    part = results.get("parts", {}).get(part_name)
    if not part:
        return f"_No measurement yet: run `python benchmarks/tricks_ablation.py --parts {part_name}`._"
    runs = next(iter(part["rows"].values()))["runs"]
    n_samples = runs[0].get("n", 0)
    fields = {**results, "steps": part["steps"], "seeds": len(runs), "n_samples": n_samples,
              "n_modes": runs[0].get("n_modes", 0), "floor": real_floor(n_samples)}
    lines = ["| " + " | ".join(header.format(**fields) for header in headers) + " |", "|---" * len(headers) + "|"]
    lines += [f"| {label} | " + " | ".join(cells(row)) + " |" for label, row in part["rows"].items()]
    return "\n".join(lines + ["", footer.format(**fields)])


def tricks_dcgan_table() -> str:
    """Markdown table of every trick alone on the plain DCGAN, from tricks_ablation.json."""
    return _tricks_table(
        "dcgan", ["trick", "what it does", "classifier score", "FID", "class KL, mean", "ms per step, mean"],
        lambda row: [row["description"], mean_sd_cell(row["runs"], "classifier_score"),
                     mean_sd_cell(row["runs"], "fid", digits=0),
                     f"{mean_sd([r['class_kl'] for r in row['runs']])[0]:.3f}",
                     f"{mean_sd([r['ms_per_step'] for r in row['runs']])[0]:.0f}"],
        "The plain DCGAN (`tricks.plain_dcgan()`: Radford et al.'s recipe at the book's sizes, Adam "
        f"{rate_text(recipes.plain_dcgan().g_learning_rate)}) with one trick at a time, {{steps:,}} steps, mean ± sd "
        "over {seeds} seeds; metrics of {n_samples:,} samples on the book's evaluator ({floor}). Measured by "
        "`benchmarks/tricks_ablation.py`, file last written {measured_at} ({machine}); data: {data}.")


def tricks_grid_table() -> str:
    """Markdown table of every applicable trick alone on the 5x5 grid, from tricks_ablation.json."""
    return _tricks_table(
        "grid", ["trick", "modes covered (of {n_modes})", "high-quality samples"],
        lambda row: [mean_sd_cell(row["runs"], "modes_covered", digits=1),
                     mean_sd_cell(row["runs"], "high_quality", scale=100, digits=1, unit="%")],
        "The Losses chapter's toy GAN (`tricks.plain_toy_gan()`) with one trick at a time on the "
        "{grid[side]}x{grid[side]} grid (sigma {grid[std]}), {steps:,} steps, mean ± sd over {seeds} seeds, "
        "{n_samples:,} samples each. Same file as the table above.")


def tricks_moonshot_table() -> str:
    """Markdown table of the helpful tricks combined against the DCGAN chapter's model."""
    results = tables.load_results("tricks_ablation")
    part = results.get("parts", {}).get("moonshot")
    if not part:
        return "_No measurement yet: run `python benchmarks/tricks_ablation.py --parts moonshot`._"
    lines = ["| configuration | classifier score (each seed) | FID (each seed) | class KL, mean |",
             "|---|---|---|---|"]
    def row(label: str, runs: list) -> str:
        kl, _ = mean_sd([r["class_kl"] for r in runs])
        return (f"| {label} | {per_seed(runs, 'classifier_score', '.2f')} | {per_seed(runs, 'fid', '.1f')} | "
                f"{kl:.3f} |")

    lines += [row(label, r["runs"]) for label, r in part["rows"].items()]
    modern = tables.load_results("modern_recipe").get("main")
    if modern:
        lines.append(row(f"R3GAN, gamma {modern['gamma']:g}, learning rate {rate_text(modern['learning_rate'])} "
                         "(`benchmarks/modern_recipe.py`)", modern["runs"]))
    book = tables.load_results("dcgan_latent_code").get("variants", {})
    chapter = next((runs for name, runs in book.items() if "the chapter's" in name), None)
    if chapter:
        lines.append(row("the DCGAN chapter's model (`benchmarks/dcgan_latent_code.py`)", chapter))
    seeds = ", ".join(str(r["seed"]) for r in next(iter(part["rows"].values()))["runs"])
    lines += ["", f"{part['steps']:,} steps each, seeds {seeds}, the same evaluator. Same file as the "
              "tables above."]
    return "\n".join(lines)


def sgd_sweep_table() -> str:
    """Markdown table of the SGD-for-D learning-rate sweep (seed 0), from tricks_ablation.json."""
    results = tables.load_results("tricks_ablation")
    sweep = results.get("parts", {}).get("sgd_sweep")
    if not sweep:
        return "_No measurement yet: run `python benchmarks/tricks_ablation.py --parts sgd_sweep`._"
    lines = ["| problem | D's SGD rate | momentum | result |", "|---|---|---|---|"]
    for part, entry in sweep.items():
        for run in entry["runs"]:
            if "diverged" in run:
                outcome = run["diverged"]
            elif part == "grid":
                outcome = (f"{run['modes_covered']}/{run['n_modes']} modes, "
                           f"{100 * run['high_quality']:.1f}% high quality")
            else:
                outcome = f"score {run['classifier_score']:.2f}, FID {run['fid']:.1f}"
            lines.append(f"| {part}, {entry['steps']:,} steps | {run['learning_rate']:.0e} | {run['momentum']:g} | "
                         f"{outcome} |")
    chosen = ", ".join(f"{part} x{multiple:g} with momentum {momentum:g}"
                       for part, (multiple, momentum) in recipes.SGD_FOR_D.items())
    seeds = sorted({run["seed"] for entry in sweep.values() for run in entry["runs"] if "seed" in run})
    return "\n".join(lines + ["", f"Seed {', '.join(map(str, seeds))}; G keeps Adam at the recipe's rate. "
                              "The `sgd_for_d` rows of the two "
                              f"tables use the best setting of each problem ({chosen} times the recipe's Adam "
                              "rate). Same file as the tables above."])


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
    grid = toy.Grid(**GRID)
    def save() -> None:
        write_results("tricks_ablation", {"parts": parts, "grid": GRID, "data": mnist.describe().splitlines()[0]})

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
