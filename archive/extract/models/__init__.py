"""Learned models of extraction: logistic weights over named features, shipped as JSON.

A model is a linear score over sparse features (a feature is a name such as ``dep=nsubj``
with a value, 1.0 when present), a logistic link, and a calibration table that maps the raw
probability to the share of decisions that were right at that score on held-out folds of the
training data. The weights are plain data: no pickle, readable, diffable, and loaded offline
from the package (``importlib.resources``). Training is :mod:`archive.extract.models.training`.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol, TypeVar

from archive.errors import ConfigurationError

Features = Mapping[str, float]
"""A candidate's features: name to value (1.0 for a feature that is present)."""


class HasFeatures(Protocol):
    @property
    def features(self) -> Features: ...


Scored = TypeVar("Scored", bound=HasFeatures)


@dataclass(frozen=True)
class LinearModel:
    """A trained logistic model and its calibration."""

    name: str
    weights: Mapping[str, float]
    bias: float
    calibration: tuple[tuple[float, ...], tuple[float, ...]]
    """Raw probabilities (ascending) and the calibrated probability at each."""
    meta: Mapping[str, Any]

    def raw(self, features: Features) -> float:
        """The model's logistic probability, before calibration."""
        score = self.bias + sum(self.weights.get(name, 0.0) * v for name, v in features.items())
        if score < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-score))

    def calibrated(self, raw: float) -> float:
        """The share of right decisions at raw probability ``raw`` (piecewise linear)."""
        xs, ys = self.calibration
        if not xs:
            return raw
        if raw <= xs[0]:
            return ys[0]
        if raw >= xs[-1]:
            return ys[-1]
        hi = bisect_right(xs, raw)
        lo = hi - 1
        span = xs[hi] - xs[lo]
        share = (raw - xs[lo]) / span if span else 0.0
        return ys[lo] + share * (ys[hi] - ys[lo])

    @property
    def threshold(self) -> float:
        """The raw probability below which the model's best option is not taken."""
        return float(self.meta.get("threshold", 0.5))

    def best(self, options: Sequence[Scored]) -> tuple[float, Scored]:
        """The option with the highest raw probability, and that probability."""
        raw, chosen = max(((self.raw(o.features), o) for o in options), key=lambda p: p[0])
        return raw, chosen

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "bias": self.bias,
            "weights": dict(sorted(self.weights.items())),
            "calibration": {"raw": list(self.calibration[0]), "right": list(self.calibration[1])},
            "meta": dict(self.meta),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        calibration = data.get("calibration") or {}
        return cls(
            name=str(data["name"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            calibration=(
                tuple(float(x) for x in calibration.get("raw", ())),
                tuple(float(y) for y in calibration.get("right", ())),
            ),
            meta=dict(data.get("meta") or {}),
        )


@cache
def load(name: str) -> LinearModel:
    """The shipped model ``name`` (``speakers``, ``reported``, ``sources``), read once per
    process."""
    source = resources.files(__name__) / f"{name}.json"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        raise ConfigurationError(
            f"the {name} model's weights cannot be read: {exc}",
            suggestion=f"reinstall the package, or train them: archive train {name}",
        ) from exc
    return LinearModel.from_json(data)


@dataclass(frozen=True)
class Models:
    """The models attribution reads: a direct quote's speaker, reported speech's content
    and its source."""

    speakers: LinearModel
    reported: LinearModel
    sources: LinearModel


def shipped() -> Models:
    """The models shipped in the package."""
    return Models(speakers=load("speakers"), reported=load("reported"), sources=load("sources"))
