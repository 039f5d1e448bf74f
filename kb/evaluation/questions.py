"""The questions file (eval/questions.yaml format): read, validate, pick a split. Every problem is
reported at once and names its item, so a bad file is fixed in one pass."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.corpus import load_manifest
from kb.errors import KbError, QuestionsError
from kb.types import ACTORS, Document

SPLITS = ("dev", "test")
_FIELDS = {"id", "question", "expected_sources", "actors", "must_refuse", "answer_points", "split", "tags",
           "key_points", "forbidden", "yes_no", "not_in_corpus"}
_REQUIRED = ("id", "question", "expected_sources", "actors", "must_refuse", "split")
ANY_ACTOR = "any"  # a key point or a forbidden statement that belongs to no actor's row in particular
YES_NO = ("oui", "non", "depend")


@dataclass(frozen=True)
class KeyPoint:
    """Something a correct answer states: met when a statement of the réponse/brief, or of `actor`'s row, cites
    one of the passages in `any_of` (a chunk id, or a document id for any of its passages)."""

    actor: str  # medecin | editeur | hebergeur | any
    any_of: tuple[str, ...]
    claim: str


@dataclass(frozen=True)
class Forbidden:
    """A statement that misleads in `actor`'s row (or in the réponse/brief): a hit when one cites `any_of`."""

    actor: str
    any_of: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    expected_sources: tuple[str, ...]
    actors: tuple[str, ...]
    must_refuse: bool
    split: str
    answer_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    key_points: tuple[KeyPoint, ...] = ()
    forbidden: tuple[Forbidden, ...] = ()
    yes_no: str = ""  # oui | non | depend: what the first sentence of the answer must state
    not_in_corpus: bool = False  # on topic, but the corpus cannot answer: the answer must say so

    @property
    def answerable(self) -> bool:
        """Retrieval and answer metrics apply: neither to refuse nor outside the corpus."""
        return not self.must_refuse and not self.not_in_corpus


def load_questions(path: Path, known_ids: Iterable[str] | None = None,
                   known_passages: Iterable[str] | None = None) -> list[EvalQuestion]:
    """Read and validate a questions file; every problem is reported at once, each naming its item.

    `known_ids` (document ids the corpus knows) also checks expected_sources; `known_passages` (chunk ids) the
    passages named by key points and forbidden statements. Keys the format does not know are ignored with one
    warning line, so that a user's own file with extra notes still runs."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionsError(f"Fichier de questions illisible : {path} ({exc}).") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise QuestionsError(f"{path} : YAML invalide ({exc}).") from exc
    if not isinstance(data, list) or not data:
        raise QuestionsError(f"{path} : une liste YAML de questions est attendue (voir l'en-tête d'eval/questions.yaml).")
    known = set(known_ids) if known_ids is not None else None
    passages = set(known_passages) if known_passages is not None else None
    problems: list[str] = []
    items: list[EvalQuestion] = []
    seen_ids: set[str] = set()
    seen_questions: dict[str, str] = {}
    for n, entry in enumerate(data, start=1):
        name = f"élément n° {n}"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"].strip():
            name = f"élément n° {n} ({entry['id']})"
        errors = _item_errors(entry, known) + _answer_key_errors(entry, known, passages)
        ident, question = (_text(entry, "id"), _text(entry, "question")) if isinstance(entry, dict) else ("", "")
        if ident and ident in seen_ids:
            errors.append(f"identifiant « {ident} » déjà utilisé")
        if question and question in seen_questions:
            errors.append(f"même question que {seen_questions[question]}")
        seen_ids.add(ident)
        seen_questions.setdefault(question, ident or name)
        if errors:
            problems.extend(f"{name} : {e}" for e in errors)
        else:
            items.append(_item(entry))
    extra = sorted({k for e in data if isinstance(e, dict) for k in e if k not in _FIELDS})
    if extra:
        print(f"{path} : champ(s) ignoré(s) : {', '.join(map(str, extra))}", file=sys.stderr)
    if problems:
        shown = problems[:30] + ([f"… et {len(problems) - 30} autre(s)"] if len(problems) > 30 else [])
        raise QuestionsError(f"{path} : {len(problems)} problème(s) :\n  " + "\n  ".join(shown))
    return items


def _text(entry: dict, key: str) -> str:
    value = entry.get(key)
    return value.strip() if isinstance(value, str) else ""


def _item_errors(entry, known: set[str] | None) -> list[str]:
    if not isinstance(entry, dict):
        return ["un objet (id, question, expected_sources, …) est attendu"]
    errors = [f"champ « {k} » manquant" for k in _REQUIRED if k not in entry]
    for key in ("id", "question"):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            errors.append(f"« {key} » doit être un texte non vide")
    for key in ("expected_sources", "actors", "answer_points", "tags"):
        value = entry.get(key, [])
        if value is None or not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            errors.append(f"« {key} » doit être une liste de textes (éventuellement vide : [])")
    if "must_refuse" in entry and not isinstance(entry["must_refuse"], bool):
        errors.append(f"« must_refuse » doit valoir true ou false, pas « {entry['must_refuse']} »")
    if "split" in entry and entry["split"] not in SPLITS:
        errors.append(f"split inconnu « {entry['split']} ». Choisir parmi : {', '.join(SPLITS)}")
    if errors:
        return errors
    bad_actors = [a for a in entry["actors"] if a not in ACTORS]
    if bad_actors:
        errors.append(f"acteur(s) inconnu(s) {bad_actors}. Choisir parmi : {', '.join(ACTORS)}")
    if entry["must_refuse"] and (entry["expected_sources"] or entry["actors"]):
        errors.append("une question à refuser (must_refuse: true) doit avoir expected_sources: [] et actors: []")
    if not entry["must_refuse"] and not entry.get("not_in_corpus") and not entry["expected_sources"]:
        errors.append("expected_sources vide alors que must_refuse: false (nommer au moins un document, "
                      "ou not_in_corpus: true)")
    if known is not None:
        unknown = [s for s in entry["expected_sources"] if s not in known]
        if unknown:
            errors.append(f"document(s) inconnu(s) du corpus dans expected_sources : {', '.join(unknown)}")
    return errors


def _answer_key_errors(entry, known: set[str] | None, passages: set[str] | None) -> list[str]:
    """Problems in key_points, forbidden, yes_no and not_in_corpus (the keys that score the answer itself)."""
    if not isinstance(entry, dict):
        return []
    errors = []
    for key, text_key in (("key_points", "claim"), ("forbidden", "why")):
        value = entry.get(key, [])
        if not isinstance(value, list):
            errors.append(f"« {key} » doit être une liste d'objets {{actor, any_of, {text_key}}}")
            continue
        for n, point in enumerate(value, start=1):
            where = f"{key} n° {n}"
            if not isinstance(point, dict) or set(point) - {"actor", "any_of", text_key}:
                errors.append(f"{where} : objet {{actor, any_of, {text_key}}} attendu")
                continue
            if point.get("actor") not in (*ACTORS, ANY_ACTOR):
                errors.append(f"{where} : acteur « {point.get('actor')} » inconnu. Choisir parmi : "
                              f"{', '.join((*ACTORS, ANY_ACTOR))}")
            ids = point.get("any_of")
            if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i.strip() for i in ids):
                errors.append(f"{where} : « any_of » doit être une liste non vide d'identifiants de passage ou de document")
                continue
            unknown = [i for i in ids if not _known_passage(i, known, passages)]
            if unknown:
                errors.append(f"{where} : passage(s) ou document(s) inconnu(s) du corpus : {', '.join(unknown)}")
            if not isinstance(point.get(text_key, ""), str):
                errors.append(f"{where} : « {text_key} » doit être un texte")
    if "yes_no" in entry and entry["yes_no"] not in YES_NO:
        errors.append(f"« yes_no » inconnu « {entry['yes_no']} ». Choisir parmi : {', '.join(YES_NO)}")
    if "not_in_corpus" in entry and not isinstance(entry["not_in_corpus"], bool):
        errors.append("« not_in_corpus » doit valoir true ou false")
    if entry.get("not_in_corpus") and entry.get("must_refuse"):
        errors.append("not_in_corpus: true et must_refuse: true s'excluent (hors corpus = dans le sujet, sans réponse)")
    return errors


def _known_passage(ident: str, known: set[str] | None, passages: set[str] | None) -> bool:
    if "#" in ident:
        return passages is None or ident in passages or any(p.startswith(ident + ".") or p.startswith(ident + "-")
                                                             for p in passages)
    return known is None or ident in known


def _item(entry: dict) -> EvalQuestion:
    return EvalQuestion(
        id=entry["id"].strip(), question=entry["question"].strip(),
        expected_sources=tuple(entry["expected_sources"]), actors=tuple(entry["actors"]),
        must_refuse=entry["must_refuse"], split=entry["split"],
        answer_points=tuple(entry.get("answer_points", [])), tags=tuple(entry.get("tags", [])),
        key_points=tuple(KeyPoint(p["actor"], tuple(p["any_of"]), p.get("claim", "")) for p in entry.get("key_points", [])),
        forbidden=tuple(Forbidden(p["actor"], tuple(p["any_of"]), p.get("why", "")) for p in entry.get("forbidden", [])),
        yes_no=entry.get("yes_no", ""), not_in_corpus=entry.get("not_in_corpus", False),
    )


def known_document_ids(documents: dict[str, Document], corpus_dir: Path) -> set[str]:
    """Ids a question may expect: indexed documents, what their fiches are about, and the manifest's ids."""
    ids = set(documents) | {a for d in documents.values() for a in d.about}
    try:
        ids |= set(load_manifest(corpus_dir))
    except KbError:
        pass  # an unreadable manifest is reported by ingestion; the indexed ids still validate
    return ids


def select(items: Sequence[EvalQuestion], split: str) -> list[EvalQuestion]:
    if split == "all":
        return list(items)
    if split not in SPLITS:
        raise QuestionsError(f"Split inconnu « {split} ». Choisir parmi : {', '.join(SPLITS)}, all")
    chosen = [i for i in items if i.split == split]
    if not chosen:
        raise QuestionsError(f"Aucune question du split « {split} » dans le fichier.")
    return chosen
