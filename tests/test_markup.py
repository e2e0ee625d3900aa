"""Stored text made into HTML for the article page: quotes and names as links, escaped, with
no link inside another, and quotes that hold or cross one another all shown."""

from __future__ import annotations

from html.parser import HTMLParser

from archive.web.markup import Span, marked


class _Links(HTMLParser):
    """The links of a fragment as (href, class, text), failing on a link inside a link."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            assert self._open is None, "a link inside a link"
            found = dict(attrs)
            self._open = [found.get("href") or "", found.get("class") or "", ""]

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            href, css, text = self._open
            self.links.append((href, css, text))
            self._open = None


def _links(html: str) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def _span(text: str, part: str, href: str, css: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return Span(start, start + len(part), href, css)


BODY = "Mayor Lina Ostrova told Harbor Radio: “Brenmouth will rebuild the pier by May.”"


def test_a_name_inside_a_quote_keeps_the_quote_marked_on_both_sides() -> None:
    quote = _span(BODY, "Brenmouth will rebuild the pier by May.", "/quotes/q1", "quote")
    place = _span(BODY, "Brenmouth", "/places/p1", "place")
    person = _span(BODY, "Lina Ostrova", "/actors/a1", "actor")
    html = str(marked(BODY, [quote], [place, person]))
    assert _links(html) == [
        ("/actors/a1", "actor", "Lina Ostrova"),
        ("/places/p1", "place in-quote", "Brenmouth"),
        ("/quotes/q1", "quote", " will rebuild the pier by May."),
    ]


def test_quotes_that_hold_or_cross_another_are_all_shown() -> None:
    body = "He posted: “I read their note: ‘we stay’ and I agree.” Then: “Done.”"
    outer = _span(body, "I read their note: ‘we stay’ and I agree.", "/quotes/outer", "quote")
    inner = _span(body, "we stay", "/quotes/inner", "quote unsure")
    crossing = Span(inner.start + 3, outer.end + 8, "/quotes/crossing", "quote")
    html = str(marked(body, [outer, inner, crossing]))
    hrefs = {href for href, _, _ in _links(html)}
    assert hrefs == {"/quotes/outer", "/quotes/inner", "/quotes/crossing"}
    inner_links = [link for link in _links(html) if link[0] == "/quotes/inner"]
    assert inner_links[0] == ("/quotes/inner", "quote unsure nested", "we ")
    # every character of the body is there once, in order
    text = "".join(part for part in _text(html))
    assert text == body


def _text(html: str) -> list[str]:
    parts: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    Text(convert_charrefs=True).feed(html)
    return parts


def test_stored_markup_stays_text() -> None:
    body = "“<b>No</b> & never,” said <i>Ada</i>."
    html = str(marked(body, [_span(body, "<b>No</b> & never,", "/quotes/q", "quote")]))
    assert "<b>" not in html
    assert "&lt;b&gt;No&lt;/b&gt; &amp; never," in html


def test_dates_and_counts_read_as_words() -> None:
    from archive.web.templating import counted, when

    assert when("2024-12-06", "DAY") == "6 Dec 2024"
    assert when("2024-12-01", "MONTH") == "Dec 2024"
    assert when("2024-01-01", "YEAR") == "2024"
    assert when("2024-11-10T17:30:00", "TIME") == "10 Nov 2024, 17:30 UTC"
    assert when("2026-12-04T16:05:00.123456") == "4 Dec 2026, 16:05 UTC"
    assert when(None) == ""
    assert counted(1, "quote") == "1 quote"
    assert counted(1204, "quote") == "1,204 quotes"
    assert counted(0, "death") == "0 deaths"
