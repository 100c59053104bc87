"""Real servers the tests start as processes (nginx, gunicorn) on free loopback ports, and stop."""
import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, timeout=30):
    """Wait until something accepts connections on the port; fail at once if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped with code {process.returncode}; see its log")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answered on port {port} within {timeout} s")


class Process:
    """A command in its own process group, started for a `with` block and stopped (group and all) after."""

    def __init__(self, command, port, log, env=None, cwd=None):
        self.command, self.port, self.log, self.env, self.cwd = command, port, log, env, cwd

    def __enter__(self):
        # Output goes to a file, so a chatty server never blocks on a full pipe; a failing test can read it.
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, start_new_session=True,
                                            stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, self.process)
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        stop_group(self.process)


def stop_group(process, seconds=30):
    """Stop a process started with start_new_session=True, and everything it started: TERM, then KILL."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
