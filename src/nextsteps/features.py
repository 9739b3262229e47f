"""Features of a message for the linear classifier.

The TF-IDF blocks are written here rather than taken from scikit-learn's TfidfVectorizer for one
reason: the paste tool must start in well under a second, and `import sklearn` alone costs more
than that. Training and prediction share this one implementation (numpy only), the fitted state is
plain arrays and word lists (saved without pickle), and its weighting is sklearn's
(smooth idf, sublinear tf, l2 norm) so results are the same as the library's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from nextsteps import casefold
from nextsteps.types import DateMention

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_SENDER_TOKEN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class MessageFields:
    """What the classifier reads of a message: its cleaned newest part and its envelope."""

    body: str
    subject: str = ""
    sender: str = ""
    sent_at: dt.datetime | None = None
    #: The body's date mentions when already found (interpret finds them anyway); else found here.
    dates: tuple[DateMention, ...] | None = None


def normalise(text: str) -> str:
    """Lower-case, digits folded to 0 (a date's digits say little; that there is one says a lot)."""
    return _DIGITS.sub("0", text.lower())


def word_ngrams(text: str, n_max: int = 2) -> list[str]:
    tokens = _TOKEN.findall(normalise(text))
    grams = list(tokens)
    for n in range(2, n_max + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_ngrams(text: str, n_min: int = 2, n_max: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space (sklearn's char_wb)."""
    grams: list[str] = []
    for word in _SPACES.sub(" ", normalise(text)).split():
        grams += _word_char_grams(word, n_min, n_max)
    return grams


@lru_cache(maxsize=200_000)
def _word_char_grams(word: str, n_min: int, n_max: int) -> tuple[str, ...]:
    # Words repeat across messages far more than they vary: caching per word makes character
    # n-grams several times cheaper on an inbox.
    padded = f" {word} "
    return tuple(
        padded[i : i + n]
        for n in range(n_min, min(n_max, len(padded)) + 1)
        for i in range(len(padded) - n + 1)
    )


def sender_tokens(sender: str) -> list[str]:
    """Words of a sender's address: "no-reply@careers.acme.com" -> @no, @reply, @careers..."""
    address = sender.rsplit("<", 1)[-1].lower()
    return [f"@{t}" for t in _SENDER_TOKEN.findall(address)]


ANALYZERS = {
    "word": word_ngrams,
    "char": char_ngrams,
    "sender": sender_tokens,
}


@dataclass
class TfidfBlock:
    """Sublinear TF-IDF over one field of a message, l2-normalised."""

    source: str  # "body" | "subject" | "sender"
    analyzer: str  # a key of ANALYZERS
    min_df: int = 2
    max_features: int | None = None
    vocab_: dict[str, int] = field(default_factory=dict)
    idf_: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    _word_columns: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return len(self.vocab_)

    def fit(self, docs: Sequence[str]) -> TfidfBlock:
        analyze = ANALYZERS[self.analyzer]
        df = Counter(term for doc in docs for term in set(analyze(doc)))
        kept = sorted((t for t, c in df.items() if c >= self.min_df), key=lambda t: (-df[t], t))
        kept = sorted(kept[: self.max_features])
        self.vocab_ = {t: i for i, t in enumerate(kept)}
        self._word_columns.clear()
        n = len(docs)
        self.idf_ = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in kept], dtype=np.float32)
        return self

    def transform(self, doc: str) -> tuple[np.ndarray, np.ndarray]:
        if self.analyzer == "char":
            idx, tf = self._char_counts(doc)
        else:
            vocab = self.vocab_
            # Count every term in C first, then look up only the distinct ones.
            counts = {
                vocab[t]: k for t, k in Counter(ANALYZERS[self.analyzer](doc)).items() if t in vocab
            }
            idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if not len(idx):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        vals = (1 + np.log(tf)) * self.idf_[idx]
        return idx, vals / np.linalg.norm(vals)

    def _char_counts(self, doc: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns and counts of character n-grams, word by word: a word's columns are computed
        once per block and reused, and counted with numpy, which makes this the same result
        several times faster than counting n-grams one by one."""
        cache = self._word_columns
        words = Counter(_SPACES.sub(" ", normalise(doc)).split())
        if len(cache) > 200_000:  # bound the memory on a long-running batch
            cache.clear()
        parts = [cache[w] if w in cache else self._cache_columns(w) for w in words]
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        counts = np.fromiter(words.values(), dtype=np.float32, count=len(words))
        weights = np.repeat(counts, [len(p) for p in parts])
        idx, inverse = np.unique(np.concatenate(parts), return_inverse=True)
        return idx, np.bincount(inverse, weights=weights).astype(np.float32)

    def _cache_columns(self, word: str) -> np.ndarray:
        grams = _word_char_grams(word, 2, 5)
        columns = np.array([self.vocab_[g] for g in grams if g in self.vocab_], dtype=np.int64)
        self._word_columns[word] = columns
        return columns

    def names(self) -> list[str]:
        return sorted(self.vocab_, key=self.vocab_.__getitem__)

    def state(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "analyzer": self.analyzer,
            "min_df": self.min_df,
            "max_features": self.max_features,
            "terms": self.names(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], idf: np.ndarray) -> TfidfBlock:
        block = cls(state["source"], state["analyzer"], state["min_df"], state["max_features"])
        block.vocab_ = {t: i for i, t in enumerate(state["terms"])}
        block.idf_ = idf.astype(np.float32)
        return block


@lru_cache(maxsize=1)
def load_cues() -> dict[str, re.Pattern[str]]:
    """The cue phrases of resources/cues.yaml, each cue's patterns compiled into one alternation
    (one search per cue instead of one per pattern). Loaded on first use, never at import."""
    import yaml

    text = resources.files("nextsteps").joinpath("resources/cues.yaml").read_text("utf-8")
    # Case-sensitive on lower-cased text (`casefold`): the same matches, found twice as fast.
    return {
        name: re.compile("|".join(f"(?:{p})" for p in spec["patterns"]))
        for name, spec in yaml.safe_load(text).items()
    }


def cue_vector(text: str) -> np.ndarray:
    """One flag per cue: does any of its patterns match the text (in any case)?"""
    low = casefold.lower(text)
    return np.array(
        [1.0 if rx.search(low) else 0.0 for rx in load_cues().values()], dtype=np.float32
    )


def date_vector(fields: MessageFields) -> np.ndarray:
    """What the dates of a message say: a hear-back date, a deadline, an event, a window."""
    if fields.sent_at is None:
        return np.zeros(len(DATE_FEATURES), dtype=np.float32)
    from nextsteps.dates import find_dates, key_date

    mentions = (
        list(fields.dates) if fields.dates is not None else find_dates(fields.body, fields.sent_at)
    )
    key = key_date(fields.body, fields.sent_at, mentions=mentions)
    kinds = {m.kind for m in mentions}
    flags = {
        "key_hear_by": key is not None and key.kind == "hear_by",
        "key_deadline": key is not None and key.kind == "deadline",
        "key_event": key is not None and key.kind == "event",
        "any_date": bool(mentions),
        "vague_period": "vague" in kinds,
        "window": "range" in kinds,
        "clock_time": any(isinstance(m.value, str) and "T" in m.value for m in mentions),
    }
    return np.array([float(flags[n]) for n in DATE_FEATURES], dtype=np.float32)


DATE_FEATURES = (
    "key_hear_by",
    "key_deadline",
    "key_event",
    "any_date",
    "vague_period",
    "window",
    "clock_time",
)


@dataclass
class Featurizer:
    """All feature blocks of a message, concatenated; each block scaled by its weight."""

    blocks: list[TfidfBlock]
    block_weights: list[float]
    cue_weight: float = 0.0  # 0 switches the block off
    date_weight: float = 0.0

    def fit(self, messages: Sequence[MessageFields]) -> Featurizer:
        for block in self.blocks:
            block.fit([getattr(m, block.source) for m in messages])
        return self

    @property
    def n_features(self) -> int:
        return sum(b.size for b in self.blocks) + self._n_cues() + self._n_dates()

    def _n_cues(self) -> int:
        return len(load_cues()) if self.cue_weight else 0

    def _n_dates(self) -> int:
        return len(DATE_FEATURES) if self.date_weight else 0

    def transform(self, message: MessageFields) -> tuple[np.ndarray, np.ndarray]:
        """Sparse (column indices, values) of one message."""
        idx_parts, val_parts, offset = [], [], 0
        for block, weight in zip(self.blocks, self.block_weights, strict=True):
            idx, vals = block.transform(getattr(message, block.source))
            idx_parts.append(idx + offset)
            val_parts.append(vals * weight)
            offset += block.size
        for weight, n, vector in (
            (self.cue_weight, self._n_cues(), lambda: cue_vector(message.body)),
            (self.date_weight, self._n_dates(), lambda: date_vector(message)),
        ):
            if weight:
                dense = vector()
                nz = np.flatnonzero(dense)
                idx_parts.append(nz + offset)
                val_parts.append(dense[nz] * weight)
                offset += n
        return np.concatenate(idx_parts), np.concatenate(val_parts).astype(np.float32)

    def matrix(self, messages: Sequence[MessageFields]):
        """A scipy CSR matrix of many messages (training only: scipy is imported here)."""
        from scipy.sparse import csr_matrix

        rows = [self.transform(m) for m in messages]
        indptr = np.cumsum([0] + [len(i) for i, _ in rows])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, dtype=np.float32)
        return csr_matrix((data, indices, indptr), shape=(len(rows), self.n_features))

    def feature_names(self) -> list[str]:
        names = [f"{b.source}:{b.analyzer}:{t}" for b in self.blocks for t in b.names()]
        names += [f"cue:{c}" for c in load_cues()] if self.cue_weight else []
        return names + ([f"date:{d}" for d in DATE_FEATURES] if self.date_weight else [])
