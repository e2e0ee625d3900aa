"""Training the attribution models from annotated articles (PolNeAR's training split).

The pipeline runs with the rules alone over every ``NAME.txt`` that has a ``NAME.ann`` beside
it, and an observer records what the finder considers: each direct quote's candidate speakers
and each cue's candidate contents, with their features. The annotation labels them: a
candidate speaker is right when its head lies in the attribution's source span; a candidate
content when its cue lies in a cue span and its words overlap the annotated content (token F1
at least 0.8, the scorer's rule); every content of a cue of direct speech is wrong. Quotes
the annotation does not attribute are left out.

Each model is a logistic regression (scikit-learn, liblinear, seeded): it is fitted on
five folds of articles to predict the held-out fold, those predictions fit an isotonic map
from the model's probability to the share of right decisions (the calibration), and a final
fit on all articles gives the shipped weights. Training is deterministic: the same articles
and seed give the same JSON.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError, ConfigurationError
from archive.extract.candidates import Candidate
from archive.extract.marks import QuoteSpan
from archive.extract.models import Features, LinearModel
from archive.extract.models.standoff import Attribution, Pieces, covers, read_attributions
from archive.extract.reported import Content
from archive.extract.speakers import Speaker
from archive.records import ArticleRecord

FOLDS = 5
MATCH = 0.8
"""Token F1 at which a content matches the annotated one (the scorer's threshold)."""
QUOTE_MARKS = re.compile(r"[“”\"]")


@dataclass
class Decision:
    """One choice a model makes (a quote's speaker, a cue's content): its options'
    features, which options are right, and the article it belongs to (for folds)."""

    article: int
    options: list[Features]
    right: list[bool]
    rule: int | None = None
    """The option the rules chose, where there is one (to compare with)."""


@dataclass
class Examples:
    speakers: list[Decision] = field(default_factory=list)
    reported: list[Decision] = field(default_factory=list)
    sources: list[Decision] = field(default_factory=list)
    articles: int = 0


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower().replace("’", "'"))


def overlap(a: str, b: str) -> float:
    """Token F1 between two texts (bags of words)."""
    left, right = _words(a), _words(b)
    if not left or not right:
        return 0.0
    counts = Counter(left)
    hits = 0
    for word in right:
        if counts[word] > 0:
            hits += 1
            counts[word] -= 1
    if not hits:
        return 0.0
    precision, recall = hits / len(right), hits / len(left)
    return 2 * precision * recall / (precision + recall)


class _Labeller:
    """The observer: turns what the finder considers into labelled decisions."""

    def __init__(self, article: int, text: str, offset: int, gold: list[Attribution]) -> None:
        self.article = article
        self.text = text
        self.offset = offset
        self.gold = gold
        self.speaker_decisions: list[Decision] = []
        self.reported_decisions: list[Decision] = []
        self.source_decisions: list[Decision] = []

    def _quoted(self, start: int, end: int) -> Attribution | None:
        """The attribution whose content holds most of the quote at ``start``..``end``."""
        best, best_share = None, 0.5
        for attribution in self.gold:
            inside = sum(max(0, min(end, e) - max(start, s)) for s, e in attribution.content)
            share = inside / max(1, end - start)
            if share > best_share:
                best, best_share = attribution, share
        return best

    def quote(self, span: QuoteSpan, candidates: list[Candidate], rule: Speaker | None) -> None:
        attribution = self._quoted(span.start + self.offset, span.end + self.offset)
        if attribution is None or not attribution.source or not candidates:
            return
        self.speaker_decisions.append(self._decision(candidates, attribution.source))

    def _at(self, token: Any) -> tuple[int, int]:
        """A token's characters in the annotated file."""
        return token.idx + self.offset, token.idx + len(token.text) + self.offset

    def source(self, cue: Any, candidates: list[Candidate], rule: Speaker | None) -> None:
        at = self._at(cue)
        cued = [
            a
            for a in self.gold
            if a.cue
            and a.source
            and covers(a.cue, *at)
            and not QUOTE_MARKS.search(a.content_text(self.text))
        ]
        if not cued or not candidates:
            return
        self.source_decisions.append(self._decision(candidates, cued[0].source))

    def _decision(self, candidates: list[Candidate], source: Pieces) -> Decision:
        """Candidates labelled by a source span: right is the head of the phrase in it."""
        inside = [covers(source, *self._at(c.token)) for c in candidates]
        # the phrase's head is right, not the words it governs ("Ana Ruiz, a lawyer for the
        # group,": Ruiz, not lawyer): a candidate under another inside the source is not
        heads = {c.token.i for c, is_in in zip(candidates, inside, strict=True) if is_in}
        right = [
            is_in and not any(a.i in heads for a in c.token.ancestors)
            for c, is_in in zip(candidates, inside, strict=True)
        ]
        chosen = next((i for i, c in enumerate(candidates) if c.features.get("rule")), None)
        return Decision(self.article, [c.features for c in candidates], right, chosen)

    def reported(self, options: list[Content]) -> None:
        cue = options[0].cue
        at = self._at(cue)
        cued = [a for a in self.gold if a.cue and covers(a.cue, *at)]
        # a cue of direct speech ("told reporters: “…”") reports nothing else: every option
        # is wrong (its object is the audience, not the words)
        reported = [a for a in cued if not QUOTE_MARKS.search(a.content_text(self.text))]
        doc = cue.doc
        right = []
        for option in options:
            start, end = option.bounds(doc)
            words = self.text[start + self.offset : end + self.offset]
            right.append(any(overlap(a.content_text(self.text), words) >= MATCH for a in reported))
        self.reported_decisions.append(Decision(self.article, [o.features for o in options], right))


def annotated(folder: Path) -> list[Path]:
    """The ``.ann`` files of ``folder`` that have their article beside them."""
    found = sorted(p for p in folder.glob("*.ann") if p.with_suffix(".txt").exists())
    if not found:
        raise ArchiveError(
            f"no annotated articles (NAME.ann beside NAME.txt) in {folder}",
            suggestion="point to PolNeAR's training split: ../shared/gold/polnear-train",
        )
    return found


Read = Callable[[Path], ArticleRecord | str]
"""How an article file is read, as the importer reads it (or why it cannot be)."""


def collect(
    paths: Sequence[Path],
    pipeline: Any,
    read: Read,
    progress: Callable[[int], None] | None = None,
) -> Examples:
    """Run ``pipeline`` (rules alone) over the annotated articles, each read by ``read``,
    and label what it saw."""
    examples = Examples()
    for number, ann in enumerate(paths):
        article_path = ann.with_suffix(".txt")
        text = article_path.read_text(encoding="utf-8")
        record = read(article_path)
        offset = text.find(record.body) if isinstance(record, ArticleRecord) else -1
        if not isinstance(record, ArticleRecord) or offset < 0:
            continue  # an article the reader rejects teaches nothing
        labeller = _Labeller(number, text, offset, read_attributions(ann))
        pipeline.extract(record, observer=labeller)
        examples.speakers += labeller.speaker_decisions
        examples.reported += labeller.reported_decisions
        examples.sources += labeller.source_decisions
        examples.articles += 1
        if progress is not None:
            progress(1)
    return examples


def _sklearn() -> Any:
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError(
            "training needs scikit-learn, which is not installed",
            suggestion="install the development tree: bash .ci/setup",
        ) from exc
    from sklearn import feature_extraction, isotonic, linear_model

    return feature_extraction, isotonic, linear_model


def _fit(decisions: Sequence[Decision], seed: int, c: float) -> tuple[Any, Any]:
    feature_extraction, _, linear_model = _sklearn()
    rows = [features for d in decisions for features in d.options]
    labels = [right for d in decisions for right in d.right]
    vectorizer = feature_extraction.DictVectorizer()
    matrix = vectorizer.fit_transform(rows).tocsr()
    # liblinear takes 32-bit indices only; DictVectorizer may give 64-bit ones
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    learner = linear_model.LogisticRegression(
        C=c, solver="liblinear", max_iter=1000, random_state=seed
    )
    learner.fit(matrix, labels)
    return vectorizer, learner


def _as_model(
    name: str,
    vectorizer: Any,
    learner: Any,
    meta: dict[str, Any],
    calibration: tuple[tuple[float, ...], tuple[float, ...]] = ((), ()),
) -> LinearModel:
    weights = {
        feature: round(float(weight), 6)
        for feature, weight in zip(
            vectorizer.get_feature_names_out(), learner.coef_[0], strict=True
        )
        if abs(weight) >= 1e-6
    }
    return LinearModel(name, weights, round(float(learner.intercept_[0]), 6), calibration, meta)


def _held_out(
    decisions: Sequence[Decision], seed: int, c: float, name: str
) -> list[tuple[float, bool, bool]]:
    """For each decision, predicted by a model that did not see its article: the best
    option's probability, whether it is right, and whether any option is."""
    predicted = []
    for fold in range(FOLDS):
        train = [d for d in decisions if d.article % FOLDS != fold]
        test = [d for d in decisions if d.article % FOLDS == fold]
        if not train or not test:
            continue
        vectorizer, learner = _fit(train, seed, c)
        model = _as_model(name, vectorizer, learner, {})
        for decision in test:
            scores = [model.raw(f) for f in decision.options]
            best = max(range(len(scores)), key=scores.__getitem__)
            predicted.append((scores[best], decision.right[best], any(decision.right)))
    return predicted


def _calibration(
    predicted: Sequence[tuple[float, bool, bool]],
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    _, isotonic, _ = _sklearn()
    fit = isotonic.IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    fit.fit([p for p, _, _ in predicted], [float(r) for _, r, _ in predicted])
    xs = tuple(round(float(x), 6) for x in fit.X_thresholds_)
    ys = tuple(round(float(y), 6) for y in fit.y_thresholds_)
    return xs, ys


def _best_threshold(
    predicted: Sequence[tuple[float, bool, bool]], total: int
) -> tuple[float, dict[str, float]]:
    """The probability above which an option is taken that maximises F1 over the decisions
    (``total``: how many decisions have a right option)."""
    ordered = sorted(predicted, key=lambda p: -p[0])
    best = (0.5, {"precision": 0.0, "recall": 0.0, "f1": 0.0})
    right = 0
    for taken, (probability, ok, _) in enumerate(ordered, start=1):
        right += ok
        precision, recall = right / taken, right / max(1, total)
        f1 = 2 * precision * recall / (precision + recall) if right else 0.0
        if f1 > best[1]["f1"]:
            best = (probability, {"precision": precision, "recall": recall, "f1": f1})
    return best[0], {k: round(v, 4) for k, v in best[1].items()}


def train_speakers(
    decisions: Sequence[Decision], seed: int, c: float = 1.0, name: str = "speakers"
) -> LinearModel:
    """A speaker ranking model (``speakers`` for direct quotes, ``sources`` for reported
    speech), with its held-out figures against the rules' choice."""
    predicted = _held_out(decisions, seed, c, name)
    answerable = [d for d in decisions if any(d.right)]
    rules_right = sum(1 for d in answerable if d.rule is not None and d.right[d.rule])
    model_right = sum(1 for _, ok, any_right in predicted if ok and any_right)
    vectorizer, learner = _fit(decisions, seed, c)
    meta = {
        "decisions": len(decisions),
        "options": sum(len(d.options) for d in decisions),
        "answerable": len(answerable),
        "held_out_accuracy": round(model_right / max(1, len(answerable)), 4),
        "rules_accuracy": round(rules_right / max(1, len(answerable)), 4),
        "threshold": 0.05,
        "seed": seed,
        "C": c,
    }
    return _as_model(name, vectorizer, learner, meta, _calibration(predicted))


def train_reported(decisions: Sequence[Decision], seed: int, c: float = 1.0) -> LinearModel:
    """The reported-speech model: which content, if any, a cue reports."""
    predicted = _held_out(decisions, seed, c, "reported")
    total = sum(1 for d in decisions if any(d.right))
    threshold, figures = _best_threshold(predicted, total)
    vectorizer, learner = _fit(decisions, seed, c)
    meta = {
        "decisions": len(decisions),
        "options": sum(len(d.options) for d in decisions),
        "answerable": total,
        "threshold": round(threshold, 6),
        "held_out": figures,
        "seed": seed,
        "C": c,
    }
    return _as_model("reported", vectorizer, learner, meta, _calibration(predicted))


def write(model: LinearModel, folder: Path, source: str) -> Path:
    """Write ``model`` as ``folder/NAME.json`` (sorted keys: a retrain diffs cleanly)."""
    data = model.to_json()
    data["meta"]["trained_on"] = source
    target = folder / f"{model.name}.json"
    target.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


@dataclass
class Trained:
    """What a training run made: the models, where they were written, and from how much."""

    models: list[LinearModel]
    written: list[Path]
    articles: int
    casing: Path
    """The truecaser's casing table, learned from the same articles."""


def train(
    folder: Path,
    out: Path,
    read: Read,
    seed: int = 0,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Trained:
    """Train the attribution models on the annotated articles of ``folder`` (the first
    ``limit`` of them, in name order, when given), each read by ``read``, and write them to
    ``out``, with the truecaser's casing table learned from the same articles."""
    from archive.extract.pipeline import Pipeline

    _sklearn()  # fail before the long part when the learner is missing
    paths = annotated(folder)[:limit] if limit else annotated(folder)
    examples = collect(paths, Pipeline(models=None), read, progress)
    if not examples.speakers or not examples.reported:
        raise ArchiveError(
            f"the {len(paths)} articles of {folder} hold no attributed quote to learn from",
            suggestion="train on more articles (--limit), or on PolNeAR's training split",
        )
    models = [
        train_speakers(examples.speakers, seed),
        train_reported(examples.reported, seed),
        train_speakers(examples.sources, seed, name="sources"),
    ]
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write(model, out, f"{folder.name} ({examples.articles} articles)") for model in models
    ]
    return Trained(models, written, examples.articles, write_casing(paths, out))


def write_casing(paths: Sequence[Path], out: Path) -> Path:
    """Learn the truecaser's table from the articles beside ``paths`` and write it as
    ``out/casing.json``."""
    from archive.extract.truecase import learn_casing

    texts = (path.with_suffix(".txt").read_text(encoding="utf-8") for path in paths)
    target = out / "casing.json"
    target.write_text(json.dumps(learn_casing(texts), indent=0) + "\n", encoding="utf-8")
    return target


def annotated_count(folder: Path, limit: int | None) -> int:
    paths = annotated(folder)
    return min(len(paths), limit) if limit else len(paths)
