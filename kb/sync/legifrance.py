"""The Légifrance API as a text source: the routes `kb sync` uses, their JSON replies reduced to
OfficialText. Same methods as the DILA dump reader, so the resolution logic is shared."""

from __future__ import annotations

import html
import re
from datetime import date

from kb.sync.client import PisteClient
from kb.sync.errors import SyncError
from kb.sync.model import ArticleVersion, OfficialText, from_epoch_ms, to_epoch_ms

LABEL = "Légifrance API"


def same_number(a: str, b: str) -> bool:
    """« L. 1110-4 », « Article L1110-4 » and « l1110-4 » are the same article number."""
    def norm(s: str) -> str:
        return re.sub(r"[\s.]|^article", "", s.strip().lower())
    return norm(a) == norm(b)


def plain_to_html(text: str) -> str:
    """A plain `texte` field, escaped and with its line breaks kept, so it goes through the one converter."""
    return html.escape(text).replace("\n", "<br/>")


class LegifranceSource:
    label = LABEL

    def __init__(self, client: PisteClient):
        self.client = client

    def close(self) -> None:
        self.client.close()

    def find_article(self, code_id: str, code_name: str, num: str, today: date) -> OfficialText | None:
        """The version of article `num` of the code in force at `today` (search, then getArticle by id)."""
        payload = {"fond": "CODE_DATE", "recherche": {
            "champs": [{"typeChamp": "NUM_ARTICLE", "operateur": "ET",
                        "criteres": [{"typeRecherche": "EXACTE", "valeur": num, "operateur": "ET"}]}],
            "filtres": [{"facette": "NOM_CODE", "valeurs": [code_name]},
                        {"facette": "DATE_VERSION", "singleDate": to_epoch_ms(today)}],
            "pageNumber": 1, "pageSize": 10, "operateur": "ET", "sort": "PERTINENCE", "typePagination": "ARTICLE"}}
        reply = self.client.post("search", payload) or {}
        for result in reply.get("results") or []:
            if not _in_code(result, code_id, code_name):
                continue
            for extract in _extracts(result):
                if extract.get("id", "").startswith("LEGIARTI") and same_number(extract.get("num") or "", num):
                    return self.get_article(extract["id"])
        return None

    def get_article(self, article_id: str) -> OfficialText | None:
        reply = self.client.post("consult/getArticle", {"id": article_id}) or {}
        article = reply.get("article")
        if not article:
            return None
        return article_text(article)

    def get_cnil(self, text_id: str) -> OfficialText | None:
        reply = self.client.post("consult/cnil", {"textId": text_id}) or {}
        return cnil_text(reply["text"]) if reply.get("text") else None

    def search_cnil(self, number: str, nature: str) -> list[str]:
        """CNILTEXT ids the CNIL fund returns for a deliberation number (the caller checks each `num`)."""
        payload = {"fond": "CNIL", "recherche": {
            "champs": [{"typeChamp": "NUM_DELIB", "operateur": "ET",
                        "criteres": [{"typeRecherche": "EXACTE", "valeur": number, "operateur": "ET"}]}],
            "filtres": [{"facette": "NATURE_DELIB", "valeurs": [nature]}] if nature else [],
            "pageNumber": 1, "pageSize": 10, "operateur": "ET", "sort": "PERTINENCE", "typePagination": "DEFAULT"}}
        reply = self.client.post("search", payload) or {}
        return [t["id"] for r in reply.get("results") or [] for t in r.get("titles") or []
                if str(t.get("id", "")).startswith("CNILTEXT")]

    def get_juri(self, text_id: str) -> OfficialText | None:
        reply = self.client.post("consult/juri", {"textId": text_id}) or {}
        return juri_text(reply["text"]) if reply.get("text") else None


def _in_code(result: dict, code_id: str, code_name: str) -> bool:
    titles = result.get("titles") or []
    return not titles or any(t.get("id") == code_id or t.get("cid") == code_id or t.get("title") == code_name
                             for t in titles)


def _extracts(result: dict) -> list[dict]:
    found = list(result.get("extracts") or [])
    for section in result.get("sections") or []:
        found.extend(section.get("extracts") or [])
    return found


def _html(obj: dict, html_key: str, text_key: str) -> str:
    if obj.get(html_key):
        return str(obj[html_key])
    return plain_to_html(str(obj.get(text_key) or ""))


def article_text(a: dict) -> OfficialText:
    try:
        versions = tuple(ArticleVersion(id=v["id"], etat=v.get("etat") or "", start=from_epoch_ms(v.get("dateDebut")),
                                        end=from_epoch_ms(v.get("dateFin")), num=v.get("numero") or v.get("num") or "")
                         for v in a.get("articleVersions") or [])
        return OfficialText(kind="article", id=a["id"], cid=a.get("cid") or a["id"], num=a.get("num") or "",
                            etat=a.get("etat") or "", start=from_epoch_ms(a.get("dateDebut")),
                            end=from_epoch_ms(a.get("dateFin")), html=_html(a, "texteHtml", "texte"),
                            nota_html=_html(a, "notaHtml", "nota"), versions=versions)
    except (KeyError, TypeError, AttributeError) as exc:
        raise SyncError(f"Réponse inattendue de l'API Légifrance pour un article (champ {exc} manquant).") from exc


def cnil_text(t: dict) -> OfficialText:
    try:
        return OfficialText(kind="cnil", id=t["id"], cid=t["id"], num=t.get("num") or "", etat=t.get("etat") or "",
                            start=from_epoch_ms(t.get("dateTexte")), end=None, html=_html(t, "texteHtml", "texte"),
                            title=t.get("titreLong") or t.get("titre") or "", published=from_epoch_ms(t.get("datePubli")))
    except (KeyError, TypeError) as exc:
        raise SyncError(f"Réponse inattendue de l'API Légifrance pour une délibération CNIL ({exc}).") from exc


def juri_text(t: dict) -> OfficialText:
    try:
        return OfficialText(kind="juri", id=t["id"], cid=t["id"], num=t.get("num") or "", etat=t.get("etat") or "",
                            start=from_epoch_ms(t.get("dateTexte")), end=None, html=_html(t, "texteHtml", "texte"),
                            title=t.get("titreLong") or t.get("titre") or "")
    except (KeyError, TypeError) as exc:
        raise SyncError(f"Réponse inattendue de l'API Légifrance pour une décision ({exc}).") from exc
