"""BM25 over passages with bm25s: vectorised scoring, I/O only in save and load."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.tokenization import Tokenizer


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

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no query term is known)."""
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return self.retriever.get_scores(terms)
