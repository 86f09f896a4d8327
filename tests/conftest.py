"""Shared fixtures: the real model (loaded once per session) and small real corpora in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
STATEMENTS = ROOT / "tests" / "fixtures" / "statements"
SEED_FILE = "000_654628842b703738.txt"
DISCIPLINE = "If we think that there are disciplinary actions justified, then, of course, we’re going to take those disciplinary actions."


@pytest.fixture(scope="session")
def embedder():
    from retrieval.embedding import Embedder

    model = Embedder()
    model.encode_query("warm up")
    return model


def copy_fixture_corpus(root: Path) -> Path:
    """Write the seed article plus a few public-domain presidential remarks into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEEDS / SEED_FILE, root / SEED_FILE)
    for path in STATEMENTS.glob("*.txt"):
        shutil.copy(path, root / path.name)
    return root


@pytest.fixture
def corpus(tmp_path) -> Path:
    return copy_fixture_corpus(tmp_path / "corpus")


@pytest.fixture
def make_engine(tmp_path, embedder):
    from retrieval.engine import Engine

    def make(corpus_dir: Path, index_dir: Path | None = None, **kwargs) -> Engine:
        return Engine(corpus_dir, index_dir or tmp_path / "index", embedder=embedder, **kwargs)

    return make
