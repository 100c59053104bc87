"""Error answers: pages in the site's layout with the help numbers on them; JSON under /api/."""
from flask import jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .language_of_parts import render

API_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This address does not take that method.",
    413: "The request body is too large: send at most 4 KB.",
    429: "Too many requests from this address. Wait a minute, then try again.",
    500: "Something went wrong on our side. Nothing was changed; try again later.",
}


def api_error(error):
    """The API answers errors in JSON, with a message a person can act on, and the error's headers (Allow)."""
    response = jsonify(error=API_MESSAGES.get(error.code, error.description))
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, error.code


def http_error(error):
    if request.path.startswith("/api/"):
        return api_error(error)
    if error.code == 404:
        return not_found(error)
    return error


def not_found(error):
    """The page is not there: say so, and give the numbers."""
    return render("errors/404.html", layout="base.html"), 404


def server_error(error):
    """Something broke on our side: say so, and give the numbers."""
    if request.path.startswith("/api/"):
        return api_error(InternalServerError())
    return render("errors/500.html", layout="base.html"), 500


def init_app(app):
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
