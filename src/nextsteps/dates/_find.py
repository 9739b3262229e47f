"""find_dates: run the rules, keep the longest non-overlapping matches, attach clock times."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from nextsteps.dates import _calendar as cal
from nextsteps.dates._cues import Sentences, cue_role
from nextsteps.dates._rules import Cand, Ctx, Value, rules
from nextsteps.types import DateMention, MentionKind

DEADLINE_MODS = frozenset({"by", "before", "until", "within"})

_TZ = r"(?:PT|PST|PDT|ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|GMT|BST|UTC|IST|AEST|AEDT|AET|CET|CEST)"
_TIME = (
    r"(?:(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?"
    r"(?:\s*(?:-|–|to)\s*(?P<h2>[01]?\d|2[0-3])(?::[0-5]\d)?)?"
    r"(?:\s*(?P<ap>(?i:a\.m\.?|p\.m\.?|am|pm)))?(?![\w/]|:\d|\.\d)|(?P<noon>(?i:noon|midday)))"
    rf"(?:\s+(?P<tz>{_TZ})(?!\w))?"
)
_TIME_AFTER = re.compile(rf"\s*,?\s*(?:(?P<at>(?i:at|@|from|around|by))\s+)?{_TIME}")
_TIME_BEFORE = re.compile(rf"(?:(?P<at>(?i:at|@))\s+)?{_TIME}\s*,?\s+(?:(?i:on)\s+)?$")
_SUFFIX_EOD = re.compile(r"\s+(?:EOD|COB|(?i:end\s+of\s+(?:the\s+)?(?:business\s+)?day))(?!\w)")
_PREFIX_WEEK_OF = re.compile(r"(?i:(?<!\w)the\s+week\s+(?:of|commencing|beginning)\s+)$")
_PREFIX_EOD = re.compile(
    r"(?<!\w)(?:EOD|COB|(?i:end\s+of\s+(?:the\s+)?(?:business\s+)?day|close\s+of\s+business))"
    r"\s*(?:,\s*|(?i:on)\s+)?$"
)
_JOINER = re.compile(r"\s*,?\s*(?i:or|and)\s+(?:(?i:on)\s+)?|\s*/\s*")
_COMMA = re.compile(r"\s*,\s*")


def collect(ctx: Ctx) -> list[Cand]:
    """Every rule's candidates, plus their "the week of ..." and "EOD ..." extensions."""
    found: list[Cand] = []
    for name, pattern, resolve in rules():
        for m in pattern.finditer(ctx.text):
            cand = resolve(m, ctx)
            if cand is not None:
                cand.rule = name
                found.append(cand)
    return found + [e for c in found if (e := _extend_prefix(c, ctx)) is not None]


def _extend_prefix(c: Cand, ctx: Ctx) -> Cand | None:
    if not isinstance(c.value, date) or isinstance(c.value, datetime):
        return None
    head = ctx.text[max(0, c.start - 40) : c.start]
    if m := _PREFIX_WEEK_OF.search(head):
        span = cal.work_week(cal.monday_of(c.value))
        return Cand(c.start - len(head) + m.start(), c.end, span, rule="week_of")
    if m := _PREFIX_EOD.search(head):
        return replace(c, start=c.start - len(head) + m.start(), timed_ok=False, rule="eod_day")
    if m := _SUFFIX_EOD.match(ctx.text, c.end):  # "tomorrow EOD"
        return replace(c, end=m.end(), timed_ok=False, rule="eod_day")
    return None


def drop_traps(cands: list[Cand], text: str, ctx: Ctx) -> list[Cand]:
    traps = [m.span() for m in ctx.v.trap_re.finditer(text)]
    if not traps:
        return cands
    return [c for c in cands if not any(c.start < e and s < c.end for s, e in traps)]


def longest_first(cands: list[Cand]) -> list[Cand]:
    """Non-overlapping candidates, the longest winning, in text order."""
    kept: list[Cand] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start)):
        if all(c.end <= k.start or k.end <= c.start for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _hour(h: int, ap: str | None, pm_hint: bool) -> int:
    """Clock hour: am/pm as written; bare 1-7 are pm, 8-11 am (dates.md), "tonight at 8" pm."""
    if ap:
        return h % 12 + (12 if ap.lower().startswith("p") else 0)
    if 1 <= h <= 7 or (pm_hint and 8 <= h <= 11):
        return h + 12
    return h


def _clock(m: re.Match[str], pm_hint: bool) -> time:
    if m["noon"]:
        return time(12, 0)
    h, ap = int(m["h"]), m["ap"]
    if ap and m["h2"] and h > int(m["h2"]) % 12 and ap.lower().startswith("p"):
        ap = "am"  # "11-1pm" starts at 11 am
    return time(_hour(h, ap, pm_hint), int(m["mi"] or 0))


def attach_times(kept: list[Cand], ctx: Ctx) -> None:
    """Give a day its clock time: "Wednesday at 2", "at 10:30am PT on Thursday"."""
    text = ctx.text
    for i, c in enumerate(kept):
        if not c.timed_ok or not isinstance(c.value, date) or isinstance(c.value, datetime):
            continue
        limit = kept[i + 1].start if i + 1 < len(kept) else len(text)
        after = _TIME_AFTER.match(text, c.end, limit)
        if after and (after["at"] or after["ap"] or after["mi"] or after["noon"]):
            c.value, c.end, c.has_time = _combine(c, after), after.end(), True
            continue
        floor = kept[i - 1].end if i else 0
        head = text[max(floor, c.start - 40) : c.start]
        before = _TIME_BEFORE.search(head)
        if before and (before["at"] or before["ap"] or before["mi"] or before["noon"]):
            c.value, c.has_time = _combine(c, before), True
            c.start = c.start - len(head) + before.start()


def _combine(c: Cand, m: re.Match[str]) -> datetime:
    return datetime.combine(c.value, _clock(m, c.pm_hint))  # type: ignore[arg-type]


def share_across_or(kept: list[Cand], text: str) -> None:
    """ "Wednesday or Thursday at 2": the time (and week) of the last option holds for all."""
    shared: set[int] = set()
    for a, b in reversed(list(itertools.pairwise(kept))):
        # A comma joins options only inside a list that ends in "or"/"and".
        comma = id(b) in shared and _COMMA.fullmatch(text, a.end, b.start)
        if not (comma or _JOINER.fullmatch(text, a.end, b.start)):
            continue
        shared.add(id(a))
        if a.bare_weekday is not None and b.week_monday is not None:
            day = b.week_monday + timedelta(days=a.bare_weekday)
            a.value, a.week_monday = day, b.week_monday
        if b.has_time and not a.has_time and a.timed_ok and isinstance(b.value, datetime):
            a.value, a.has_time = datetime.combine(a.value, b.value.time()), True  # type: ignore[arg-type]


def fmt(value: Value) -> str | dict[str, str] | None:
    """dates.md form: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or {"start", "end"}."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return {"start": fmt(value[0]), "end": fmt(value[1])}  # type: ignore[dict-item]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def kind_of(c: Cand, mod: str | None, sentences: Sentences) -> MentionKind:
    """deadline / event / range / vague, from the value, the preposition and the cue words."""
    if c.vague or c.value is None or mod == "after":
        return "vague"
    if isinstance(c.value, tuple):
        return "range"
    if mod in DEADLINE_MODS:
        return "deadline"
    role = cue_role(sentences, c.start, c.end)
    if role is None and c.rule in ("eod", "eow", "eod_day"):
        return "deadline"  # "EOD Friday" is a time something is due
    return "deadline" if role in ("hear_by", "deadline") else "event"


def to_mentions(kept: list[Cand], ctx: Ctx) -> list[DateMention]:
    sentences = Sentences(ctx.text)
    out = []
    for c in kept:
        mod = ctx.mod_before(c.start)
        out.append(
            DateMention(
                text=ctx.text[c.start : c.end],
                start=c.start,
                end=c.end,
                kind=kind_of(c, mod, sentences),
                value=fmt(c.value),
                mod=mod,
            )
        )
    return out
