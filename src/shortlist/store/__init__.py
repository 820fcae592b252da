"""The store: SQLAlchemy tables, repositories and a unit of work, with Alembic migrations.

SQLite (WAL, durable commits) is the embedded default; PostgreSQL 15+ through psycopg 3 is the
production store. The schema is made only by the migrations in ``migrations/versions``.
"""
