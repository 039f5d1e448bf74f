"""Every French word the reader sees around an answer, in one place: headings, column titles, status labels,
the disclaimer. Markdown (`kb ask`), the app and the three dossier formats all take them from here, so that
they cannot drift apart."""

from __future__ import annotations

from kb.compose.draft import CATEGORIES

# -- headings of an answer, in the order of the walk (kb.render.AnswerWriter) ----------------------------
OUT_OF_SCOPE = "Question hors du champ du corpus"
CONCLUSION = "Réponse"
BRIEF = "En bref"
TABLE = "Qui fait quoi ?"
CITED_TEXTS = "Textes cités"
CITED_TEXTS_SHORT = f"{CITED_TEXTS} (passages complets : --full)"  # `kb ask` without --full
DECISIONS_CNIL = "Décisions de la CNIL"
AND_JUDGE = " et du juge"
DECISIONS = DECISIONS_CNIL + AND_JUDGE

# -- dossier parts --------------------------------------------------------------------------------------
DOSSIER_TITLE = "Dossier de conformité — responsabilité des données de santé"
DOSSIER_OUT_OF_SCOPE = f"Hors champ : {OUT_OF_SCOPE[0].lower()}{OUT_OF_SCOPE[1:]}"
ANNEX = "Annexe : documents cités"
NO_CITED_DOCUMENT = "Aucun document cité."
WARNING = "Avertissement"
CONTENTS = "Sommaire"
CITED_VERSIONS = "Versions des textes cités :"
PAGE = "Page"

# -- the dossier cover's lines (the app's dossier form asks for organisation and author) ----------------------
DATE = "Date"
ORGANISATION = "Organisation"
AUTHOR = "Auteur"
CORPUS_FINGERPRINT = "Empreinte du corpus"
INDEX_BUILT = "Index construit le"
APP_VERSION = "Version de l'application"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")

# -- around a cited passage (dossier, `kb ask --full`, the app) and in the dossier's annex --------------------
DOCUMENT = "Document"
SOURCE = "Source : "
VERSION_OF_SOURCE = " — version : "
ADDRESS, VERSION, STATUS, LICENCE = "Adresse", "Version", "Statut", "Licence"

# -- the who-does-what table: one column per category of kb.compose.draft.CATEGORIES -----------------------
ACTOR = "Acteur"
CATEGORY_TITLES = dict(zip(CATEGORIES, ("Obligations", "Responsabilité", "Sanctions encourues")))
MATRIX_HEADINGS = (ACTOR, *CATEGORY_TITLES.values())

# -- statuses of a text -----------------------------------------------------------------------------------
PARTIAL = "texte partiel"
FICHE = "fiche de synthèse"
UNOFFICIAL_FICHE = f"{FICHE} (non officielle)"
CITATION_STATUS = {"partial": PARTIAL, "fiche": UNOFFICIAL_FICHE, "complete": ""}  # beside a cited passage
SOURCE_STATUS = {"complete": "complet", "partial": PARTIAL, "facts-only": "fiche seulement",
                 "fiche": FICHE}  # the corpus table (`kb sources`, the app's sidebar)
ANNEX_STATUS = {"partial": f"{PARTIAL} dans le corpus", "fiche": UNOFFICIAL_FICHE}
ANNEX_STATUS_DEFAULT = "texte complet"
NOT_GIVEN = "non précisée"  # a version or an address the source does not give

# -- sentences -----------------------------------------------------------------------------------------
SUGGESTIONS_INTRO = "Questions couvertes, par exemple :"
DISCLAIMER = ("Information juridique générale, pas un conseil juridique : seul le texte officiel fait foi "
              f"(liens dans « {CITED_TEXTS} »).")
MAP_LABEL = ("Synthèse du projet, pas le texte de la loi : chaque phrase renvoie au passage officiel (ou à la fiche) "
             f"qui la prouve, cité mot pour mot dans « {CITED_TEXTS} ».")


def labelled(label: str, value: str) -> str:
    """« Label : value », with the space French puts before a colon."""
    return f"{label} : {value}"


def source_line(address: str, version: str) -> str:
    """The line under a cited passage: where the official text is, and which version was quoted."""
    return f"{SOURCE}{address}{VERSION_OF_SOURCE}{version or NOT_GIVEN}"


def llm_heading(mode: str) -> str:
    """Heading of the text a language model wrote (its citations checked against the corpus)."""
    return f"Réponse rédigée par le modèle ({mode}), citations vérifiées"


def refusal_text(reason: str) -> str:
    return f"Le corpus ne permet pas de répondre : {reason}"


def status_label(status: str) -> str:
    """The badge of a cited text's status (nothing for a complete official text)."""
    return CITATION_STATUS.get(status, "")
