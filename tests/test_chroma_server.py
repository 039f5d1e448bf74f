"""A real Chroma server (`chroma run`, the Rust CLI shipped with chromadb 1.x): with KB_CHROMA_URL set,
`kb ingest` puts the dense index on the server, `kb search` queries it, and a re-ingest drops the
collection it replaces."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import chromadb
import pytest

from chromadb.config import Settings as ChromaSettings

from kb.bench.servers import chroma_server as running_chroma, free_port
from kb.config import ROOT, Settings
from kb.index.store import current_manifest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
CHROMA = BIN / "chroma"
SHARED_CACHE = ROOT / ".kb" / "cache"
SMALL = ["official/rgpd-art-33.md", "official/rgpd-art-28.md", "official/csp-L1111-8.md", "fiches/fiche-csp-L1111-8.md"]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """`chroma run` on a free local port, persisting to a temp dir; stopped at teardown."""
    if not CHROMA.exists():
        pytest.fail(f"{CHROMA} absent: chromadb 1.x installs the `chroma` CLI next to python")
    data = tmp_path_factory.mktemp("chroma-server")
    with running_chroma(data, data.parent / "chroma-server.log") as url:
        yield url


@pytest.fixture
def paths(tmp_path, chroma_server):
    corpus = tmp_path / "corpus"
    for rel in SMALL:
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "corpus" / rel, corpus / rel)
    cache = tmp_path / "cache"
    cache.mkdir()
    for f in SHARED_CACHE.glob("*.sqlite") if SHARED_CACHE.is_dir() else ():
        with closing(sqlite3.connect(f, timeout=30)) as src, closing(sqlite3.connect(cache / f.name)) as dst:
            src.backup(dst)
    return {"data": tmp_path / "data", "cache": cache, "corpus": corpus, "url": chroma_server}


def kb(paths: dict, *args: str, server: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(paths["data"]), KB_CACHE=str(paths["cache"]), KB_CORPUS_DIR=str(paths["corpus"]))
    if server:
        env["KB_CHROMA_URL"] = paths["url"]
    return subprocess.run([str(BIN / "kb"), *args], env=env, capture_output=True, text=True, timeout=600)


def server_client(url: str) -> chromadb.ClientAPI:
    host, port = url.removeprefix("http://").split(":")
    return chromadb.HttpClient(host=host, port=int(port), settings=ChromaSettings(anonymized_telemetry=False))


def settings_for(paths: dict) -> Settings:
    return Settings(data_dir=paths["data"], cache=paths["cache"], corpus_dir=paths["corpus"], chroma_url=paths["url"])


def test_ingest_puts_the_dense_index_on_the_server_and_search_uses_it(paths):
    ingest = kb(paths, "ingest")
    assert ingest.returncode == 0, ingest.stderr
    manifest = current_manifest(settings_for(paths))
    assert manifest["chroma_url"] == paths["url"]

    collections = {c.name for c in server_client(paths["url"]).list_collections()}
    assert manifest["collection"] in collections
    assert server_client(paths["url"]).get_collection(manifest["collection"]).count() == manifest["chunks"]
    build = paths["data"] / "index" / "builds" / manifest["build_id"]
    assert not (build / "chroma").exists()  # nothing dense on local disk

    search = kb(paths, "search", "délai pour notifier une violation de données", "--json")
    assert search.returncode == 0, search.stderr
    hits = json.loads(search.stdout)
    assert "rgpd-art-33" in [h["doc_id"] for h in hits[:3]]
    assert any("dense" in h["ranks"] for h in hits)  # the server answered, not only bm25


def test_reingest_replaces_the_server_collection(paths):
    assert kb(paths, "ingest").returncode == 0
    old = current_manifest(settings_for(paths))["collection"]
    (paths["corpus"] / "official" / "rgpd-art-33.md").unlink()

    again = kb(paths, "ingest")
    assert again.returncode == 0, again.stderr
    new = current_manifest(settings_for(paths))["collection"]
    names = {c.name for c in server_client(paths["url"]).list_collections()}
    assert new in names and old not in names


def test_an_index_built_on_the_server_is_refused_without_kb_chroma_url(paths):
    assert kb(paths, "ingest").returncode == 0
    local = kb(paths, "search", "hébergeur", server=False)
    assert local.returncode != 0
    assert "Relancer « kb ingest »" in local.stderr and "Traceback" not in local.stderr


def test_an_unreachable_server_gives_a_clear_error(paths):
    paths = {**paths, "url": f"http://127.0.0.1:{free_port()}"}
    result = kb(paths, "ingest")
    assert result.returncode != 0
    assert result.stderr.startswith("Erreur :") and "Traceback" not in result.stderr


def test_a_collection_lost_by_the_server_is_reported_and_never_recreated_empty(paths):
    """The server lost the collection: every question used to be refused (exit 0) and an empty collection was
    created on the server. Now the index says what is missing, creates nothing, and `kb ingest` rebuilds it."""
    assert kb(paths, "ingest").returncode == 0
    collection = current_manifest(settings_for(paths))["collection"]
    server_client(paths["url"]).delete_collection(collection)

    for args in (("search", "délai pour notifier une violation de données"), ("ask", "Qui notifie une violation ?")):
        result = kb(paths, *args)
        assert result.returncode != 0, args
        assert result.stderr.startswith("Erreur :") and "Traceback" not in result.stderr
        assert "absent sur le serveur Chroma" in result.stderr and "kb ingest" in result.stderr
    assert collection not in {c.name for c in server_client(paths["url"]).list_collections()}

    server_client(paths["url"]).create_collection(collection)  # there, but empty: the same
    empty = kb(paths, "search", "hébergeur")
    assert empty.returncode != 0 and "absent sur le serveur Chroma" in empty.stderr

    again = kb(paths, "ingest")  # not « Index à jour »: the dense half is gone
    assert again.returncode == 0 and "Index construit" in again.stdout, again.stdout + again.stderr
    search = kb(paths, "search", "délai pour notifier une violation de données", "--json")
    assert search.returncode == 0, search.stderr
    assert "rgpd-art-33" in [h["doc_id"] for h in json.loads(search.stdout)[:3]]
