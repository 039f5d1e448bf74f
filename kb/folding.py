"""Ground-floor text tool shared by every layer: accents and case folded away."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents, for matching words typed without them."""
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in nfkd if not unicodedata.combining(c))
