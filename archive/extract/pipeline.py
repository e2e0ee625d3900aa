"""The extraction pipeline: an article in, its quotes, actors, places and events out.

One spaCy pass over the body (and one over the headline) feeds rules that are cheap next to
the parse: layout and boilerplate, places from the gazetteer, actors merged across spellings,
quotes and their speakers, events. ``load_pipeline`` is the factory the importer's workers call.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from spacy.tokens import Span

from archive.dates import parse_date
from archive.extract.actors import (
    ALIAS_DEFINITION,
    INSTITUTIONS,
    ActorIndex,
    Mention,
    clean_name,
    guess_kind,
    kind_of_entity,
)
from archive.extract.affiliations import affiliations_from
from archive.extract.events import EventFinder
from archive.extract.gazetteer import Gazetteer, gazetteer
from archive.extract.gender import gender_of_first_name, is_first_name, load_names
from archive.extract.headlines import title_quotes
from archive.extract.language import article_language, extracted
from archive.extract.layout import layout
from archive.extract.lexicon import TITLE_ROLES
from archive.extract.models import Models, shipped
from archive.extract.naming import (
    StateNames,
    armed_actors,
    backed_states,
    known_actors,
    own_organizations,
    patterned_names,
    untagged_people,
)
from archive.extract.nlp import base_forms, load_model, parse, parse_many
from archive.extract.places import DATELINE, LOCATIVE, PlaceIndex, country_focus, find_places
from archive.extract.quotes import Observer, QuoteFinder
from archive.extract.runner import Extractor
from archive.extract.truecase import Casing, dictionary_word, is_shouting, shipped_table
from archive.records import ArticleRecord, Extraction, MentionRecord

ACRONYM_DEFINITION = re.compile(
    r"(?P<long>(?:[A-Z][\w’'-]*|al-\w+|of|for|the|and)(?:\s+(?:[A-Z][\w’'-]*|al-\w+|of|for|the|and)){1,7})\s+\((?P<short>[A-Z][A-Z0-9]{1,7})\)"
)
DATED_DATELINE = re.compile(
    r"[A-Z][\w .'-]{2,40}, (?P<date>\d{1,2} [A-Za-z]{3,9}\.? \d{2,4}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})"
    r"(?: \([^()]{1,30}\))?\s*(?:--|[-—–])\s"
)
"""A wire's dateline with the day it was filed ("BOGOTA, 9 JAN 90 (EFE) --")."""
NICKNAME_OPEN = re.compile(r"[\"“][A-Z][a-z]+$")
NICKNAME_REST = re.compile(r"[\"”] [A-Z][\w’'-]+")


MINED_CHARS = 200_000
"""How much of a body extraction reads. Four times the longest long-form feature; past it the
parse alone holds about 4 GB a megabyte (a 2 MB page took four and a half minutes and 7.8 GB),
so the rest of a huge page is stored but not mined."""


def mined_length(body: str, limit: int = MINED_CHARS) -> int:
    """The length of the part of ``body`` extraction reads: all of it up to ``limit``, else up
    to the last paragraph or sentence break before ``limit``."""
    if len(body) <= limit:
        return len(body)
    for separator in ("\n", ". "):
        cut = body.rfind(separator, 0, limit)
        if cut > limit // 2:
            return cut + 1
    return limit


def _owned_by(ent: Any) -> tuple[Any, Any | None] | None:
    """An entity span the model ran over a possessive: the owner and, when the rest is a
    person's name (a known first name and a surname), that person ("NFL Network’s Rich
    Eisen"); the owner alone when the rest is a number ("Obama’s 2008"). None for a name
    that holds a possessive ("Johns Hopkins University’s School of Advanced International
    Studies")."""
    mark = next((t.i for t in ent[1:-1] if t.lower_ in ("'s", "’s")), None)
    if mark is None:
        return None
    doc = ent.doc
    owner = Span(doc, ent.start, mark, label=ent.label_)
    rest = doc[mark + 1 : ent.end]
    if rest[0].like_num:
        return owner, None
    if len(rest) >= 2 and all(t.is_title for t in rest) and gender_of_first_name(rest[0].text):
        return owner, Span(doc, mark + 1, ent.end, label="PERSON")
    return None


class Pipeline:
    """Reusable across articles; build one per process (loading the model takes a second).
    ``models``: the learned attribution models, the shipped ones by default; None reads
    speakers by the rules alone and finds no reported speech (what training starts from)."""

    def __init__(
        self,
        nlp: Any = None,
        places: Gazetteer | None = None,
        models: Models | None | Literal["shipped"] = "shipped",
    ) -> None:
        self.nlp = nlp if nlp is not None else load_model()
        self.models = shipped() if models == "shipped" else models
        self.gazetteer = places if places is not None else gazetteer()
        load_names()
        self._casing: Casing | None = None
        self.states = StateNames(self.gazetteer)

    def extract(self, article: ArticleRecord, observer: Observer | None = None) -> Extraction:
        """Quotes, actors, places and events of ``article``, read from the first
        ``MINED_CHARS`` characters of its body (offsets are into the body as stored).
        ``observer`` watches attribution's candidates (training)."""
        language = article_language(article.title, article.body, article.language)
        if not extracted(language):
            return Extraction(language=language)
        original = article.body[: mined_length(article.body)]
        text = self._cased(original)
        title_doc = self.nlp(article.title) if article.title else None
        extraction = self._extract(article, text, parse(self.nlp, text), title_doc, observer)
        return _finished(extraction, language, text, original)

    def extract_many(self, articles: Sequence[ArticleRecord]) -> list[Extraction | Exception]:
        """``extract`` for each article, in order, the texts parsed in batches (faster than
        one at a time); an article whose extraction raised gets the exception."""
        languages = [article_language(a.title, a.body, a.language) for a in articles]
        # the articles the pipeline cannot read are set aside, the rest parsed together
        readable = [
            (a, lang) for a, lang in zip(articles, languages, strict=True) if extracted(lang)
        ]
        mined = iter(self._extract_batch([a for a, _ in readable], [lang for _, lang in readable]))
        return [next(mined) if extracted(lang) else Extraction(language=lang) for lang in languages]

    def _extract_batch(
        self, articles: Sequence[ArticleRecord], languages: Sequence[str | None]
    ) -> list[Extraction | Exception]:
        originals = [article.body[: mined_length(article.body)] for article in articles]
        texts = [self._cased(original) for original in originals]
        results: list[Extraction | Exception] = []
        try:
            titles = list(self.nlp.pipe([article.title for article in articles]))
            bodies = parse_many(self.nlp, texts)
            for article, text, title_doc in zip(articles, texts, titles, strict=True):
                doc = next(bodies)
                try:
                    extraction = self._extract(
                        article, text, doc, title_doc if article.title else None
                    )
                    n = len(results)
                    results.append(_finished(extraction, languages[n], text, originals[n]))
                except Exception as exc:  # one article's failure must not sink the others
                    results.append(exc)
        except Exception:
            # a text the model cannot take sinks its parse batch: the rest one at a time
            for article in articles[len(results) :]:
                try:
                    results.append(self.extract(article))
                except Exception as exc:
                    results.append(exc)
        return results

    def _cased(self, text: str) -> str:
        """``text`` in mixed case if it is written in capitals (:mod:`truecase`), else
        ``text`` itself."""
        if not is_shouting(text):
            return text
        if self._casing is None:
            self._casing = Casing(
                shipped_table(),
                is_name=lambda word: (
                    self.gazetteer.knows(word)
                    or is_first_name(word.title())
                    or self.states.is_demonym(word.title())
                ),
                is_word=dictionary_word(base_forms(self.nlp)),
            )
        return self._casing.restore(text)

    def _extract(
        self,
        article: ArticleRecord,
        text: str,
        doc: Any,
        title_doc: Any | None,
        observer: Observer | None = None,
    ) -> Extraction:
        page = layout(text)
        readable = page.readable

        focus = country_focus(doc, self.gazetteer)
        places = find_places(doc, text, readable, self.gazetteer, focus)
        actors = ActorIndex(self.gazetteer)
        for match in ACRONYM_DEFINITION.finditer(text):
            long_form = re.sub(r"^(?:the|The)\s+", "", match["long"])
            actors.define_acronym(long_form, match["short"])
        for match in ALIAS_DEFINITION.finditer(text):
            if readable(match.start()) and not places.resolve(match["name"]):
                person = match["relative"].startswith(
                    ("who", "born", "née", "nee")
                ) or is_first_name(match["name"].split()[0])
                kind = "person" if person else guess_kind(match["name"])
                actors.define_alias(match["name"], match["alias"], kind)
        finder = QuoteFinder(doc, text, page, actors, self.models, observer)
        datelines = [
            (p.start, p.start + m.end("place"))
            for p in page.paragraphs
            if (m := DATELINE.match(p.text))
        ]
        ents = doc.ents  # built anew on each read: on a long text, dearer than the parse
        named_until = 0
        for ent in ents:
            if not readable(ent.start_char) or ent.start_char < named_until:
                continue  # unread, or inside a name taken whole ("Mission in South Sudan")
            if ent.text.isupper() and any(a <= ent.start_char < b for a, b in datelines):
                continue  # "NEWPORT NEWS, Va. -" is where the story was filed, not an actor
            whole = _whole_name(ent)
            named_until = whole.end_char
            self._add_entity(actors, places, whole, finder.in_quote(ent.start_char))
        if title_doc is not None:
            for ent in title_doc.ents:
                # a headline's capitals glue words to names ("Derelict Obama", "Reyes Fail"):
                # only a name the body spells the same way counts
                if clean_name(ent.text) in text:
                    self._add_entity(actors, places, ent, False, placed=False)
        backed_states(text, actors, self.states)
        known_actors(text, readable, actors)
        patterned_names(text, readable, actors)
        armed_actors(text, readable, actors, self._home(focus, places), self.states)
        if page.source:
            actors.add(Mention(page.source, -1, -1, "media"))
        affiliations_from(doc, [e for e in ents if e.label_ == "PERSON"], actors)
        own_organizations(text, readable, actors)
        untagged_people(ents, text, readable, actors, finder.in_quote)

        quotes = (
            (title_quotes(article.title, title_doc, actors) if title_doc is not None else [])
            + finder.direct_quotes()
            + finder.reported_speech()
        )
        filed = page.post_date or _dateline_date(text)
        published = article.published or filed
        events = EventFinder(doc, actors, places, published, readable, finder).events()

        for quote in quotes:
            if quote.speaker and (entity := actors.resolve(quote.speaker)) is not None:
                quote.speaker = entity.name
        # A mention's text is the text at its offsets, as written ("WIRE DESK", not the name
        # "Wire Desk" it resolves to): what an export writes must import back.
        mentions = [
            MentionRecord("actor", entity.name, text[m.start : m.end], m.start, m.end)
            for entity in actors.entities
            for m in entity.mentions
            if m.start >= 0
        ]
        place_records = places.records()
        for place in places.unique():
            mentions += [
                MentionRecord("place", place.name, text[s:e], s, e) for s, e, _ in place.mentions
            ]
        extraction = Extraction(
            quotes=quotes,
            actors=actors.records(),
            places=place_records,
            events=events,
            mentions=_unique(mentions),
            mined_chars=len(text),
        )
        if article.published is None and filed is not None:
            extraction.published, extraction.published_precision = filed, "day"
        return extraction

    def _add_entity(
        self, actors: ActorIndex, places: Any, ent: Any, in_quote: bool, placed: bool = True
    ) -> None:
        if (owned := _owned_by(ent)) is not None:
            # "Green Party’s Jill Stein", "Trump’s 1995": two names, or a name and a year
            owner, person = owned
            self._add_entity(actors, places, owner, in_quote, placed)
            if person is not None:
                self._add_entity(actors, places, person, in_quote, placed)
            return
        if (untitled := _without_title(ent)) is not ent:
            if untitled is not None:  # "Navy Capt.": the Navy; "Spc.": nobody
                self._add_entity(actors, places, untitled, in_quote, placed)
            return
        name = clean_name(ent.text)
        kind = kind_of_entity(ent.label_, ent.text, self.gazetteer)
        place = places.resolve(name)
        if place is not None and kind != "state" and not actors.resolve(name):
            return  # a town the model took for a person or an organisation
        if kind is None and ent.label_ == "NORP":
            return
        if len(ent) == 1 and ent[0].pos_ == "ADJ":
            return  # "Valencian": an adjective the model took for a name
        if kind is None:
            return
        if kind == "state" and ent.start > 0 and ent.doc[ent.start - 1].lower_ in WHERE:
            return  # "fighting in Iraq": where something happens, not a state acting
        # the headline's entities are not in the body, so they have no offsets there
        start, end = (ent.start_char, ent.end_char) if placed else (-1, -1)
        spelling = ent.text
        cut = placed and NICKNAME_OPEN.search(spelling)  # doc.text is rebuilt on each read
        if cut and (rest := NICKNAME_REST.match(ent.doc.text, ent.end_char)):
            # the model stopped inside a nickname ('Robert C. "Bobby' + '" Scott')
            spelling, end = spelling + rest.group(), rest.end()
        actors.add(Mention(spelling, start, end, kind, in_quote))

    def _home(self, named: dict[str, int], places: PlaceIndex) -> str | None:
        """The country an article is about: the one its places and demonyms name most."""
        countries = self.gazetteer.countries
        focus = Counter({code: count for code, count in named.items() if code in countries})
        for place in places.places.values():
            entry = place.entry
            if entry is not None and entry.country in countries and entry.kind != "country":
                focus[entry.country] += len(place.mentions)
        if not focus:
            return None
        return countries[max(focus, key=lambda code: focus[code])].name


WHERE = (LOCATIVE - {"of"}) | {"throughout", "within", "over"}
"""Prepositions after which a country is the place something happens, not an actor ("the
government of Syria" acts)."""


def _without_title(ent: Any) -> Any | None:
    """``ent`` without the abbreviated titles it ends with when a person's name follows
    ("Navy Capt. Lena Brandt": the Navy; the model cut the title off the person it belongs
    to), None when it is titles alone."""
    doc = ent.doc
    if ent.end >= len(doc) or doc[ent.end].ent_type_ != "PERSON":
        return ent
    end = ent.end
    while end > ent.start and doc[end - 1].lower_.rstrip(".") in TITLE_ROLES:
        end -= 1
    if end == ent.end:
        return ent
    return Span(doc, ent.start, end, label=ent.label_) if end > ent.start else None


def _whole_name(ent: Any) -> Any:
    """An organisation's name with its "in X" / "for X" / "of X" that the model cut off:
    "United Nations Mission" + "in South Sudan" is one body, not the United Nations."""
    doc = ent.doc
    if ent.label_ != "ORG" or ent[-1].lower_ not in INSTITUTIONS or ent.end + 1 >= len(doc):
        return ent
    if doc[ent.end].lower_ not in ("in", "for", "of", "on"):
        return ent
    start = ent.end + 1 + (doc[ent.end + 1].lower_ == "the")
    end = start
    while (
        end < len(doc)
        and doc[end].pos_ == "PROPN"
        and doc[end].text[:1].isupper()
        and doc[end].ent_type_ not in ("DATE", "TIME")  # "the Council on Friday"
    ):
        end += 1
    return Span(doc, ent.start, end, label=ent.label_) if end > start else ent


def _dateline_date(text: str) -> datetime | None:
    """The day a wire story was filed, from the dateline opening it: it dates an article
    whose metadata has no date."""
    match = DATED_DATELINE.match(text.lstrip())
    if match is None:
        return None
    try:
        return parse_date(match["date"])[0]
    except ValueError:
        return None


def _finished(extraction: Extraction, language: str | None, read: str, original: str) -> Extraction:
    """``extraction`` of ``read`` (``original``, its case restored when it was in capitals)
    with its language, and the quotes' and mentions' words as the stored text has them (its
    capitals): the offsets are the same."""
    extraction.language = language
    if read is original:
        return extraction
    for quote in extraction.quotes:
        if quote.start is not None and quote.end is not None:
            quote.text = original[quote.start : quote.end]
    for mention in extraction.mentions:
        if mention.start is not None and mention.end is not None:
            mention.text = original[mention.start : mention.end]
    return extraction


def _unique(mentions: list[MentionRecord]) -> list[MentionRecord]:
    seen: set[tuple[str, int | None]] = set()
    result = []
    for mention in sorted(mentions, key=lambda m: (m.start or 0, m.kind)):
        key = (mention.kind, mention.start)
        if key not in seen:
            seen.add(key)
            result.append(mention)
    return result


def load_pipeline() -> Extractor:
    """Build the extractor (in each worker process when ``--workers`` is above 1)."""
    return Pipeline()
