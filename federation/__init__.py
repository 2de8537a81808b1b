"""The ActivityPub protocol layer of fediverse: signatures, digests, safe fetching, vocabulary.

Pure functions plus two thin HTTP shells over one SSRF gate (``resolve.py``): the guarded
httpx transport of fetches and the lean HTTP/1.1 client of deliveries. This package imports
nothing from our other packages (``fediverse``, ``inbox``, ``outbox``), nor starlette or
asyncpg; see ``tests/federation/test_imports.py``.
"""
