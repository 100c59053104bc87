"""Servers the tests start on a free loopback port: Waymark itself, and a stand-in neutral site."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """Serves a Flask app on 127.0.0.1 in a thread, for as long as the `with` block lasts.

    `paths` records every path asked for; `switch(app)` serves another release at the same address.
    """

    def __init__(self, app):
        self.app = app
        self.paths = []
        self.server = make_server("127.0.0.1", 0, self._serve, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _serve(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        body = self.app(environ, start_response)
        try:
            yield from body
        finally:
            # Werkzeug's dev server forgets to close a file response when the browser drops the request
            # (as Chromium does with a page's icon when it navigates on); close it here.
            if hasattr(body, "close"):
                body.close()

    def switch(self, app):
        self.app = app

    def stop(self):
        """Stop answering, as when the server is down (the port then refuses connections)."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.thread.is_alive():
            self.stop()


class LoopbackHTTPServer:
    """A standard-library HTTP server on a free loopback port, in a thread, for a `with` block."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class NeutralSite(LoopbackHTTPServer):
    """A stand-in for the neutral site: it records each request's Referer and can answer slowly."""

    def __init__(self, delay=0.0):
        self.delay = delay
        self.requests = []  # (path, Referer header or None)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append((self.path, self.headers.get("Referer")))
                if self.path.startswith("/weather"):
                    time.sleep(site.delay)
                body = (
                    b"<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1>"
                    b'<a id="to-waymark" href="' + site.waymark_url.encode() + b'">Waymark</a>'
                )
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.waymark_url = ""
        super().__init__(Handler)
        self.exit_url = f"{self.origin}/weather"
