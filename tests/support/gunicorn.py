"""Waymark under gunicorn exactly as `make run` starts it (the command is read from the Makefile)."""
import os
import shlex
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from .processes import free_port, stop_group

ROOT = Path(__file__).resolve().parents[2]


def make_run_command(host, port):
    """The gunicorn command `make run` would run, as make prints it."""
    printed = subprocess.run(["make", "-s", "-n", "run", f"HOST={host}", f"PORT={port}"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    lines = [line for line in printed.splitlines() if "gunicorn" in line]
    assert len(lines) == 1, printed
    return shlex.split(lines[0])


class Gunicorn:
    """`with Gunicorn(env={...}, extra=[...]) as server:` serves on server.url until the block ends."""

    def __init__(self, env=None, extra=(), wait=True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = make_run_command("127.0.0.1", self.port) + list(extra)
        self.env = {**os.environ, **(env or {})}
        self.wait = wait
        self.process = None

    def __enter__(self):
        # gunicorn's log goes to a file: a pipe nobody reads would block it once full.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        if self.wait:
            self.wait_until_up()
        return self

    def wait_until_up(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"gunicorn stopped: {self.log.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)  # polling for the port to open; there is no event to wait on
        raise RuntimeError("gunicorn did not open its port within a minute")

    def hang(self):
        """Stop answering while still accepting connections: a network that is up but answers nothing."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.killpg(self.process.pid, signal.SIGCONT)

    def get(self, path, **kwargs):
        return requests.get(self.url + path, timeout=kwargs.pop("timeout", 10), **kwargs)

    def __exit__(self, *exc):
        self.resume()  # a stopped process never sees the TERM
        stop_group(self.process)
        self.log.close()
