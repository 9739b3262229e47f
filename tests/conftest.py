from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus.jsonl"


@pytest.fixture(scope="session")
def corpus():
    from nextsteps.corpus import load_corpus

    return load_corpus(CORPUS)
