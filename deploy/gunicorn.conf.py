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
