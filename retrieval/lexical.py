"""BM25 over passages with bm25s: vectorised scoring, I/O only in save and load."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.tokenization import Tokenizer

# bm25s sets its logger to DEBUG at import; its per-build debug lines are noise for us.
logging.getLogger("bm25s").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def _tokenizer() -> Tokenizer:
    return Tokenizer(stemmer=_stemmer(), stopwords="english")


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
        return self.tokenizer.tokenize([text], update_vocab=False, show_progress=False, return_as="string")[0]

    def unknown_share(self, text: str) -> float:
        """Share of the text's content words (stemmed, stop words dropped) that occur in no passage."""
        tok = self.tokenizer
        stop = set(tok.stopwords or ())
        words = [w for w in tok.splitter(text.lower()) if w and w not in stop]
        if not words:
            return 0.0
        stems = {tok.stemmer(w) if tok.stemmer is not None else w for w in words}
        return sum(1 for s in stems if s not in tok.stem_to_sid) / len(stems)

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no query term is known)."""
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return self.retriever.get_scores(terms)
