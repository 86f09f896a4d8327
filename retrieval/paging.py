"""The More button: the next quotes for a question, after the ones already shown."""

from __future__ import annotations

from collections.abc import Sequence

from .models import Quote, QuoteRef

MAX_QUOTES = 25  # how deep "More" pages go for one question


def unseen(quotes: Sequence[Quote], seen: Sequence[QuoteRef], page: int) -> list[Quote]:
    """The first `page` quotes that overlap none already shown."""
    fresh = []
    for quote in quotes:
        ref = QuoteRef.of(quote)
        if any(ref.overlaps(old) for old in seen):
            continue
        fresh.append(quote)
        if len(fresh) >= page:
            break
    return fresh
