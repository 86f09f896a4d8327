"""BM25 over passages with bm25s: vectorised scoring, I/O only in save and load."""

from __future__ import annotations

import bisect
import logging
import re
import string
from functools import cached_property, lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS
from bm25s.tokenization import Tokenizer

# bm25s sets its logger to DEBUG at import; its per-build debug lines are noise for us.
logging.getLogger("bm25s").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def _tokenizer() -> Tokenizer:
    return Tokenizer(stemmer=_stemmer(), stopwords="english")


_CLIPPED_MIN = 5
_DROPPED_MIN = 7  # a word this long missing a letter is still its word; a shorter one may be another word
_CLIPPED_MAX_MISSING = 3
# For judging whether a question's words are known, a fuller list than BM25's own (Lucene's 33 words).
_FUNCTION_WORDS = frozenset(STOPWORDS_EN_PLUS)
_SHORT_DECADE = re.compile(r"\d0s")


class Lexical:
    def __init__(self, retriever: bm25s.BM25, tokenizer: Tokenizer, size: int):
        self.retriever = retriever
        self.tokenizer = tokenizer
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> "Lexical":
        tokenizer = _tokenizer()
        tokens = tokenizer.tokenize(texts, update_vocab=True, show_progress=False, return_as="tuple")
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls(retriever, tokenizer, len(texts))

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(path), show_progress=False)
        self.tokenizer.save_vocab(str(path))

    @classmethod
    def load(cls, path: Path) -> "Lexical":
        retriever = bm25s.BM25.load(str(path), show_progress=False)
        tokenizer = _tokenizer()
        tokenizer.load_vocab(str(path))
        size = int(retriever.scores["num_docs"])
        return cls(retriever, tokenizer, size)

    def query_terms(self, text: str) -> list[str]:
        """The query's stemmed terms that occur in the index."""
        ids = self.tokenizer.tokenize([text], update_vocab=False, show_progress=False, return_as="ids")[0]
        return [self._term_of_id[i] for i in ids]

    @cached_property
    def _term_of_id(self) -> dict[int, str]:
        # bm25s's own decode rebuilds this reverse map on every call: 1.5 ms a question on bbc-politics.
        return {i: term for term, i in self.tokenizer.get_vocab_dict().items()}

    def unknown_share(self, text: str, also_known: frozenset[str] = frozenset()) -> float:
        """Share of the text's content words (stemmed; "any", "other" and other function words dropped)
        that occur in no passage; `also_known` words (lower case) count as known."""
        words = [w for w in self.tokenizer.splitter(text.lower()) if w and w not in _FUNCTION_WORDS]
        if not words:
            return 0.0
        stems = {self._stem(w): w for w in words}
        return sum(1 for s, w in stems.items() if w not in also_known and not self._known_somehow(s, w)) / len(stems)

    def _known_somehow(self, stem: str, word: str) -> bool:
        return (
            self.knows(stem) or self._knows_base(word) or self._knows_clipped(word) or self._knows_with_a_letter_back(word)
            or self._knows_decade(word)
        )

    def _knows_decade(self, word: str) -> bool:
        """A decade typed short ("the 60s") that a passage writes in full ("the 1960s")."""
        return bool(_SHORT_DECADE.fullmatch(word)) and any(self.knows_word(century + word) for century in ("19", "20"))

    def _knows_with_a_letter_back(self, word: str) -> bool:
        """A long word typed fast with a letter left out ("cunningam"): one known word gives it back by one letter."""
        if len(word) < _DROPPED_MIN or not word.isalpha():
            return False
        return any(self.knows_word(word[:i] + c + word[i:]) for i in range(len(word) + 1) for c in string.ascii_lowercase)

    def _knows_clipped(self, word: str) -> bool:
        """A word cut short in a chat ("celebs" for celebrities): the start of a known stem a few letters longer.
        Five letters at least, and three more at most: "flint" is not Flintshire."""
        clipped = word[:-1] if word.endswith("s") else word
        if len(clipped) < _CLIPPED_MIN:
            return False
        stems = self._sorted_stems
        at = bisect.bisect_left(stems, clipped)
        while at < len(stems) and stems[at].startswith(clipped):
            if len(stems[at]) - len(clipped) <= _CLIPPED_MAX_MISSING:
                return True
            at += 1
        return False

    @cached_property
    def _sorted_stems(self) -> list[str]:
        return sorted(self.tokenizer.stem_to_sid)

    def _knows_base(self, word: str) -> bool:
        """A comparative or superlative whose plain form a passage uses ("angrier", "safest"): the stemmer
        keeps their endings, and the subject is known all the same."""
        for ending, plain in (("iest", "y"), ("ier", "y"), ("est", ""), ("er", ""), ("st", ""), ("r", "")):
            if word.endswith(ending) and len(word) - len(ending) >= 3 and self.knows(self._stem(word[: -len(ending)] + plain)):
                return True
        return False

    def knows(self, stem: str) -> bool:
        return stem in self.tokenizer.stem_to_sid

    def knows_word(self, word: str) -> bool:
        return self.knows(self._stem(word.lower()))

    def _stem(self, word: str) -> str:
        stemmer = self.tokenizer.stemmer
        return stemmer(word) if stemmer is not None else word

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no query term is known)."""
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return self.retriever.get_scores(terms)
