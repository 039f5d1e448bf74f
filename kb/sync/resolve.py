"""Find the right version of each document in a source (API or dump): the version in force today, found by
number then checked against the ids already pinned in the corpus. A number that now names another article,
or an article that moved to another number, is flagged and never silently rebound."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from kb.sync.legifrance import same_number
from kb.sync.model import ABROGE, VIGUEUR, VIGUEUR_DIFF, ArticleVersion, OfficialText
from kb.sync.sources import ARTICLE, CNIL, JURI, SKIP, Target

FOUND, REPEALED, RENUMBERED, NOT_FOUND, SKIPPED, NOT_YET = (
    "found", "repealed", "renumbered", "not_found", "skipped", "not_yet_in_force")


class Source(Protocol):
    label: str

    def find_article(self, code_id: str, code_name: str, num: str, today: date) -> OfficialText | None: ...
    def get_article(self, article_id: str) -> OfficialText | None: ...
    def get_cnil(self, text_id: str) -> OfficialText | None: ...
    def search_cnil(self, number: str, nature: str) -> list[str]: ...
    def get_juri(self, text_id: str) -> OfficialText | None: ...


@dataclass(frozen=True)
class Pin:
    """Légifrance ids already recorded for a document (front matter of its synced file)."""

    id: str = ""
    cid: str = ""


@dataclass
class Resolution:
    target: Target
    status: str
    text: OfficialText | None = None
    upcoming: ArticleVersion | None = None  # a VIGUEUR_DIFF version not yet in force: reported, not stored
    messages: list[str] = field(default_factory=list)


def resolve(target: Target, source: Source, today: date, pin: Pin = Pin()) -> Resolution:
    if target.route == SKIP:
        return Resolution(target, SKIPPED, messages=[target.reason])
    if target.route == ARTICLE:
        return _article(target, source, today, pin)
    if target.route == CNIL:
        return _cnil(target, source)
    if target.route == JURI:
        return _checked(target, source.get_juri(target.known_id), target.known_id)
    raise ValueError(target.route)


def _article(target: Target, source: Source, today: date, pin: Pin) -> Resolution:
    found = source.find_article(target.code_id, target.code_name, target.num, today)
    if found is not None:
        current = _current(source, found)
        if current is None:
            up = _upcoming(found, today) or _as_version(found)
            return Resolution(target, NOT_YET, upcoming=up,
                              messages=[f"article {target.num} pas encore en vigueur (à partir du {up.start}) : "
                                        "rien n'est écrit"])
        if (pin.cid or pin.id) and not _same_article(current, pin):
            return _reassigned(target, source, current, pin)
        return _done(target, current, today, by_number=True)
    tracked = pin.id or pin.cid or target.known_id
    if not tracked:
        return Resolution(target, NOT_FOUND, messages=[f"article {target.num} introuvable dans "
                                                       f"{target.code_name} à la date du {today}"])
    old = source.get_article(tracked)
    current = _current(source, old) if old is not None else None
    if current is None:
        return Resolution(target, NOT_FOUND, messages=[f"article {target.num} introuvable, ni par son numéro ni par "
                                                       f"son identifiant {tracked}"])
    if not same_number(current.num, target.num):
        return Resolution(target, RENUMBERED, messages=[
            f"l'article suivi ({current.cid}) porte désormais le numéro {current.num} : non rattaché, à vérifier "
            f"(le document {target.doc_id} n'est pas modifié)"])
    return _done(target, current, today, by_number=False, tracked=tracked)


def _done(target: Target, text: OfficialText, today: date, by_number: bool, tracked: str = "") -> Resolution:
    messages = [] if by_number else [f"trouvé par son identifiant {tracked}, pas par son numéro à la date du {today}"]
    if text.etat == ABROGE:
        return Resolution(target, REPEALED, text, messages=messages + [f"article abrogé (version du {text.start} "
                                                                        f"au {text.end})"])
    up = _upcoming(text, today)
    if up is not None:
        messages.append(f"nouvelle version à venir le {up.start} ({up.id}) : la version en vigueur aujourd'hui "
                        "est gardée")
    if target.known_id and by_number and target.known_id not in {text.id, *(v.id for v in text.versions)}:
        messages.append(f"l'identifiant attendu {target.known_id} n'est pas parmi les versions de l'article : "
                        "à confirmer")
    return Resolution(target, FOUND, text, upcoming=up, messages=messages)


def _same_article(text: OfficialText, pin: Pin) -> bool:
    """The pinned ids name this article: its cid, or any of its versions (sources differ on `cid`)."""
    ids = {text.id, text.cid, *(v.id for v in text.versions)}
    return bool({pin.id, pin.cid} & ids - {""})


def _reassigned(target: Target, source: Source, current: OfficialText, pin: Pin) -> Resolution:
    """The number now names another article than the one pinned: say what became of the pinned one."""
    old = source.get_article(pin.id or pin.cid)
    old_now = _current(source, old) if old is not None else None
    if old_now is None:
        fate = "introuvable"
    elif old_now.etat == ABROGE:
        fate = f"abrogé (fin le {old_now.end})"
    elif not same_number(old_now.num, target.num):
        fate = f"renuméroté {old_now.num}"
    else:
        fate = "toujours en vigueur"
    return Resolution(target, RENUMBERED, messages=[
        f"le numéro {target.num} désigne désormais un autre article ({current.cid}) ; l'article suivi "
        f"({pin.cid or pin.id}) "
        f"est {fate} : non rattaché, à vérifier"])


def _current(source: Source, text: OfficialText) -> OfficialText | None:
    """The version in force today (VIGUEUR), or the last one if the article is repealed; None if not yet."""
    if text.etat in (VIGUEUR, ABROGE) or not text.versions:
        return text if text.etat != VIGUEUR_DIFF else None
    for etat in (VIGUEUR, ABROGE):
        versions = sorted((v for v in text.versions if v.etat == etat), key=lambda v: v.start or date.min)
        if versions:
            return source.get_article(versions[-1].id) if versions[-1].id != text.id else text
    return None


def _upcoming(text: OfficialText, today: date) -> ArticleVersion | None:
    later = [v for v in text.versions if v.etat == VIGUEUR_DIFF and (v.start is None or v.start > today)]
    return min(later, key=lambda v: v.start or date.max) if later else None


def _as_version(text: OfficialText) -> ArticleVersion:
    return ArticleVersion(text.id, text.etat, text.start, text.end, text.num)


def _cnil(target: Target, source: Source) -> Resolution:
    if target.known_id:
        return _checked(target, source.get_cnil(target.known_id), target.known_id)
    number, nature = target.search or (target.num, "")
    for text_id in source.search_cnil(number, nature):
        text = source.get_cnil(text_id)
        if text is not None and same_number(text.num, target.num):
            return Resolution(target, FOUND, text, messages=[f"trouvé par recherche dans le fonds CNIL ({text_id})"])
    return Resolution(target, NOT_FOUND, messages=[f"délibération {number} introuvable dans le fonds CNIL"])


def _checked(target: Target, text: OfficialText | None, text_id: str) -> Resolution:
    """A text fetched by id must carry the expected number: an id from a secondary source may be wrong."""
    if text is None:
        return Resolution(target, NOT_FOUND, messages=[f"{text_id} introuvable"])
    if target.num and target.num.lower() not in text.num.lower():
        return Resolution(target, RENUMBERED, messages=[
            f"{text_id} désigne « {text.num or text.title} », pas {target.num} : non rattaché, à vérifier"])
    return Resolution(target, FOUND, text)
