"""The key date of a message: the one date the candidate's follow-up hangs on."""

from __future__ import annotations

import re
from datetime import datetime

from nextsteps.dates._cues import Sentences, nearest_cue
from nextsteps.dates._vocab import vocab
from nextsteps.types import DateMention, KeyDate, KeyDateKind

# Quoted earlier messages do not count (labelling guide): they start at the first of these.
_QUOTE_START = re.compile(
    r"(?m)^(?:On\s.{4,200}?wrote:\s*$|>|-{2,}\s*Original Message|_{5,}|From:\s)"
)
#: A deadline to act wins over an event, an event over a hear-back date; a date that no
#: cue word explains ("the office is closed Monday") comes last.
_RANK = {"deadline": 0, "event": 1, "hear_by": 2, "uncued": 3}
#: When the message promises an answer, the date to hear back by comes first: "we meet the
#: last candidates this week and decide by Friday" hangs on Friday, not on "this week".
_HEAR_BACK_RANK = {"hear_by": 0, "deadline": 1, "uncued": 2, "event": 3}
#: "by"/"within" a date is something to do by then, whatever the nearest cue; "until"
#: is often just an absence ("travelling until the 20th"), so it does not count here.
_ACT_BY = frozenset({"by", "before", "within"})
_LEFT = re.compile(r"\s+(?i:left|remaining)\s+(?i:to|for|before|until)\b")
#: An event cue farther than this does not make the date an event ("the first option").
_EVENT_REACH = 15


#: A past cue this far before a date, with no comma or "and"/"but" between, makes it past:
#: "Thank you for meeting with the members of our Tax practice group on Tuesday".
_PAST_REACH = 80
_CLAUSE_BREAK = re.compile(r"[,:;—–]|\s-\s|\s(?:and|but|so|then)\s", re.IGNORECASE)
#: "this morning" in a message sent after noon is over (and "this afternoon" after 6 pm).
_OVER_AFTER = {"this morning": 12, "this afternoon": 18}


def _past_in_clause(m: DateMention, sentences: Sentences) -> bool:
    lo, _ = sentences.around(m.start, m.end)
    lo = max(lo, m.start - _PAST_REACH)
    last = None
    for last in vocab().past_re.finditer(sentences.lower, lo, m.start):  # noqa: B007
        pass
    return last is not None and not _CLAUSE_BREAK.search(sentences.text, last.end(), m.start)


def _role(m: DateMention, sentences: Sentences) -> tuple[str, int]:
    """(role, distance to its cue); options of one event share a bucket, so the first wins."""
    role, distance = nearest_cue(sentences, m.start, m.end) or ("uncued", 0)
    if role in ("uncued", "event") and _past_in_clause(m, sentences):
        return "past", 0
    if role in ("uncued", "event") and _LEFT.match(sentences.text, m.end):
        return "deadline", 0  # "24 hours left to finish"
    if m.mod in _ACT_BY and role in ("uncued", "event"):
        return "deadline", distance if role == "event" and m.mod == "before" else 0
    if m.mod in _ACT_BY and role == "hear_by":
        return "hear_by", max(0, distance - 10)  # "results will be issued no later than the 17th"
    if role == "event":
        return ("event", 0) if distance <= _EVENT_REACH else ("uncued", 0)
    return role, distance


# "Could you send me your availability next week?": the window says when the candidate is asked
# to be free, not a date to hear back, act or attend by; the corpus writers give no key date.
_AVAILABILITY = re.compile(
    r"(?<!\w)(?:availability|available\s+(?:times|slots|days)|preferred\s+(?:day|time)s?"
    r"|(?:best|good)\s+(?:days?|times?)|windows?|slots?|times?\s+that\s+(?:work|suit))(?!\w)"
)


def _availability_window(m: DateMention, sentences: Sentences) -> bool:
    """A window (not a day) after an availability word in its own sentence."""
    if not isinstance(m.value, dict):
        return False
    lo, _ = sentences.around(m.start, m.end)
    return _AVAILABILITY.search(sentences.lower, lo, m.start) is not None


#: "tonight or tomorrow morning", "Monday or Tuesday at the latest", "Mon/Tue".
_OR = re.compile(r"\s*,?\s*(?i:or)\s+(?:(?i:on|by)\s+)?|\s*/\s*")


def _last_option(text: str, m: DateMention, mentions: list[DateMention]) -> DateMention:
    """One hears back or acts by the last of several options: the latest date counts."""
    i = mentions.index(m)
    while i + 1 < len(mentions):
        n = mentions[i + 1]
        if n.value is None or not _OR.fullmatch(text, mentions[i].end, n.start):
            break
        i += 1
    last = mentions[i]
    if last is m or _end(last.value) < _end(m.value):  # type: ignore[arg-type]
        return m
    return last


def _with_time(m: DateMention, role: str, usable: list[tuple[str, DateMention]]) -> DateMention:
    """ "tomorrow, Wednesday at 9:30": the same day told again with its time gives the time."""
    if not isinstance(m.value, str) or len(m.value) != 10:
        return m
    for r, o in usable:
        if r == role and isinstance(o.value, str) and o.value[:10] == m.value and len(o.value) > 10:
            return o
    return m


def _end(value: str | dict[str, str]) -> str:
    return value if isinstance(value, str) else value["end"]


def _pick(value: str | dict[str, str], role: str) -> str:
    """A window's end is what one waits for; an event window starts when it starts."""
    if isinstance(value, str):
        return value
    return value["start"] if role == "event" else value["end"]


def choose_key_date(
    text: str, sent_at: datetime, mentions: list[DateMention], *, hear_back: bool = False
) -> KeyDate | None:
    """Rank the usable mentions: definite first, then deadline > event > hear_by, then first
    (hear_by first when `hear_back`). A hear-back or act-by date with "or" options takes the
    last ("Thursday or Friday at the latest"); a date told again with its clock time
    ("tomorrow, Tuesday at 3:30") takes the time."""
    ranks = _HEAR_BACK_RANK if hear_back else _RANK
    quote = _QUOTE_START.search(text)
    cutoff = quote.start() if quote else len(text)
    sent_day = sent_at.date().isoformat()
    sentences = Sentences.of(text)
    best: tuple[tuple[bool, int, int, int], str, DateMention] | None = None
    usable: list[tuple[str, DateMention]] = []
    for m in mentions:
        if m.start >= cutoff or m.value is None:
            continue
        role, distance = _role(m, sentences)
        end = m.value if isinstance(m.value, str) else m.value["end"]
        if role == "past" or end[:10] < sent_day:
            continue
        if sent_at.hour >= _OVER_AFTER.get(m.text.lower(), 24):
            continue
        if _availability_window(m, sentences):
            continue
        usable.append((role, m))
        rank = (m.kind == "vague", ranks[role], distance, m.start)
        if best is None or rank < best[0]:
            best = (rank, role, m)
    if best is None:
        return None
    _, role, m = best
    if role in ("hear_by", "deadline") or hear_back:
        m = _last_option(text, m, mentions)
    m = _with_time(m, role, usable)
    role = "hear_by" if hear_back else "event" if role == "uncued" else role
    kind: KeyDateKind = role  # type: ignore[assignment]
    return KeyDate(value=_pick(m.value, role), kind=kind, mention=m)  # type: ignore[arg-type]
