"""Throughput: a page through `make serve` (nginx and the export) against plain nginx and `make run`.

    make bench        (or: .venv/bin/python bench/throughput.py [--seconds N])

Each server runs on a free loopback port; wrk (Debian's) asks for /en/get-help with brotli for a bounded
time. Plain nginx serves the same brotli bytes from one file with nothing else configured: the most a page
can be served at on this machine. Then 200 connections for 30 s through `make serve`, counting errors. The
machine is shared, so compare the ratios within one run.
"""
import argparse
import types
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import slowest_page_with_slow_clients  # noqa: E402
from tests.support.gunicorn import make_run_command  # noqa: E402
from tests.support.processes import Process, free_port  # noqa: E402

PAGE = "/en/get-help"
SITE = "https://waymark.example"
PLAIN_NGINX = """
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
worker_processes auto;
pid {state}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    brotli_static on;
    client_body_temp_path {state}/body;
    proxy_temp_path {state}/proxy;
    fastcgi_temp_path {state}/fastcgi;
    uwsgi_temp_path {state}/uwsgi;
    scgi_temp_path {state}/scgi;
    server {{
        listen 127.0.0.1:{port} reuseport;
        root {state};
        location = {page} {{ default_type text/html; try_files /page.html =404; }}
    }}
}}
"""


def wrk(url, seconds, connections):
    """Requests per second and errors (socket errors and non-2xx answers) from one bounded wrk run."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-H", "Accept-Encoding: br", url],
        capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, requests, errors + (int(non_2xx.group(1)) if non_2xx else 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    arguments = parser.parse_args()
    python = str(ROOT / ".venv/bin/python")
    (ROOT / "build").mkdir(exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "build"))
    build.chmod(0o755)
    try:
        env = {"WAYMARK_SITE_URL": SITE, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
        subprocess.run([python, "-m", "flask", "--app", "webapp", "export", "--output", str(build / "site")],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        serve_port, api_port, plain_port, run_port = (free_port() for _ in range(4))
        subprocess.run([python, "deploy/render_nginx.py", "--listen", f"127.0.0.1:{serve_port}", "--api",
                        f"127.0.0.1:{api_port}", "--build", str(build)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        plain = build / "plain"
        plain.mkdir()
        plain.chmod(0o755)
        shutil.copyfile(build / "site" / "en" / "get-help.html.br", plain / "page.html.br")
        shutil.copyfile(build / "site" / "en" / "get-help.html", plain / "page.html")
        (plain / "nginx.conf").write_text(PLAIN_NGINX.format(state=plain, port=plain_port, page=PAGE))
        run = make_run_command("127.0.0.1", run_port)
        rows = []
        with Process(["nginx", "-p", str(plain), "-c", str(plain / "nginx.conf"), "-g", "daemon off;"], plain_port,
                     build / "plain.log"):
            rows.append(("plain nginx, one file", *wrk(f"http://127.0.0.1:{plain_port}{PAGE}", arguments.seconds, 50)))
        gunicorn = [python, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{api_port}"]
        with Process(gunicorn, api_port, build / "api.log", cwd=ROOT, env={**env, "WAYMARK_PROXY_COUNT": "1"}), \
                Process(["nginx", "-p", str(build / "nginx"), "-c", str(build / "nginx" / "nginx.conf"), "-g",
                         "daemon off;"], serve_port, build / "serve.log"):
            url = f"http://127.0.0.1:{serve_port}{PAGE}"
            rows.append(("make serve (nginx, the export)", *wrk(url, arguments.seconds, 50)))
            load = wrk(url, 30, 200)
            server = types.SimpleNamespace(port=serve_port, url=f"http://127.0.0.1:{serve_port}")
            slow_clients = [(count, slowest_page_with_slow_clients(server, count)) for count in (100, 250, 500)]
        with Process(run, run_port, build / "run.log", cwd=ROOT):
            rows.append(("make run (gunicorn, Flask)", *wrk(f"http://127.0.0.1:{run_port}{PAGE}", arguments.seconds, 50)))
    finally:
        shutil.rmtree(build)
    best = rows[0][1]
    print(f"#### Requests per second for {PAGE} (brotli, 50 connections, {arguments.seconds} s each)\n")
    print("| server | requests/s | against plain nginx | requests | errors |")
    print("|---|---:|---:|---:|---:|")
    for name, rate, requests, errors in rows:
        print(f"| {name} | {rate:,.0f} | {rate / best:.2f} | {requests:,} | {errors} |")
    rate, requests, errors = load
    print("\n#### make serve under load: 200 connections for 30 s\n")
    print("| requests/s | requests | errors |")
    print("|---:|---:|---:|")
    print(f"| {rate:,.0f} | {requests:,} | {errors} |")
    print("\n#### Slow clients through make serve (each sends half a request and stops)\n")
    print("| slow clients connected | slowest of 5 pages (ms) | pages within 1 s |")
    print("|---:|---:|---|")
    for count, slowest in slow_clients:
        shown = "no answer within 5 s" if slowest is None else f"{slowest * 1000:,.0f}"
        print(f"| {count} | {shown} | {'yes' if slowest is not None and slowest < 1 else 'no'} |")


if __name__ == "__main__":
    main()
