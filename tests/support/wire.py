"""What a page costs on the wire, measured in Chromium through the DevTools protocol."""


def measure_first_visit(browser, url):
    """Open `url` in a fresh context (empty cache, service workers blocked) and count requests and bytes.

    Bytes are CDP's Network.loadingFinished encodedDataLength: what came over the wire, headers included.
    """
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    requests, finished, types, failed = {}, {}, {}, set()
    cdp.on("Network.requestWillBeSent", lambda event: requests.setdefault(event["requestId"], event["request"]["url"]))
    cdp.on("Network.responseReceived", lambda event: types.__setitem__(event["requestId"], event["type"]))
    cdp.on("Network.loadingFinished", lambda event: finished.__setitem__(event["requestId"], event["encodedDataLength"]))
    cdp.on("Network.loadingFailed", lambda event: failed.add(event["requestId"]))
    page.goto(url, wait_until="load")
    # Byte counts arrive in loadingFinished events, which can follow the load event: wait until every
    # request seen has finished (CDP events are delivered while Playwright waits).
    for _ in range(500):
        if set(requests) <= set(finished) | set(failed):
            break
        page.wait_for_timeout(10)
    else:
        raise AssertionError(f"requests never finished: {set(requests) - set(finished)}")
    result = {
        "requests": len(requests),
        "bytes": int(sum(finished.values())),
        "urls": sorted(requests.values()),
        "types": sorted(types.values()),
        # Scripts the page fetches; the lite view's inline scripts cost no request (allowed by their hash).
        "scripts": page.locator("script[src]").count(),
        "images": page.locator("img, picture, svg image").count(),
    }
    context.close()
    return result
