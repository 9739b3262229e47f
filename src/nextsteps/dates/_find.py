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
_AP = r"(?i:a\.m\.?|p\.m\.?|am|pm)"
_HOUR_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
# "2", "2pm", "10:30am", "9.30" (UK), "14h" (24-hour clock, "h" for hours), "2-3pm",
# "11:00am - 11:30am", "11 o'clock", "eleven" (only after "at"), "noon".
_TIME = (
    r"(?:(?P<noon>(?i:(?:12\s+)?noon|midday))|"
    rf"(?P<h>[01]?\d|2[0-3])(?:[:.h](?P<mi>[0-5]\d)|(?P<hh>h))?(?:\s*(?P<ap>{_AP}))?"
    rf"(?:\s*(?:-|–|to)\s*(?P<h2>[01]?\d|2[0-3])(?:[:.][0-5]\d)?(?:\s*(?P<ap2>{_AP}))?)?"
    r"(?:\s*(?P<oc>o['’]clock))?(?![\w/]|:\d|\.\d)"
    rf"|(?P<hw>(?i:{_HOUR_WORDS}))(?:\s*(?P<ocw>o['’]clock))?(?![\w-])(?!\s+(?i:of|to|or|and|days?|weeks?|hours?|more)\b)"
    r")"
    rf"(?:\s+\(?(?P<tz>{_TZ})\)?(?![\w)]))?"
)
# Between a day and its time: blanks, a comma, and the dots, bars and emoji of calendar invites
# ("Tuesday Oct 14, 2025 ⋅ 2pm", "Friday, 13 January 2023\n🕚 11:30").
_SEP = r"[\s,·•|\u2190-\u2bff\U0001F300-\U0001FAFF\uFE0F]*"
# After a day: "Wednesday at 2", "Monday morning, 11 o'clock", "December 4 (Thu), 13:30",
# "Date: Thursday 14 March\nTime: 11:00am" (a labelled time on the next line).
_TIME_AFTER = re.compile(
    r"(?:\s+(?P<part>(?i:morning|afternoon|evening|night|arvo)))?"
    rf"{_SEP}(?:(?i:(?:report|start|event)?\s*time)\s*:\s*)?"
    rf"(?:(?P<at>(?i:at|@|from|around|by))\s+)?{_TIME}"
)
# Before a day: "at 2pm on Thursday", "by 5 tomorrow" (the preposition stays outside the span).
_TIME_BEFORE = re.compile(
    rf"(?:(?P<at>(?i:at|@))\s+|(?<!\w)(?P<by>(?i:by|before|until|till))\s+)?(?P<t>{_TIME})"
    # "09:30am - 10:00am (Central Time - US & Canada) on Monday, March 3"
    r"(?:\s*\([^()\n]{2,40}\))?\s*,?\s+(?:(?i:on)\s+)?$"
)
# "Friday at 10 in the morning": the part of day after a time belongs to it.
_PART_AFTER = re.compile(r"\s*,?\s*(?i:in\s+the\s+(?P<part>morning|afternoon|evening))(?!\w)")
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
    for rule in rules():
        if not rule.needs.met(ctx):
            continue
        for m in rule.pattern.finditer(ctx.text):
            cand = rule.resolve(m, ctx)
            if cand is not None:
                cand.rule = rule.name
                found.append(cand)
    found += [e for c in found if (e := _extend_prefix(c, ctx)) is not None]
    return resolve_anaphors(found, ctx)


#: How far back (characters) the date that "the following day" counts from may be.
_ANAPHOR_REACH = 250


def resolve_anaphors(found: list[Cand], ctx: Ctx) -> list[Cand]:
    """Give "the following day", "that afternoon" ... the date they count from, or drop them."""
    if not any(c.anaphor for c in found):
        return found
    out = []
    for c in found:
        if c.anaphor is None:
            out.append(c)
            continue
        before = [
            a
            for a in found
            if a.anaphor is None
            and a.end <= c.start
            and a.end >= c.start - _ANAPHOR_REACH
            and isinstance(a.value, date)
        ]
        if not before:
            continue
        base = max(before, key=lambda a: (a.end, a.end - a.start)).value
        day = base.date() if isinstance(base, datetime) else base
        how, n = c.anaphor
        if how == "week_end":
            c.value = cal.monday_of(day) + timedelta(days=4)
        elif how == "bdays":
            c.value = cal.add_business_days(day, n, ctx.country)
        else:
            c.value = day + timedelta(days=n)
        c.anaphor = None
        out.append(c)
    return out


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
    if not cands:
        return cands
    traps = [m.span() for m in ctx.v.trap_re.finditer(text)]
    if not traps:
        return cands
    return [c for c in cands if not any(c.start < e and s < c.end for s, e in traps)]


def longest_first(cands: list[Cand]) -> list[Cand]:
    """Non-overlapping candidates, the longest winning, in text order."""
    kept: list[Cand] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start, c.rule != "anaphor")):
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


_WORD_HOURS = {w: i + 1 for i, w in enumerate(_HOUR_WORDS.split("|"))}


def _clock(m: re.Match[str], pm_hint: bool) -> time:
    if m["noon"]:
        return time(12, 0)
    if m["hw"]:
        return time(_hour(_WORD_HOURS[m["hw"].lower()], None, pm_hint), 0)
    h, mi, ap = int(m["h"]), int(m["mi"] or 0), m["ap"] or m["ap2"]
    if not ap and (m["hh"] or m["h"].startswith("0")):
        return time(h, mi)  # a 24-hour clock: "14h", "06:00"
    if not m["ap"] and ap and h > int(m["h2"]) % 12 and ap.lower().startswith("p"):
        ap = "am"  # "11-1pm" starts at 11 am
    return time(_hour(h, ap, pm_hint), mi)


def _is_time(m: re.Match[str] | None) -> bool:
    """A number is a clock time only with "at", am/pm, minutes, "h", "o'clock" or "noon"."""
    if m is None:
        return False
    if m["hw"]:
        return bool(m["at"] or m["ocw"])
    return bool(m["at"] or m["ap"] or m["ap2"] or m["mi"] or m["hh"] or m["oc"] or m["noon"])


_PM_PARTS = frozenset({"afternoon", "evening", "night", "arvo"})


def attach_times(kept: list[Cand], ctx: Ctx) -> None:
    """Give a day its clock time: "Wednesday at 2", "at 10:30am PT on Thursday"."""
    text = ctx.text
    for i, c in enumerate(kept):
        if not c.timed_ok or not isinstance(c.value, date) or isinstance(c.value, datetime):
            continue
        limit = kept[i + 1].start if i + 1 < len(kept) else len(text)
        after = _TIME_AFTER.match(text, c.end, limit)
        if _is_time(after):
            pm = c.pm_hint or (after["part"] or "").lower() in _PM_PARTS
            c.value, c.end, c.has_time = _combine(c, after, pm), after.end(), True
            if part := _PART_AFTER.match(text, c.end):  # "at 10 in the morning"
                c.end = part.end()
            continue
        floor = kept[i - 1].end if i else 0
        head = text[max(floor, c.start - 80) : c.start]
        before = _TIME_BEFORE.search(head)
        if before and (before["by"] or _is_time(before)):
            c.value, c.has_time = _combine(c, before, c.pm_hint), True
            first = "t" if before["by"] else 0
            c.start = c.start - len(head) + before.start(first)


def absorb_parts_of_day(kept: list[Cand], text: str) -> list[Cand]:
    """ "on the 13th, in the morning", "Friday at 10 in the morning": no second date."""
    out: list[Cand] = []
    for c in kept:
        if c.rule == "next_morning" and out:
            prev = out[-1]
            if prev.end >= c.end:
                continue
            gap = _PART_AFTER.match(text, prev.end)
            if gap and gap.end() == c.end:
                prev.end = c.end
                continue
        out.append(c)
    return out


def _combine(c: Cand, m: re.Match[str], pm_hint: bool) -> datetime:
    return datetime.combine(c.value, _clock(m, pm_hint))  # type: ignore[arg-type]


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


def to_mentions(kept: list[Cand], ctx: Ctx, original: str) -> list[DateMention]:
    """Mentions whose `text` is sliced from the `original` (ctx.text may be letter-folded)."""
    sentences = Sentences.of(ctx.text)
    out = []
    for c in kept:
        mod = ctx.mod_before(c.start)
        out.append(
            DateMention(
                text=original[c.start : c.end],
                start=c.start,
                end=c.end,
                kind=kind_of(c, mod, sentences),
                value=fmt(c.value),
                mod=mod,
            )
        )
    return out
