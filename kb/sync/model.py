"""What a source (Légifrance API or DILA dump) hands back: one official text, already reduced to the
fields the corpus keeps, so the API and the dumps produce byte-identical files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

NO_END = date(2999, 1, 1)  # Légifrance's "no end date" (dateFin = 32472144000000)

# Légifrance `etat` values
VIGUEUR, ABROGE, VIGUEUR_DIFF = "VIGUEUR", "ABROGE", "VIGUEUR_DIFF"
MODIFIE, MODIFIE_MORT_NE = "MODIFIE", "MODIFIE_MORT_NE"


@dataclass(frozen=True)
class ArticleVersion:
    """One entry of an article's version list (`articleVersions`, or `VERSIONS/LIEN_ART` in LEGI)."""

    id: str
    etat: str
    start: date | None
    end: date | None
    num: str = ""


@dataclass(frozen=True)
class OfficialText:
    """One version of an official text: a code article, a CNIL deliberation or a court decision."""

    kind: str  # "article" | "cnil" | "juri"
    id: str  # LEGIARTI / CNILTEXT / CETATEXT of this version
    cid: str  # stable across versions (articles); equals id otherwise
    num: str  # article number, deliberation or case number
    etat: str
    start: date | None
    end: date | None
    html: str  # texteHtml (or plain texte when no HTML), as given
    nota_html: str = ""
    title: str = ""  # CNIL / court: the text's title
    published: date | None = None  # CNIL: publication date
    versions: tuple[ArticleVersion, ...] = field(default_factory=tuple)

    @property
    def no_end(self) -> bool:
        return self.end is None or self.end >= NO_END


def from_epoch_ms(value) -> date | None:
    """Légifrance dates are epoch milliseconds (UTC); None, 0 and junk mean unknown."""
    if value in (None, "", 0):
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc).date()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def to_epoch_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp() * 1000)


def from_iso(value: str | None) -> date | None:
    """DILA dump dates: `2021-08-04`; `2999-01-01` is the open end."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
