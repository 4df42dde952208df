"""Regenerate the README's and benchmarks/README.md's generated sections.

Each benchmark script renders its own tables from the JSON it writes under
ganbook/assets/results/ (``benchmarks/tables.py`` has their shared helpers); this script
places them, and builds the README's chapter list from book/intro.md's chapter map and
every link from `_config.yml`'s repository settings.
Each section sits between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`
markers; nothing between them is typed by hand.  `--check` exits 1 if a file is stale.
Usage: python tools/update_readme.py [--check]
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from pathlib import Path

import yaml

import ganbook  # noqa: F401  (imports TensorFlow quietly, before the benchmarks import Keras)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the benchmark scripts, which render their tables

import chapter_results  # noqa: E402
import clean_clone  # noqa: E402
import compat  # noqa: E402
import dcgan_latent_code  # noqa: E402
import dcgan_time_to_quality  # noqa: E402
import family  # noqa: E402
import modern_recipe  # noqa: E402
import profile_times  # noqa: E402
import ssgan_mnist  # noqa: E402
import stacked_mnist  # noqa: E402
import step_speed  # noqa: E402
import tables  # noqa: E402
import toy_losses  # noqa: E402
import tricks_ablation  # noqa: E402
from tables import duration  # noqa: E402

README = ROOT / "README.md"
RESULTS_README = ROOT / "benchmarks" / "README.md"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


@functools.cache
def repository() -> dict:
    """`_config.yml`'s repository settings: ``url``, ``branch``, and ``owner`` / ``name``."""
    settings = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", settings["url"])
    if not match:
        raise ValueError(f"_config.yml: repository.url {settings['url']!r} is not https://github.com/OWNER/NAME")
    return {"url": settings["url"], "branch": settings["branch"],
            "owner": match.group(1), "name": match.group(2)}


def site_url() -> str:
    """Where GitHub Pages publishes the book (`.github/workflows/book.yml` deploys it)."""
    repo = repository()
    return f"https://{repo['owner'].lower()}.github.io/{repo['name']}/"


def colab_url(chapter: str) -> str:
    """The Colab address that opens ``book/chapter.ipynb`` from the repository's branch."""
    repo = repository()
    return (f"https://colab.research.google.com/github/{repo['owner']}/{repo['name']}/blob/"
            f"{repo['branch']}/book/{chapter}.ipynb")


def chapter_map() -> list[tuple[str, str, str]]:
    """(part, chapter file stem, what runs) for each row of book/intro.md's chapter map."""
    text = (ROOT / "book" / "intro.md").read_text()
    section = text.split("## Chapter map", 1)[1].split("\n## ", 1)[0]
    rows, part = [], ""
    for line in section.splitlines():
        match = re.fullmatch(r"\| *([^|]*?) *\| *\{doc\}`(\w+)` *\| *(.+?) *\|", line)
        if match:
            part = match.group(1) or part
            rows.append((part, match.group(2), match.group(3)))
    if not rows:
        raise ValueError("book/intro.md has no chapter map rows")
    return rows


def chapter_title(chapter: str) -> str:
    """The first heading of ``book/chapter.ipynb``."""
    notebook = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())
    first = "".join(next(c for c in notebook["cells"] if c["cell_type"] == "markdown")["source"])
    return first.splitlines()[0].lstrip("# ").strip()


def chapters_table() -> str:
    """The book's chapters: part, title (linked to its page), what runs, `full` time, Colab."""
    times = tables.load_results("profile_times").get("chapters", {})
    lines = ["| part | chapter | what runs | `full` | open |", "|---|---|---|---|---|"]
    previous = None
    for part, chapter, what in chapter_map():
        page = f"{site_url()}book/{chapter}.html"
        what = re.sub(r"\{doc\}`(\w+)`", lambda m: chapter_title(m.group(1)), what)
        shown, previous = ("" if part == previous else part), part
        lines.append(f"| {shown} | [{chapter_title(chapter)}]({page}) | {what} | "
                     f"{duration(times.get(chapter, {}).get('full_seconds'))} | "
                     f"[![Open in Colab]({COLAB_BADGE})]({colab_url(chapter)}) |")
    return "\n".join(lines + ["", "`full`: the chapter's fastest run in the `full` profile, timed by "
                              "`benchmarks/profile_times.py` (see [the results](benchmarks/README.md))."])


def reading_links() -> str:
    """Where to read the book and its source, from `_config.yml`."""
    repo = repository()
    return (f"- **Read it** at [{site_url()}]({site_url()}), built and published by "
            "`.github/workflows/book.yml` from the `full` profile.\n"
            f"- **Open a chapter in Colab** with its badge above, or from the rocket button on its page; "
            f"the first cell installs `ganbook` from [{repo['url']}]({repo['url']}).")


GLANCE = (chapter_results, dcgan_time_to_quality, ssgan_mnist, family, toy_losses)
GLANCE_FILES = ("keras_dcgan", "dcgan_time_to_quality", "ssgan_mnist", "family", "toy_losses")


def glance_machine() -> str:
    """The cores and the MNIST images of the glance rows' runs, as their files record them."""
    stored = [tables.load_results(name) for name in GLANCE_FILES]
    cores = sorted({match.group(1) for run in stored
                    if (match := re.match(r"(\d+) cores", str(run.get("machine", ""))))})
    sizes = re.match(r"mnist: ([\d,]+) train \+ ([\d,]+) test", stored[0]["data"])
    digits = sum(int(size.replace(",", "")) for size in sizes.groups())
    return f"On a {' or '.join(cores)}-core CPU, MNIST (the {digits:,}-digit offline subset)"


def glance_table() -> str:
    """Five headline measurements, each from its benchmark's JSON."""
    rows = [module.glance_row() for module in GLANCE]
    return "\n".join(["| what | measured | file |", "|---|---|---|", *rows, "",
                      f"{glance_machine()}, `full` profile sizes; the "
                      "files are in `ganbook/assets/results/`, and each row's table, with its machine and "
                      "date, is in [the results](benchmarks/README.md)."])


# Each benchmark renders its own tables, beside the code that writes their JSON.
SECTIONS = {"step-speed": step_speed.step_speed_table, "profile-times": profile_times.profile_times_table,
            "clean-clone": clean_clone.clean_clone_table, "toy-losses": toy_losses.toy_losses_table,
            "mlp-gan": lambda: chapter_results.chapter_metrics_table("mlp_gan", "tf_mlp_gan"),
            "dcgan": lambda: chapter_results.chapter_metrics_table("keras_dcgan", "keras_dcgan"),
            "time-to-quality": dcgan_time_to_quality.time_to_quality_table,
            "latent-code": dcgan_latent_code.latent_code_table,
            "ssgan": ssgan_mnist.ssgan_table, "ssgan-time": ssgan_mnist.ssgan_time_table,
            "tricks-dcgan": tricks_ablation.tricks_dcgan_table, "tricks-grid": tricks_ablation.tricks_grid_table,
            "tricks-moonshot": tricks_ablation.tricks_moonshot_table,
            "r3gan-sweep": modern_recipe.r3gan_sweep_table, "sgd-sweep": tricks_ablation.sgd_sweep_table,
            "stacked-mnist": stacked_mnist.stacked_mnist_table, "family": family.family_table,
            "compat": compat.compat_table}


README_SECTIONS = {"chapters": chapters_table, "reading": reading_links, "glance": glance_table}
FILES = {README: README_SECTIONS, RESULTS_README: SECTIONS}


def render(text: str, sections: dict = SECTIONS) -> str:
    """``text`` with every one of ``sections`` replaced by its freshly rendered table."""
    for name, make_table in sections.items():
        pattern = re.compile(
            rf"(<!-- BEGIN generated:{name} -->\n).*?(<!-- END generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"no generated:{name} markers")
        text = pattern.sub(lambda m: m.group(1) + make_table() + "\n" + m.group(2), text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    for path, sections in FILES.items():
        current = path.read_text()
        fresh = render(current, sections)
        if fresh != current:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(fresh)
    if args.check and stale:
        print(f"stale: {', '.join(map(str, stale))}: run `make readme`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
