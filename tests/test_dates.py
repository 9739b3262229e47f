"""The date finder: gold-file accuracy, the conventions of docs/dates.md, and properties."""

from __future__ import annotations

import doctest
import itertools
import json
import re
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import nextsteps.dates
from nextsteps.dates import find_dates, key_date
from nextsteps.dates.gold import read_gold, score_gold

GOLD = Path(__file__).parent / "data" / "dates_gold.jsonl"


def load_gold() -> list[dict]:
    return read_gold(GOLD)


@pytest.fixture(scope="module")
def gold_scores() -> dict[str, float]:
    scores = score_gold(load_gold())
    print("\ndate finder on the gold file:", json.dumps(scores, indent=1))
    return scores


# --- the gold file ------------------------------------------------------------------


def test_gold_file_has_enough_expressions_and_dateless_messages() -> None:
    rows = load_gold()
    assert sum(len(r["expected"]) for r in rows) >= 260
    assert sum(not r["expected"] for r in rows) >= 45


def test_gold_offsets_slice_to_the_expression_text() -> None:
    for row in load_gold():
        for e in row["expected"]:
            assert row["text"][e["start"] : e["end"]] == e["text"]


def test_spans_are_found_with_f1_of_at_least_095(gold_scores: dict[str, float]) -> None:
    assert gold_scores["f1"] >= 0.95


def test_values_of_found_spans_are_exact_at_least_90_percent(gold_scores: dict[str, float]) -> None:
    assert gold_scores["value_accuracy"] >= 0.90


def test_at_most_two_dateless_messages_get_a_false_date(gold_scores: dict[str, float]) -> None:
    assert gold_scores["trap_messages_with_fp"] <= 2


def test_key_date_is_right_for_at_least_90_percent_of_messages(
    gold_scores: dict[str, float],
) -> None:
    assert gold_scores["key_accuracy"] >= 0.90


# --- conventions (docs/dates.md) ---------------------------------------------------

MON = datetime(2025, 3, 10, 9, 0)  # Monday
WED = datetime(2025, 6, 18, 10, 0)  # Wednesday
SAT = datetime(2025, 6, 21, 10, 0)  # Saturday


def R(a: str, b: str) -> dict[str, str]:
    return {"start": a, "end": b}


CONVENTIONS = [
    ("next Friday sent on a Monday is 11 days later", MON, "see you next Friday", "2025-03-21"),
    ("a bare weekday on the same weekday is a week later", MON, "on Monday", "2025-03-17"),
    ("a bare weekday is strictly after the sent day", WED, "by Friday", "2025-06-20"),
    ("this Friday is in the current week", WED, "this Friday", "2025-06-20"),
    ("last Friday is in the past", MON, "last Friday", "2025-03-07"),
    ("end of the week is Friday", WED, "by the end of the week", "2025-06-20"),
    ("end of next week is next week's Friday", WED, "by end of next week", "2025-06-27"),
    ("middle of next week is Wednesday", WED, "the middle of next week", "2025-06-25"),
    ("early next week is Monday-Tuesday", WED, "early next week", R("2025-06-23", "2025-06-24")),
    ("late next week is Thursday-Friday", WED, "late next week", R("2025-06-26", "2025-06-27")),
    ("later this week runs to Friday", WED, "later this week", R("2025-06-19", "2025-06-20")),
    ("next week is Monday-Friday", WED, "next week", R("2025-06-23", "2025-06-27")),
    ("the week of a date", WED, "the week of July 9", R("2025-07-07", "2025-07-11")),
    (
        "end of the month is its last day",
        datetime(2024, 2, 10),
        "by the end of the month",
        "2024-02-29",
    ),
    ("end of a named month", WED, "by the end of August", "2025-08-31"),
    ("end of the year", WED, "before the end of the year", "2025-12-31"),
    ("mid-May is days 11-20", MON, "mid-May", R("2025-05-11", "2025-05-20")),
    ("late month runs to the last day", MON, "late April", R("2025-04-21", "2025-04-30")),
    ("a past month name means next year", WED, "in April", R("2026-04-01", "2026-04-30")),
    ("the 25th on the 25th is that day", datetime(2025, 3, 25), "by the 25th", "2025-03-25"),
    ("the 25th after the 25th is next month", datetime(2025, 3, 26), "by the 25th", "2025-04-25"),
    ("a month/day rolls into next year", datetime(2025, 12, 31), "on January 6", "2026-01-06"),
    ("US month/day order", datetime(2025, 12, 31), "on 1/5", "2026-01-05"),
    ("day first only when it cannot be a month", WED, "on 24/06", "2025-06-24"),
    ("Feb 29 waits for a leap year", datetime(2025, 3, 1), "on Feb 29", "2028-02-29"),
    ("in N days is calendar days", WED, "in 10 days", "2025-06-28"),
    ("a week is seven days", WED, "within two weeks", "2025-07-02"),
    ("N business days skip the weekend", WED, "within 5 business days", "2025-06-25"),
    ("business days from a weekend count from Friday", SAT, "within 1 business day", "2025-06-23"),
    ("a business-day range", MON, "in 5-7 business days", R("2025-03-17", "2025-03-19")),
    ("the next week or two", WED, "the next week or two", R("2025-06-25", "2025-07-02")),
    (
        "tomorrow at 23:40 is the next calendar day",
        datetime(2025, 12, 31, 23, 40),
        "tomorrow",
        "2026-01-01",
    ),
    ("tomorrow on the eve of a leap day", datetime(2024, 2, 28, 23, 40), "tomorrow", "2024-02-29"),
    ("a bare 2 o'clock means 2pm", WED, "Thursday at 2", "2025-06-19T14:00"),
    ("a bare 9 o'clock means 9am", WED, "Thursday at 9", "2025-06-19T09:00"),
    (
        "Christmas already past is next year's",
        datetime(2024, 12, 26),
        "after Christmas",
        "2025-12-25",
    ),
    ("Thanksgiving in the sent year", datetime(2024, 11, 1), "after Thanksgiving", "2024-11-28"),
    (
        "Q1 is the first calendar quarter",
        datetime(2024, 12, 30),
        "in Q1",
        R("2025-01-01", "2025-03-31"),
    ),
    ("a UK clock time with a dot", WED, "Thursday at 9.30am", "2025-06-19T09:30"),
    ("a 24-hour clock with h", WED, "Friday at 14h", "2025-06-20T14:00"),
    ("a leading-zero time is 24-hour", WED, "Thursday 22 January, 06:00", "2026-01-22T06:00"),
    ("a time before a day after by/before", WED, "before 12 tomorrow", "2025-06-19T12:00"),
    ("a bare hour before tomorrow is pm", WED, "by 5 tomorrow", "2025-06-19T17:00"),
    ("an hour in words after at", WED, "Thursday at eleven.", "2025-06-19T11:00"),
    ("o'clock after a part of day", WED, "Monday morning, 11 o'clock", "2025-06-23T11:00"),
    ("afternoon makes a bare 8 pm", WED, "Monday afternoon at 3:30", "2025-06-23T15:30"),
    ("Weds is Wednesday", WED, "by Weds", "2025-06-25"),
    ("tmr is tomorrow", WED, "tmr 3pm", "2025-06-19T15:00"),
    ("day after tomorrow without the", WED, "by day after tomorrow", "2025-06-20"),
    ("day-month-year with a month abbreviation", WED, "on 21-Nov-2025", "2025-11-21"),
    ("a day-month date then its time", WED, "on 02-Jul-2025 10:00 AM", "2025-07-02T10:00"),
    ("day.month after until", WED, "until 31.07", "2025-07-31"),
    (
        "a labelled time on the next line",
        WED,
        "Date: Monday 23 June\nTime: 2.30pm",
        "2025-06-23T14:30",
    ),
    ("a weekday in brackets after a date", WED, "December 4 (Thu), 13:30", "2025-12-04T13:30"),
    ("within N hours of this email", WED, "within 48 hours of this email", "2025-06-20T10:00"),
    ("within N days of today", WED, "within 7 days of today", "2025-06-25"),
    (
        "working days from the date of this mail",
        WED,
        "within five (5) working days from the date of this mail",
        "2025-06-25",
    ),
    ("the 1st of next month", WED, "on the 1st of next month", "2025-07-01"),
    (
        "in the morning sent in the afternoon is the next morning",
        datetime(2025, 6, 18, 15, 0),
        "I'll call you in the morning",
        "2025-06-19",
    ),
]


@pytest.mark.parametrize(
    ("sent", "text", "expected"),
    [c[1:] for c in CONVENTIONS],
    ids=[c[0] for c in CONVENTIONS],
)
def test_convention(sent: datetime, text: str, expected: object) -> None:
    found = find_dates(text, sent)
    assert found, text
    assert found[0].value == expected


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-8, "2025-03-12T16:20"), (0, "2025-03-12T16:20"), (5.5, "2025-03-12T16:20")],
)
def test_within_48_hours_keeps_the_senders_time_of_day(offset: float, expected: str) -> None:
    sent = datetime(2025, 3, 10, 16, 20, tzinfo=timezone(timedelta(hours=offset)))
    assert find_dates("please reply within 48 hours", sent)[0].value == expected


@pytest.mark.parametrize(
    ("country", "expected"),
    [("US", "2024-11-29"), (None, "2024-11-28"), ("GB", "2024-11-28")],
)
def test_business_days_skip_the_countrys_holidays_around_thanksgiving(
    country: str | None, expected: str
) -> None:
    sent = datetime(2024, 11, 27, 12, 0)  # the Wednesday before Thanksgiving
    assert find_dates("within 1 business day", sent, country=country)[0].value == expected


def test_an_unknown_country_code_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="country"):
        find_dates("within 3 business days", MON, country="XX")


def test_two_options_with_one_time_are_two_events_at_that_time() -> None:
    found = find_dates("Are you free Wednesday or Thursday at 2?", MON)
    assert [(m.text, m.kind, m.value) for m in found] == [
        ("Wednesday", "event", "2025-03-12T14:00"),
        ("Thursday at 2", "event", "2025-03-13T14:00"),
    ]


def test_mention_has_the_form_of_dates_md() -> None:
    text = "you'll hear from us in the next 5-7 business days"
    assert find_dates(text, MON)[0].to_dict() == {
        "text": "the next 5-7 business days",
        "start": 23,
        "end": 49,
        "kind": "range",
        "value": R("2025-03-17", "2025-03-19"),
        "mod": "in",
    }


def test_before_monday_keeps_monday_and_says_before() -> None:
    (m,) = find_dates("please complete it before Monday", WED)
    assert (m.value, m.mod, m.kind) == ("2025-06-23", "before", "deadline")


@pytest.mark.parametrize(
    "text",
    ["We'll get back to you shortly.", "We will be in touch soon.", "in the coming weeks"],
)
def test_soon_and_vague_periods_give_no_key_date(text: str) -> None:
    assert key_date(text, MON) is None


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("You'll hear from us by Friday.", "2025-03-14", "hear_by"),
        ("We'll decide next week.", "2025-03-21", "hear_by"),
        ("Please complete the test by Monday.", "2025-03-17", "deadline"),
        ("Please respond within 48 hours.", "2025-03-12T09:00", "deadline"),
        ("Are you free Wednesday at 2?", "2025-03-12T14:00", "event"),
        (
            "Are you free Thursday at 3? Please send the form by Wednesday.",
            "2025-03-12",
            "deadline",
        ),
        ("We'll decide by Friday, in the next week or two at the latest.", "2025-03-14", "hear_by"),
    ],
)
def test_key_date_kind_and_value(text: str, value: str, kind: str) -> None:
    kd = key_date(text, MON)
    assert kd is not None
    assert (kd.value, kd.kind) == (value, kind)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The board meets on the 24th and I'll call you the following day.", "2025-06-25"),
        ("The partners vote on the 24th; I'll let you know that afternoon.", "2025-06-24"),
        ("The panel meets on 30 June; you'll hear by the end of that week.", "2025-07-04"),
        ("We meet on the 24th and decide within two business days after that.", "2025-06-26"),
    ],
)
def test_a_date_told_from_the_date_before_it(text: str, expected: str) -> None:
    kd = key_date(text, WED, hear_back=True)
    assert kd is not None and kd.value == expected


def test_a_date_with_nothing_before_it_to_count_from_is_no_anaphor() -> None:
    assert [m.text for m in find_dates("I'll let you know that afternoon.", WED)] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Thank you for meeting with the partners on Tuesday.", None),
        ("Happy New Year! Your first day is Monday 5 January at 9am.", "2026-01-05T09:00"),
        ("As discussed this morning, the offer stands.", None),
        ("Dr Pham is out sick today. Could you do Monday at 3 instead?", "2025-06-23T15:00"),
        ("Please e-sign the NDA before your onsite interview on Friday.", "2025-06-20"),
        ("Official letter comes Monday.", "2025-06-23"),
    ],
)
def test_key_date_skips_past_and_greeting_dates(text: str, value: str | None) -> None:
    kd = key_date(text, WED)
    assert (kd.value if kd else None) == value


@pytest.mark.parametrize(
    "text",
    [
        "Version 10.04 of the app shipped.",
        "Meet me in Room 4.12.",
        "Python 3.11 is required.",
        "We have two interviews at one of our offices.",
        "She scored 8.10 overall.",
    ],
)
def test_numbers_that_only_look_like_new_date_forms_are_no_dates(text: str) -> None:
    assert find_dates(text, WED) == []


def test_quoted_earlier_messages_give_no_key_date() -> None:
    text = "Thanks!\n\nOn Mon, Jan 6, 2025 at 9:00 AM Dana wrote:\n> Are you free Friday at 2?"
    assert key_date(text, MON) is None


# --- properties -----------------------------------------------------------------------

DATE_WORDS = [
    "by",
    "on",
    "next",
    "this",
    "last",
    "Friday",
    "Mon",
    "May",
    "March",
    "June 6",
    "6/24",
    "24/06",
    "the 25th",
    "at 2",
    "2pm",
    "within",
    "48 hours",
    "5-7 business days",
    "tomorrow",
    "end of",
    "the week of",
    "mid-",
    "Q1",
    "Christmas",
    "in",
    "2 weeks",
    "or",
    ",",
    ".",
    "\n",
    "EOD",
    "a week or two",
    "2024-02-29",
    "Feb 29",
    "the 31st",
    "early",
    "late",
    "month",
    "year",
]
OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
SENT = st.builds(
    lambda d, tz: d.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)),
    OFFSETS,
)
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(DATE_WORDS), max_size=12).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, sent=SENT)
def test_any_text_and_sent_time_never_raise_and_offsets_slice_to_the_text(
    text: str, sent: datetime
) -> None:
    found = find_dates(text, sent)
    for m in found:
        assert text[m.start : m.end] == m.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    key_date(text, sent, mentions=found)


FORWARD = [
    "by Friday",
    "this Friday",
    "next Tuesday",
    "by the end of the week",
    "end of next week",
    "this week",
    "later this week",
    "next week",
    "by the end of the month",
    "within 48 hours",
    "within 5 business days",
    "in 2-3 weeks",
    "the 25th",
    "by June 6",
    "by 6/24",
    "in April",
    "late May",
    "the week after next",
    "EOW",
    "tomorrow",
    "today",
    "by Christmas",
    "in Q1",
    "next quarter",
    "a week or two",
    "by the end of the year",
    "Wednesday the 14th",
]


@settings(max_examples=300, deadline=None)
@given(phrase=st.sampled_from(FORWARD), sent=SENT)
def test_a_deadline_or_window_never_ends_before_the_sent_day(phrase: str, sent: datetime) -> None:
    for m in find_dates(f"We will decide {phrase}.", sent):
        end = m.value if isinstance(m.value, str) else m.value["end"]
        assert end[:10] >= sent.date().isoformat(), (phrase, sent, m)


# --- the vocabulary file and the docs -------------------------------------------------


def test_vocabulary_file_has_every_section_the_finder_reads() -> None:
    raw = yaml.safe_load(
        resources.files("nextsteps").joinpath("resources", "date_vocab.yaml").read_text("utf-8")
    )
    assert len(raw["weekdays"]) == 7 and len(raw["months"]) == 12
    assert set(raw["cues"]) == {"hear_by", "deadline", "event"}
    for section in ("number_words", "units", "mods", "holidays", "vague_null", "traps"):
        assert raw[section], section
    assert all({"phrases", "name", "default_country"} <= set(h) for h in raw["holidays"])


def test_docstring_examples_run() -> None:
    for module in (nextsteps.dates, nextsteps.dates._cues):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__


def test_resolution_uses_no_hidden_now() -> None:
    assert find_dates("tomorrow", datetime(1999, 12, 31))[0].value == date(2000, 1, 1).isoformat()


# --- the prefilter (dates._rules.Needs) is only a shortcut -------------------------------

PREFILTER_WORDS = [
    *DATE_WORDS,
    "the following day",
    "that same afternoon",
    "the end of that week",
    "EOW",
    "COB",
    "Q3 2025",
    "the end of the quarter",
    "next quarter",
    "New Year's Eve",
    "the coming weeks",
    "a couple of days",
    "a day or two",
    "Mondays",
    "weekdays",
    "the day after",
    "this morning",
    "in the morning",
    "tonight",
    "the 1st of next month",
    "year-end",
    "next year",
    "until 12.05",
    "21-Nov-2024",
    "Wednesday the 14th",
    "mid-June",
    "the bank holiday",
    "Diwali",
    "2 fortnights",
    "the week after next",
    "the start of next week",
    "later this week",
    "frıday",
    "ſeptember 3",
    "TOMORROW",
]


def _without_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    from nextsteps.dates._rules import Needs

    monkeypatch.setattr(Needs, "met", lambda self, ctx: True)


def test_the_prefilter_never_changes_what_is_found_in_corpus_and_gold(
    corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [(r["text"], datetime.fromisoformat(r["sent_at"])) for r in load_gold()]
    items += [(ex.text, datetime.fromisoformat(ex.sent_at)) for ex in corpus]
    fast = [find_dates(text, sent) for text, sent in items]
    _without_prefilter(monkeypatch)
    assert [find_dates(text, sent) for text, sent in items] == fast


CASES = st.sampled_from([str, str.upper, str.lower, str.title])


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.tuples(st.sampled_from(PREFILTER_WORDS), CASES), max_size=10),
    sent=SENT,
)
def test_the_prefilter_never_changes_what_is_found_in_any_text(
    words: list[tuple[str, object]], sent: datetime
) -> None:
    from nextsteps.dates._rules import Needs

    text = " ".join(case(w) for w, case in words)  # type: ignore[operator]
    fast = find_dates(text, sent)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Needs, "met", lambda self, ctx: True)
        assert find_dates(text, sent) == fast, text


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("ſeptember 3", "ſeptember 3", "2025-09-03"),
        ("by frıday", "frıday", "2025-03-14"),
        ("İN TWO WEEKS", "TWO WEEKS", "2025-03-24"),
    ],
)
def test_letters_that_case_insensitive_matching_equates_with_ascii_are_read(
    text: str, span: str, value: str
) -> None:
    # re.IGNORECASE matches "ſ" to "s" and "ı" to "i"; the lookup tables must agree (they raised).
    assert [(m.text, m.value) for m in find_dates(text, MON)] == [(span, value)]


def test_cue_words_are_lower_case_since_they_run_on_lower_cased_text() -> None:
    text = resources.files("nextsteps").joinpath("resources/date_vocab.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    patterns = [p for pats in raw["cues"].values() for p in pats] + raw["past_cues"]
    assert [p for p in patterns if re.search(r"(?<!\\)[A-Z]", p)] == []
    sent = datetime(2025, 3, 10, 9, 0)
    # The hear-back cue "decide" is found in shouted text too.
    assert key_date("WE WILL DECIDE BY FRIDAY.", sent).kind == "hear_by"


# --- key-date fixes from the corpus train split (made-up sentences) ----------------


@pytest.mark.parametrize(
    ("text", "hear_back", "value", "kind"),
    [
        # a clock time after the dots of a calendar invite or an emoji line
        (
            "Onsite\nWhen\nThursday Mar 13, 2025 ⋅ 1pm – 2pm (Central Time)",
            False,
            "2025-03-13T13:00",
            "event",
        ),
        (
            "Your call is booked.\n📅 Friday, 14 March 2025\n🕑 14:30 - 15:00",
            False,
            "2025-03-14T14:30",
            "event",
        ),
        # a time with a spelled-out zone before its day (scheduling tools)
        (
            "Event: 10:00am - 10:30am (Mountain Time - US & Canada) on Wednesday, March 12, 2025",
            False,
            "2025-03-12T10:00",
            "event",
        ),
        ("Please pick a slot by 12 noon on Thursday.", False, "2025-03-13T12:00", "deadline"),
        # "'ll" after a word is a hear-back cue too
        (
            "The contract is being drafted and it'll be with you by Thursday.",
            False,
            "2025-03-13",
            "hear_by",
        ),
        (
            "The director is not available Tuesday, so the panel moves to Thursday at 11.",
            False,
            "2025-03-13T11:00",
            "event",
        ),
        (
            "The board signed off this morning. Could you start on Monday the 24th?",
            False,
            "2025-03-24",
            "event",
        ),
        (
            "Your start date would be April 7, and we'd love to have an answer by Thursday.",
            False,
            "2025-03-13",
            "deadline",
        ),
        (
            "Start date: 1 May. Please give us your answer until Wednesday.",
            False,
            "2025-03-12",
            "deadline",
        ),
        (
            "Could you fill out the questionnaire before our call on Friday?",
            False,
            "2025-03-14",
            "deadline",
        ),
        ("Dana will reach out by Thursday to set things up.", False, "2025-03-13", "hear_by"),
        (
            "Sorry for the Sunday message. Please come in Wednesday at 9 for the skills test.",
            False,
            "2025-03-12T09:00",
            "event",
        ),
        # options of a deadline or a hear-back date: the last one counts
        ("Could you send the forms tonight or tomorrow morning?", False, "2025-03-11", "deadline"),
        ("You'll hear from me Thursday or Friday at the latest.", True, "2025-03-14", "hear_by"),
        # the same day told again with its time
        (
            "Reminder: your interview is tomorrow, Tuesday at 3:30 PM.",
            False,
            "2025-03-11T15:30",
            "event",
        ),
        # a cue after the date counts only in the date's clause
        (
            "Please send your references today, so we can book the panel tomorrow.",
            False,
            "2025-03-10",
            "deadline",
        ),
        (
            "They'd ideally like an answer by Friday, but give me a call tonight if you like.",
            False,
            "2025-03-14",
            "deadline",
        ),
        # an explicit "by" date is the hear-back date
        (
            "The panel finishes its reviews on Friday and the results will be sent no later than "
            "the 21st.",
            True,
            "2025-03-21",
            "hear_by",
        ),
        ("Results come after the Diwali holidays, by November 20.", True, "2025-11-20", "hear_by"),
        # durations anchored to now
        (
            "Background checks typically take 3-5 business days, and we will contact you with the "
            "outcome.",
            True,
            "2025-03-17",
            "hear_by",
        ),
        ("You have 5 days to submit the exercise.", False, "2025-03-15", "deadline"),
        ("Reminder: 12 hours left to finish your test.", False, "2025-03-10T21:00", "deadline"),
        (
            "I'll email the task now and you've got 48 hours to send it back.",
            False,
            "2025-03-12T09:00",
            "deadline",
        ),
        ("Your offer is in the portal. Deadline: 3/14.", False, "2025-03-14", "deadline"),
        ("Great to have you on the crew, start 4/1!", False, "2025-04-01", "event"),
        # more cue words
        (
            "Verbal offer agreed. Written offer to follow by Thursday.",
            False,
            "2025-03-13",
            "hear_by",
        ),
        ("I'll personally call you on Friday with the decision.", True, "2025-03-14", "hear_by"),
        (
            "I'm sending your CV over today, and you'll know by Friday.",
            True,
            "2025-03-14",
            "hear_by",
        ),
        ("Take your time, but ideally get back to us in a week.", False, "2025-03-17", "deadline"),
        ("Could you call me back today or tomorrow?", False, "2025-03-11", "deadline"),
        (
            "Would Thursday at 4 work? I'll send an invite tonight.",
            False,
            "2025-03-13T16:00",
            "event",
        ),
        ("Would a start on 7 April work for you?", False, "2025-04-07", "event"),
        (
            "Your onboarding starts at 9am on 7 April. I'll send the checklist this week.",
            False,
            "2025-04-07T09:00",
            "event",
        ),
        (
            "Please fill in the form and bring it to the assessment day on 3/20.",
            False,
            "2025-03-20",
            "event",
        ),
        # "by" beats a "before" that only tells the purpose
        (
            "Can you confirm by 3/14? We'd like to sort the paperwork before the team meeting on "
            "3/20.",
            False,
            "2025-03-14",
            "deadline",
        ),
    ],
)
def test_key_date_fixes_from_the_train_split(
    text: str, hear_back: bool, value: str, kind: str
) -> None:
    kd = key_date(text, MON, hear_back=hear_back)
    assert kd is not None, text
    assert (kd.value, kd.kind) == (value, kind), text


def test_a_holiday_followed_by_holidays_or_a_break_is_a_vague_period() -> None:
    found = find_dates("We will decide after the Diwali holidays.", MON)
    assert [(m.text, m.kind) for m in found] == [("Diwali", "vague")]
    found = find_dates("The office closes over the Christmas break.", MON)
    assert [(m.text, m.kind) for m in found] == [("Christmas", "vague")]


@pytest.mark.parametrize(
    "text",
    [
        "Could you send me your availability for next week?",
        "Please share a few windows over the next two weeks that work for you.",
        "What are your preferred days early next week?",
    ],
)
def test_a_window_the_candidate_is_asked_to_be_free_in_is_no_key_date(text: str) -> None:
    assert key_date(text, MON) is None


def test_a_day_offered_for_an_interview_is_still_the_key_date() -> None:
    kd = key_date("Is your availability good for next Tuesday at 2pm, for the panel?", MON)
    assert (kd.value, kd.kind) == ("2025-03-18T14:00", "event")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("can u come in thurs at 2?", "2025-03-13T14:00"),
        ("need ur answer by fri pls", "2025-03-14"),
        ("trial shift weds 10am?", "2025-03-12T10:00"),
    ],
)
def test_lower_case_weekday_abbreviations_of_chat_are_read(text: str, value: str) -> None:
    assert [m.value for m in find_dates(text, MON)] == [value]


def test_lower_case_words_that_are_also_weekday_abbreviations_stay_words() -> None:
    assert find_dates("I sat the exam and the sun was out; we wed in may", MON) == []
