"""Write book/seed_sections.json: the sections of the five source documents that the errata
page may name, each with its heading as the source spells it.

The sources live outside the repository (``../shared/seeds``, one file per document, named
``000_*.txt`` to ``004_*.txt``), so the errata test reads this file instead of them. Numbered
sections (``2.3.1``, or ``五、`` for 5) are taken from the headings; the sources whose headings
carry no numbers get the English names the errata page uses, each tied to its Chinese heading
here. Usage: python tools/seed_sections.py [--seeds ../shared/seeds] [--check]
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "book" / "seed_sections.json"
CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}

# The errata page's English names for unnumbered sections, and the heading each stands for.
NAMED = {
    "001": {"optimal D": "求最优的Discriminator(D)", "code": "代码"},
    "003": {"GAN implementation": "GAN 实现", "DCGAN": "使用 Keras 实现 DCGAN 生成图像",
            "SSGAN": "使用 TensorFlow 实现 SSGAN", "challenges": "GAN 模型的挑战",
            "mode collapse": "模式崩溃", "tips": "改进的 GAN 训练方法和技巧"},
    "004": {"training": "模型的训练"},
}


def headings(text: str) -> list[str]:
    """The Markdown headings of ``text`` outside code fences, without their ``#`` marks."""
    found, in_code = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            found.append(line.lstrip("#").strip())
    return found


def sections(source: str, text: str) -> dict[str, str]:
    """Section label -> heading for one source document: numbered and named sections."""
    found, titles = {}, set()
    for heading in headings(text):
        numbered = re.match(r"(\d+(?:\.\d+)*)\.?\s*(\S.*)", heading)
        chinese = re.match(r"([一二三四五六七八九十])、\s*(.*)", heading)
        number, title = ((numbered[1], numbered[2]) if numbered else
                         (str(CHINESE_DIGITS[chinese[1]]), chinese[2]) if chinese else (None, heading))
        if number:
            found.setdefault(number, title)
        titles.add(title)
    for name, heading in NAMED.get(source, {}).items():
        if heading not in titles:
            raise ValueError(f"source {source} has no heading {heading!r} (the errata's {name!r})")
        found[name] = heading
    return found


def read_all(seeds: Path) -> dict[str, dict[str, str]]:
    """The sections of every source document in folder ``seeds``."""
    files = sorted(seeds.glob("00[0-9]_*.txt"))
    if not files:
        raise FileNotFoundError(f"no source documents (000_*.txt ...) in {seeds}")
    return {f.name[:3]: sections(f.name[:3], f.read_text(encoding="utf-8")) for f in files}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args()
    text = json.dumps(read_all(args.seeds), ensure_ascii=False, indent=1) + "\n"
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run python tools/seed_sections.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
