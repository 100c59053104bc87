"""Starting Chromium for the tests: Playwright's own build where it was downloaded, else Debian's."""
import os

DEBIAN_CHROMIUM = "/usr/bin/chromium"

# Without the background-networking flags Chromium tries to reach Google's servers, which this
# machine's closed network refuses; none of them changes what a page does.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def executable_path(playwright):
    bundled = playwright.chromium.executable_path
    return bundled if os.path.exists(bundled) else DEBIAN_CHROMIUM


def launch_options(playwright, keep_back_forward_cache=False):
    options = {"executable_path": executable_path(playwright), "args": CHROMIUM_ARGS, "headless": True}
    if keep_back_forward_cache:
        # Playwright turns the back-forward cache off unless told not to.
        options["ignore_default_args"] = ["--disable-back-forward-cache"]
    return options


def launch_browser(playwright, keep_back_forward_cache=False):
    return playwright.chromium.launch(**launch_options(playwright, keep_back_forward_cache))
