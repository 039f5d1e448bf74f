"""The one answer path (app, CLI, export and evaluation all call `Engine.answer`), as a sequence of stages:
scope → retrieve → evidence → read the question → pick map entries → conclusion and table (or the verbatim
fallback) → citations → decisions → notices → verify. Each stage is a module of `kb.compose`.

With no LLM, every sentence shown is either a verbatim sentence of the corpus or a statement of the project's
who-does-what map, and each cites the passages that prove it, checked in code before the answer is returned."""

from __future__ import annotations

import re
import time

from threadpoolctl import threadpool_limits

from kb.compose.citations import Citer, nota_notes
from kb.compose.decisions import decisions_asked, related_decisions
from kb.compose.entries import (asked_entries, embed_map, fitting_caps, rank_propositions, relevant,
                                score_entries)
from kb.compose.evidence import enough_evidence
from kb.compose.extractive import extract
from kb.compose.from_map import from_map
from kb.compose.gap import gap
from kb.compose.notices import STAFF_NOTICE, citation_notices, repealed_notices, typos_notice
from kb.compose.query import YES_NO, Query, corpus_vocabulary, read_query
from kb.compose.table import table_actors
from kb.compose.verify import check_citations
from kb.config import Settings
from kb.corpus import load_manifest
from kb.errors import CorpusError, KbError
from kb.index.store import Store
from kb.legalrefs import unmeant_texts
from kb.offtopic import OffTopic
from kb.privacy import redact
from kb.responsibilities import load_map, map_texts
from kb.retrieve import HybridRetriever, Retrieval
from kb.scope import COVERAGE, OUT_OF_FIELD, SUGGESTIONS, check_question, refusal_before_retrieval
from kb.spelling import Typos, corrected_words, restore_spelling, spelling_table
from kb.types import Answer, Chunk, Statement

LLM_PASSAGES = 12  # passages given to the LLM: those the answer cites first, then the retrieved ones
MAP_GUIDE = 3  # the best map entries whose passages retrieval ranks as a third list (dev)
GUIDE_DENSE_WEIGHT = 20.0  # the guide's entries are picked by closeness more than the answer's (dev)
WEAK_EVIDENCE = "les textes du corpus ne répondent pas à cette question avec assez de certitude"


class Engine:
    """A loaded index, its retriever and the who-does-what map; load once (the app caches it), ask many times."""

    def __init__(self, settings: Settings | None = None, store: Store | None = None):
        """`store` lets other settings (say, an LLM endpoint) reuse an index already loaded."""
        self.settings = settings or Settings()
        # The map's matrix products are small; BLAS threads left spinning after them take the two cores from the
        # embedding model's own threads at the next question (hybrid p95 117 → 61 ms, `python -m kb.bench ask`).
        threadpool_limits(limits=1, user_api="blas")
        self.store = store or Store(self.settings)
        try:
            self.manifest = load_manifest(self.settings.corpus_dir)
        except KbError:  # an unreadable manifest is reported by ingestion; answers still work without it
            self.manifest = {}
        try:
            self.map = load_map(self.settings.corpus_dir, self.store.chunks)
        except CorpusError as exc:
            raise KbError(f"La carte des responsabilités ne correspond plus à l'index ({exc}) : relancer « kb ingest ».")
        self.map_vectors = embed_map(self.map, self.store.dense.embeddings)
        self.off_topic = OffTopic.embed(self.map_vectors, self.store.dense.embeddings)
        # What the corpus or the map names (« SaaS », « États-Unis » are the map's words): other names are flagged.
        documents = [d.text for d in self.store.documents.values()]
        written = documents + map_texts(self.map)  # the corpus and the map: their words, their spelling
        self.vocabulary = corpus_vocabulary(written + [" ".join(t.keywords) for t in self.map.topics.values()],
                                            documents)
        self.known_ids = frozenset(self.store.documents) | frozenset(self.manifest) | frozenset(
            a for d in self.store.documents.values() for a in d.about)
        self.fiches = {i: d.about for i, d in self.store.documents.items() if d.is_fiche and not d.is_transversal}
        self.retriever = HybridRetriever(self.store, self.settings,
                                         {i: e.replaced_by for i, e in self.manifest.items() if e.replaced_by})
        self.notes = nota_notes(self.store.chunks)
        self.spelling = spelling_table(written)
        self.typos = Typos(written)

    def reading(self, question: str) -> str:
        """The question as it is read: typed fast (no accents, no capitals, a letter wrong), spelled back as the
        corpus spells it."""
        return restore_spelling(self.typos.fix(question), self.spelling)

    def read(self, question: str) -> Query:
        """The question read once: its form, actors, texts named, topics, what the corpus never mentions."""
        return read_query(question, self.map.topics, self.vocabulary, self.known_ids, self.fiches)

    def retrieve(self, question: str, k: int | None = None, query: Query | None = None) -> Retrieval:
        """Hybrid retrieval with, as a third list, the passages proving the map entries that best answer the
        question: the official text the map rests on is found however the doctor words it."""
        query = query or self.read(question)

        def map_passages(vector) -> list[str]:
            scored = score_entries(query, self.map, [], self.map_vectors.word_weights,
                                   self.map_vectors.similarity(vector, query.english),
                                   dense_weight=GUIDE_DENSE_WEIGHT)
            matched = [s for s in scored if not s.follows][:MAP_GUIDE]  # what the question asks, not what follows
            return list(dict.fromkeys(b.chunk_id for s in matched for b in s.entry.basis))
        return self.retriever.retrieve(question, k, map_passages)

    def answer(self, question: str, k: int | None = None, llm: str | None = None) -> Answer:
        started = time.perf_counter()
        question = check_question(question)
        redacted = redact(question)
        read = self.reading(redacted.text)
        answer = self._answer(read, k)
        answer.question = redacted.text  # shown as typed
        misread = corrected_words(redacted.text, read)
        if misread and not answer.refused:
            answer.notices.insert(0, typos_notice(misread))
        if redacted.found:
            answer.notices.insert(0, "Données personnelles retirées de la question : " + ", ".join(redacted.kinds)
                                  + ". Ne saisissez pas d'informations sur vos patients.")
        llm = self.settings.llm if llm is None else llm
        if llm and not answer.refused:
            self._add_llm(answer, llm)
        answer.timings["total"] = time.perf_counter() - started
        return answer

    def _answer(self, question: str, k: int | None) -> Answer:
        reason = refusal_before_retrieval(question)
        if reason:
            return refusal(question, reason)
        t = time.perf_counter()
        query = self.read(question)
        found = self.retrieve(question, k, query)
        timings = {"retrieval": time.perf_counter() - t, **{f"retrieval_{n}": v for n, v in found.timings.items()}}
        if self.off_topic.refuses(question, found.query_vector):
            reason = OUT_OF_FIELD
        elif not enough_evidence(question, found.references, found.top_dense, self.settings.min_evidence,
                                 self.settings.retrieval == "lexical", found.lexical_hits):
            reason = WEAK_EVIDENCE
        else:
            reason = None
        if reason:
            answer = refusal(question, reason)
            answer.retrieved = found.hits
            answer.timings = timings
            return answer
        t = time.perf_counter()
        answer = self._compose(query, found)
        timings["compose"] = time.perf_counter() - t
        answer.timings = timings
        return answer

    def _compose(self, query: Query, found: Retrieval) -> Answer:
        """The map's statements that answer the question, conclusion first; the corpus's own sentences when no
        entry of the map does. What the question asks that the corpus does not cover is said first."""
        question = query.text
        vector = found.query_vector
        similarity = self.map_vectors.similarity(vector, query.english) if vector is not None else None
        propositions = rank_propositions(query, self.map, self.map_vectors, vector)
        entries = fitting_caps(relevant(score_entries(query, self.map, found.hits, self.map_vectors.word_weights,
                                                      similarity, asked_entries(propositions)),
                                        query.named, unmeant_texts(query.references)), query.named)
        citer = Citer(self.store, self.notes)
        if entries:
            draft = from_map(query, entries, propositions, self.store, citer, self.map)
        else:
            draft = extract(question, found, table_actors(query, []), self.store, citer)
        citations, number = citer.number()
        conclusion, brief, rows = draft.numbered(number)
        documents = self.store.documents
        decisions = (related_decisions(documents, {h.chunk.doc_id for h in found.hits}, list(query.references),
                                       citations, [r.actor for r in rows])
                     if decisions_asked(query.asks_sanctions, list(query.references), documents) else [])
        answer = Answer(question=question, refused=False, conclusion=conclusion, brief=brief, actors=rows,
                        citations=citations, decisions=decisions, retrieved=found.hits,
                        gap=gap(query, bool(entries or found.references), self._on_first_topic(conclusion)))
        answer.notices.extend(repealed_notices(found.references, self.manifest) + citation_notices(citations, documents)
                              + ([STAFF_NOTICE] if query.staff else []))
        check_citations(answer, documents, self.map)
        return answer

    def _on_first_topic(self, conclusion: list[Statement]) -> list[str]:
        """The réponse's sentences on the topic of its first one: where a figure asked for would be."""
        topics = [getattr(self.map.get(s.map_id), "topic", None) for s in conclusion]
        return [s.text for s, t in zip(conclusion, topics) if t == topics[0]]

    def _add_llm(self, answer: Answer, spec: str) -> None:
        """Optional LLM wording over the same passages; its citations are checked, failures fall back."""
        from kb.llm import llm_answer

        settings = self.settings.model_copy(update={"llm": spec})
        passages, synthesis = self._llm_input(answer)
        t = time.perf_counter()
        try:
            result = llm_answer(answer.question, passages, settings, synthesis)
        except KbError as exc:
            answer.notices.append(f"Le modèle de langage n'a pas répondu ({exc}) : réponse extractive affichée.")
            return
        finally:
            answer.timings["llm"] = time.perf_counter() - t
        if not result.text:
            answer.notices.append("Aucune phrase du modèle de langage n'était étayée par les passages cités : "
                                  "réponse extractive affichée.")
            return
        answer.mode = f"llm:{result.model}"
        answer.llm_text = self._renumber(answer, result.text, [passages[p - 1] for p in result.cited], result.cited)
        if result.dropped:
            answer.notices.append(f"{len(result.dropped)} phrase(s) du modèle retirée(s) : citation inventée ou "
                                  "non étayée par le passage cité.")

    def _llm_input(self, answer: Answer) -> tuple[list[Chunk], list[str]]:
        """The passages the answer cites, then the other retrieved ones (LLM_PASSAGES at most); the réponse as the
        synthesis to phrase, its [n] renumbered to those passages."""
        cited, found = [c.chunk_id for c in answer.citations], [h.chunk.chunk_id for h in answer.retrieved]
        order = list(dict.fromkeys(cited + found))
        place = {chunk_id: i for i, chunk_id in enumerate(order, 1)}
        number = {c.n: place[c.chunk_id] for c in answer.citations}  # citation number → passage number
        passages = [self.store.chunk(chunk_id) for chunk_id in order]
        synthesis = []
        for statement in answer.conclusion:
            marks = list(dict.fromkeys(number[n] for n in statement.numbers if n in number))
            if marks and max(marks) <= LLM_PASSAGES:  # a sentence whose proof the model is not given is left out
                synthesis.append(statement.text + "".join(f"[{m}]" for m in marks))
        return passages[:LLM_PASSAGES], synthesis

    def _renumber(self, answer: Answer, text: str, chunks: list[Chunk], passage_numbers) -> str:
        """Map the model's [p] (passage numbers) onto the answer's citation numbers, adding citations
        (the whole passage, verbatim) for passages the extractive answer did not quote."""
        mapping = {}
        for p, chunk in zip(passage_numbers, chunks):
            existing = next((c.n for c in answer.citations if c.chunk_id == chunk.chunk_id), None)
            if existing is None:
                existing = len(answer.citations) + 1
                answer.citations.append(Citer(self.store, self.notes).cite(existing, chunk, chunk.start, chunk.end))
            mapping[p] = existing
        check_citations(answer, self.store.documents, self.map)
        return re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m[1]), m[1])}]", text)


def refusal(question: str, reason: str) -> Answer:
    return Answer(question=question, refused=True, refusal_reason=f"{reason}. {COVERAGE}",
                  suggestions=list(SUGGESTIONS))
