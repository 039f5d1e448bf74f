"""The one answer path (app, CLI, export and evaluation all call `Engine.answer`).

With no LLM the answer is extractive: every sentence shown is a verbatim sentence of the corpus with
its citation, checked in code before it is returned. Nothing is said that the corpus does not say."""

from __future__ import annotations

import re
import time
from functools import lru_cache

import numpy as np

from kb.compose.conclusion import conclusion
from kb.compose.entries import relevant, score_entries
from kb.compose.query import Query, corpus_vocabulary, read_query
from kb.compose.table import category, table
from kb.config import Settings
from kb.corpus import load_manifest
from kb.errors import CorpusError
from kb.responsibilities import MapEntry, ResponsibilityMap, load_map
from kb.errors import KbError
from kb.index.store import Store
from kb.legalrefs import fold, subject_actors
from kb.privacy import redact
from kb.retrieve import HybridRetriever, Retrieval
from kb.scope import COVERAGE, SUGGESTIONS, check_question, is_in_domain, refusal_before_retrieval
from kb.text import sentence_spans, tokenize
from kb.types import ACTORS, ActorRow, Answer, Chunk, Citation, Decision, Statement

BRIEF_MAX = 4
CELL_MAX = 2
CELL_SENTENCE_MAX = 600
_SANCTION_QUERY = "amende emprisonnement puni sanction"
_SOURCE_BRACKET = re.compile(r"\s*\[[^\[\]]*\]\s*$")
_BRACKET_AFTER = re.compile(r"[ \t]*\[([^\[\]\n]*)\]")
_DOC_ID = re.compile(r"(?<![\w/.-])[a-z]+-[A-Za-z0-9-]+[A-Za-z0-9]")
BRIEF_SOURCE_BONUS = 0.2
BRIEF_DECISION_MALUS = 0.5
_LIABILITY = re.compile(r"\b(?:responsab\w*|liab\w*|qui|faute|sanction\w*|amende|risque\w*|payer|condamn\w*|"
                        r"obligations?|doi[st]|devoirs?|fuite|violation|piratage|breach|who)\b")
_EXPOSURE = re.compile(r"\b(?:responsab\w*|liab\w*|sanction\w*|amendes?|fine[sd]?|risque\w*|risk\w*|puni\w*|penal\w*|"
                       r"condamn\w*|payer|paie|sous|infraction\w*|prison|emprisonnement)\b")
_SANCTION = re.compile(r"\b(?:amendes?|emprisonnement|puni|sanctions?|peines?)\b")
_RESPONSIBILITY = re.compile(r"\b(?:responsabilites?|(?:tenue?s?|pleinement|est|sont|demeure|reste) (?:pour )?responsables?"
                             r"|reparation|dommages?|exoner\w*|imputable|prejudice subi)\b")
# Code pénal sanctions name no role: they bind whoever processes the data, so every actor.
_PENAL_PREFIX = "cp-"
# The words that make a passage speak to each actor's role, added to the per-actor search.
_ROLE_QUERY = {
    "medecin": "responsable du traitement obligations sécurité",
    "editeur": "sous-traitant obligations instructions contrat",
    "hebergeur": "hébergeur certificat de conformité hébergement",
}


class Engine:
    """A loaded index and its retriever; load once (the app caches it), ask many times."""

    def __init__(self, settings: Settings | None = None, store: Store | None = None):
        """`store` lets other settings (say, an LLM endpoint) reuse an index already loaded."""
        self.settings = settings or Settings()
        self.store = store or Store(self.settings)
        try:
            self.manifest = load_manifest(self.settings.corpus_dir)
        except KbError:  # an unreadable manifest is reported by ingestion; answers still work without it
            self.manifest = {}
        self.retriever = HybridRetriever(self.store, self.settings,
                                         {i: e.replaced_by for i, e in self.manifest.items() if e.replaced_by})
        try:
            self.map = load_map(self.settings.corpus_dir, self.store.chunks)
        except CorpusError as exc:
            raise KbError(f"La carte des responsabilités ne correspond plus à l'index ({exc}) : relancer « kb ingest ».")
        self.vocabulary = corpus_vocabulary(d.text for d in self.store.documents.values())
        self.notes = {}  # doc id → its NOTA (Légifrance's note on entry into force)
        for chunk in self.store.chunks:
            if chunk.kind == "nota":
                self.notes[chunk.doc_id] = " ".join(filter(None, (self.notes.get(chunk.doc_id), chunk.text)))

    def answer(self, question: str, k: int | None = None, llm: str | None = None) -> Answer:
        started = time.perf_counter()
        question = check_question(question)
        redacted = redact(question)
        answer = self._answer(redacted.text, k)
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
        found = self.retriever.retrieve(question, k)
        timings = {"retrieval": time.perf_counter() - t, **{f"retrieval_{n}": v for n, v in found.timings.items()}}
        if not self._enough_evidence(question, found):
            answer = refusal(question, "les textes du corpus ne répondent pas à cette question avec assez de certitude")
            answer.retrieved = found.hits
            answer.timings = timings
            return answer
        t = time.perf_counter()
        answer = self._compose(question, found)
        timings["compose"] = time.perf_counter() - t
        answer.timings = timings
        return answer

    def _enough_evidence(self, question: str, found: Retrieval) -> bool:
        """Refuse when nothing is named and neither index finds the question's field (threshold in README)."""
        if found.references:
            return True
        if self.settings.retrieval == "lexical":  # no similarity to read: the field's words must be there and match
            return is_in_domain(question) and found.lexical_hits > 0
        return found.top_dense >= self.settings.min_evidence or (
            is_in_domain(question) and found.top_dense >= self.settings.min_evidence - 0.04)

    # -- composition -------------------------------------------------------------------------------

    def _compose(self, question: str, found: Retrieval) -> Answer:
        """The map's statements that answer the question, conclusion first; the corpus's own sentences when no
        entry of the map does. What the question asks that the corpus does not cover is said first."""
        query = read_query(question, self.map.topics, self.vocabulary)
        entries = relevant(score_entries(query, self.map, found.hits))
        answer = self._from_map(query, entries, found) if entries else self._extractive(question, found)
        answer.gap = _gap(query, bool(entries))
        return answer

    def _from_map(self, query: Query, entries, found: Retrieval) -> Answer:
        said = conclusion(query, entries)
        rows = table(query, entries, {e.id for e, _ in said})
        used: dict[str, tuple[Chunk, int, int]] = {}

        def cite(entry: MapEntry) -> str:
            basis = entry.basis[0]
            chunk = self.store.chunk(basis.chunk_id)
            if chunk.kind == "official":  # quoted whole: a lawyer reads the clause in its paragraph
                used.setdefault(chunk.chunk_id, (chunk, chunk.start, chunk.end))
                return chunk.chunk_id
            key = f"{chunk.chunk_id}@{basis.start}"
            used.setdefault(key, (chunk, basis.start, basis.end))
            return key

        said_keys = [(entry, text, cite(entry)) for entry, text in said]
        row_keys = {actor: [(s.entry, cite(s.entry)) for s in picked] for actor, picked in rows.items()}
        citations, number = self._citations(used)
        actor_rows = []
        for actor, items in row_keys.items():
            row = ActorRow(actor)
            for entry, key in items:
                getattr(row, category(entry.topic)).append(Statement(entry.statement, number[key], entry.id))
            actor_rows.append(row)
        decisions = (self._decisions(found, citations, list(rows)) if query.asks_sanctions
                     or any(self.store.documents.get(r) and self.store.documents[r].decision for r in query.references)
                     or any(d.decision and set(d.about) & set(query.references) for d in self.store.documents.values())
                     else [])
        answer = Answer(question=query.text, refused=False,
                        conclusion=[Statement(text, number[key], entry.id) for entry, text, key in said_keys],
                        actors=actor_rows, citations=citations, decisions=decisions, retrieved=found.hits)
        answer.notices.extend(self._repealed_notices(found.references) + self._notices(citations))
        check_citations(answer, self.store, self.map)
        return answer

    def _extractive(self, question: str, found: Retrieval) -> Answer:
        q_tokens = set(tokenize(question, bare_articles_are_gdpr=True, query=True))
        used: dict[str, tuple[Chunk, int, int]] = {}  # citation key → what it quotes
        brief_spans = self._brief(question, found, q_tokens)
        table_actors = list(found.actors)
        if not table_actors and _LIABILITY.search(fold(question)):
            table_actors = list(ACTORS)
        taken: set[tuple[int, int]] = set()
        cells = {a: self._cells(a, question, found, q_tokens, taken) for a in table_actors}

        def use(chunk: Chunk, span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
            # An official passage is quoted whole (a lawyer reads the sentence in its paragraph) and shared
            # by the sentences taken from it; each fiche statement is quoted, and cited, on its own.
            if chunk.kind == "official":
                used.setdefault(chunk.chunk_id, (chunk, chunk.start, chunk.end))
                return chunk.chunk_id, span
            key = f"{chunk.chunk_id}@{span[0]}"
            used.setdefault(key, (chunk, *span))
            return key, span

        brief_refs = [use(c, s) for c, s in brief_spans]
        cell_refs = {a: {cat: [use(c, s) for c, s in items] for cat, items in cats.items()} for a, cats in cells.items()}
        citations, number = self._citations(used)

        def stmt(ref: tuple[str, tuple[int, int]]) -> Statement:
            chunk = used[ref[0]][0]
            doc = self.store.documents[chunk.doc_id]
            return Statement(doc.text[ref[1][0]:ref[1][1]], number[ref[0]])

        rows = [ActorRow(a, [stmt(r) for r in cell_refs[a]["obligations"]],
                         [stmt(r) for r in cell_refs[a]["responsibility"]],
                         [stmt(r) for r in cell_refs[a]["sanctions"]]) for a in table_actors]
        answer = Answer(question=question, refused=False, brief=[stmt(r) for r in brief_refs], actors=rows,
                        citations=citations, decisions=self._decisions(found, citations, table_actors),
                        retrieved=found.hits)
        answer.notices.extend(self._repealed_notices(found.references) + self._notices(citations))
        check_citations(answer, self.store, self.map)
        return answer

    def _score(self, text: str, q_tokens: set[str]) -> float:
        tokens = _tokens(text)
        if not tokens:
            return 0.0
        overlap = len(tokens & q_tokens)
        return overlap / (1 + len(q_tokens)) - 0.0004 * max(0, len(text) - 350)

    def _brief(self, question: str, found: Retrieval, q_tokens: set[str]) -> list[tuple[Chunk, tuple[int, int]]]:
        """Two to four statements from the best fiches (official sentences when no fiche matched). A fiche
        statement gains when its source bracket names an official text retrieved for the question; one
        from a decision's fiche loses unless the question asks about sanctions or names the decision."""
        docs = self.store.documents
        retrieved_official = {h.chunk.doc_id for h in found.hits if h.chunk.kind == "official"}
        decisions_asked = bool(_EXPOSURE.search(fold(question)))
        candidates = []
        for rank, hit in enumerate(found.hits):
            doc = docs[hit.chunk.doc_id]
            off_topic_decision = (doc.decision is not None and not decisions_asked
                                  and not set(found.references) & {doc.doc_id, *doc.about})
            for span in _statement_spans(hit.chunk):
                text = doc.text[span[0]:span[1]]
                score = self._score(text, q_tokens) + 0.5 / (rank + 1)
                if hit.chunk.kind == "fiche":
                    score += 0.15 + (0.1 if "bref" in hit.chunk.chunk_id else 0.0)
                    score += BRIEF_SOURCE_BONUS * bool(source_ids(doc.text, span[1]) & retrieved_official)
                    score -= BRIEF_DECISION_MALUS * off_topic_decision
                candidates.append((score, hit.chunk, span))
        candidates.sort(key=lambda x: -x[0])
        picked, seen_text = [], set()
        for _, chunk, span in candidates:
            text = self.store.documents[chunk.doc_id].text[span[0]:span[1]]
            if text in seen_text:
                continue
            seen_text.add(text)
            picked.append((chunk, span))
            if len(picked) >= BRIEF_MAX:
                break
        return picked

    def _cells(self, actor: str, question: str, found: Retrieval, q_tokens: set[str],
               taken: set[tuple[int, int]]) -> dict[str, list]:
        """Verbatim sentences binding `actor`, sorted into obligations / responsibility / sanctions.

        Official passages first; fiche statements only where no official sentence fills the cell;
        a sentence already shown for another actor only when nothing else fits."""
        pool: list[tuple[float, Chunk]] = [(1.0 / (r + 1), h.chunk) for r, h in enumerate(found.hits)]
        queries = [(f"{question} {_ROLE_QUERY[actor]}", 12)]
        if _EXPOSURE.search(fold(question)):  # what each actor risks, only when the question asks it
            queries.append((f"{_ROLE_QUERY[actor]} {_SANCTION_QUERY}", 6))
        for query, n in queries:
            scores = self.store.lexical.scores(query)
            official = [i for i in np.argsort(-scores)[:60] if self.store.chunks[i].kind == "official"]
            pool.extend((0.2 / (r + 1), self.store.chunks[i]) for r, i in enumerate(official[:n]))
        cells: dict[str, list] = {"obligations": [], "responsibility": [], "sanctions": []}
        ranked: dict[str, list] = {"official": [], "fiche": []}
        seen = set()
        for weight, chunk in pool:
            for span in _statement_spans(chunk):
                if span in seen:
                    continue
                seen.add(span)
                text = self.store.documents[chunk.doc_id].text[span[0]:span[1]]
                if len(text) > CELL_SENTENCE_MAX:  # stays readable in a table cell; the passage is still searchable
                    continue
                folded = fold(text)
                category = ("sanctions" if _SANCTION.search(folded) else
                            "responsibility" if _RESPONSIBILITY.search(folded) else "obligations")
                subjects = subject_actors(text, chunk.context)
                if not subjects and category == "sanctions" and chunk.doc_id.startswith(_PENAL_PREFIX):
                    subjects = ACTORS
                if actor not in subjects:
                    continue
                penalty = (0.3 if span in taken else 0.0) + 0.001 * max(0, len(text) - 250)
                ranked[chunk.kind].append((self._score(text, q_tokens) + weight - penalty, category, chunk, span))
        for kind in ("official", "fiche"):
            for _, category, chunk, span in sorted(ranked[kind], key=lambda x: -x[0]):
                if kind == "fiche" and cells[category]:
                    continue
                if len(cells[category]) < CELL_MAX:
                    cells[category].append((chunk, span))
                    taken.add(span)
        return cells

    def _citations(self, used: dict[str, tuple[Chunk, int, int]]) -> tuple[list[Citation], dict[str, int]]:
        """Numbered by document family: an official text first, then the fiches that summarise it."""
        docs = self.store.documents
        order: list[str] = []
        family: dict[str, str] = {}
        for cid, (chunk, _, _) in used.items():
            doc = docs[chunk.doc_id]
            fam = next((a for a in doc.about if a in docs), doc.about[0] if doc.about else doc.doc_id) \
                if doc.is_fiche else doc.doc_id
            family[cid] = fam
            if fam not in order:
                order.append(fam)
        ranked = sorted(used, key=lambda cid: (order.index(family[cid]), used[cid][0].kind == "fiche"))
        citations = [self._cite(n, *used[cid]) for n, cid in enumerate(ranked, start=1)]
        return citations, {cid: n for n, cid in enumerate(ranked, start=1)}

    def _cite(self, n: int, chunk: Chunk, start: int, end: int) -> Citation:
        doc = self.store.documents[chunk.doc_id]
        return Citation(n, chunk.chunk_id, chunk.doc_id, chunk.title, chunk.locator, doc.text[start:end], chunk.url,
                        chunk.version, chunk.status, chunk.kind, start, end, verified_on=doc.verified_on,
                        amended_by=doc.possibly_amended_by, note=" ".join(self.notes.get(doc.doc_id, "").split()))

    def _decisions(self, found: Retrieval, citations: list[Citation], actors: list[str]) -> list[Decision]:
        """Sanctions and rulings that bear on the question: retrieved, named, or on a cited article and actor."""
        docs = self.store.documents
        hit_docs = {h.chunk.doc_id for h in found.hits} | {c.doc_id for c in citations}
        cited = {c.doc_id for c in citations}
        picked = []
        for doc in docs.values():
            d = doc.decision
            if d is None:
                continue
            named = set(found.references) & ({doc.doc_id} | set(doc.about))
            relevant = doc.doc_id in hit_docs or named or (d.sanctioned_actor in actors and cited & set(d.breaches))
            if relevant:
                picked.append((0 if named or doc.doc_id in hit_docs else 1, d))
        picked.sort(key=lambda x: (x[0], x[1].date))
        return [d for _, d in picked[:4]]

    def _repealed_notices(self, references: list[str]) -> list[str]:
        """A repealed text the question names: say so, and where its rules are now (from the manifest)."""
        notices = []
        for doc_id in references:
            entry = self.manifest.get(doc_id)
            if entry and entry.legal_status.lower().startswith("abrog"):
                notices.append(f"{entry.title} : {entry.version}.")
        return notices

    def _notices(self, citations: list[Citation]) -> list[str]:
        notices = []
        docs = self.store.documents
        for doc_id in dict.fromkeys(c.doc_id for c in citations):
            doc = docs[doc_id]
            if doc.legal_status.lower().startswith("abrog"):
                notices.append(f"« {doc.title} » porte sur un texte abrogé : ne pas l'appliquer comme droit en vigueur.")
            if doc.status == "partial":
                notices.append(f"{doc.title} : texte partiel dans le corpus ; consulter le texte officiel ({doc.url}).")
        amended = {}
        for doc_id in dict.fromkeys(c.doc_id for c in citations):
            if docs[doc_id].possibly_amended_by:
                amended.setdefault(docs[doc_id].possibly_amended_by, []).append(docs[doc_id])
        for amending, texts in amended.items():
            names = ", ".join(d.title.split(",")[-1].strip().split(" (")[0] for d in texts)
            notices.append(f"{names} : ces articles ont pu être modifiés par le {amending} (stockage dans l'UE/EEE, "
                           f"transferts) ; la rédaction citée, vérifiée au {texts[0].verified_on}, peut ne plus être "
                           "celle en vigueur : vérifier sur Légifrance.")
        return notices

    def _add_llm(self, answer: Answer, spec: str) -> None:
        """Optional LLM wording over the same passages; its citations are checked, failures fall back."""
        from kb.llm import llm_answer

        settings = self.settings.model_copy(update={"llm": spec})
        passages = [h.chunk for h in answer.retrieved]
        t = time.perf_counter()
        try:
            result = llm_answer(answer.question, passages, settings)
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

    def _renumber(self, answer: Answer, text: str, chunks: list[Chunk], passage_numbers) -> str:
        """Map the model's [p] (passage numbers) onto the answer's citation numbers, adding citations
        (the whole passage, verbatim) for passages the extractive answer did not quote."""
        mapping = {}
        for p, chunk in zip(passage_numbers, chunks):
            existing = next((c.n for c in answer.citations if c.chunk_id == chunk.chunk_id), None)
            if existing is None:
                existing = len(answer.citations) + 1
                answer.citations.append(self._cite(existing, chunk, chunk.start, chunk.end))
            mapping[p] = existing
        check_citations(answer, self.store, self.map)
        return re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m[1]), m[1])}]", text)


@lru_cache(maxsize=4_096)
def _statement_spans(chunk: Chunk) -> tuple[tuple[int, int], ...]:
    """Absolute spans of a chunk's statements: fiche bullets without their source bracket, or sentences."""
    spans = []
    if chunk.kind == "nota":  # a note on entry into force, not the article's text
        return ()
    if chunk.kind == "fiche":
        for m in re.finditer(r"^- (.+)$", chunk.text, re.M):
            s = chunk.start + m.start(1)
            spans.append((s, s + len(_SOURCE_BRACKET.sub("", m[1]))))
    else:
        for s, e in sentence_spans(chunk.text):
            text = chunk.text[s:e]
            if len(text) < 25 or text.endswith(":"):  # lead-ins (« …que le sous-traitant: ») say nothing alone
                continue
            spans.append((chunk.start + s, chunk.start + e))
    return tuple((s, e) for s, e in spans if chunk.text[s - chunk.start:e - chunk.start].strip())


def source_ids(text: str, end: int) -> set[str]:
    """Document ids named in the source bracket that closes a fiche statement ending at `end`
    (« … [rgpd-art-33 § 1 ; source: https://…] »): what the statement was written from."""
    match = _BRACKET_AFTER.match(text, end)
    return set(_DOC_ID.findall(match[1])) if match else set()


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def refusal(question: str, reason: str) -> Answer:
    return Answer(question=question, refused=True, refusal_reason=f"{reason}. {COVERAGE}",
                  suggestions=list(SUGGESTIONS))


def _gap(query: Query, answered: bool) -> str:
    """What the corpus does not cover, said plainly before what it does say."""
    if query.unknown:
        names = ", ".join(f"« {n} »" for n in query.unknown)
        return (f"Le corpus ne dit rien de {names} : ce qui suit est ce que les textes disent du sujet, "
                "pas une réponse sur ce point.")
    if query.price:
        return "Le corpus ne donne aucun prix ni tarif : ce qui suit est ce que les textes disent du sujet."
    if not answered:
        return ("Le corpus ne répond pas précisément à cette question : voici les passages qui s'en approchent le "
                "plus, à lire avec prudence.")
    return ""


def check_citations(answer: Answer, store: Store, responsibilities: ResponsibilityMap | None = None) -> None:
    """Every quote must be the document's text at its offsets, free of gap markers; every corpus sentence must
    lie inside its citation's quote, and every statement of the map must cite a quote that holds its proof.
    A failure is a bug: raise rather than show an unchecked quote."""
    for c in answer.citations:
        doc = store.documents.get(c.doc_id)
        if doc is None or doc.text[c.start:c.end] != c.quote or "[LACUNE" in c.quote or "<!--" in c.quote:
            raise KbError(f"Citation [{c.n}] non vérifiable dans le corpus ({c.chunk_id}).")
    statements = answer.conclusion + answer.brief
    statements += [s for row in answer.actors for s in row.obligations + row.responsibility + row.sanctions]
    for s in statements:
        if not 1 <= s.n <= len(answer.citations):
            raise KbError(f"Phrase sans citation valide : {s.text[:60]}…")
        quote = answer.citations[s.n - 1].quote
        if s.map_id:
            entry = responsibilities.entry(s.map_id) if responsibilities else None
            if entry is None or not any(b.quote in quote for b in entry.basis):
                raise KbError(f"Énoncé de la carte sans passage qui le prouve : {s.map_id}.")
        elif s.text not in quote:
            raise KbError(f"Phrase sans citation valide : {s.text[:60]}…")
