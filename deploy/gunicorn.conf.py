"""How `make run` serves Waymark with gunicorn (and what the tests and the benchmark start).

One process with threads: the rate limit, counted in this process's memory, then holds for the whole
server, and a client that sends its request slowly holds one thread, not the site. More slow clients
than threads still block it: in front of a public deployment, put a proxy that buffers requests (nginx).
"""
import os

wsgi_app = "webapp:create_app()"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# --preload: the bundles and tables are built once, before the worker starts; the app drops its
# database connections before the fork (webapp/push/__init__.py).
preload_app = True
worker_class = "gthread"
workers = 1
threads = 32
# A client that has sent nothing for this long on a kept-alive connection is dropped.
keepalive = 5
timeout = 30
# gunicorn must not believe anyone's X-Forwarded-Proto (its default trusts loopback): Waymark's ProxyFix
# trusts the proxies WAYMARK_PROXY_COUNT names, and no others.
forwarded_allow_ips = ""
secure_scheme_headers = {}
# No access log: it would record who read which page, and when.
accesslog = None


def _with_security_headers(write_error):
    """gunicorn answers a request too malformed to reach Flask (400, 414, 431) with its own page: give that
    answer Waymark's privacy and security headers too (webapp/security.py), by writing them in after the
    status line gunicorn writes."""
    from webapp.security import PERMISSIONS_POLICY, SERVER_ERROR_HEADERS

    lines = "".join(f"{name}: {value}\r\n" for name, value in {**SERVER_ERROR_HEADERS,
                                                              "Permissions-Policy": PERMISSIONS_POLICY}.items())

    class HeaderAdding:
        def __init__(self, sock):
            self.sock = sock

        def __getattr__(self, name):
            return getattr(self.sock, name)

        def sendall(self, data):  # gunicorn writes the whole answer at once; the status line ends at the first CRLF
            status, crlf, rest = data.partition(b"\r\n")
            return self.sock.sendall(status + crlf + lines.encode("latin-1") + rest if crlf else data)

    def written_with_headers(sock, status_int, reason, mesg):
        return write_error(HeaderAdding(sock), status_int, reason, mesg)

    return written_with_headers


def on_starting(server):
    import gunicorn.util

    gunicorn.util.write_error = _with_security_headers(gunicorn.util.write_error)


def post_worker_init(worker):
    """Put the service worker together as the worker starts, beside serving: it renders and compresses every
    page of every language (half a minute on a busy 2-core machine), which the first visitor would wait for."""
    import threading

    from webapp.offline import worker_source

    threading.Thread(target=worker_source, args=(worker.wsgi,), name="build /sw.js", daemon=True).start()
