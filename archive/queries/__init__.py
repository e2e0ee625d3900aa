"""The read layer: what the API, the pages and the command line ask of the archive, as SQL.

It knows no web or GraphQL framework. Its inputs are plain dataclasses (``conditions``), its
outputs SQLAlchemy statements that read rows: the records a filter and a search select
(``selection``), a page of them in an order (``paging``), counts over them (``facets``) and
the archive's totals (``totals``). The GraphQL schema translates its input types into these
and builds its object types from the rows.
"""
