"""Build `data/corpus.jsonl` from the hand-written YAML sources in `data/sources/`.

Each source file is a YAML list of records without `id` or `split`. Building gives every record a
stable id (`<group>-<n>`) and assigns the split by group. Groups whose texts are near-duplicates of
each other are tied together first, so no near-duplicate ever straddles train and test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from nextsteps.corpus import (
    NEAR_DUPLICATE,
    TEST_SHARE,
    CorpusError,
    Problem,
    check_record,
    to_example,
)
from nextsteps.types import Example


def read_source(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Parse one YAML source file into (line, record) pairs and the problems found."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return [], [Problem(str(path), line, "-", f"invalid YAML: {exc}")]
    if not isinstance(data, list):
        return [], [Problem(str(path), 1, "-", "a source file must be a YAML list of records")]
    lines = [node.start_mark.line + 1 for node in root.value]
    return list(zip(lines, data, strict=True)), []


def build_corpus(source_dir: str | Path, *, split: str | None = None) -> list[Example]:
    """Read every `*.yaml` under `source_dir`, validate, assign ids and splits (or put every
    record in `split`, for a set that is only ever held out).

    Raises `CorpusError` with every problem (file, line, field) if any record is invalid.
    """
    records, problems = [], []
    counters: dict[str, int] = {}
    for path in sorted(Path(source_dir).glob("*.yaml")):
        pairs, errs = read_source(path)
        problems += errs
        for line, rec in pairs:
            if isinstance(rec, dict) and isinstance(rec.get("group"), str):
                counters[rec["group"]] = counters.get(rec["group"], 0) + 1
                rec = {**rec, "id": f"{rec['group']}-{counters[rec['group']]}"}
            errs = check_record(rec, str(path), line, require_split=False)
            problems += errs
            if not errs:
                records.append(rec)
    if problems:
        raise CorpusError(problems)
    if split is not None and split not in ("train", "test"):
        raise CorpusError([Problem(str(source_dir), 0, "split", f"not train or test: {split!r}")])
    texts, groups = [r["text"] for r in records], [r["group"] for r in records]
    splits = [split] * len(records) if split else assign_splits(texts, groups)
    return [to_example({**r, "split": s}) for r, s in zip(records, splits, strict=True)]


def assign_splits(
    texts: list[str], groups: list[str], *, test_share: float = TEST_SHARE
) -> list[str]:
    """Split by group, after merging groups that hold near-duplicate texts.

    The split of a merged cluster is a hash of its first group's name, so adding a record elsewhere
    never moves an existing group to the other split.
    """
    parent = {g: g for g in groups}

    def find(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for i, j, _ in near_duplicates(texts):
        a, b = sorted((find(groups[i]), find(groups[j])))
        parent[b] = a
    return ["test" if _bucket(find(g)) < test_share else "train" for g in groups]


def _bucket(name: str) -> float:
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) / 16**8


def near_duplicates(
    texts: list[str], threshold: float = NEAR_DUPLICATE
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine) of texts whose word TF-IDF cosine similarity is at least `threshold`."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return []
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    sims = (matrix @ matrix.T).tocoo()
    return [
        (int(i), int(j), float(s))
        for i, j, s in zip(sims.row, sims.col, sims.data, strict=True)
        if i < j and s >= threshold
    ]
