"""Waymark's benchmark: starts Waymark with gunicorn on loopback and prints Markdown tables.

    make bench        (or: .venv/bin/python bench/run.py [--runs N])

Measured in Chromium over the DevTools protocol, with service workers blocked unless a row says otherwise.
Times are medians of several runs; this machine is shared, so compare ratios within one run.
"""
import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import launch_browser  # noqa: E402
from tests.support.gunicorn import Gunicorn  # noqa: E402  (the command `make run` runs)
from tests.support.site import every_page, offered_languages  # noqa: E402
from tests.support.wire import measure_first_visit  # noqa: E402
from webapp.offline import fetched_from  # noqa: E402

# name: (kilobits per second down and up, round-trip time in ms)
NETWORKS = {
    "Slow 3G": (400, 2000),
    "2G": (250, 300),
}
TIMED_PAGES = ["/en/", "/en/get-help", "/en/lite/", "/en/lite/get-help"]
WEIGHED_LANGUAGES = ["en", "ar", "ti"]


def page_weight_table(browser, base_url):
    offered = {language.tag for language in offered_languages()}
    rows = ["| language | view | pages | largest (bytes) | median (bytes) | most requests |", "|---|---|---:|---:|---:|---:|"]
    for tag in WEIGHED_LANGUAGES:
        if tag not in offered:
            rows.append(f"| {tag} | both | not offered yet (catalog incomplete) | | | |")
            continue
        for view, lite in (("standard", False), ("lite", True)):
            costs = [measure_first_visit(browser, base_url + path) for _, path in every_page(lite=lite, tags=[tag])]
            sizes = [cost["bytes"] for cost in costs]
            rows.append(
                f"| {tag} | {view} | {len(costs)} | {max(sizes):,} | {int(statistics.median(sizes)):,} "
                f"| {max(cost['requests'] for cost in costs)} |"
            )
    return "\n".join(rows)


def timed_load(browser, url, kbps, rtt_ms):
    """One cold load of `url` on an emulated link: (load time in ms, bytes, requests)."""
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": rtt_ms,
        "downloadThroughput": kbps * 1000 / 8, "uploadThroughput": kbps * 1000 / 8,
    })
    finished = {}
    cdp.on("Network.loadingFinished", lambda event: finished.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="load", timeout=120_000)
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    page.wait_for_timeout(100)
    context.close()
    return load_ms, int(sum(finished.values())), len(finished)


def lower_bound_ms(kbps, rtt_ms, total_bytes, requests):
    """Physics: one round trip for the page, one more if it needs anything else, plus the bytes at line rate."""
    round_trips = 1 if requests == 1 else 2
    return round_trips * rtt_ms + total_bytes * 8 / kbps


def slow_network_table(browser, base_url, runs):
    rows = [
        "| network | page | bytes | requests | load, median (ms) | lower bound (ms) | measured / bound |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, (kbps, rtt_ms) in NETWORKS.items():
        for path in TIMED_PAGES:
            samples = [timed_load(browser, base_url + path, kbps, rtt_ms) for _ in range(runs)]
            load = statistics.median(sample[0] for sample in samples)
            total_bytes, requests = samples[-1][1], samples[-1][2]
            bound = lower_bound_ms(kbps, rtt_ms, total_bytes, requests)
            rows.append(
                f"| {name} ({kbps} kbit/s, {rtt_ms} ms) | `{path}` | {total_bytes:,} | {requests} "
                f"| {load:,.0f} | {bound:,.0f} | {load / bound:.2f} |"
            )
    return "\n".join(rows)


def offline_tables(browser, base_url, runs):
    """What saving a language costs, and how fast a saved page opens offline against online."""
    build = json.loads(urllib.request.urlopen(base_url + "/sw.js").read().decode().split(";\n", 1)[0]
                       .removeprefix("const BUILD = "))
    rows = ["| language | offline copy: pages + assets | bytes (br, bodies) |", "|---|---:|---:|"]
    for tag in WEIGHED_LANGUAGES:
        if tag not in build["languages"]:
            continue
        urls = build["languages"][tag]["pages"] + build["assets"]
        total = 0
        for url in urls:
            request = urllib.request.Request(base_url + fetched_from(url), headers={"Accept-Encoding": "br"})
            total += len(urllib.request.urlopen(request).read())
        rows.append(f"| {tag} | {len(urls)} | {total:,} |")
    first = measure_first_visit(browser, base_url + "/en/")["bytes"]
    rows.append(f"\nFirst visit to `/en/` without the background save: {first:,} bytes; the background save "
                "then adds the English offline copy above, less the CSS and JS the visit already fetched.")

    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/en/")
    page.locator(".js-offline-state", has_text="Ready to work offline").wait_for(timeout=60_000)

    def open_ms(path):
        samples = []
        for _ in range(runs):
            page.goto(base_url + path, wait_until="load")
            samples.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
        return statistics.median(samples)

    timing = ["| page | online, loopback (ms) | offline, saved copy (ms) | offline / online |", "|---|---:|---:|---:|"]
    for path in ("/en/get-help", "/en/support-and-rights"):
        online = open_ms(path)
        context.set_offline(True)
        offline = open_ms(path)
        context.set_offline(False)
        timing.append(f"| `{path}` | {online:.0f} | {offline:.0f} | {offline / online:.2f} |")
    context.close()
    return "\n".join(rows), "\n".join(timing)


def hanging_network_table(browser, server, runs):
    """How long a saved page takes to open when the server accepts connections but answers nothing."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/en/")
    page.locator(".js-offline-state", has_text="Ready to work offline").wait_for(timeout=180_000)

    def open_ms(path):
        started = time.monotonic()
        page.goto(server.url + path, wait_until="load", timeout=60_000)
        return (time.monotonic() - started) * 1000

    rows = ["| page | online (ms) | server hanging (ms) | offline (ms) |", "|---|---:|---:|---:|"]
    for path in ("/en/get-help", "/en/support-and-rights"):
        online = statistics.median(open_ms(path) for _ in range(runs))
        hanging = []
        for _ in range(runs):
            server.hang()
            try:
                hanging.append(open_ms(path))
            finally:
                server.resume()
        context.set_offline(True)
        offline = statistics.median(open_ms(path) for _ in range(runs))
        context.set_offline(False)
        rows.append(f"| `{path}` | {online:,.0f} | {statistics.median(hanging):,.0f} | {offline:,.0f} |")
    context.close()
    return "\n".join(rows)


def push_table(counts=10_000, pools=(4, 16)):
    rows = ["| subscriptions | pool size | sent | seconds | messages per second | peak memory (RSS) |",
            "|---:|---:|---:|---:|---:|---:|"]
    for pool in pools:
        output = subprocess.run([sys.executable, str(ROOT / "bench" / "push_send.py"), "--count", str(counts),
                                 "--pool", str(pool)], capture_output=True, text=True, check=True, cwd=ROOT)
        result = json.loads(output.stdout.strip().splitlines()[-1])
        rows.append(f"| {result['count']:,} | {pool} | {result['sent']:,} | {result['seconds']} "
                    f"| {result['per_second']:,} | {result['peak_rss_mb']} MB |")
    return "\n".join(rows)


SLOW_CLIENT_COUNTS = (4, 8, 16, 24, 31, 32, 40, 64)
SLOW_CLIENT_PAGES = ["/en/", "/en/get-help", "/ar/", "/en/lite/", "/ti/support-and-rights"]


def slowest_page_with_slow_clients(server, count):
    """Open `count` connections that send half a request and stop (a slow phone link, or an attack),
    then fetch pages: the slowest answer in seconds, or None if one took 5 s or more."""
    slow = []
    try:
        for _ in range(count):
            client = socket.create_connection(("127.0.0.1", server.port))
            client.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
            slow.append(client)
        slowest = 0.0
        for path in SLOW_CLIENT_PAGES:
            started = time.monotonic()
            try:
                urllib.request.urlopen(server.url + path, timeout=5).read()
            except OSError:
                return None
            slowest = max(slowest, time.monotonic() - started)
        return slowest
    finally:
        for client in slow:
            client.close()


def slow_clients_table():
    """How many slow clients `make run` survives while still answering pages within a second."""
    rows = ["| slow clients connected | slowest of 5 pages (ms) | pages within 1 s |", "|---:|---:|---|"]
    with Gunicorn() as server:
        urllib.request.urlopen(server.url + "/en/", timeout=30).read()
        for count in SLOW_CLIENT_COUNTS:
            slowest = slowest_page_with_slow_clients(server, count)
            shown = "no answer within 5 s" if slowest is None else f"{slowest * 1000:,.0f}"
            rows.append(f"| {count} | {shown} | {'yes' if slowest is not None and slowest < 1 else 'no'} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per timed row (median reported)")
    parser.add_argument("--only-slow-clients", action="store_true", help="print only the slow-clients table")
    parser.add_argument("--hanging-only", action="store_true", help="only the table of a network that answers nothing")
    args = parser.parse_args()
    if args.only_slow_clients:
        print(slow_clients_table())
        return
    if args.hanging_only:
        with Gunicorn() as server, sync_playwright() as playwright:
            browser = launch_browser(playwright)
            print(hanging_network_table(browser, server, args.runs))
            browser.close()
        return
    with Gunicorn() as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        print("### Bytes on the wire, first visit (service worker blocked)\n")
        print(page_weight_table(browser, server.url))
        print(f"\n### Load time on slow networks (median of {args.runs} cold loads, service worker blocked)\n")
        print(slow_network_table(browser, server.url, args.runs))
        copies, timing = offline_tables(browser, server.url, args.runs)
        print("\n### Offline copy of one language (what Save for offline use downloads)\n")
        print(copies)
        print(f"\n### Opening a saved page (median of {args.runs}, service worker on)\n")
        print(timing)
        print(f"\n### A saved page on a network that answers nothing (server SIGSTOPped; median of {args.runs})\n")
        print(hanging_network_table(browser, server, args.runs))
        browser.close()
    print("\n### Sending a push notice (fake push service on loopback, `flask push send` code)\n")
    print(push_table())
    print("\n### Slow clients (`make run`: one gunicorn process, 32 threads; each client sends half a request)\n")
    print(slow_clients_table())


if __name__ == "__main__":
    main()
