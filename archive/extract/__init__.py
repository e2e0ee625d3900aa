"""Extraction: article text in, quotes, actors, places and events out.

The importer depends only on :class:`Extractor` and :class:`ExtractionRunner`; the pipeline
itself lives in :mod:`archive.extract.pipeline`.
"""
