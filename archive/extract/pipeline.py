"""The extraction pipeline the importer runs by default.

It currently recognises nothing; the NLP pipeline plugs in here behind the same
``load_pipeline`` factory, so the importer, ``--workers`` and the loader need no change.
"""

from __future__ import annotations

from archive.extract.runner import Extractor, NoExtraction


def load_pipeline() -> Extractor:
    """Build the extractor (in each worker process when ``--workers`` is above 1)."""
    return NoExtraction()
