"""The patterns that find date expressions, each with the function that resolves it.

Every rule is a regex built from the vocabulary (date_vocab.yaml) and a resolver
that turns a match into a `Cand`idate, or None when the context says it is no date.
Hand-written because no maintained library finds these spans reliably (see
docs/dates.md for the measured comparison with dateparser); resolution uses the
calendar helpers, which lean on dateutil, numpy and holidays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, cached_property

from dateutil.relativedelta import relativedelta

from nextsteps.dates import _calendar as cal
from nextsteps.dates._vocab import Vocab, vocab

Point = date | datetime
Value = Point | tuple[Point, Point] | None

DAY = r"(?:3[01]|[12]\d|0?[1-9])"
ORD = r"(?:st|nd|rd|th)"


@dataclass
class Cand:
    """A found expression before its kind is decided."""

    start: int
    end: int
    value: Value
    vague: bool = False
    timed_ok: bool = False  # a clock time may be attached ("Wednesday at 2")
    pm_hint: bool = False  # "tonight at 8" means 20:00
    bare_weekday: int | None = None  # "Wednesday" alone: may borrow a week from its neighbour
    week_monday: date | None = None  # the week a qualified weekday fell in
    has_time: bool = False
    rule: str = ""
    #: A date told relative to the date before it ("the following day"): (how, n), resolved
    #: in `_find.resolve_anaphors` against that date, and dropped when there is none.
    anaphor: tuple[str, int] | None = None


_LETTERS = re.compile(r"[a-z]+")
_CASED_LETTERS = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"\d")


@dataclass
class Ctx:
    """What every resolver needs: the text, the sent datetime and the country."""

    text: str
    sent: datetime
    country: str | None
    v: Vocab = field(default_factory=vocab)

    @property
    def today(self) -> date:
        return self.sent.date()

    def mod_before(self, start: int) -> str | None:
        """The preposition right before an expression, as a `mod` ("no later than" -> "by")."""
        m = self.v.mod_re.search(self.text, max(0, start - 20), start)
        return self.v.mods[re.sub(r"\s+", " ", m.group(1).lower())] if m else None

    @cached_property
    def words(self) -> frozenset[str]:
        """The text's letter runs lower-cased ("Q3" -> "q", "14th" -> "th") and as written
        ("May"), for `Needs`: names matched in any case are looked up lower-cased, the
        abbreviations matched only as written ("May", not the verb) as written. The text has
        been through `fold_letters`, so lower() agrees with what `re.IGNORECASE` matches."""
        lower = _LETTERS.findall(self.text.lower())
        return frozenset(lower).union(_CASED_LETTERS.findall(self.text))

    @cached_property
    def has_digit(self) -> bool:
        return _DIGIT.search(self.text) is not None

    def word_before(self, start: int, pattern: str) -> bool:
        return bool(
            re.search(rf"(?i)(?<!\w)(?:{pattern})\s+$", self.text[max(0, start - 20) : start])
        )


Resolver = Callable[[re.Match[str], Ctx], Cand | None]


@dataclass(frozen=True)
class Needs:
    """What a text must hold for a rule to find anything in it, tested before the rule's regex.

    Python's `re` cannot skip ahead to a literal when a pattern opens with optional groups, so
    every rule tries itself at every character; most rules cannot match most messages, and a set
    lookup says so for a fraction of the cost. A `Needs` must be implied by every match the rule
    accepts (tests/test_dates.py runs the rules with and without it and compares).
    """

    words: tuple[frozenset[str], ...] = ()  # from each set, one word must be in the text
    digit: bool = False
    chars: str = ""  # every one of these characters must be in the text

    def met(self, ctx: Ctx) -> bool:
        if self.digit and not ctx.has_digit:
            return False
        if any(ch not in ctx.text for ch in self.chars):
            return False
        return all(not ctx.words.isdisjoint(ws) for ws in self.words)


@dataclass(frozen=True)
class Rule:
    """One row of the table in `rules()`."""

    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    needs: Needs


def _point(m: re.Match[str], d: date | None, **kw: object) -> Cand | None:
    return None if d is None else Cand(m.start(), m.end(), d, timed_ok=True, **kw)


def _span(m: re.Match[str], span: tuple[date, date] | None, **kw: object) -> Cand | None:
    return None if span is None else Cand(m.start(), m.end(), span, **kw)


def _roll(d: date, today: date) -> date:
    """A "this ..." day already past (sent at the weekend) means the one a week later."""
    return d + timedelta(days=7) if d < today else d


def _safe_date(y: int, mo: int, d: int) -> date | None:
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _year(y: str | None) -> int | None:
    if not y:
        return None
    return int(y) + 2000 if len(y) == 2 else int(y)


# --- calendar dates ---------------------------------------------------------------


def r_iso(m: re.Match[str], c: Ctx) -> Cand | None:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if d is None or not m["H"]:
        return _point(m, d)
    at = datetime(d.year, d.month, d.day, int(m["H"]), int(m["M"]))
    return Cand(m.start(), m.end(), at, has_time=True)


def _month_day(c: Ctx, month: int, day: int, year: int | None) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    return cal.month_day_on_or_after(c.today, month, day)


def r_month_day(m: re.Match[str], c: Ctx) -> Cand | None:
    return _point(m, _month_day(c, c.v.month(m["mon"]), int(m["d"]), _year(m["y"])))


_AT_TIME = re.compile(r"\s*,?\s*(?i:at|@)\s+\d")
_NUMERIC_CONTEXT = (
    r"on|by|before|until|till|through|from|after|start|starts|starting|due|dated|deadline:?|date:?"
    r"|for|of|and|or"
)


def r_numeric(m: re.Match[str], c: Ctx) -> Cand | None:
    """6/24 (US order) or 24/06 (day first only when it cannot be a month)."""
    a, b = int(m["a"]), int(m["b"])
    month, day = (b, a) if a > 12 else (a, b)
    if not 1 <= month <= 12:
        return None
    # A bare "8/10" is as often a rating or a fraction: ask for a date-like context.
    time_after = _AT_TIME.match(c.text, m.end())
    if not (m["y"] or m["wd"] or time_after or c.word_before(m.start(), _NUMERIC_CONTEXT)):
        return None
    return _point(m, _month_day(c, month, day, _year(m["y"])))


_DOT_CONTEXT = r"on|by|before|until|till|from|after|latest|due|dated|deadline:?|date:?|of"


def r_day_dot_month(m: re.Match[str], c: Ctx) -> Cand | None:
    """ "31.03" is a day and month only with a year or a date-like word before it."""
    if not (m["y"] or c.word_before(m.start(), _DOT_CONTEXT)):
        return None
    return _point(m, _month_day(c, int(m["m"]), int(m["d"]), _year(m["y"])))


def r_weekday_ordinal(m: re.Match[str], c: Ctx) -> Cand | None:
    """ "Wednesday the 14th": the next 14th that is a Wednesday, else the next 14th."""
    day, weekday = int(m["d"]), c.v.weekday(m["wd"])
    d = cal.day_of_month_on_or_after(c.today, day)
    probe = d
    for _ in range(24):
        if probe is None or probe.weekday() == weekday:
            break
        probe = cal.day_of_month_on_or_after(probe + timedelta(days=1), day)
    return _point(m, probe if probe is not None and probe.weekday() == weekday else d)


def r_day_ordinal(m: re.Match[str], c: Ctx) -> Cand | None:
    return _point(m, cal.day_of_month_on_or_after(c.today, int(m["d"])))


# --- weekdays and days ------------------------------------------------------------


def r_weekday(m: re.Match[str], c: Ctx) -> Cand | None:
    weekday, today = c.v.weekday(m["wd"]), c.today
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    week = re.sub(r"\s+", " ", (m["wk"] or "").lower()).removeprefix("of ")
    this_monday = cal.monday_of(today)
    if week or rel in ("this", "next"):
        monday = this_monday + timedelta(days=7 if "next" in (week, rel) else 0)
        d = monday + timedelta(days=weekday)
        d = _roll(d, today) if "next" not in (week, rel) else d
        return _point(m, d, week_monday=cal.monday_of(d))
    if rel in ("last", "past"):
        return _point(m, cal.weekday_before(today, weekday))
    bare = weekday if not rel else None
    return _point(m, cal.weekday_after(today, weekday), bare_weekday=bare)


_DAY_WORDS = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "yesterday": -1}


def r_day_word(m: re.Match[str], c: Ctx) -> Cand | None:
    word = re.sub(r"\s+", " ", m["w"].lower())
    # "the day after" only counts in "tomorrow or the day after"; "this morning" is today.
    offset = 2 if "day after" in word else _DAY_WORDS.get(word, 0)
    pm = word in ("tonight", "this evening", "this afternoon")
    return _point(m, c.today + timedelta(days=offset), pm_hint=pm)


def r_next_morning(m: re.Match[str], c: Ctx) -> Cand | None:
    """ "(first thing) in the morning": the next morning (the same one before 5 am)."""
    return _point(m, c.today + timedelta(days=int(c.sent.hour >= 5)))


def r_anaphor(m: re.Match[str], c: Ctx) -> Cand | None:
    """ "the following day", "that afternoon", "the end of that week", "two business days after
    that meeting": a date counted from the date mentioned just before it."""
    if m["week"]:
        how, n = "week_end", 0
    else:
        how, n = "days", 0 if m["that"] else 1
    pm = (m["part"] or m["part2"] or "").lower() in ("afternoon", "evening", "night")
    return Cand(m.start(), m.end(), None, timed_ok=True, pm_hint=pm, anaphor=(how, n))


def r_eod(m: re.Match[str], c: Ctx) -> Cand | None:
    return Cand(m.start(), m.end(), c.today)


def r_eow(m: re.Match[str], c: Ctx) -> Cand | None:
    return Cand(m.start(), m.end(), _roll(cal.monday_of(c.today) + timedelta(days=4), c.today))


# --- weeks --------------------------------------------------------------------------


def _week_monday(c: Ctx, which: str | None) -> date:
    """Monday of "this" (default) or "next"/"following"/"coming" week."""
    which = (which or "this").lower()
    this_monday = cal.monday_of(c.today)
    if which in ("next", "following", "coming"):
        return this_monday + timedelta(days=7)
    if which == "last":
        return this_monday - timedelta(days=7)
    return this_monday


def r_week_part(m: re.Match[str], c: Ctx) -> Cand | None:
    """End (Friday), middle (Wednesday) or beginning (Monday) of a week."""
    part = m["part"].lower()
    offset = {"end": 4, "middle": 2}.get(part, 0)
    d = _week_monday(c, m["which"]) + timedelta(days=offset)
    if (m["which"] or "this").lower() in ("this", "current"):
        d = _roll(d, c.today)
    return Cand(m.start(), m.end(), d, timed_ok=False)


def r_week_adverb(m: re.Match[str], c: Ctx) -> Cand | None:
    """Early (Mon-Tue), mid (Wed), late (Thu-Fri) of a week; "later this week"."""
    adv, which = m["adv"].lower(), m["which"].lower()
    monday = _week_monday(c, "next" if which == "next" else "this")
    if adv == "later" and which != "next":
        start = c.today + timedelta(days=1)
        return Cand(m.start(), m.end(), (start, max(start, monday + timedelta(days=4))))
    if adv == "mid":
        return Cand(m.start(), m.end(), monday + timedelta(days=2))
    if adv in ("early", "earlier"):
        return Cand(m.start(), m.end(), (monday, monday + timedelta(days=1)))
    return Cand(m.start(), m.end(), (monday + timedelta(days=3), monday + timedelta(days=4)))


def r_week(m: re.Match[str], c: Ctx) -> Cand | None:
    """This / next / last / the following week: its Monday-Friday."""
    which = re.sub(r"\s+", " ", (m["which"] or "").lower()).removeprefix("the ")
    which = which.removeprefix("this ") if which != "this" else which
    monday = cal.monday_of(c.today) + timedelta(days=14) if m["after"] else _week_monday(c, which)
    span = cal.work_week(monday)
    if which in ("this", "current") and span[1] < c.today:
        span = cal.work_week(monday + timedelta(days=7))
    return _span(m, span)


# --- months, years, quarters ------------------------------------------------------


def _month_of(c: Ctx, which: str | None) -> tuple[int, int]:
    base = c.today.replace(day=1)
    shift = {"next": 1, "following": 1, "last": -1}.get((which or "this").lower(), 0)
    d = base + relativedelta(months=shift)
    return d.year, d.month


def _month_point_or_part(m: re.Match[str], y: int, mo: int) -> Cand | None:
    part = (m["part"] or "").lower()
    if part == "end":
        return Cand(m.start(), m.end(), cal.last_day(y, mo))
    if part in ("beginning", "start"):
        return Cand(m.start(), m.end(), date(y, mo, 1))
    adv = "mid" if part == "middle" else m["adv"].lower()
    return _span(m, cal.month_part(y, mo, adv))


def r_month_part(m: re.Match[str], c: Ctx) -> Cand | None:
    y, mo = _month_of(c, m["which"])
    return _month_point_or_part(m, y, mo)


def r_named_month_part(m: re.Match[str], c: Ctx) -> Cand | None:
    y, mo = cal.month_on_or_after(c.today, c.v.month(m["mon"]), _year(m["y"]))
    return _month_point_or_part(m, y, mo)


def r_day_of_month_rel(m: re.Match[str], c: Ctx) -> Cand | None:
    """ "the 1st of next month": that day of this / next month."""
    return _point(m, _safe_date(*_month_of(c, m["which"]), int(m["d"])))


def r_month_rel(m: re.Match[str], c: Ctx) -> Cand | None:
    return _span(m, cal.month_span(*_month_of(c, m["which"])))


_MONTH_CONTEXT = r"in|by|until|till|before|after|during|through|from|since|of|for|starting|around"


def r_month_name(m: re.Match[str], c: Ctx) -> Cand | None:
    """A month on its own ("in April"): only after a preposition, "this/next" or with a year."""
    month, year = c.v.month(m["mon"]), _year(m["y"])
    rel = (m["rel"] or "").lower()
    if not (rel or year or c.word_before(m.start(), _MONTH_CONTEXT)):
        return None
    y, mo = cal.month_on_or_after(c.today, month, year)
    if rel == "next" and (y, mo) == (c.today.year, c.today.month):
        y += 1
    if rel == "last":
        y = c.today.year if month < c.today.month else c.today.year - 1
    return _span(m, cal.month_span(y, mo))


def r_year_end(m: re.Match[str], c: Ctx) -> Cand | None:
    return Cand(m.start(), m.end(), date(_year(m["y"]) or c.today.year, 12, 31))


def r_next_year(m: re.Match[str], c: Ctx) -> Cand | None:
    y = c.today.year + 1
    return _span(m, (date(y, 1, 1), date(y, 12, 31)))


def r_quarter(m: re.Match[str], c: Ctx) -> Cand | None:
    """Q1-Q4: the calendar quarter, this year's unless it has ended."""
    groups = m.groupdict()
    q, year = int(m["q"]), _year(groups.get("y") or groups.get("yy"))
    if year is None:
        year = c.today.year if q >= cal.quarter_of(c.today) else c.today.year + 1
    return _span(m, cal.quarter_span(year, q))


def _quarter_shift(c: Ctx, which: str | None) -> tuple[int, int]:
    shift = {"next": 1, "coming": 1, "last": -1}.get((which or "this").lower(), 0)
    d = c.today.replace(day=1) + relativedelta(months=3 * shift)
    return d.year, cal.quarter_of(d)


def r_quarter_rel(m: re.Match[str], c: Ctx) -> Cand | None:
    return _span(m, cal.quarter_span(*_quarter_shift(c, m["which"])))


def r_quarter_end(m: re.Match[str], c: Ctx) -> Cand | None:
    if m["q"]:
        span = r_quarter(m, c)
        return span and Cand(m.start(), m.end(), span.value[1])  # type: ignore[index]
    return Cand(m.start(), m.end(), cal.quarter_span(*_quarter_shift(c, m["which"]))[1])


# --- holidays and vague periods ---------------------------------------------------


def r_holiday(m: re.Match[str], c: Ctx) -> Cand | None:
    info = c.v.holiday_phrases[re.sub(r"\s+", " ", m.group(0).lower())]
    name, country = info["name"], info["default_country"]
    if c.country and cal.has_holiday(c.country, name, c.today.year):
        country = c.country
    d = cal.holiday_on_or_after(c.today, name, country)
    # "after the Diwali holidays", "before the Easter break": a period around the day.
    period = _HOLIDAY_PERIOD.match(c.text, m.end()) is not None
    return Cand(m.start(), m.end(), d, vague=d is None or period)


_HOLIDAY_PERIOD = re.compile(
    r"[’']?s?\s+(?i:holidays|break|vacation|season|period|festivities|long\s+weekend|weekend)(?!\w)"
)


def r_fixed_day(m: re.Match[str], c: Ctx) -> Cand | None:
    month, day = c.v.fixed_days[re.sub(r"\s+", " ", m.group(0).lower())]
    return _point(m, cal.month_day_on_or_after(c.today, month, day))


def r_bank_holiday(m: re.Match[str], c: Ctx) -> Cand | None:
    d = cal.next_public_holiday(c.today, c.country) if c.country else None
    return Cand(m.start(), m.end(), d, vague=d is None)


def r_vague(m: re.Match[str], c: Ctx) -> Cand | None:
    return Cand(m.start(), m.end(), None, vague=True)


# --- durations --------------------------------------------------------------------


def _unit(word: str) -> str:
    word = re.sub(r"\s+", " ", word.lower())
    return word[:-1] if word.endswith("s") and word[:-1] in vocab().units else word


def _after(c: Ctx, n: int, unit: str) -> Point:
    """The sent datetime (hours) or date plus n units (date_vocab.yaml `units`)."""
    measure, k = c.v.units[unit]
    if measure == "hours":
        return (c.sent + timedelta(hours=n * k)).replace(second=0, microsecond=0, tzinfo=None)
    if measure == "business_days":
        return cal.add_business_days(c.today, n * k, c.country)
    if measure == "months":
        return c.today + relativedelta(months=n * k)
    return c.today + timedelta(days=n * k)


_ANCHOR_BEFORE = (
    r"(?:valid|open|good)\s+for|in\s+(?:about|around|roughly|approximately)|(?:please\s+)?allow"
    # "you have 5 days to submit", "screenings typically take 3-5 business days"
    r"|(?:you|u)(?:'ll|’ll|\s+will|'ve|’ve)?\s+(?:have|get|got)|(?:typically|usually|normally|generally|should|will)\s+takes?"
)


def r_duration(m: re.Match[str], c: Ctx) -> Cand | None:
    """ "in 5 days", "within 48 hours", "the next 5-7 business days", "2-3 weeks"."""
    lead = (m["lead"] or "").lower()
    mod = c.mod_before(m.start())
    # A duration is a date only when anchored to now (notice periods, probation are not).
    anchored = (
        lead
        or mod in ("in", "within", "by")
        or m["fromnow"]
        or m["ofnow"]
        or m["afterthat"]
        or m["left"] is not None
    )
    if not (anchored or c.word_before(m.start(), _ANCHOR_BEFORE)):
        return None
    if not (m["n"] or lead):
        return None
    n = c.v.number(m["n"]) if m["n"] else 1
    unit = _unit(m["unit"])
    if m["afterthat"]:
        measure, k = c.v.units[unit]
        if m["n2"] or measure not in ("days", "business_days"):
            return None
        how = "bdays" if measure == "business_days" else "days"
        return Cand(m.start(), m.end(), None, timed_ok=True, anaphor=(how, n * k))
    if not 0 < n <= (400 if c.v.units[unit][0] != "months" else 24):
        return None
    if m["n2"]:
        n2 = c.v.number(m["n2"])
        if n2 <= n:
            return None
        return Cand(m.start(), m.end(), (_after(c, n, unit), _after(c, n2, unit)))
    end = _after(c, n, unit)
    if lead.startswith("the next") and mod != "within" and c.v.units[unit][0] != "hours":
        return Cand(m.start(), m.end(), (c.today, end))
    return Cand(m.start(), m.end(), end)


# --- the table ----------------------------------------------------------------------


@cache
def rules() -> tuple[Rule, ...]:
    """Every rule (name, compiled pattern, resolver, needs), built once from the vocabulary."""
    v = vocab()
    wd, mon, num = v.weekday_re, v.month_re, v.number_re
    unit = v.unit_re
    table: list[tuple[str, str, Resolver]] = [
        (
            "iso",
            r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:T(?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d))?"
            r"(?![\d-])",
            r_iso,
        ),
        (
            "month_day",
            rf"(?:(?P<wd>{wd}),?\s+)?(?:(?i:the)\s+)?(?P<mon>{mon})\s+(?P<d>{DAY}){ORD}?"
            rf"(?![\d:/.,]\d|\w|%)(?:,?\s+(?P<y>\d{{4}})(?!\d))?(?:\s*\((?:{wd})\))?",
            r_month_day,
        ),
        (
            "day_month",
            rf"(?:(?P<wd>{wd}),?\s+)?(?:(?i:the)\s+)?(?<![\d.,:/$])(?P<d>{DAY}){ORD}?\s+"
            rf"(?:(?i:of)\s+)?(?P<mon>{mon})(?:,?\s+(?P<y>\d{{4}})(?!\d))?(?:\s*\((?:{wd})\))?",
            r_month_day,
        ),
        (
            # "21-Nov-2024", "14-Aug" (Indian and British forms, ATS notices)
            "day_mon_dash",
            rf"(?<![\w/.-])(?P<d>{DAY})-(?P<mon>{mon})(?:-(?P<y>\d{{4}}|\d{{2}}))?(?![\w-])",
            r_month_day,
        ),
        (
            # "until 31.03", "latest 14.08", "on 14.08.2023" (day.month, continental Europe)
            "day_dot_month",
            r"(?<![\w.,$€£])(?P<d>3[01]|[12]\d|0[1-9])\.(?P<m>1[0-2]|0[1-9])(?:\.(?P<y>\d{4}))?"
            r"(?![\d%]|\.\d|\s*(?i:am|pm|a\.m|p\.m|h)\b)",
            r_day_dot_month,
        ),
        (
            "numeric",
            rf"(?:(?P<wd>{wd}),?\s+)?(?<![\d/.\-$])(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})"
            r"(?:/(?P<y>\d{4}|\d{2}))?(?![\d/]|\.\d)",
            r_numeric,
        ),
        (
            "weekday_ordinal",
            rf"(?P<wd>{wd}),?\s+(?:(?i:the)\s+)?(?P<d>{DAY}){ORD}(?!\w)",
            r_weekday_ordinal,
        ),
        (
            "day_ordinal",
            rf"(?:(?i:the)\s+|(?<=on\s)|(?<=or\s)|(?<=by\s)|(?<=and\s))(?P<d>{DAY}){ORD}(?![\w-])(?!\s+(?i:{v.ordinal_nouns_re})(?!\w))",
            r_day_ordinal,
        ),
        (
            "weekday",
            rf"(?:(?P<rel>(?i:this\s+coming|this|next|last|coming|past))\s+)?(?P<wd>{wd})"
            rf"(?:\s+(?P<wk>(?i:this|next|of\s+next|of\s+this))\s+(?i:week)(?!\w))?",
            r_weekday,
        ),
        (
            "day_word",
            r"(?i:(?<!\w)(?P<w>(?:the\s+)?day\s+after\s+tomorrow|(?<=or\s)the\s+day\s+after(?=\s*[.,;?!]|\s*$)|today|tonight|tomorrow|tmrw|tmr|"
            r"yesterday|this\s+(?:morning|afternoon|evening))(?!\w))",
            r_day_word,
        ),
        (
            "next_morning",
            r"(?i:(?<=\bin\s)the\s+morning(?!\w))",
            r_next_morning,
        ),
        (
            "anaphor",
            r"(?i:(?<!\w)(?:the\s+(?:following|next)\s+(?P<part>day|morning|afternoon|evening)"
            r"|(?P<that>that)\s+(?:same\s+)?(?P<part2>day|morning|afternoon|evening|night)"
            r"|(?:the\s+)?end\s+of\s+(?P<week>that|the\s+same)\s+(?:same\s+)?week)(?!\w))",
            r_anaphor,
        ),
        (
            "eod",
            r"(?<!\w)(?:EOD|COB|EOB|(?i:end\s+of\s+(?:the\s+)?(?:business\s+)?day|"
            r"close\s+of\s+(?:business|play)|end\s+of\s+business))(?!\w)",
            r_eod,
        ),
        ("eow", r"(?<!\w)EOW(?!\w)", r_eow),
        (
            "week_part",
            r"(?i:(?<!\w)(?:the\s+)?(?P<part>end|middle|beginning|start)\s+of\s+(?:the\s+)?"
            r"(?:(?P<which>this|next|current|following|coming)\s+)?week(?!\w))",
            r_week_part,
        ),
        (
            "week_adverb",
            r"(?i:(?<!\w)(?P<adv>early|mid|late|later|earlier)(?:[\s-]+|\s+in\s+)"
            r"(?P<which>this|next|the)\s+week(?!\w))",
            r_week_adverb,
        ),
        (
            "week",
            r"(?i:(?<!\w)(?:(?P<which>this|next|last|the\s+following|this\s+coming|the\s+coming)"
            r"\s+week|(?P<after>the\s+week\s+after\s+next))(?!\w))",
            r_week,
        ),
        (
            "month_part",
            r"(?i:(?<!\w)(?:the\s+)?(?P<part>end|beginning|start|middle)\s+of\s+(?:the\s+)?"
            r"(?:(?P<which>this|next|current|following)\s+)?month(?!\w))|(?<!\w)(?P<adv>EOM)(?!\w)",
            r_month_part_or_eom,
        ),
        (
            "month_adverb",
            r"(?i:(?<!\w)(?P<adv>early|mid|late)[\s-]+(?P<which>this|next)\s+month(?!\w))",
            r_month_adverb,
        ),
        (
            "day_of_month_rel",
            rf"(?i:(?<!\w)(?:the\s+)?(?P<d>{DAY}){ORD}\s+of\s+(?:the\s+)?(?P<which>this|next|following)"
            r"\s+month(?!\w))",
            r_day_of_month_rel,
        ),
        ("month_rel", r"(?i:(?<!\w)(?P<which>this|next|last)\s+month(?!\w))", r_month_rel),
        (
            "named_month_part",
            rf"(?:(?i:(?:the\s+)?(?P<part>end|beginning|start|middle)\s+of)\s+|"
            rf"(?P<adv>(?i:early|mid|late))[\s-]+)(?P<mon>{mon})(?:,?\s+(?P<y>\d{{4}})(?!\d))?",
            r_named_month_part,
        ),
        (
            "month_name",
            rf"(?:(?P<rel>(?i:this|next|last))\s+)?(?P<mon>{mon})(?:,?\s+(?P<y>\d{{4}})(?!\d))?",
            r_month_name,
        ),
        (
            "year_end",
            r"(?<!\w)(?:(?i:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:year|(?P<y>\d{4}))|"
            r"year[\s-]end)|EOY)(?!\w)",
            r_year_end,
        ),
        ("next_year", r"(?i:(?<!\w)next\s+year(?!\w))", r_next_year),
        ("quarter", r"(?<!\w)Q(?P<q>[1-4])(?:\s+(?P<y>\d{4})|\s*'(?P<yy>\d{2}))?(?!\w)", r_quarter),
        (
            "quarter_rel",
            r"(?i:(?<!\w)(?:the\s+)?(?P<which>this|next|last|current|coming)\s+quarter(?!\w))",
            r_quarter_rel,
        ),
        (
            "quarter_end",
            r"(?i:(?<!\w)(?:the\s+)?end\s+of\s+(?:the\s+)?(?:(?P<which>this|next|current)\s+)?"
            r"quarter(?!\w))|(?i:(?<!\w)(?:the\s+)?end\s+of\s+)Q(?P<q>[1-4])(?!\w)",
            r_quarter_end,
        ),
        ("holiday", v.holiday_re, r_holiday),
        ("fixed_day", v.fixed_days_re, r_fixed_day),
        ("bank_holiday", v.bank_holiday_re, r_bank_holiday),
        ("vague", v.vague_re, r_vague),
        (
            "duration",
            rf"(?P<lead>(?i:the\s+next|the\s+following|another)\s+)?(?:(?<![\d.,])(?P<n>{num})"
            rf"(?:\s*\(\d{{1,3}}\))?(?:\s*(?:-|–|(?i:to|or))\s*(?P<n2>{num}))?[\s-]+)?"
            rf"(?P<unit>(?i:{unit}))(?!\w)(?:(?:'s|')?\s+(?i:time))?"
            r"(?P<fromnow>\s+(?i:from\s+(?:now|today)))?"
            # "24 hours left to finish": counted from now.
            r"(?P<left>(?=\s+(?i:left|remaining)\s+(?i:to|for|before|until)\b))?"
            # "within 48 hours of this email", "within 7 days of today": counted from now.
            r"(?P<ofnow>\s+(?i:(?:of|from)\s+(?:today|(?:the\s+)?(?:date\s+of\s+|receipt\s+of\s+|"
            r"receiving\s+)?(?:this|my|our)\s+(?:e-?mail|mail|message|notice|notification|"
            r"communication|letter|note|invitation|invite))(?!\w)))?"
            # "two business days after that meeting": counted from the date before it.
            r"(?P<afterthat>\s+(?i:after|following)\s+that(?:\s+(?i:meeting|date|day|vote|decision))?"
            r"(?!\w))?"
            r"(?!\s+(?i:of|after|from|following|prior|before|a|per|notice)\b)",
            r_duration,
        ),
        (
            "duration_vague",
            r"(?i:(?<!\w)(?:the\s+next\s+|a\s+|another\s+)?(?:(?P<couple>couple)\s+(?:of\s+)?"
            r"(?:more\s+)?(?P<unit>days|weeks|months)|(?P<unit2>day|week|month)\s+or\s+two)(?!\w))",
            r_duration_vague_any,
        ),
    ]
    needs = _needs(v)
    return tuple(Rule(name, re.compile(p), fn, needs.get(name, Needs())) for name, p, fn in table)


def _words(*words: str) -> frozenset[str]:
    return frozenset(words)


def _names(entries: list[dict[str, list[str]]]) -> frozenset[str]:
    """Full names lower-cased (they match in any case), abbreviations as written (vocab.py)."""
    return frozenset(w.lower() for e in entries for w in e["full"]) | frozenset(
        w for e in entries for w in e["abbr"]
    )


def _phrase_words(phrases: Iterable[str]) -> frozenset[str]:
    """One word per phrase (its longest), which any text holding the phrase holds too."""
    out = set()
    for phrase in phrases:
        letters = _LETTERS.findall(phrase.lower())
        if not letters:
            return frozenset()  # cannot be tested by words: the caller must not filter
        out.add(max(letters, key=len))
    return frozenset(out)


def _needs(v: Vocab) -> dict[str, Needs]:
    """Each rule's `Needs`, read off its pattern above: the words no match can lack."""
    wd, mon = _names(v.raw["weekdays"]), _names(v.raw["months"])
    ords = _words("st", "nd", "rd", "th")
    units = frozenset(w for u in v.units for w in _LETTERS.findall(u) for w in (w, w + "s"))
    needs = {
        "iso": Needs(digit=True, chars="-"),
        "month_day": Needs((mon,), digit=True),
        "day_month": Needs((mon,), digit=True),
        "day_mon_dash": Needs((mon,), digit=True, chars="-"),
        "day_dot_month": Needs(digit=True, chars="."),
        "numeric": Needs(digit=True, chars="/"),
        "weekday_ordinal": Needs((wd, ords), digit=True),
        "day_ordinal": Needs((ords,), digit=True),
        "weekday": Needs((wd,)),
        "day_word": Needs(
            (
                _words(
                    *("today", "tonight", "tomorrow", "tmrw", "tmr", "yesterday", "after"),
                    *("morning", "afternoon", "evening"),
                ),
            )
        ),
        "next_morning": Needs((_words("morning"),)),
        "anaphor": Needs(
            (
                _words("following", "next", "that", "same"),
                _words("day", "morning", "afternoon", "evening", "night", "week"),
            )
        ),
        "eod": Needs((_words("eod", "cob", "eob", "end", "close"),)),
        "eow": Needs((_words("eow"),)),
        "week_part": Needs((_words("week"), _words("end", "middle", "beginning", "start"))),
        "week_adverb": Needs((_words("week"), _words("early", "mid", "late", "later", "earlier"))),
        "week": Needs((_words("week"),)),
        "month_part": Needs((_words("month", "eom"),)),
        "month_adverb": Needs((_words("month"), _words("early", "mid", "late"))),
        "day_of_month_rel": Needs((_words("month"), ords), digit=True),
        "month_rel": Needs((_words("month"),)),
        "named_month_part": Needs(
            (mon, _words("end", "beginning", "start", "middle", "early", "mid", "late"))
        ),
        "month_name": Needs((mon,)),
        "year_end": Needs((_words("end", "year", "eoy"),)),
        "next_year": Needs((_words("next"), _words("year"))),
        "quarter": Needs((_words("q"),), digit=True),
        "quarter_rel": Needs((_words("quarter"),)),
        "quarter_end": Needs((_words("end"), _words("quarter", "q"))),
        "duration": Needs((units,)),
        "duration_vague": Needs(
            (_words("couple", "or"), _words("day", "days", "week", "weeks", "month", "months"))
        ),
    }
    phrases = {
        "holiday": v.holiday_phrases,
        "fixed_day": v.fixed_days,
        "bank_holiday": v.raw["bank_holiday_phrases"],
        "vague": v.raw["vague_null"],
    }
    for name, words in phrases.items():
        if found := _phrase_words(words):
            needs[name] = Needs((found,))
    return needs


def r_month_part_or_eom(m: re.Match[str], c: Ctx) -> Cand | None:
    if m["adv"]:  # EOM
        return Cand(m.start(), m.end(), cal.last_day(c.today.year, c.today.month))
    return r_month_part(m, c)


def r_month_adverb(m: re.Match[str], c: Ctx) -> Cand | None:
    y, mo = _month_of(c, m["which"])
    return _span(m, cal.month_part(y, mo, m["adv"].lower()))


def r_duration_vague_any(m: re.Match[str], c: Ctx) -> Cand | None:
    unit = _unit(m["unit"] or m["unit2"])
    lo, hi = (2, 3) if m["couple"] else (1, 2)
    return Cand(m.start(), m.end(), (_after(c, lo, unit), _after(c, hi, unit)), vague=True)
