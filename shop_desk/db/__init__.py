"""Storage: SQLAlchemy 2 typed models, engine set-up, Alembic migrations."""

# The newest migration. Start-up compares it with the database's alembic_version row and
# imports Alembic only when they differ (a test keeps this equal to Alembic's head).
SCHEMA_HEAD = "0015_stockout_run_day_numbers"
