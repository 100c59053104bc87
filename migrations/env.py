"""Alembic's entry point: migrate the app's database (the URL and metadata come from Flask-Migrate).

No logging set-up here: migrations also run inside create_app(), where gunicorn's logging must stay.
"""
from alembic import context
from flask import current_app

migrate = current_app.extensions["migrate"]


def run_migrations_online():
    with migrate.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=migrate.db.metadata, **migrate.configure_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=migrate.db.engine.url.render_as_string(hide_password=False),
                      target_metadata=migrate.db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
