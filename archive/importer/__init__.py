"""Bulk import: readers turn files into records, the loader stores them in batches, and
:mod:`archive.importer.imports` is the one way in that every caller takes."""
