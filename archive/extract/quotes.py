"""Quotes and their attribution: direct quotes by their marks, reported speech by a learned
model of cues and their contents.

The attribution rules (:mod:`archive.extract.attribution`) read spaCy's dependency parse
around each quote. Their choice is one feature of the ``speakers`` model, which ranks every
noun phrase around the quote (:mod:`archive.extract.candidates`); whom the chosen phrase
refers to is
:mod:`archive.extract.speakers`. A quote with no likely speaker continues the previous quote's
speaker in its paragraph, or across paragraphs when it opens its paragraph. Reported speech
(:mod:`archive.extract.reported`) is scored by the ``reported`` model and its source ranked by
the ``sources`` model.
"""

from __future__ import annotations

from typing import Any, Protocol

from archive.extract.actors import ActorIndex, Mention, post_author_kind
from archive.extract.attribution import STAGE_DIRECTION, Attribution, quoted_root
from archive.extract.candidates import Candidate, same_phrase, speaker_candidates
from archive.extract.layout import Layout, Paragraph
from archive.extract.lexicon import (
    MEDIA_WORDS,
)
from archive.extract.marks import QuoteSpan
from archive.extract.models import LinearModel, Models
from archive.extract.reported import Content, contents, is_cue
from archive.extract.speakers import (
    RELATIVE_PRONOUNS,
    Speaker,
)
from archive.extract.titles import is_nickname, is_work_title, work_titles
from archive.records import QuoteRecord


class Observer(Protocol):
    """What training watches: every quote's candidate speakers (with the rules' choice) and
    every cue's candidate contents, as the finder meets them."""

    def quote(self, span: QuoteSpan, candidates: list[Candidate], rule: Speaker | None) -> None: ...

    def reported(self, options: list[Content]) -> None: ...

    def source(self, cue: Any, candidates: list[Candidate], rule: Speaker | None) -> None: ...


class QuoteFinder(Attribution):
    """Finds the quotes of one parsed article body. ``models``: the learned attribution
    models (None: the rules alone, and no reported speech); ``observer``: training's."""

    def __init__(
        self,
        doc: Any,
        text: str,
        layout: Layout,
        actors: ActorIndex,
        models: Models | None = None,
        observer: Observer | None = None,
    ) -> None:
        super().__init__(doc, text, layout, actors)
        self.models = models
        self.observer = observer

    # ---------------------------------------------------------------- speakers

    def _ranked(
        self, span: QuoteSpan, paragraph: Paragraph, rule: Speaker | None
    ) -> Speaker | None:
        """The speaker the model ranks first among the noun phrases around the quote, with
        the rules' choice as one of its features; None when no candidate is likely enough
        (the quote then continues an earlier speaker, or has none). Without a model, the
        rules' choice."""
        quote = self.doc.char_span(span.open_start, span.close_end, alignment_mode="expand")
        if quote is None or (self.models is None and self.observer is None):
            return rule
        region = self._region(quote, paragraph)
        colon = self.text[paragraph.start : span.open_start].rstrip().endswith(":")
        candidates = speaker_candidates(
            self.doc,
            quote,
            quoted_root(quote),
            self.in_quote,
            region,
            rule.token if rule is not None else None,
            rule.confidence if rule is not None else 0.0,
            colon,
        )
        if self.observer is not None:
            self.observer.quote(span, candidates, rule)
        if self.models is None:
            return rule
        return self._chosen(self.models.speakers, candidates, rule, span.open_start)

    def _chosen(
        self,
        model: LinearModel,
        candidates: list[Candidate],
        rule: Speaker | None,
        at: int,
        cue: Any = None,
    ) -> Speaker | None:
        """Who the candidate ``model`` ranks first refers to, with the calibrated
        probability as confidence: the rules' speaker when it is that phrase; None when no
        candidate is likely enough. ``cue``: the word that reports the words, when known
        (else the speech verb the candidate is the subject of, if any)."""
        if not candidates:
            return None
        raw, best = model.best(candidates)
        if raw < model.threshold:
            return None
        verb = cue if cue is not None else best.verb
        if rule is not None and rule.token is not None and same_phrase(best.token, rule.token):
            found: Speaker | None = rule
        else:
            found = self.speakers.of_subject(best.token, at, verb)
            if found is not None and verb is None:
                found.cue = None
        if found is not None:
            found.confidence = round(model.calibrated(raw), 2)
        return found

    # ---------------------------------------------------------------- quotes

    def direct_quotes(self) -> list[QuoteRecord]:
        found: list[QuoteRecord] = []
        previous: tuple[Paragraph, Speaker] | None = None
        previous_end = -1
        titles = work_titles(self.text, (span for span, _ in self.spans), self._is_media)
        for span, paragraph in self.spans:
            inner = self.text[span.start : span.end]
            if is_work_title(inner, titles) or is_nickname(self.text, span):
                continue
            if STAGE_DIRECTION.fullmatch(inner):
                continue  # a transcript's "(CROSSTALK)" is no one's words
            speaker = self._transcript_speaker(span)
            if speaker is None:
                speaker = self._ranked(span, paragraph, self._attribution(span, paragraph))
            confidence_scale = 1.0
            if speaker is None:
                speaker = self._preceding_speaker(span, paragraph, previous_end)
                confidence_scale = 0.85
            if speaker is None:
                speaker = self._introduced_by(span, paragraph, previous_end)
                confidence_scale = 0.75
            if speaker is None and previous is not None:
                last_paragraph, last_speaker = previous
                opens_paragraph = span.open_start == paragraph.start
                if last_paragraph is paragraph or (
                    opens_paragraph and _adjacent(last_paragraph, paragraph, self.layout)
                ):
                    speaker, confidence_scale = last_speaker, 0.85
            record = QuoteRecord(
                text=self.text[span.start : span.end],
                direct=True,
                start=span.start,
                end=span.end,
                origin="extracted",
                confidence=0.5,
            )
            if speaker is not None:
                record.speaker = speaker.entity.name if speaker.entity else None
                record.speaker_as_written = speaker.as_written
                record.cue = speaker.cue
                record.confidence = round(speaker.confidence * confidence_scale, 2)
                previous = (paragraph, speaker)
                if speaker.entity is not None and speaker.entity.kind == "person":
                    self.speakers.remember(span.start, speaker.entity)
            found.append(record)
            previous_end = span.close_end
        return found + self._posts()

    def _is_media(self, name: str) -> bool:
        entity = self.actors.resolve(name)
        if entity is not None:
            return entity.kind == "media"
        return name.split()[-1].lower() in MEDIA_WORDS

    def _posts(self) -> list[QuoteRecord]:
        """The text of an embedded post, as said by the account that posted it."""
        speaker = self._post_speaker()
        posts = []
        for paragraph in self.layout.paragraphs:
            if paragraph.kind != "post" or speaker is None:
                continue
            end = paragraph.end
            for marker in ("pic.twitter.com", "https://", "http://"):
                at = self.text.find(marker, paragraph.start, end)
                if at != -1:
                    end = at
            while end > paragraph.start and (
                self.text[end - 1].isspace() or self.text[end - 1] == "#"
            ):
                end -= 1
            posts.append(
                QuoteRecord(
                    text=self.text[paragraph.start : end],
                    direct=True,
                    speaker=speaker.entity.name if speaker.entity else None,
                    speaker_as_written=speaker.as_written,
                    cue="posted",
                    start=paragraph.start,
                    end=end,
                    confidence=speaker.confidence,
                    origin="extracted",
                )
            )
        return posts

    def _preceding_speaker(
        self, span: QuoteSpan, paragraph: Paragraph, after: int
    ) -> Speaker | None:
        """A quote with no attribution of its own, after a sentence that introduces a speaker
        ("…, Schiff said. “The other factor…”", "The Times reports:" closing the paragraph
        before): the last speech verb since the previous quote speaks it."""
        start = max(paragraph.start, after)
        if span.open_start == paragraph.start:
            index = self.layout.paragraphs.index(paragraph)
            if index > 0 and self.layout.paragraphs[index - 1].text.rstrip().endswith(":"):
                start = max(self.layout.paragraphs[index - 1].start, after)
        if start >= span.open_start:
            return None
        tokens = [
            t for t in self._tokens_between(start, span.open_start) if not self.in_quote(t.idx)
        ]
        for verb in reversed(self._speech_verbs(tokens)):
            subject = self.speakers.subject_of(verb)
            if subject is not None:
                found = self.speakers.of_subject(subject, span.open_start, verb)
                if found is not None and found.entity is not None:
                    return found
        return None

    def _introduced_by(self, span: QuoteSpan, paragraph: Paragraph, after: int) -> Speaker | None:
        """A quote that opens a sentence after one whose subject is a person, in the same
        paragraph and with no quote between them: that person speaks it, whatever the verb
        ("Sanders identified exhaustion with bigotry as a reason. “The younger people…”")."""
        inside = self._tokens_between(span.start, span.end)
        if not inside or inside[0].sent.start_char < span.open_start or inside[0].sent.start == 0:
            return None
        before = self.doc[inside[0].sent.start - 1].sent
        if before.start_char < max(paragraph.start, after):
            return None
        subject = next((c for c in before.root.children if c.dep_ == "nsubj"), None)
        if subject is None or self.in_quote(subject.idx):
            return None
        found = self.speakers.of_subject(subject, span.open_start, before.root)
        if found is None or found.entity is None or found.entity.kind != "person":
            return None
        return Speaker(found.entity, found.as_written, None, found.confidence)

    def _post_speaker(self) -> Speaker | None:
        if not self.layout.post_author:
            return None
        author = self.layout.post_author
        entity = self.actors.add(Mention(author, -1, -1, post_author_kind(author)))
        if entity is not None and self.layout.post_handle:
            entity.add_alias(self.layout.post_handle)
        return Speaker(entity, author, "posted", 0.6)

    def reported_speech(self) -> list[QuoteRecord]:
        """Reported speech, as the ``reported`` model reads it: for each cue, the content it
        scores highest, when likely enough; none without a model."""
        if self.models is None and self.observer is None:
            return []
        found: list[QuoteRecord] = []
        for sent in self.doc.sents:
            if not self.layout.readable(sent.start_char):
                continue
            for token in sent:
                if not is_cue(token, self.in_quote):
                    continue
                options = contents(token, self._quoted_tokens)
                if not options:
                    continue
                if self.observer is not None:
                    self.observer.reported(options)
                    self.observer.source(token, *self._source_candidates(token))
                if self.models is None:
                    continue
                record = self._reported(options, self.models)
                if record is not None:
                    found.append(record)
        return found

    def _source_candidates(self, cue: Any) -> tuple[list[Candidate], Speaker | None]:
        """Who may be the source of what ``cue`` reports: the noun phrases of its sentence,
        with the rules' choice (the cue's subject, agent or possessor) among the features."""
        rule = self._reported_speaker(cue)
        sent = cue.sent
        candidates = speaker_candidates(
            self.doc,
            self.doc[cue.i : cue.i + 1],
            cue,
            self.in_quote,
            (sent.start_char, sent.end_char),
            rule.token if rule is not None else None,
            rule.confidence if rule is not None else 0.0,
            False,
            cue,
        )
        return candidates, rule

    def _reported(self, options: list[Content], models: Models) -> QuoteRecord | None:
        model = models.reported
        raw, best = model.best(options)
        if raw < model.threshold:
            return None
        start, end = best.bounds(self.doc)
        if end - start < 3:
            return None
        candidates, rule = self._source_candidates(best.cue)
        speaker = self._chosen(models.sources, candidates, rule, best.cue.idx, best.cue)
        likely = model.calibrated(raw) * (speaker.confidence if speaker is not None else 0.5)
        cue = "according to" if best.cue.lower_ == "according" else best.cue.lower_
        return QuoteRecord(
            text=self.text[start:end],
            direct=False,
            speaker=speaker.entity.name if speaker and speaker.entity else None,
            speaker_as_written=speaker.as_written if speaker else None,
            cue=cue,
            start=start,
            end=end,
            confidence=round(likely, 2),
            origin="extracted",
        )

    def _reported_speaker(self, cue: Any) -> Speaker | None:
        """Who reported speech is from: the object of "according to", else the cue's
        subject (or passive agent)."""
        if cue.lower_ == "according":
            obj = next((o for to in cue.children for o in to.children if o.dep_ == "pobj"), None)
            if obj is None:
                return None
            found = self.speakers.of_subject(obj, cue.idx)
            if found is not None:
                found.cue = "according to"
            return found
        if cue.pos_ == "NOUN":
            return self._noun_speaker(cue)
        subject = self.speakers.subject_of(cue)
        if subject is None or subject.lower_ in RELATIVE_PRONOUNS:
            return None
        return self.speakers.of_subject(subject, cue.idx, cue)

    def _noun_speaker(self, cue: Any) -> Speaker | None:
        """Whose claim, criticism or warning it is: its possessor ("Trump's claim"), the object
        of "by" or "from", else the subject of the verb it is the object of ("Reyes made the
        claim", "Reyes repeated his claim")."""
        for child in cue.children:
            if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
                return self.speakers.of_subject(child, cue.idx)
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                obj = next((o for o in child.children if o.dep_ == "pobj"), None)
                if obj is not None:
                    return self.speakers.of_subject(obj, cue.idx)
        if cue.dep_ == "dobj" and cue.head.pos_ == "VERB":
            subject = self.speakers.subject_of(cue.head)
            if subject is not None and subject.lower_ not in RELATIVE_PRONOUNS:
                return self.speakers.of_subject(subject, cue.idx, cue)
        return None


def _adjacent(before: Paragraph, after: Paragraph, layout: Layout) -> bool:
    paragraphs = layout.paragraphs
    try:
        return paragraphs.index(after) - paragraphs.index(before) == 1
    except ValueError:
        return False
