"""Not-found and server-error pages in the site's layout, with the help numbers on them."""
from flask import render_template


def not_found(error):
    """The page is not there: say so, and give the numbers."""
    return render_template("errors/404.html", layout="base.html"), 404


def server_error(error):
    """Something broke on our side: say so, and give the numbers."""
    return render_template("errors/500.html", layout="base.html"), 500


def init_app(app):
    app.register_error_handler(404, not_found)
    app.register_error_handler(500, server_error)
