"""Sentences and cue words: what a date is for (hear back, act by, attend).

The cue nearest to an expression, within its sentence, decides its role; the cue
words are data (date_vocab.yaml, `cues` and `past_cues`).
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property, lru_cache

from nextsteps import casefold
from nextsteps.dates._vocab import vocab

# A full stop ends a sentence unless it is part of "a.m."/"p.m.".
_SENTENCE_END = re.compile(r"[!?;\n]|(?<![ap]\.m)(?<![ap])\.(?=\s|$)")
#: Order in which equally near cues win.
ROLE_ORDER = ("past", "hear_by", "deadline", "event")


class Sentences:
    """Sentence bounds of a text, found once and looked up by offset; and the nearest cue of
    each expression, found once (`find_dates`, `key_date` and the classifier's date features
    all ask). `Sentences.of` shares one instance per text."""

    def __init__(self, text: str) -> None:
        self.text = text
        # The cue patterns run case-sensitively on this (faster than IGNORECASE, same matches,
        # same offsets: see casefold.py).
        self.lower = casefold.lower(text)
        self.cues: dict[tuple[int, int], tuple[str, int] | None] = {}

    @staticmethod
    @lru_cache(maxsize=16)
    def of(text: str) -> Sentences:
        return Sentences(text)

    @cached_property
    def _ends(self) -> list[int]:
        return [m.end() for m in _SENTENCE_END.finditer(self.text)]

    def around(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) of the sentence holding text[start:end]."""
        i = bisect.bisect_right(self._ends, start)
        lo = self._ends[i - 1] if i > 0 else 0
        j = bisect.bisect_left(self._ends, end)
        hi = self._ends[j] if j < len(self._ends) else len(self.text)
        return lo, hi


#: A cue after a date counts only in the date's own clause.
_AFTER_BREAK = re.compile(r"[,;:—–(]|\s-\s|\s(?:but|so|if)\s")
#: How much farther a hear-back cue after the expression counts than one before it.
AFTER_PENALTY = 15


def nearest_cue(sentences: Sentences, start: int, end: int) -> tuple[str, int] | None:
    """(role, distance in characters) of the cue nearest to text[start:end] in its sentence.

    >>> nearest_cue(Sentences("Please complete the test by Friday."), 28, 34)
    ('deadline', 13)
    """
    if (start, end) not in sentences.cues:
        sentences.cues[start, end] = _nearest_cue(sentences, start, end)
    return sentences.cues[start, end]


def _nearest_cue(sentences: Sentences, start: int, end: int) -> tuple[str, int] | None:
    v = vocab()
    lo, hi = sentences.around(start, end)
    best: tuple[int, int, str] | None = None
    patterns = {"past": v.past_re, **v.cue_re}
    hear: list[tuple[int, int]] = []
    for role, pattern in patterns.items():
        for m in pattern.finditer(sentences.lower, lo, hi):
            if m.start() < end and m.end() > start:
                continue  # "start" in "the start of next week" is the date itself
            if role == "hear_by":
                hear.append(m.span())
            elif role == "event" and any(a < m.end() and m.start() < b for a, b in hear):
                continue  # "call" in "I'll call you" is a hear-back cue, not an event
            after = m.start() >= end
            if after and role == "deadline":
                continue  # one acts before a date: "submit ... by Thursday"
            if after and _AFTER_BREAK.search(sentences.lower, end, m.start()):
                continue  # "send it today, so we can slot you in": another clause's cue
            distance = (
                m.start() - end + AFTER_PENALTY * (role == "hear_by") if after else start - m.end()
            )
            key = (distance, ROLE_ORDER.index(role), role)
            if best is None or key < best:
                best = key
    return (best[2], best[0]) if best else None


def cue_role(sentences: Sentences, start: int, end: int) -> str | None:
    """The role of the nearest cue, or None when the sentence has none."""
    found = nearest_cue(sentences, start, end)
    return found[0] if found else None
