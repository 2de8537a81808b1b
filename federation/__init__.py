"""The ActivityPub protocol layer of fediverse: signatures, digests, safe fetching, vocabulary.

Pure functions plus a thin httpx shell. This package imports nothing from our other packages
(``fediverse``, ``inbox``, ``outbox``), nor starlette or asyncpg; see
``tests/federation/test_imports.py``.
"""
