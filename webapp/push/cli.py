"""`flask push send`: announce the newest update to every subscriber."""
import click
from flask import current_app
from flask.cli import AppGroup

from .sending import send_notice

push = AppGroup("push", help="Send push notices to subscribers.")


@push.command("send")
@click.option("--pool", type=int, default=None, help="How many notices are sent at once.")
def send_command(pool):
    """Tell every subscriber that there is new information (the newest update)."""
    if not current_app.extensions["waymark_updates"]:
        raise click.ClickException("There is no update to announce: add one to content/updates.toml.")
    result = send_notice(pool)
    click.echo(f"sent {result.sent}, removed {result.removed}, failed {result.failed}")
