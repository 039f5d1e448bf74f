"""kb/api.py: what the edges and the evaluation read from an engine, without reaching into its store."""

from __future__ import annotations

from kb import api


def test_index_info_counts_the_documents_and_passages_the_index_holds(tiny_engine):
    info = api.index_info(tiny_engine)
    assert info.documents == len(api.documents(tiny_engine)) == 5
    assert info.chunks == len(api.chunk_ids(tiny_engine)) > info.documents
    assert info.model_id and len(info.fingerprint) == 16


def test_chunk_ids_name_every_passage_once_in_an_indexed_document(tiny_engine):
    ids = api.chunk_ids(tiny_engine)
    assert len(set(ids)) == len(ids)
    assert {i.split("#")[0] for i in ids} == set(api.documents(tiny_engine))
    assert "rgpd-art-33#1" in ids


def test_retrieve_says_which_texts_the_question_names_and_search_gives_its_hits(tiny_engine):
    question = "Que prévoit l'article 33 du RGPD en cas de violation ?"
    found = api.retrieve(tiny_engine, question, 5)
    assert "rgpd-art-33" in found.references
    assert found.hits[0].chunk.doc_id == "rgpd-art-33"
    assert [h.chunk.chunk_id for h in api.search(tiny_engine, question, 5)] == [h.chunk.chunk_id for h in found.hits]


def test_a_loaded_engine_keeps_blas_to_one_thread_so_the_embedder_keeps_the_cores(tiny_engine):
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
