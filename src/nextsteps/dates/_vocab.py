"""The date vocabulary (resources/date_vocab.yaml), read once and turned into regex pieces.

Nothing is read at import: `vocab()` loads the file on first use and caches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

VOCAB_FILE = "date_vocab.yaml"


@dataclass(frozen=True)
class Vocab:
    """Lookup tables and regex fragments built from the YAML file."""

    raw: dict[str, Any]
    weekday_index: dict[str, int]  # lower-cased full names and exact abbreviations
    month_index: dict[str, int]  # 1-12
    numbers: dict[str, int]
    mods: dict[str, str]
    weekday_re: str
    month_re: str
    number_re: str
    mod_re: re.Pattern[str]
    cue_re: dict[str, re.Pattern[str]]
    past_re: re.Pattern[str]
    trap_re: re.Pattern[str]
    vague_re: str
    holiday_phrases: dict[str, dict[str, str]]
    holiday_re: str
    bank_holiday_re: str
    ordinal_nouns_re: str
    units: dict[str, tuple[str, int]]  # "week" -> ("days", 7)
    unit_re: str
    fixed_days: dict[str, tuple[int, int]]
    fixed_days_re: str

    def weekday(self, word: str) -> int:
        """Index (Monday = 0) of a matched weekday word, e.g. "Tues." -> 1."""
        word = word.rstrip(".")
        return self.weekday_index.get(word, self.weekday_index.get(word.lower(), -1))

    def month(self, word: str) -> int:
        """Number (1-12) of a matched month word, e.g. "Sept" -> 9."""
        word = word.rstrip(".")
        return self.month_index.get(word, self.month_index.get(word.lower(), 0))

    def number(self, word: str) -> int:
        """Value of a digit string or number word, e.g. "forty-eight" -> 48."""
        return int(word) if word.isdigit() else self.numbers[word.lower()]


def _alternation(words: list[str]) -> str:
    # Longest first, so that "Thurs" is tried before "Thu".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _names_re(entries: list[dict[str, list[str]]]) -> str:
    """Full names in any case, abbreviations only as written, never inside a longer word."""
    full = [w for e in entries for w in e["full"]]
    abbr = [w for e in entries for w in e["abbr"]]
    parts = []
    if full:
        parts.append(f"(?i:{_alternation(full)})")
    if abbr:
        parts.append(f"(?:{_alternation(abbr)})(?:\\.(?=\\s*\\d))?")
    return rf"(?<![\w'])(?:{'|'.join(parts)})(?!\w)"


def _index(entries: list[dict[str, list[str]]], base: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, e in enumerate(entries):
        out.update({w.lower(): i + base for w in e["full"]})
        out.update({w: i + base for w in e["abbr"]})
    return out


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _phrases_re(phrases: list[str]) -> str:
    body = _alternation(phrases).replace(r"\ ", r"\s+")
    return rf"(?i:(?<!\w)(?:{body})(?!\w))"


@cache
def vocab() -> Vocab:
    """The vocabulary, loaded from the package resources on first call."""
    text = resources.files("nextsteps").joinpath("resources", VOCAB_FILE).read_text("utf-8")
    raw = yaml.safe_load(text)
    numbers = {str(k).lower(): int(v) for k, v in raw["number_words"].items()}
    mods = {k.lower(): v for k, v in raw["mods"].items()}
    mod_alt = _alternation(list(mods)).replace(r"\ ", r"\s+")
    units = {}
    for name, size in raw["units"].items():
        (measure, k), *_ = size.items()
        # Weeks are counted as 7 calendar days (dates.md).
        units[name] = ("days", 7 * k) if measure == "weeks" else (measure, k)
    holiday_phrases = {
        p.lower(): {"name": h["name"], "default_country": h["default_country"]}
        for h in raw["holidays"]
        for p in h["phrases"]
    }
    return Vocab(
        raw=raw,
        weekday_index=_index(raw["weekdays"], 0),
        month_index=_index(raw["months"], 1),
        numbers=numbers,
        mods=mods,
        weekday_re=_names_re(raw["weekdays"]),
        month_re=_names_re(raw["months"]),
        number_re=rf"(?:\d{{1,3}}|(?i:(?<!\w)(?:{_alternation(list(numbers))})(?!\w)))",
        mod_re=re.compile(rf"(?i)(?<!\w)({mod_alt})\s+$"),
        # Cues match lower-cased text (`_cues.Sentences.lower`), so they are compiled
        # case-sensitive: the same matches, found faster. Longer patterns first, so
        # "expect a reply" is not cut to "expect".
        cue_re={
            role: re.compile(rf"(?<!\w)(?:{'|'.join(sorted(pats, key=len, reverse=True))})(?!\w)")
            for role, pats in raw["cues"].items()
        },
        past_re=re.compile(rf"(?<!\w)(?:{'|'.join(raw['past_cues'])})(?!\w)"),
        trap_re=_any_of(raw["traps"]),
        vague_re=_phrases_re(raw["vague_null"]),
        holiday_phrases=holiday_phrases,
        holiday_re=_phrases_re(list(holiday_phrases)),
        bank_holiday_re=_phrases_re(raw["bank_holiday_phrases"]),
        ordinal_nouns_re=_alternation(raw["ordinal_nouns"]),
        units=units,
        unit_re="(?:" + _alternation(list(units)).replace(r"\ ", r"\s+") + ")s?",
        fixed_days={k.lower(): (v[0], v[1]) for k, v in raw["fixed_days"].items()},
        fixed_days_re=_phrases_re(list(raw["fixed_days"])),
    )
