"""Every query of verify, written once, in one module per aggregate (docs/architecture.md).

A function here takes a session (the write paths, which need ORM rows to
change) or a :class:`~verify.db.reader.Reader` / session (the read paths:
plain SQL that the fast path runs without the ORM). The ORM is imported
inside the functions that need it, so importing a module here stays cheap.
``tests/test_queries.py`` fails when a query for an aggregate appears elsewhere.
"""
