"""The questions file (eval/questions.yaml format): read, validate, pick a split. Every problem is
reported at once and names its item, so a bad file is fixed in one pass."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.corpus import load_manifest
from kb.errors import KbError
from kb.types import ACTORS, Document

SPLITS = ("dev", "test")
_FIELDS = {"id", "question", "expected_sources", "actors", "must_refuse", "answer_points", "split", "tags"}
_REQUIRED = ("id", "question", "expected_sources", "actors", "must_refuse", "split")


class QuestionsError(KbError):
    """The questions file does not follow the format (the message names each faulty item)."""

    exit_code = 2


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


def load_questions(path: Path, known_ids: Iterable[str] | None = None) -> list[EvalQuestion]:
    """Read and validate a questions file; every problem is reported at once, each naming its item.

    `known_ids` (document ids the corpus knows) also checks expected_sources."""
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
    problems: list[str] = []
    items: list[EvalQuestion] = []
    seen_ids: set[str] = set()
    seen_questions: dict[str, str] = {}
    for n, entry in enumerate(data, start=1):
        name = f"élément n° {n}"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"].strip():
            name = f"élément n° {n} ({entry['id']})"
        errors = _item_errors(entry, known)
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
    errors += [f"champ « {k} » inconnu (champs possibles : {', '.join(sorted(_FIELDS))})"
               for k in entry if k not in _FIELDS]
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
    if not entry["must_refuse"] and not entry["expected_sources"]:
        errors.append("expected_sources vide alors que must_refuse: false (nommer au moins un document)")
    if known is not None:
        unknown = [s for s in entry["expected_sources"] if s not in known]
        if unknown:
            errors.append(f"document(s) inconnu(s) du corpus dans expected_sources : {', '.join(unknown)}")
    return errors


def _item(entry: dict) -> EvalQuestion:
    return EvalQuestion(
        id=entry["id"].strip(), question=entry["question"].strip(),
        expected_sources=tuple(entry["expected_sources"]), actors=tuple(entry["actors"]),
        must_refuse=entry["must_refuse"], split=entry["split"],
        answer_points=tuple(entry.get("answer_points", [])), tags=tuple(entry.get("tags", [])),
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
