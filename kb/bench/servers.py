"""Local servers the tests and benchmarks start on 127.0.0.1 (`streamlit run`, `chroma run`): a free port, a
wait until the server answers, a stop that always ends the process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import AppError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server: politely, then for good."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_serving(name: str, health_url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Return once `health_url` answers 200; fail with the end of the server's log if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AppError(f"{name} exited ({process.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(health_url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AppError(f"{name} did not serve {health_url} within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


@contextmanager
def chroma_server(path: Path, log: Path, timeout: float = 60) -> Iterator[str]:
    """`chroma run` (the CLI next to python) on a free 127.0.0.1 port, persisting to `path`; yields its URL, then
    stops it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = Path(sys.executable).parent / "chroma"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        wait_until_serving("chroma run", f"{url}/api/v2/heartbeat", process, log, timeout)
        yield url
    finally:
        stop_process(process)
