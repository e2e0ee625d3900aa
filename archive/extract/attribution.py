"""Who said a direct quote, by the rules of English attribution read off spaCy's dependency
parse: the classic shapes first (“…,” said X / X said: “…” / a signature), then the clause the
quote depends on, then the speech verbs nearest to it outside any quote in the same sentence.

The rules' choice is one feature of the ``speakers`` model (:mod:`archive.extract.quotes`
ranks the candidates); whom a chosen phrase refers to is :mod:`archive.extract.speakers`.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from functools import cached_property
from typing import Any

from archive.extract.actors import ActorIndex, Mention
from archive.extract.layout import Layout, Paragraph
from archive.extract.lexicon import (
    DOCUMENT_NOUNS,
    PERSON_NOUNS,
    PRONOUNS_GROUP,
    PRONOUNS_PERSON,
    SPEECH_LEMMAS,
)
from archive.extract.marks import QuoteSpan, find_quotes
from archive.extract.speakers import (
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    Speaker,
    Speakers,
    speaks,
)

ADVERBIAL_MARKS = frozenset(
    "as while when whenever because after before if although though since until once".split()
)
UTTERANCE_NOUNS = frozenset(
    "claim statement remark remarks comment words prediction missive tweet message assertion "
    "promise warning description argument accusation".split()
)
TRANSCRIPT_TURN = re.compile(
    r"\s*[\"“]?(?P<name>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):\s+(?=\S)"
)
# a stage direction inside quote marks ("(laughter)"): not words anyone said
STAGE_DIRECTION = re.compile(r"\(\s*[^()]{1,40}?\s*\)\s*\.?")


class Attribution:
    """The quote marks of one parsed article body, and the rules that name the speaker of
    each quoted span from the words around it."""

    def __init__(self, doc: Any, text: str, layout: Layout, actors: ActorIndex) -> None:
        self.doc = doc
        self.text = text
        self.layout = layout
        self.actors = actors
        self.spans: list[tuple[QuoteSpan, Paragraph]] = []
        for paragraph in layout.body():
            spans = find_quotes(text, paragraph.start, paragraph.end)
            if not spans and re.match(
                r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}:\s", paragraph.text
            ):
                # "PENCE: Well, the question…": a transcript's turn is a direct quote
                spans = [QuoteSpan(paragraph.start, paragraph.end, paragraph.start, paragraph.end)]
            for span in spans:
                self.spans.append((span, paragraph))
        self._quoted = [(s.open_start, s.close_end) for s, _ in self.spans]
        self._quote_starts = [s for s, _ in self._quoted]
        self.speakers = Speakers(doc, text, actors, self.in_quote)

    # ---------------------------------------------------------------- helpers

    def in_quote(self, char: int) -> bool:
        i = bisect_left(self._quote_starts, char + 1) - 1
        return i >= 0 and self._quoted[i][0] <= char < self._quoted[i][1]

    @cached_property
    def _quoted_before(self) -> list[int]:
        """How many tokens before each token are in quote marks (and the total, last)."""
        counts = [0]
        for token in self.doc:
            counts.append(counts[-1] + self.in_quote(token.idx))
        return counts

    def _quoted_tokens(self, start: int, end: int) -> int:
        """How many of tokens ``start``..``end`` are in quote marks."""
        return self._quoted_before[end] - self._quoted_before[start]

    def _tokens_between(self, start: int, end: int) -> list[Any]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    # ---------------------------------------------------------------- speakers

    def _speech_verbs(self, tokens: list[Any]) -> list[Any]:
        return [
            t
            for t in tokens
            if speaks(t) and t.pos_ in ("VERB", "AUX") and not self.in_quote(t.idx)
        ]

    def _attribution(self, span: QuoteSpan, paragraph: Paragraph) -> Speaker | None:
        """The speaker named around a quote in its own sentence(s), if any."""
        first = self.doc.char_span(span.open_start, span.close_end, alignment_mode="expand")
        if first is None:
            return None
        start_sent, end_sent = first[0].sent, first[-1].sent
        region_start = max(paragraph.start, start_sent.start_char)
        region_end = min(paragraph.end, end_sent.end_char)
        before = (
            self._tokens_between(region_start, span.open_start)
            if region_start < span.open_start
            else []
        )
        after = (
            self._tokens_between(span.close_end, region_end) if span.close_end < region_end else []
        )
        before = [t for t in before if not self.in_quote(t.idx)]
        after = [t for t in after if not self.in_quote(t.idx)]
        # "according to X"
        for token in before + after:
            if token.lower_ == "according":
                for to in token.children:
                    for obj in to.children:
                        if obj.dep_ == "pobj":
                            found = self.speakers.of_subject(obj, span.open_start)
                            if found is not None:
                                found.cue = "according to"
                                return found
        following = self._following_tokens(span, paragraph)
        surface = self._surface_attribution(following, before, span)
        if surface is not None:
            return surface

        # the clause the quote depends on ("Japan branded it an “outlaw nation”"), then the
        # speech verbs nearest to it; a named speaker beats an anonymous one ("the former
        # first lady said") found earlier
        anonymous = self._governing(first, span.open_start)
        if anonymous is not None and anonymous.entity is not None:
            return anonymous
        verbs = self._speech_verbs(after) + self._speech_verbs(before)
        verbs.sort(key=lambda t: min(abs(t.idx - span.close_end), abs(t.idx - span.open_start)))
        # a speech verb in an adverbial clause ("“…,” when Clinton blasted him") comes last
        verbs.sort(
            key=lambda t: any(
                c.dep_ in ("mark", "advmod") and c.lower_ in ADVERBIAL_MARKS for c in t.children
            )
        )
        found = self._speaker_of_verbs(verbs, span.open_start)
        if found is not None and found.entity is not None:
            return found
        anonymous = anonymous or found
        # "Trump tweeted:" / "Sanders:" ending the text before the quote
        if before and before[-1].text == ":":
            for token in reversed(before[:-1]):
                if token.ent_type_ or token.pos_ in ("PROPN", "PRON"):
                    return self.speakers.of_subject(token, span.open_start)
        return anonymous

    def _region(self, quote: Any, paragraph: Paragraph) -> tuple[int, int]:
        """Where a quote's speaker is looked for: its sentences and one on either side,
        within its paragraph."""
        first, last = quote[0].sent, quote[-1].sent
        start = self.doc[first.start - 1].sent.start_char if first.start > 0 else 0
        end = self.doc[last.end].sent.end_char if last.end < len(self.doc) else len(self.text)
        return max(start, paragraph.start), min(end, paragraph.end)

    def _speaker_of_verbs(self, verbs: list[Any], at: int) -> Speaker | None:
        """The first of these verbs' subjects that names someone, else the first anonymous
        one ("two witnesses said")."""
        anonymous: Speaker | None = None
        for verb in verbs:
            subject = self.speakers.subject_of(verb)
            if subject is None or subject.lower_ in RELATIVE_PRONOUNS:
                continue
            found = self.speakers.of_subject(subject, at, verb)
            if found is not None and found.entity is not None:
                return found
            anonymous = anonymous or found
        return anonymous

    def _following_tokens(
        self, span: QuoteSpan, paragraph: Paragraph, limit: int = 25
    ) -> list[Any]:
        """Up to ``limit`` tokens after a quote, to the paragraph's end or the next quote: the
        attribution may stand in a sentence of its own ("“…?” Graham asked.")."""
        stop = paragraph.end
        for other, _ in self.spans:
            if other.open_start >= span.close_end:
                stop = min(stop, other.open_start)
                break
        if stop <= span.close_end:
            return []
        return self._tokens_between(span.close_end, stop)[:limit]

    def _transcript_speaker(self, span: QuoteSpan) -> Speaker | None:
        """A turn of a transcript names its speaker in capitals before a colon; the name is
        cut from the quote's text."""
        match = TRANSCRIPT_TURN.match(self.text, span.start)
        if match is None or match.start() != span.start:
            return None
        name = match["name"].title()
        span.start = match.end()
        entity = self.actors.add(
            Mention(
                name,
                span.start - len(match.group()),
                span.start - len(match.group()) + len(match["name"]),
                "person",
            )
        )
        return Speaker(entity, match["name"], "transcript", 0.9)

    def _is_speech(self, token: Any) -> bool:
        return bool(
            token.lemma_ in SPEECH_LEMMAS and token.pos_ in ("VERB", "AUX", "NOUN", "PROPN")
        )

    def _surface_attribution(
        self, after: list[Any], before: list[Any], span: QuoteSpan
    ) -> Speaker | None:
        """The classic shapes, read left to right rather than from a parse that inverted
        attributions often confuse: “…,” said X / “…,” X said / X said: “…”, and a
        signature “…” ― X.

        A quote that closes a sentence begun before it ("Canada branded it an “illegitimate
        regime.”") is attributed in that sentence, not by the one that follows; a dash after
        a quote inside a sentence opens an aside ("“…” — a charge Y denied"), not a
        signature, unless only a name follows it to the paragraph's end."""
        at = span.open_start
        # a no-break space between a quote and its signature's dash is a token of its own
        after = list(itertools.dropwhile(lambda t: t.is_space, after))
        opens_sentence = all(t.is_punct or t.is_space for t in before)
        last_char = self.text[span.start : span.end].rstrip()[-1:]
        closes_sentence = not opens_sentence and last_char in (".", "…")
        words = [t for t in after if not (t.is_punct and t.text in ",—–-―")]
        if after and after[0].text.lstrip("”’\"'.,")[:1] in ("—", "–", "―"):
            # a signature: “…” ― Name (the tokenizer may glue the dash to the closing mark)
            phrase = []
            rest = list(itertools.dropwhile(lambda t: t.is_punct or t.is_space, after))
            for token in rest:
                if token.is_punct or token.is_space:
                    break
                phrase.append(token)
            ends_paragraph = all(t.is_punct or t.is_space for t in rest[len(phrase) :])
            signed = bool(phrase) and (opens_sentence or (ends_paragraph and len(phrase) <= 5))
            found = None
            if signed and all(t.is_title or t.pos_ == "PROPN" for t in phrase):
                # a signature is a whole name, even where the model tagged only a part of it
                name = self.doc[phrase[0].i : phrase[-1].i + 1].text
                entity = self.actors.resolve(name) or self.actors.add(
                    Mention(name, phrase[0].idx, phrase[-1].idx + len(phrase[-1].text), "person")
                )
                found = Speaker(entity, name, None, 0.8, phrase[-1])
            elif signed:
                found = self._speaker_of_phrase(phrase, at)
            if found is not None:
                found.cue = "signed"
                return found
        # “…,” said X / “…,” X said: the quote ends a clause of its own; one that runs on into
        # its sentence ("“resolutely opposed” to the test and warned") is not attributed so
        ends_clause = (
            last_char in ",?!…—–-" or self.text[span.close_end : span.close_end + 1] == ","
        )
        # a quote inside a clause begun before it ("As Reyes went on about “a rigged system,”
        # Ruiz said yes") is that clause's, not the next speech verb's
        embedded = any(
            t.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECT_DEPS for c in t.children)
            for t in before
        )
        if closes_sentence or embedded or not ends_clause:
            words = []
        if words and self._is_speech(words[0]):
            phrase = []
            # the name ends at the first comma: “…,” said X, speaking of Y
            for token in after[after.index(words[0]) + 1 :]:
                if (
                    token.is_punct
                    or (token.pos_ == "ADP" and token.lower_ != "of")
                    or token.ent_type_ in ("DATE", "TIME")
                ):
                    break
                phrase.append(token)
            found = self._speaker_of_phrase(phrase, at)
            if found is not None:
                found.cue = words[0].lower_
                return found
        for index, token in enumerate(words[:14]):
            if self._is_speech(token) and index > 0:
                phrase = [
                    t for t in words[:index] if t.pos_ not in ("AUX", "ADV") and t.dep_ != "aux"
                ]
                found = self._speaker_of_phrase(phrase, at)
                if found is not None:
                    found.cue = token.lower_
                    return found
                break
            if (
                (token.pos_ == "VERB" and not token.ent_type_ and not token.is_title)
                or token.is_punct
                or token.lower_ in ADVERBIAL_MARKS  # "“…,” when Clinton blasted him"
            ):
                break
        tail = [t for t in before if not t.is_punct]
        if (
            tail
            and before
            and before[-1].text in ":,"
            and len(tail) >= 2
            and self._is_speech(tail[-1])
        ):
            subject = self.speakers.subject_of(tail[-1])
            if subject is not None:
                return self.speakers.of_subject(subject, at, tail[-1])
        return None

    def _speaker_of_phrase(self, phrase: list[Any], at: int) -> Speaker | None:
        """The speaker a short phrase names: its person, else its organisation, else what its
        head noun or pronoun refers to."""
        if not phrase or len(phrase) > 14:
            return None
        # "Lopez's niece": Lopez does not speak, her niece does
        owners = {t.i for t in phrase if t.dep_ == "poss" and t.head.lower_ in PERSON_NOUNS}
        owners |= {t.i for t in phrase if t.dep_ == "compound" and t.head.i in owners}
        for label in ("PERSON", "ORG", "GPE", "NORP"):
            for token in reversed(phrase):
                if token.i in owners:
                    continue
                if (
                    token.ent_type_ == label
                    and (entity := self.speakers.entity_at(token)) is not None
                ):
                    text = " ".join(t.text for t in phrase)
                    return Speaker(entity, text, None, 0.9, token)
        for token in phrase:
            if token.pos_ == "PRON" and token.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
                return self.speakers.of_subject(token, at)
        heads = [t for t in phrase if t.pos_ in ("NOUN", "PROPN")]
        if heads:
            head = next(
                (t for t in heads if t.head.lower_ == "of" or t.dep_ in SUBJECT_DEPS), heads[0]
            )
            return self.speakers.of_subject(head, at)
        return None

    def _governing(self, quote: Any, at: int) -> Speaker | None:
        """Who speaks a quote set inside a sentence, read up the parse from the quote: the
        subject of the nearest speech verb it depends on ("Reid called him a “spoiled
        brat”", "Trump tweeted that Machado was “disgusting”"), the owner of a claim
        ("Trump’s claim that there were “thousands of shootings”"), else the named subject
        of the nearest clause that holds it ("Tomblin lauded him for “new ideas”"). An
        adverbial clause is a scene of its own ("as Trump went on about “how the system is
        rigged,” Melanie said yes": Trump); a writing with no author ("the ad “wrongfully”
        suggests") lets the words climb to whoever cites it."""
        node = quoted_root(quote)
        candidate: Speaker | None = None
        for step in range(8):
            if step > 0:
                if node.head.i == node.i:
                    break
                node = node.head
            if self.in_quote(node.idx) and not (
                # the quote's own verb with a subject outside it ("she was “whisked off”")
                node.pos_ in ("VERB", "AUX")
                and any(c.dep_ in SUBJECT_DEPS and not self.in_quote(c.idx) for c in node.children)
            ):
                continue
            if node.lemma_ in UTTERANCE_NOUNS:
                owner = next((c for c in node.children if c.dep_ == "poss"), None)
                if owner is not None and owner.pos_ == "PROPN":
                    return self.speakers.of_subject(owner, at)
            if node.pos_ not in ("VERB", "AUX"):
                continue
            subject = self.speakers.subject_of(node)
            if subject is None or subject.lower_ in RELATIVE_PRONOUNS:
                continue
            found = self.speakers.of_subject(subject, at, node)
            if found is None:
                continue
            if speaks(node):
                if found.entity is None and subject.lemma_.lower() in DOCUMENT_NOUNS:
                    continue
                return found
            if found.entity is not None and candidate is None:
                if any(
                    c.dep_ in ("mark", "advmod") and c.lower_ in ADVERBIAL_MARKS
                    for c in node.children
                ):
                    return found
                candidate = found
        return candidate


def quoted_root(span: Any) -> Any:
    """The word a quoted span hangs from: its marks and final stop may hang from the verb
    outside it ("led him to fear a “Pact.”"), which would skip the verb the words depend on."""
    words = [t for t in span if not (t.is_punct or t.is_space)] or list(span)
    inside = {t.i for t in words}
    return next((t for t in words if t.head.i not in inside or t.head.i == t.i), span.root)
