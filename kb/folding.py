"""Ground-floor text tool shared by every layer: accents and case folded away."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents, for matching words typed without them."""
    return without_accents(text.lower())


def without_accents(text: str) -> str:
    """The text with its accents dropped and its capitals kept, as a doctor typing fast writes it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
