"""Attributions annotated in BRAT standoff (PolNeAR's ``.ann`` files).

Text-bound lines ``T1<TAB>Source 201 220<TAB>…`` give a span (several ``start end`` pieces
joined by ``;`` for a discontinuous one) and event lines ``E1<TAB>Attribution:T4 Content:T3
Cue:T2 Source:T1`` tie them into one attribution. A span's text may run over several lines
of the file; only the offsets are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError

Pieces = tuple[tuple[int, int], ...]
TEXT_BOUND = re.compile(r"(T\d+)\t([\w-]+) (\d+ \d+(?:;\d+ \d+)*)\t")
EVENT = re.compile(r"(E\d+)\t(\S+)((?: \S+:\S+)*)\s*$")


@dataclass(frozen=True)
class Attribution:
    """One annotated attribution: who (source), the words that cue it, and what was said.
    Each part is a tuple of (start, end) character pieces, empty when not annotated."""

    source: Pieces
    cue: Pieces
    content: Pieces

    def content_text(self, text: str) -> str:
        return " ".join(text[s:e] for s, e in self.content)


def _covers(pieces: Pieces, char: int) -> bool:
    return any(s <= char < e for s, e in pieces)


def covers(pieces: Pieces, start: int, end: int) -> bool:
    """Whether a token at ``start``..``end`` lies in one of ``pieces``."""
    return _covers(pieces, start) or _covers(pieces, end - 1)


def read_attributions(path: Path) -> list[Attribution]:
    """The attributions of a ``.ann`` file."""
    spans: dict[str, Pieces] = {}
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if match := TEXT_BOUND.match(line):
            pieces = tuple((int(a), int(b)) for a, b in (p.split() for p in match[3].split(";")))
            spans[match[1]] = pieces
        elif match := EVENT.match(line):
            roles: dict[str, str] = {}
            for argument in match[3].split():
                role, _, ref = argument.partition(":")
                roles[role] = ref
            found.append(roles)
        elif line.startswith(("T", "E")) and re.match(r"[TE]\d+\t", line):
            raise ArchiveError(f"{path}:{number}: cannot read this standoff line: {line[:80]!r}")
    return [
        Attribution(
            source=spans.get(roles.get("Source", ""), ()),
            cue=spans.get(roles.get("Cue", ""), ()),
            content=spans.get(roles.get("Content", ""), ()),
        )
        for roles in found
    ]
