"""A Chroma server (`chroma run`) that stops or freezes while an engine is open: `kb search` must fail quickly
with a French message, never hang. The index is tiny and built with the stand-in embedder (no model)."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import pytest

from kb.bench.servers import chroma_server
from kb.config import Settings
from kb.errors import KbError
from kb.jsonl import write_jsonl

pytestmark = pytest.mark.slow

DOCS = [{"id": "secret", "title": "Secret", "text": "Le médecin est tenu au secret professionnel.\n"},
        {"id": "hds", "title": "HDS", "text": "L'hébergeur de données de santé doit être certifié.\n"}]


@pytest.fixture
def engine_on_server(tmp_path):
    """An engine loaded against a live server, and the server's process to stop or freeze."""
    from kb.answer import Engine
    from kb.index.store import ingest

    (tmp_path / "corpus").mkdir()
    write_jsonl(tmp_path / "corpus" / "docs.jsonl", DOCS)
    with chroma_server(tmp_path / "server", tmp_path / "server.log") as url:
        settings = Settings(data_dir=tmp_path / "data", cache=tmp_path / "cache", corpus_dir=tmp_path / "corpus",
                            embedder="standin", chroma_url=url, retrieval="hybrid")
        ingest(settings)
        engine = Engine(settings)
        assert engine.retriever.retrieve("secret professionnel", 2).hits[0].chunk.doc_id == "secret"
        yield engine, _server_pid(url), int(url.rsplit(":", 1)[1])


def _server_pid(url: str) -> int:
    """The `chroma run` process listening on the url's port (started by the fixture, found by its arguments)."""
    port = url.rsplit(":", 1)[1]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"run" in args and port.encode() in args and any(a.endswith(b"chroma") for a in args):
            return int(pid)
    raise AssertionError(f"chroma run on port {port} not found")


def _stop(pid: int, port: int) -> None:
    """Stop the server and wait until its port refuses connections (a stopping server may answer once more)."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.1)
    raise AssertionError("chroma run did not stop")


def _search_within(engine, seconds: float) -> tuple[bool, BaseException | None]:
    """(finished in time, the exception raised if any), without blocking the test on a hung search."""
    outcome: dict = {}

    def go():
        try:
            engine.retriever.retrieve("secret professionnel", 2)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), outcome.get("error")


def test_a_server_stopped_mid_run_makes_the_search_fail_fast(engine_on_server):
    engine, pid, port = engine_on_server
    _stop(pid, port)
    finished, error = _search_within(engine, 15)
    assert finished, "the search hung on a stopped Chroma server"
    assert error is not None


def test_a_server_stopped_mid_run_gives_a_clear_french_error(engine_on_server):
    engine, pid, port = engine_on_server
    _stop(pid, port)
    finished, error = _search_within(engine, 15)
    assert finished and isinstance(error, KbError) and "Chroma" in str(error)


def test_a_frozen_server_does_not_hang_the_search(engine_on_server):
    engine, pid, _ = engine_on_server
    os.kill(pid, signal.SIGSTOP)
    try:
        finished, error = _search_within(engine, 10)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert finished and isinstance(error, KbError)
