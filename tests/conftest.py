from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus.jsonl"


@pytest.fixture(scope="session")
def corpus():
    from nextsteps.corpus import load_corpus

    return load_corpus(CORPUS)


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_data(tmp_path_factory):
    """A developer's own active model or examples must not change what the tests see."""
    import os

    old = os.environ.get("NEXTSTEPS_HOME")
    os.environ["NEXTSTEPS_HOME"] = str(tmp_path_factory.mktemp("nextsteps-home"))
    yield
    if old is None:
        os.environ.pop("NEXTSTEPS_HOME", None)
    else:
        os.environ["NEXTSTEPS_HOME"] = old
