"""Which entries of the who-does-what map answer the question: the topic asked, the words shared with the
entry, the passages retrieval found, the texts and actors named. Weights are named here, tuned on dev."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from kb.compose.counts import fits_bound
from kb.compose.query import INCIDENT_TOPIC, PROVIDERS, WHO, Query
from kb.folding import fold
from kb.legalrefs import CE_PREFIX, CNIL_PREFIX
from kb.responsibilities import (JOINT_CONTROLLER, RESPONSIBILITY_TOPICS, SANCTION_TOPICS, MapEntry, Proposition,
                                 ResponsibilityMap, map_texts)
from kb.spelling import is_english
from kb.text import tokenize
from kb.types import Hit

TOPIC_WEIGHT = 0.2
WORDS_WEIGHT = 1.0  # the share of the question's words (by rarity in the map) the entry shares
RETRIEVED_WEIGHT = 0.2  # a basis passage among the hits, by rank
NAMED_WEIGHT = 0.6  # a basis text the question names
ACTOR_WEIGHT = 0.25  # the entry's actor is one the question names
TOLD_WEIGHT = 0.4  # the story says what makes the entry the answer (`told_when`)
DECISION_MALUS = 0.6  # the story of a decision (from_decision), unless sanctions or that decision are asked
DENSE_WEIGHT = 8.0  # cosine of the question with the entry's statement, propositions or questions, above DENSE_FLOOR
DENSE_FLOOR = 0.80
LANGUAGE_MALUS = 0.02  # a proposition or question of the map in the other language than the question's (dev)
REGIME_MALUS = 0.3  # a sanction under the other regime than the one the question names (dev)
UNASKED_MALUS = 0.5  # an entry said only when asked (a correction, a detail), unless the question asks that point
ASKED_PROPOSITIONS = 1  # the entry of the best-matching proposition counts as asked (dev)
MIN_SCORE = 0.75  # under this, an entry does not answer the question
FAILURES = 2  # an actor's best duties tell the failure whose capped fine applies (fitting_caps) (dev)
FAILURE_SHARE = 0.75  # …among the duties scoring this share of the best entry: a duty matched well enough (dev)
THEN_GAP = 0.3  # an entry another one triggers (`then`) scores at least that one's score less this (dev)
DECISION_PREFIXES = (f"{CNIL_PREFIX}SAN-", CE_PREFIX)  # CNIL sanctions and Conseil d'État rulings
_DECISION_FICHES = tuple(f"fiche-{prefix}" for prefix in DECISION_PREFIXES)


@dataclass(frozen=True)
class ScoredEntry:
    entry: MapEntry
    score: float
    follows: bool = False  # its score is that of an entry that triggers it (`then`), not its own match


@dataclass(frozen=True)
class MapVectors:
    """The map embedded once: each entry's statement, each yes/no proposition and each question users ask, the
    last two with their entry's index."""

    statements: np.ndarray
    propositions: np.ndarray
    owners: np.ndarray
    questions: np.ndarray
    question_owners: np.ndarray
    word_weights: dict[str, float] = field(default_factory=dict)  # word → its rarity in the map (word_weights)
    # which propositions and questions are written in English (is_english); none when not said
    propositions_english: np.ndarray | None = None
    questions_english: np.ndarray | None = None

    def proposition_similarity(self, query_vector, english: bool | None = None) -> np.ndarray:
        """The cosine of the question with each proposition, LANGUAGE_MALUS off those in the other language than
        the question's (`english`), when said."""
        if not len(self.owners):
            return np.zeros(0, dtype=np.float32)
        return _in_language(self.propositions @ np.asarray(query_vector, dtype=np.float32),
                            self.propositions_english, english)

    def similarity(self, query_vector, english: bool | None = None) -> np.ndarray:
        """Per entry: the best cosine of the question with its statement, propositions or questions, those in the
        other language than the question's (`english`) counting LANGUAGE_MALUS less, when said."""
        q = np.asarray(query_vector, dtype=np.float32)
        if not len(self.statements):  # a corpus without a map
            return np.zeros(0, dtype=np.float32)
        best = self.statements @ q
        if len(self.owners):
            np.maximum.at(best, self.owners, self.proposition_similarity(q, english))
        if len(self.question_owners):
            np.maximum.at(best, self.question_owners,
                          _in_language(self.questions @ q, self.questions_english, english))
        return best


def _in_language(cosines: np.ndarray, texts_english: np.ndarray | None, english: bool | None) -> np.ndarray:
    """`cosines` less LANGUAGE_MALUS for the texts written in the other language than the question's: a map text
    has its twin in the question's language, and the model matches across languages less surely."""
    if english is None or texts_english is None:
        return cosines
    return cosines - LANGUAGE_MALUS * (texts_english != english)


def embed_map(responsibilities: ResponsibilityMap, embeddings) -> MapVectors:
    entries = responsibilities.entries
    owners = [i for i, e in enumerate(entries) for _ in e.answers]
    asked_by = [i for i, e in enumerate(entries) for _ in e.questions]
    texts = map_texts(responsibilities)
    vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32) if texts else np.zeros((0, 1))
    n, m = len(entries), len(entries) + len(owners)
    english = np.asarray([is_english(t) for t in texts], dtype=bool)
    return MapVectors(vectors[:n], vectors[n:m], np.asarray(owners, dtype=int), vectors[m:],
                      np.asarray(asked_by, dtype=int), word_weights(entries), english[n:m], english[m:])


@lru_cache(maxsize=2048)
def entry_tokens(entry: MapEntry) -> frozenset[str]:
    text = " ".join([entry.statement, entry.conditions, entry.exceptions, entry.role,
                     *(p.text for p in entry.answers), *entry.questions])
    return frozenset(tokenize(text))


def word_weights(entries: tuple[MapEntry, ...]) -> dict[str, float]:
    """Inverse entry frequency of each word of the map: « intrusion » tells more than « données »."""
    counts: dict[str, int] = {}
    for entry in entries:
        for token in entry_tokens(entry):
            counts[token] = counts.get(token, 0) + 1
    return {t: math.log(1 + len(entries) / c) for t, c in counts.items()}


def score_entries(query: Query, responsibilities: ResponsibilityMap, hits: list[Hit], weights: dict[str, float],
                  similarity: np.ndarray | None = None, asked: frozenset[str] = frozenset(),
                  dense_weight: float | None = None) -> list[ScoredEntry]:
    """Every entry with its score, best first. `weights`: MapVectors.word_weights; `similarity`:
    MapVectors.similarity of the question, if embedded; `asked`: ids of the entries whose propositions the question
    asks (rank_propositions); `dense_weight`: DENSE_WEIGHT unless said (retrieval's guide leans on it more)."""
    chunk_rank = {}
    for rank, hit in enumerate(hits):
        chunk_rank.setdefault(hit.chunk.chunk_id, rank)
    top_topic = max(query.topics.values(), default=0.0) or 1.0
    asked_weight = math.fsum(weights.get(t, 0.0) for t in query.tokens) or 1.0  # fsum: a set's order varies
    dense_weight = DENSE_WEIGHT if dense_weight is None else dense_weight
    scored = []
    for i, entry in enumerate(responsibilities.entries):
        words = math.fsum(weights.get(t, 0.0) for t in query.tokens & entry_tokens(entry)) / asked_weight
        ranks = [chunk_rank[b.chunk_id] for b in entry.basis if b.chunk_id in chunk_rank]
        docs = basis_documents(entry)
        dense = max(0.0, float(similarity[i]) - DENSE_FLOOR) if similarity is not None else 0.0
        score = (dense_weight * dense + TOPIC_WEIGHT * query.topics.get(entry.topic, 0.0) / top_topic
                 + WORDS_WEIGHT * words
                 + (RETRIEVED_WEIGHT / (1 + min(ranks)) if ranks else 0.0)
                 + NAMED_WEIGHT * bool(docs & (query.named | query.recalled))
                 + ACTOR_WEIGHT * (entry.actor in query.actors and query.form != WHO)
                 + TOLD_WEIGHT * _told(entry, query)
                 - REGIME_MALUS * _other_regime(entry, query)
                 - DECISION_MALUS * unasked_decision(entry, query))
        unasked = UNASKED_MALUS * (_only_when_asked(entry, query) and entry.id not in asked)
        # a detail left unsaid still tells the situation (a stolen laptop is a breach); a correction left unsaid
        # answers a misconception the question does not hold
        scored.append((entry, score - unasked, score if entry.detail else score - unasked))
    if query.incident:  # an incident told is one: its qualification brings the duties it triggers
        told = max((score for entry, score, _ in scored if entry.topic == INCIDENT_TOPIC
                    and not _ruled_out(entry, query.folded)), default=0.0)
        scored = [(entry, score, max(matched, told) if entry.topic == INCIDENT_TOPIC and entry.detail and entry.then
                   else matched) for entry, score, matched in scored]
    return sorted((s for s in _with_what_follows(scored) if not _ruled_out(s.entry, query.folded)),
                  key=lambda s: -s.score)


def _with_what_follows(scored: list[tuple[MapEntry, float, float]]) -> list[ScoredEntry]:
    """(entry, score, matched) → scored entries. An entry the question matches brings the duties or penalties it
    triggers (`then`) close behind it: a stolen laptop is a breach, and a breach is notified, though the question
    never said « CNIL ». They follow how well it matches (`matched`), even when it is a detail left unsaid, and
    bring what they trigger in turn, a step lower: the host warns the doctor, who notifies, then informs."""
    lifted = {entry.id: score for entry, score, _ in scored}
    strength = {entry.id: matched for entry, _, matched in scored}  # how strongly an entry brings its followers
    changed = True
    while changed:  # each step is THEN_GAP lower: a cycle of links cannot raise itself
        changed = False
        for entry, _, _ in scored:
            for order, follower in enumerate(entry.then, 1):  # in the map's order, just under the entry
                lift = strength[entry.id] - THEN_GAP - order * 1e-3
                if lift > lifted[follower]:
                    lifted[follower] = lift
                    changed = changed or lift > strength[follower]
                    strength[follower] = max(strength[follower], lift)
    return [ScoredEntry(entry, lifted[entry.id], lifted[entry.id] > score) for entry, score, _ in scored]


def relevant(scored: list[ScoredEntry], named: set[str] | None = None,
             unmeant: frozenset[str] = frozenset()) -> list[ScoredEntry]:
    """Entries that answer: above MIN_SCORE, none resting on a text the question names by a number it does not
    mean (`unmeant`: the current L1110-4-1 when it asks about the repealed one). When the question names texts
    (`named`: the ids and what they stand for) that no such entry rests on, none: a named text the map does not use
    is answered from the text itself. Named texts lead by NAMED_WEIGHT, not by leaving the rest out: a doctor who
    cites L1111-8 about his own server is answered by the entry on hosting at the practice. An incident's
    qualification comes with the duties it triggers, whatever its score: the table says why they apply."""
    kept = [s for s in scored if s.score >= MIN_SCORE and not unmeant & basis_documents(s.entry)]
    if named and not any(named & basis_documents(s.entry) for s in kept):
        return []
    duties = {s.entry.id for s in kept}
    return kept + [s for s in scored if s.score < MIN_SCORE and qualifies_incident(s.entry)
                   and duties & set(s.entry.then)]


def fitting_caps(entries: list[ScoredEntry], named: frozenset[str] = frozenset()) -> list[ScoredEntry]:
    """Entries without a capped fine that does not punish the failure at stake: the 20 million cap of principles is
    not said of a security failure, punished up to 10 million. The failure at stake is what the question names
    that a cap punishes (« défaut de sécurité (article 32) et absence de notification (article 33) »), else each
    actor's FAILURES best duties, if they score FAILURE_SHARE of the best entry (a role or a liability is no
    failure); a cap none of whose texts (`punishes`) they rest on is left out when another cap of that actor
    punishes one. A question naming art. 83 and no failure asks about every cap."""
    named_failures = named & {t for s in entries for t in s.entry.punishes}
    if "rgpd-art-83" in named and not named_failures:
        return entries
    unfit = set()
    floor = FAILURE_SHARE * entries[0].score if entries else 0.0
    for actor in {s.entry.actor for s in entries if s.entry.punishes}:
        duties = [s.entry for s in entries if s.entry.actor == actor and s.score >= floor
                  and s.entry.topic not in SANCTION_TOPICS + RESPONSIBILITY_TOPICS]
        failed = set(named_failures) or {d for e in duties[:FAILURES] for d in basis_documents(e)}
        caps = [s.entry for s in entries if s.entry.actor == actor and s.entry.punishes]
        if any(failed & set(c.punishes) for c in caps):
            unfit |= {c.id for c in caps if not failed & set(c.punishes)}
    return [s for s in entries if s.entry.id not in unfit]


def qualifies_incident(entry: MapEntry) -> bool:
    """An incident's qualification (« toute divulgation non autorisée est une violation »): a detail never offered
    alone, said with the duties it triggers, however little the question matches it."""
    return entry.topic == INCIDENT_TOPIC and entry.detail and bool(entry.then)


def basis_documents(entry: MapEntry) -> set[str]:
    """The documents whose passages prove the entry."""
    return {b.chunk_id.split("#")[0] for b in entry.basis}


def _ruled_out(entry: MapEntry, folded: str) -> bool:
    """The question says a word the entry never answers (`not_when`): « décédé » for a living patient's family,
    « hébergeur HDS » for the penalty of hosting without a certificate, unless it also says one that keeps the entry
    (`not_when_unless`: « pas certifié »); or none of the words it needs (`only_when`): what heirs may be told, to a
    question on a living patient."""
    excluded = bool(entry.not_when) and bool(words_pattern(entry.not_when).search(folded))
    kept = bool(entry.not_when_unless) and bool(words_pattern(entry.not_when_unless).search(folded))
    return ((excluded and not kept)
            or (bool(entry.only_when) and not words_pattern(entry.only_when).search(folded)))


def _other_regime(entry: MapEntry, query: Query) -> bool:
    """A sanction under the other regime than the one the question names (« au pénal », « la CNIL »)."""
    return query.regime is not None and entry.topic in SANCTION_TOPICS and entry.topic != query.regime


def _told(entry: MapEntry, query: Query) -> bool:
    """The story says what makes the entry the answer (`told_when`): « l'hébergeur de mon éditeur »; a provider's
    entry, of that provider (« je n'ai jamais rien autorisé de tel » tells on the vendor the question names)."""
    return (bool(entry.told_when) and (entry.actor not in PROVIDERS or entry.actor in query.actors)
            and bool(words_pattern(entry.told_when).search(query.folded)))


@lru_cache(maxsize=256)
def words_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of `words` (words or phrases), folded, as whole words of a folded question."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(w)) for w in words) + r")(?!\w)")


def _only_when_asked(entry: MapEntry, query: Query) -> bool:
    """A detail, an entry that only denies a misconception (all its propositions are « non »), or joint
    controllership when the question speaks of no associates (it is not the doctor's tie to his providers)."""
    return (entry.detail or (bool(entry.answers) and all(p.verdict == "non" for p in entry.answers))
            or (entry.role == JOINT_CONTROLLER and not query.joint))


def asked_entries(propositions: list[tuple[MapEntry, Proposition, float]]) -> frozenset[str]:
    return frozenset(e.id for e, _, _ in propositions[:ASKED_PROPOSITIONS])


def _decision_unasked(query: Query, docs: set[str]) -> bool:
    """A decision's story the question did not ask: it asks no sanction and names no decision, or it recalls
    others (« comme Dedalus »)."""
    if query.recalled:
        return not docs & query.recalled
    return not query.asks_sanctions and not any(r.startswith(DECISION_PREFIXES) for r in query.references)


def unasked_decision(entry: MapEntry, query: Query) -> bool:
    """A decision's story (from_decision) the question does not ask about."""
    return from_decision(entry) and _decision_unasked(query, basis_documents(entry))


def from_decision(entry: MapEntry) -> bool:
    """The story of a decision (only its fiche proves it), not a rule it holds (`case_law`)."""
    return not entry.case_law and bool(entry.basis) and all(b.chunk_id.startswith(_DECISION_FICHES)
                                                            for b in entry.basis)


@lru_cache(maxsize=4096)
def proposition_tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


# shared words (Jaccard, each word by its rarity in the map) added to the cosine of question and proposition (dev)
PROPOSITION_WORDS_WEIGHT = 0.1
PERSON_MALUS = 0.03  # a proposition about « je » (the doctor) for a question whose subject is someone else
COUNT_WEIGHT = 0.1  # a proposition bounding the patients (« plus de 10 000 ») that the count told meets, or not
_FIRST_PERSON = re.compile(r"(?:^|\s)(?:je|j'|moi|me|m')\b|-je\b|-moi\b")
# who a question's asked part (after its last colon) has as subject: the asker (« suis-je… ? », « est-ce que je… »)
# or someone it inverts (« l'hébergeur… est-il responsable du traitement au même titre que moi ? »)
_ASKER_SUBJECT = re.compile(r"(?:^|\s)(?:je|j')|-je\b|\bi\b")
_OTHER_INVERTED = re.compile(r"-(?:t-)?(?:il|elle|ils|elles)\b")
# an impersonal « il » (« faut-il prévenir ? », « y a-t-il une obligation ? », « est-il obligatoire de… ? ») names
# nobody
_IMPERSONAL = re.compile(r"\b(?:y a-t-il|faut-il|suffit-il|s'agit-il|vaut-il|reste-t-il|arrive-t-il|"
                         r"est-il (?:\w+ )?(?:possible|obligatoire|legal|necessaire|interdit|normal|vrai|permis|"
                         r"autorise|conseille|utile|grave|indispensable|exige|requis|imperatif|prevu|recommande)\b)")
OTHER_PERSON_MALUS = 0.03  # a proposition about another person than the one the question names (dev)
PROPOSITION_REGIME_MALUS = 0.03  # a proposition on a sanction under the other regime than the one named (dev)
# The people around a practice a question may be about: « mon associé peut-il consulter… » is not « ma secrétaire
# peut-elle consulter… ». Matched on folded text, by stem.
_PEOPLE = re.compile(r"\b(?:secretair|remplacant|associe|confrere|kine|infirmi|pharmacien|employeur|patron|"
                     r"assureur|mutuelle|famille|proche|conjoint|epou|mari\b|femme\b|enfant|parent|technicien|"
                     r"informaticien|stagiaire|interne\b|etudiant|avocat|police|gendarm|juge|ayants? droit|"
                     r"medecin du travail|medecin-conseil|secretary|locum|nurse|employer|insurer|relative|"
                     r"technician|spouse|wife|husband)")

# a provider a proposition is about (« mon éditeur peut-il accéder… ? »): someone else than the secretary asked about
_PROVIDER = re.compile(r"\b(?:editeur|hebergeur|prestataire|vendor|host|provider)s?\b")


@lru_cache(maxsize=8192)  # each proposition's, read for every question naming someone
def _provider_named(text: str) -> bool:
    return bool(_PROVIDER.search(fold(text)))


# the patient refusing (« un patient peut-il refuser que… ? »): not the asker's own refusal (Query.asker_refuses)
_PATIENT_REFUSES = re.compile(r"\bpatiente?s?\b\s+(?:\w+\s+){0,2}(?:peu\w*|peut-il|peut-elle|refus\w*|s'oppos\w*|"
                              r"ne veut pas|can|may|refuse\w*|object\w*)")


def _weighted(tokens: frozenset[str], weights: dict[str, float], rarest: float) -> float:
    """Words by their rarity in the map; a word the map never uses is as rare as the rarest."""
    return math.fsum(weights.get(t, rarest) for t in tokens)


@lru_cache(maxsize=8192)  # each proposition's, read for every question
def _people(text: str) -> frozenset[str]:
    return frozenset(m.group(0).strip() for m in _PEOPLE.finditer(fold(text)))


def _asked_of_another(proper: str) -> bool:
    """The question proper, or the claim it asks to confirm, asks of someone it inverts (« …est-il responsable… ? »),
    not of the asker."""
    asked = proper.rsplit(":", 1)[-1]
    return bool(_OTHER_INVERTED.search(_IMPERSONAL.sub(" ", asked))) and not _ASKER_SUBJECT.search(asked)


@lru_cache(maxsize=8192)  # each proposition's, read for every question asked of someone else
def _asks_of_the_asker(proposition: str) -> bool:
    """The proposition asks of the asker (« …: suis-je toujours responsable des données ? »)."""
    return bool(_ASKER_SUBJECT.search(fold(proposition).rsplit(":", 1)[-1]))


def rank_propositions(query: Query, responsibilities: ResponsibilityMap, vectors: MapVectors,
                      query_vector) -> list[tuple[MapEntry, Proposition, float]]:
    """Every yes/no proposition of the map by how closely the question asks it, best first."""
    pairs = [(e, p) for e in responsibilities.entries for p in e.answers]
    if not pairs or query_vector is None:
        return []
    cosine = vectors.proposition_similarity(query_vector, query.english)
    asker_speaks = bool(_FIRST_PERSON.search(query.folded))
    asked_of_another = _asked_of_another(query.claim or query.proper)
    asked_people = _people(query.proper)
    names_provider = bool(set(query.actors) & set(PROVIDERS))
    weights = vectors.word_weights
    rarest = max(weights.values(), default=1.0)
    asked = _weighted(query.tokens, weights, rarest)
    scored = []
    for (entry, prop), cos in zip(pairs, cosine):
        words = proposition_tokens(prop.text)
        common = _weighted(words & query.tokens, weights, rarest)
        shared = common / max(1e-9, _weighted(words, weights, rarest) + asked - common)  # weighted Jaccard
        other_person = ((not asker_speaks and bool(_FIRST_PERSON.search(prop.text.lower())))
                        or (asked_of_another and _asks_of_the_asker(prop.text)))
        fits = fits_bound(prop.text, query.patients)
        count = 0 if fits is None else (1 if fits else -1)
        people = _people(prop.text)
        someone_else = (bool(asked_people and people and not people & asked_people)
                        or (bool(asked_people) and not people and not names_provider
                            and _provider_named(prop.text))
                        or (query.asker_refuses and bool(_PATIENT_REFUSES.search(fold(prop.text)))))
        scored.append((entry, prop, float(cos) + PROPOSITION_WORDS_WEIGHT * shared - PERSON_MALUS * other_person
                       + COUNT_WEIGHT * count - OTHER_PERSON_MALUS * someone_else
                       - PROPOSITION_REGIME_MALUS * _other_regime(entry, query)))
    return sorted(scored, key=lambda x: -x[2])
