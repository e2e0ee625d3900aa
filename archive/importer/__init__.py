"""Bulk import: readers turn files into records, the loader stores them in batches."""
