"""Storage: the PostgreSQL pool, named SQL queries, migrations and the embedded server."""
