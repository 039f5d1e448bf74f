"""The who-does-what map (`corpus/responsabilites/*.yaml`): the project's legal knowledge per actor, one plain
sentence per entry, each proved by verbatim spans of corpus passages. Shown as « synthèse du projet », never as
law. Every span is checked verbatim against its passage when the map is loaded: a changed quote fails, naming
the entry."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.errors import CorpusError
from kb.types import ACTORS, Chunk

MAP_DIR = "responsabilites"
TOPICS_FILE = "topics.yaml"
STATEMENT_MAX_WORDS = 35
QUESTION_MAX_WORDS = 30
VERDICTS = ("oui", "non", "depend")
# An entry's own opening for a verdict states the condition the law puts on it: « Oui, sauf si… », « Oui, si… »
OPENING = re.compile(r"^(?:Oui|Non), (?:pas )?(?:sauf|si|s'ils?|à condition|seulement|lorsque|quand|hors)\b")
OPENING_MAX_WORDS = 20
# Topic ids of topics.yaml that the answer treats apart: what one risks, and who answers for the damage or role.
SANCTION_TOPICS = ("sanctions-cnil", "sanctions-penales")
RESPONSIBILITY_TOPICS = ("reparation", "roles")
# Topics with a penalty of their own, under neither regime above: the pénalité financière of L1470-6 for a software
# not conforming to the référentiels is set by the minister, not the CNIL nor a court
OWN_PENALTY_TOPICS = ("referentiels",)
_DOCUMENT_ID = re.compile(r"^[a-z]+(?:-[A-Za-z0-9]+)+$")  # a text's id, as the corpus names it: rgpd-art-32
ROLES_TOPIC = "roles"  # the topic that qualifies each actor, and the roles the answer tells apart
CONTROLLER, PROCESSOR, JOINT_CONTROLLER = "responsable du traitement", "sous-traitant", "responsable conjoint"


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    description: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Basis:
    """A verbatim span of a corpus passage that proves an entry: `chunk_id` and absolute offsets in its document."""

    chunk_id: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Proposition:
    """A yes/no question the entry settles, as a doctor would ask it, and its verdict. A « depend » verdict may say
    which way the rule leans for that question (`opening`: « Oui, si le traitement présente un risque élevé »), said
    only to a question that asks it the same way round."""

    text: str
    verdict: str  # oui | non | depend
    opening: str = ""


@dataclass(frozen=True)
class Failure:
    """A condition of the entry a story can break (the patient refused, the asker is no heir): the words that tell
    it, and the « Non, … » that says which one failed; none for an exemption that no longer holds (the data were not
    encrypted): the entry then settles nothing. `instead`: the id of the entry that holds in its place (a vendor
    reusing the data for itself is no processor but a controller), said after the « Non, … »."""

    words: tuple[str, ...]
    opening: str = ""
    instead: str = ""


@dataclass(frozen=True)
class Holding:
    """An exemption's condition a story can tell (the lost disk was encrypted): the words that tell it, and the
    duty it lifts, which the réponse then leaves for the exemption."""

    words: tuple[str, ...]
    instead_of: str


@dataclass(frozen=True)
class MapEntry:
    id: str
    topic: str
    actor: str
    role: str
    statement: str
    basis: tuple[Basis, ...]
    conditions: str = ""
    exceptions: str = ""
    answers: tuple[Proposition, ...] = ()
    questions: tuple[str, ...] = ()  # how users ask what the entry answers: matched, never shown
    detail: bool = False  # a detail said only when asked (who certifies the host), never offered unprompted
    then: tuple[str, ...] = ()  # ids of the entries a lawyer says next: the duties or penalties this one triggers
    case_law: bool = False  # a rule a decision holds (the Conseil d'État's exception), not the story of a decision
    not_when: tuple[str, ...] = ()  # words of a question the entry never answers (a living patient's family: décès)
    only_when: tuple[str, ...] = ()  # words one of which a question must say for the entry to answer it (heirs: décès)
    # (verdict, words) : how the réponse opens on that verdict when the law makes it conditional, « Oui, sauf si la
    # violation n'est pas susceptible d'engendrer un risque », instead of a bare « Oui » or « Cela dépend »
    openings: tuple[tuple[str, str], ...] = ()
    fails_when: tuple[Failure, ...] = ()  # stories in which the entry's permission or duty does not hold
    holds_when: Holding | None = None  # stories in which the exemption holds: said instead of the duty it lifts
    # words that keep the entry although a `not_when` word is said: a certified host risks no penalty for hosting
    # without a certificate, unless the story says a provider is not certified or outside its certificate's scope
    not_when_unless: tuple[str, ...] = ()
    # words of a story that make the entry the answer (« l'hébergeur de mon éditeur » : the vendor answers for the
    # host it chose), however little the rest of the question matches it
    told_when: tuple[str, ...] = ()
    # a capped fine's scope: the documents whose breach it punishes (art. 83 § 4: articles 25 to 39…; § 5: 5, 6, 9…),
    # so that the cap said is the one the failure at stake falls under
    punishes: tuple[str, ...] = ()

    def opening(self, verdict: str) -> str | None:
        return next((words for v, words in self.openings if v == verdict), None)


def called_controller_before(entry: MapEntry, said: Iterable[MapEntry]) -> bool:
    """A processor's role for an actor already called a controller (a vendor reusing data): saying it next would
    contradict what was just said."""
    return (entry.topic == ROLES_TOPIC and entry.role == PROCESSOR
            and any(e.actor == entry.actor and e.topic == ROLES_TOPIC and e.role == CONTROLLER for e in said))


@dataclass(frozen=True)
class ResponsibilityMap:
    topics: dict[str, Topic]
    entries: tuple[MapEntry, ...]

    def get(self, entry_id: str) -> MapEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


def map_dir(corpus_dir: Path) -> Path:
    return corpus_dir / MAP_DIR


def load_map(corpus_dir: Path, chunks: list[Chunk]) -> ResponsibilityMap:
    """The map, every basis span located in its passage. No map folder: an empty map (a user's own corpus)."""
    folder = map_dir(corpus_dir)
    if not folder.is_dir():
        return ResponsibilityMap({}, ())
    topics = {t.id: t for t in _topics(folder / TOPICS_FILE)}
    by_id = {c.chunk_id: c for c in chunks}
    entries: list[MapEntry] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == TOPICS_FILE:
            continue
        for raw in _yaml_list(path):
            entry = _entry(path, raw, topics, by_id)
            if entry.id in seen:
                raise CorpusError(path, f"entrée « {entry.id} » déjà définie dans {seen[entry.id].name}")
            seen[entry.id] = path
            entries.append(entry)
    for entry in entries:
        lifted = entry.holds_when.instead_of if entry.holds_when else None
        if lifted is not None and (lifted not in seen or lifted == entry.id):
            raise CorpusError(seen[entry.id], f"entrée « {entry.id} » : « holds_when » remplace une entrée inconnue "
                                              f"ou elle-même : {lifted}")
        unknown = [i for i in entry.then + tuple(f.instead for f in entry.fails_when if f.instead)
                   if i not in seen or i == entry.id]
        if unknown:
            raise CorpusError(seen[entry.id], f"entrée « {entry.id} » : « then » ou « instead » nomme une entrée "
                                              f"inconnue ou elle-même : {', '.join(unknown)}")
    return ResponsibilityMap(topics, tuple(entries))


def _yaml_list(path: Path) -> list:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CorpusError(path, f"carte des responsabilités illisible ({exc.__class__.__name__})") from exc
    if not isinstance(data, list):
        raise CorpusError(path, "une liste YAML d'entrées est attendue")
    return data


def _topics(path: Path) -> list[Topic]:
    if not path.exists():
        raise CorpusError(path, "liste des thèmes absente (topics.yaml)")
    out = []
    for raw in _yaml_list(path):
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("label"):
            raise CorpusError(path, f"thème sans id ni label : {str(raw)[:60]}")
        keywords = tuple(str(k).lower() for k in raw.get("keywords", ()))
        repeated = sorted({k for k in keywords if keywords.count(k) > 1})
        if repeated:  # a keyword listed twice would count twice in the topic's score
            raise CorpusError(path, f"thème {raw['id']} : mot-clé en double ({', '.join(repeated)})")
        out.append(Topic(str(raw["id"]), str(raw["label"]), str(raw.get("description", "")), keywords))
    return out


def _entry(path: Path, raw, topics: dict[str, Topic], chunks: dict[str, Chunk]) -> MapEntry:
    if not isinstance(raw, dict) or not raw.get("id"):
        raise CorpusError(path, f"entrée sans id : {str(raw)[:60]}")
    name = raw["id"]

    def fail(message: str) -> CorpusError:
        return CorpusError(path, f"entrée « {name} » : {message}")

    if raw.get("topic") not in topics:
        raise fail(f"thème « {raw.get('topic')} » inconnu (thèmes : {', '.join(topics)})")
    if raw.get("actor") not in ACTORS:
        raise fail(f"acteur « {raw.get('actor')} » inconnu. Choisir parmi : {', '.join(ACTORS)}")
    statement = str(raw.get("statement") or "").strip()
    if not statement or len(statement.split()) > STATEMENT_MAX_WORDS:
        raise fail(f"« statement » vide ou de plus de {STATEMENT_MAX_WORDS} mots")
    if not raw.get("basis"):
        raise fail("aucun passage (« basis ») ne prouve l'énoncé")
    basis = tuple(_basis(b, chunks, fail) for b in raw["basis"])
    answers = []
    for a in raw.get("answers") or ():
        if not isinstance(a, dict) or a.get("verdict") not in VERDICTS or not a.get("proposition"):
            raise fail(f"« answers » : {{proposition, verdict}} attendu, verdict parmi {', '.join(VERDICTS)}")
        opening = a.get("opening")
        if opening is not None and a["verdict"] != "depend":
            raise fail(f"« answers » : « opening » ne convient qu'au verdict depend ({str(a['proposition'])[:60]})")
        answers.append(Proposition(str(a["proposition"]), a["verdict"],
                                   _opening("depend", opening, fail, "opening") if opening is not None else ""))
    for flag in ("detail", "case_law"):
        if raw.get(flag, False) not in (True, False):
            raise fail(f"« {flag} » : true ou false attendu")
    then = raw.get("then") or []
    if not isinstance(then, list) or not all(isinstance(i, str) for i in then):
        raise fail("« then » : une liste d'identifiants d'entrées est attendue")
    words = {}
    for key in ("not_when", "only_when", "not_when_unless", "told_when"):
        words[key] = raw.get(key) or []
        if not isinstance(words[key], list) or not all(isinstance(w, str) and w.strip() for w in words[key]):
            raise fail(f"« {key} » : une liste de mots ou d'expressions est attendue")
    if words["not_when_unless"] and not words["not_when"]:
        raise fail("« not_when_unless » sans « not_when » : ces mots ne lèvent aucune exclusion")
    punishes = raw.get("punishes") or []
    if not isinstance(punishes, list) or not all(isinstance(d, str) and _DOCUMENT_ID.match(d) for d in punishes):
        raise fail("« punishes » : une liste d'identifiants de textes (rgpd-art-32…) est attendue")
    if punishes and raw["topic"] not in SANCTION_TOPICS:
        raise fail("« punishes » ne convient qu'à une sanction")
    return MapEntry(str(name), raw["topic"], raw["actor"], str(raw.get("role", "")), statement, basis,
                    str(raw.get("conditions") or ""), str(raw.get("exceptions") or ""), tuple(answers),
                    _questions(raw.get("questions"), fail), bool(raw.get("detail", False)), tuple(then),
                    bool(raw.get("case_law", False)), tuple(w.strip() for w in words["not_when"]),
                    tuple(w.strip() for w in words["only_when"]), _openings(raw.get("openings"), fail),
                    _failures(raw.get("fails_when"), fail), _holding(raw.get("holds_when"), fail),
                    tuple(w.strip() for w in words["not_when_unless"]), tuple(w.strip() for w in words["told_when"]),
                    tuple(punishes))


def _openings(raw, fail) -> tuple[tuple[str, str], ...]:
    """Each verdict's opening: it answers « oui » or « non » (a « depend » one either) and states its condition."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not set(raw) <= set(VERDICTS):
        raise fail(f"« openings » : un verdict ({', '.join(VERDICTS)}) et ses premiers mots sont attendus")
    return tuple((verdict, _opening(verdict, words, fail)) for verdict, words in raw.items())


def _opening(verdict: str, raw, fail, key: str = "openings") -> str:
    """An opening checked: « Oui, » or « Non, » (the verdict's own, either for « depend ») and its condition."""
    words = str(raw or "").strip()
    if (not OPENING.match(words) or len(words.split()) > OPENING_MAX_WORDS
            or verdict != "depend" and words[:3].lower() != verdict):
        raise fail(f"« {key} » : « {words[:60]} » doit commencer par « Oui, » ou « Non, » (celui du verdict "
                   f"{verdict}) suivi de sa condition (sauf, si, à condition…), en {OPENING_MAX_WORDS} mots au plus")
    return words


def _holding(raw, fail) -> Holding | None:
    """The words telling that an exemption holds, and the id of the duty it lifts."""
    if raw is None:
        return None
    words = raw.get("words") if isinstance(raw, dict) else None
    instead_of = str(raw.get("instead_of") or "").strip() if isinstance(raw, dict) else ""
    if (not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words)
            or not instead_of):
        raise fail("« holds_when » : {words: [mots ou expressions], instead_of: id de l'obligation levée} est attendu")
    return Holding(tuple(w.strip() for w in words), instead_of)


def _failures(raw, fail) -> tuple[Failure, ...]:
    """Each broken condition: the words that tell it, its « Non, … » opening if it has one, and the entry that holds
    instead, if one does."""
    if raw is None:
        return ()
    out = []
    for item in raw if isinstance(raw, list) else [None]:
        words = item.get("words") if isinstance(item, dict) else None
        opening = str(item.get("opening") or "").strip() if isinstance(item, dict) else ""
        instead = str(item.get("instead") or "").strip() if isinstance(item, dict) else ""
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise fail("« fails_when » : une liste de {words: [mots ou expressions], opening: « Non, … », instead: id} "
                       "est attendue (opening facultatif pour une dispense, instead pour l'entrée qui joue alors)")
        if opening and (not OPENING.match(opening) or not opening.startswith("Non")
                        or len(opening.split()) > OPENING_MAX_WORDS):
            raise fail(f"« fails_when » : « {opening[:60]} » doit commencer par « Non, » suivi de la condition qui "
                       f"manque (pas si, sauf, hors…), en {OPENING_MAX_WORDS} mots au plus")
        out.append(Failure(tuple(w.strip() for w in words), opening, instead))
    return tuple(out)


def _questions(raw, fail) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(q, str) and q.strip() for q in raw):
        raise fail("« questions » : une liste de questions (texte) est attendue")
    questions = tuple(q.strip() for q in raw)
    too_long = next((q for q in questions if len(q.split()) > QUESTION_MAX_WORDS), None)
    if too_long:
        raise fail(f"question de plus de {QUESTION_MAX_WORDS} mots : « {too_long[:60]}… »")
    if len(set(questions)) < len(questions):
        raise fail("« questions » : question en double")
    return questions


def _basis(raw, chunks: dict[str, Chunk], fail) -> Basis:
    if not isinstance(raw, dict) or not raw.get("chunk") or not raw.get("quote"):
        raise fail("chaque passage de « basis » a besoin de « chunk » et « quote »")
    chunk = chunks.get(raw["chunk"])
    if chunk is None:
        raise fail(f"passage « {raw['chunk']} » introuvable dans le corpus indexé")
    if chunk.kind == "nota":
        raise fail(f"« {raw['chunk']} » est une note (NOTA), pas le texte de l'article")
    quote = str(raw["quote"])
    at = chunk.text.find(quote)
    if at < 0:
        raise fail(f"citation absente mot pour mot de {raw['chunk']} : « {quote[:80]} »")
    return Basis(chunk.chunk_id, quote, chunk.start + at, chunk.start + at + len(quote))


def map_texts(responsibilities: ResponsibilityMap) -> list[str]:
    """What is embedded of the map, in this order: every statement, every yes/no proposition, every question."""
    entries = responsibilities.entries
    return ([e.statement for e in entries] + [p.text for e in entries for p in e.answers]
            + [q for e in entries for q in e.questions])
