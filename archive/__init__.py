"""The archive: a normalized record of news articles, quotes, actors, places and events."""

from __future__ import annotations

__version__ = "0.1.0"
