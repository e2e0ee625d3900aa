"""An article's layout: paragraphs, and which of them are boilerplate or embedded posts.

Boilerplate (a ``Source :`` line, an author's bio, "Read the rest here", "Follow X on
Twitter") is not mined for quotes or events. An embedded social-media post is the
paragraph(s) before a line such as ``— Name (@handle) December 6, 2024``; its date is
evidence of when the article was written.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime

from archive.dates import parse_date

SOURCE_LINE = re.compile(r"^\s*(?:source|sources|via)\s*:\s*(?P<name>.{1,80}?)\s*$", re.I)
POST_SIGNATURE = re.compile(
    r"^\s*[—–-]\s*(?P<name>[^()\n]{1,80}?)\s*\((?P<handle>@\w{1,30})\)\s*(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})\s*$"
)
BIO = re.compile(
    r"\b(?:I (?:bring|work|have|am|write|cover)\b"
    r"|(?:writes|reports|covers) (?:on|about|for|from)\b"
    r"|is (?:a|an|the) [\w\s’'-]{0,40}?(?:correspondent|reporter|journalist|writer|editor|columnist)\b"
    r"|has (?:reported|covered|written) (?:on|from|about|for)\b)"
)
BIO_NAME_START = re.compile(
    r"^[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,3} (?:writes|reports|covers|is|has)\b"
)
FOOTER = re.compile(
    r"^\s*[\"“]?(?:read (?:the rest|more)\b|editor[’']s note\b|copyright\b|©"
    r"|follow (?:[\w.’'-]+ ){1,3}on (?:twitter|x|facebook|instagram|threads|bluesky)\b)",
    re.I,
)


@dataclass
class Paragraph:
    start: int
    end: int
    text: str
    kind: str = "body"
    """``body``, ``boilerplate``, ``post`` (an embedded post) or ``signature`` (its byline)."""


@dataclass
class Layout:
    paragraphs: list[Paragraph]
    source: str | None = None
    """The outlet named by a ``Source :`` line."""
    post_author: str | None = None
    post_handle: str | None = None
    post_date: datetime | None = None

    def body(self) -> list[Paragraph]:
        """The paragraphs worth mining: the article's own text and embedded posts."""
        return [p for p in self.paragraphs if p.kind in ("body", "post")]

    def readable(self, char: int) -> bool:
        """True when offset ``char`` falls in one of :meth:`body`'s paragraphs."""
        i = bisect_right(self.paragraphs, char, key=lambda p: p.start) - 1
        if i < 0:
            return False
        paragraph = self.paragraphs[i]
        return paragraph.start <= char < paragraph.end and paragraph.kind in ("body", "post")


def paragraphs(text: str) -> list[Paragraph]:
    found = []
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            found.append(Paragraph(match.start(), match.end(), match.group()))
    return found


def layout(text: str) -> Layout:
    """Split ``text`` into paragraphs and mark the boilerplate and embedded posts."""
    result = Layout(paragraphs(text))
    items = result.paragraphs
    for index, paragraph in enumerate(items):
        if match := SOURCE_LINE.match(paragraph.text):
            paragraph.kind = "boilerplate"
            result.source = result.source or match["name"].strip()
            # what follows a closing Source line is the author's bio, when it reads like one
            for later in items[index + 1 :]:
                if BIO.search(later.text) or BIO_NAME_START.match(later.text):
                    later.kind = "boilerplate"
        elif FOOTER.match(paragraph.text):
            paragraph.kind = "boilerplate"
        elif match := POST_SIGNATURE.match(paragraph.text):
            paragraph.kind = "signature"
            result.post_author = match["name"].strip()
            result.post_handle = match["handle"]
            try:
                result.post_date = parse_date(match["date"])[0]
            except ValueError:
                result.post_date = None
            if index > 0 and items[index - 1].kind == "body":
                items[index - 1].kind = "post"
    # a last paragraph that reads like an author's bio, even without a Source line
    for paragraph in items[-2:]:
        if paragraph.kind != "body" or not _reads_like_bio(paragraph.text):
            continue
        if len(paragraph.text) <= LONGEST_BIO:
            paragraph.kind = "boilerplate"
        elif (tail := _bio_sentence(paragraph)) is not None:
            # a story written as one paragraph ends with its author's bio: only that is
            # boilerplate
            items.insert(items.index(paragraph) + 1, tail)
            paragraph.end = tail.start
            paragraph.text = paragraph.text[: tail.start - paragraph.start]
    return result


LONGEST_BIO = 600
"""Characters: a longer paragraph is a story, whose last sentences may be a bio."""


def _bio_sentence(paragraph: Paragraph) -> Paragraph | None:
    """The bio that closes a long paragraph: from the start of the sentence where it begins
    to the end, when that is short enough to be one."""
    starts = [m.end() for m in re.finditer(r"[.!?][\"”’']?\s+(?=[A-Z])", paragraph.text)]
    for start in reversed(starts):
        tail = paragraph.text[start:]
        if len(tail) > LONGEST_BIO:
            return None
        if _reads_like_bio(tail):
            offset = paragraph.start + start
            return Paragraph(offset, paragraph.end, tail, "boilerplate")
    return None


def _reads_like_bio(text: str) -> bool:
    """An author's bio: someone who writes or reports, about their writing."""
    bio_like = BIO.search(text) or BIO_NAME_START.match(text)
    return bool(bio_like) and _mostly_about_writing(text)


def _mostly_about_writing(text: str) -> bool:
    return bool(
        re.search(
            r"\b(journalis\w*|newsletter|freelance|correspondent|reporter|editor|covers|covered)\b",
            text,
            re.I,
        )
    )
