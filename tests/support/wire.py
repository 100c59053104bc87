"""What a page costs on the wire, measured in Chromium through the DevTools protocol."""


def measure_first_visit(browser, url):
    """Open `url` in a fresh context (empty cache, service workers blocked) and count requests and bytes.

    Bytes are CDP's Network.loadingFinished encodedDataLength: what came over the wire, headers included.
    """
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    requests, finished, types = {}, {}, {}
    cdp.on("Network.requestWillBeSent", lambda event: requests.setdefault(event["requestId"], event["request"]["url"]))
    cdp.on("Network.responseReceived", lambda event: types.__setitem__(event["requestId"], event["type"]))
    cdp.on("Network.loadingFinished", lambda event: finished.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(150)  # let late loadingFinished events arrive
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
