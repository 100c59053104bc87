"""Write nginx's configuration for `make serve` from deploy/nginx.conf and the export's build/site.json.

usage: python deploy/render_nginx.py --listen 127.0.0.1:8000 --api 127.0.0.1:8001 [--build build]
"""
import argparse
import json
import os
import pwd
from pathlib import Path

import jinja2

DEPLOY = Path(__file__).resolve().parent


def nginx_string(value):
    """A header value as an nginx string: quoted, with quotes and backslashes escaped."""
    if "$" in value:
        raise ValueError(f"a header value with $ cannot be sent by nginx as it is: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(site, listen, api, build):
    headers = site["headers"]

    def header_lines(kind):
        kind_headers = headers[kind]["headers"] if "status" in headers[kind] else headers[kind]
        return "".join(
            f"\n            add_header {name} {nginx_string(value)} always;" for name, value in kind_headers.items()
        )

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(DEPLOY), undefined=jinja2.StrictUndefined,
                                     keep_trailing_newline=True)
    # nginx as root hands requests to unprivileged workers; they only need to read the export.
    run_as = "nobody nogroup" if os.geteuid() == 0 and _has_user("nobody") else ""
    return environment.get_template("nginx.conf").render(
        headers=header_lines,
        languages="|".join(tag.replace("-", "\\-") for tag in site["languages"]),
        card_pages="|".join(site["card_pages"]),
        exit=headers["exit"],
        root_redirect=headers["root"],
        slash=headers["language_without_slash"],
        listen=listen,
        api=api,
        root=(build / "site").resolve(),
        state=(build / "nginx").resolve(),
        deploy=DEPLOY,
        run_as=run_as,
    )


def _has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def negotiation_script(site):
    """deploy/negotiate.js with the offered tags and their aliases written in, all lower-case."""
    offered = {}
    for tag, aliases in site["languages"].items():
        offered.update({alias.lower(): tag for alias in aliases})
    offered.update({tag.lower(): tag for tag in site["languages"]})
    source = (DEPLOY / "negotiate.js").read_text()
    return source.replace("__OFFERED__", json.dumps(offered, ensure_ascii=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="the address nginx listens on, host:port")
    parser.add_argument("--api", required=True, help="gunicorn's private address for the push API, host:port")
    parser.add_argument("--build", default="build", help="the folder holding site/ and site.json")
    arguments = parser.parse_args()
    build = Path(arguments.build)
    site = json.loads((build / "site.json").read_text())
    state = build / "nginx"
    state.mkdir(parents=True, exist_ok=True)
    (state / "negotiate.js").write_text(negotiation_script(site))
    (state / "nginx.conf").write_text(render(site, arguments.listen, arguments.api, build))
    print(f"wrote {state / 'nginx.conf'}")


if __name__ == "__main__":
    main()
