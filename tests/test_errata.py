"""The errata page names real sections of the source documents."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import seed_sections  # noqa: E402

SECTIONS = json.loads((ROOT / "book" / "seed_sections.json").read_text(encoding="utf-8"))


def cited_sections(cell: str) -> list[tuple[str, str]]:
    """(source, section) pairs named by an errata row's first cell, such as
    ``000 §1, §2.1`` or ``004 §5 (training)`` or ``001 (code), 003 (GAN implementation)``."""
    pairs, source = [], None
    for part in re.findall(r"\d{3}|§[\d.]+|\([^)]+\)", cell):
        if re.fullmatch(r"\d{3}", part):
            source = part
        else:
            pairs.append((source, part.strip("§()")))
    return pairs


def errata_rows() -> list[str]:
    """The first cell of every row of the errata page's tables."""
    lines = (ROOT / "book" / "errata.md").read_text(encoding="utf-8").splitlines()
    return [line.split("|")[1].strip() for line in lines if re.match(r"\| (\{ref\}`)?00\d", line)]


def test_the_errata_page_has_rows_and_each_names_a_section():
    rows = errata_rows()
    assert len(rows) > 50
    assert all(cited_sections(row) for row in rows), [r for r in rows if not cited_sections(r)]


@pytest.mark.parametrize("row", errata_rows())
def test_every_errata_row_names_sections_its_source_has(row):
    missing = [(s, sec) for s, sec in cited_sections(row) if sec not in SECTIONS.get(s, {})]
    assert not missing, f"{row!r}: no such section in book/seed_sections.json: {missing}"


def test_cited_sections_reads_every_form_the_page_uses():
    assert cited_sections("000 §1, §2.1") == [("000", "1"), ("000", "2.1")]
    assert cited_sections("004 §5 (training)") == [("004", "5"), ("004", "training")]
    assert cited_sections("001 (code), 003 (GAN implementation)") == [
        ("001", "code"), ("003", "GAN implementation")]


def test_sections_are_read_from_numbered_headings_outside_code():
    text = "# 1.背景\n## 2.3 损失\n```\n# 9.not a heading\n```\n###五、训练\n"
    assert seed_sections.sections("000", text) == {"1": "背景", "2.3": "损失", "5": "训练"}


def test_a_named_section_the_source_lacks_is_refused():
    with pytest.raises(ValueError, match="no heading '模型的训练'"):
        seed_sections.sections("004", "###五、别的\n")


SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not beside the repository")
def test_the_stored_sections_are_those_of_the_source_documents():
    assert seed_sections.read_all(SEEDS) == SECTIONS
