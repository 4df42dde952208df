"""A pybtex style whose bibliography labels read as the citations do: "Goodfellow et al. 2014".

pybtex's default labels (alpha) abbreviate the authors into keys such as [GPAM+14], which a
reader of the references page cannot decode. The chapters cite author-year
(``bibtex_reference_style: author_year``), so the list uses the same form; two works with the
same label get the suffixes a, b, ...
"""

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def author_year(entry) -> str:
    """``Surname 2014``, ``Surname and Other 2014`` or ``Surname et al. 2014`` for ``entry``."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    # rich_last_names renders TeX: Bi{\'n}kowski -> Bińkowski, {TensorFlow authors} -> TensorFlow authors
    names = [" ".join(name.render_as("text") for name in person.rich_last_names) for person in people]
    who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
           else f"{names[0]} et al." if names else entry.key)
    return f"{who} {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    """Labels ``Surname et al. 2014``, with a, b, ... where two entries would share one."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year(entry) for entry in entries]
        shared, seen = Counter(labels), Counter()
        for label in labels:
            seen[label] += 1
            yield label if shared[label] == 1 else f"{label}{'abcdefghij'[seen[label] - 1]}"


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style (sorted by author) with author-year labels."""

    default_label_style = AuthorYearLabels


register_plugin("pybtex.style.formatting", "author_year_labels", AuthorYearStyle)


def setup(app):
    """Sphinx extension entry point: the style is registered on import."""
    return {"parallel_read_safe": True, "parallel_write_safe": True}
