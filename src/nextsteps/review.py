"""Walk through a batch table and record the user's labels: the loop from a batch run to a
better model.

The batch table has no text column, so each message is read again from the export named in its
`source` column, at its `position` (a table that has a `text` column is read from there), with
the `format` and `columns` the batch was run with. The
user answers with a label's number or name, Enter to accept the model's guess, `s` to skip or
`q` to stop; every answer is appended to the examples file at once, so stopping loses nothing.
The questions go through two callables, so a terminal (typer.prompt) or a test can drive it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nextsteps.batch import undefuse
from nextsteps.cleaning import newest_part
from nextsteps.evaluation import LABELS
from nextsteps.inbox import Columns, RawMessage, ReadError, parse, printable, read_raw
from nextsteps.user_examples import FORMATS, append_example, normalise, read_user_examples

#: Lines of a message shown before it is cut; the examples file still gets all of it.
SHOWN_LINES = 40
TABLES = (".csv", ".jsonl", ".parquet", ".xlsx")


class ReviewError(ValueError):
    """The table cannot be read, or the examples file is of an unknown type."""


@dataclass
class ReviewItem:
    """One row of the batch table chosen for review, with its text once found."""

    row: dict[str, str]
    text: str = ""
    problem: str = ""  # why the text could not be found

    @property
    def guess(self) -> str:
        return self.row.get("label", "")


@dataclass
class ReviewSummary:
    """What happened in one review session."""

    examples_file: Path
    chosen: int = 0
    recorded: dict[str, int] = field(default_factory=dict)  # label -> count
    skipped: int = 0
    already: int = 0  # the text was in the examples file already
    unreadable: list[str] = field(default_factory=list)
    stopped: bool = False

    @property
    def n_recorded(self) -> int:
        return sum(self.recorded.values())

    def line(self) -> str:
        return (
            f"recorded {self.n_recorded} label(s) in {self.examples_file} ({self.skipped} skipped, "
            f"{self.already} already there, {len(self.unreadable)} unreadable) "
            f"of {self.chosen} chosen"
        )


def read_table(path: str | Path) -> list[dict[str, str]]:
    """The rows of a batch table (.csv, .jsonl, .parquet, .xlsx), every cell as a string."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLES:
        raise ReviewError(f"{path}: not a batch table; expected one of {', '.join(TABLES)}")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif suffix == ".jsonl":
            frame = pd.read_json(path, lines=True, dtype=False)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_excel(path, dtype=str)
    except (ValueError, OSError, ImportError) as exc:
        raise ReviewError(f"{path}: cannot read the table: {exc}") from exc
    missing = {"label", "needs_review"} - set(frame.columns)
    if missing:
        raise ReviewError(f"{path}: no {', '.join(sorted(missing))} column; is it a batch table?")
    # batch quotes formula-like cells in the two spreadsheet formats; the ids must match again
    spreadsheet = suffix in (".csv", ".xlsx")
    records = frame.to_dict("records")
    return [{k: _cell(v, spreadsheet) for k, v in row.items()} for row in records]


def _cell(value: object, spreadsheet: bool = False) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    return undefuse(str(value)) if spreadsheet else str(value)


def choose(
    rows: Sequence[dict[str, str]],
    *,
    ids: Iterable[str] = (),
    labels: Iterable[str] = (),
    everything: bool = False,
) -> list[ReviewItem]:
    """The rows to review, in table order: those marked needs_review, those whose id is in `ids`
    or whose label is in `labels`, or all of them. Rows without a label (unreadable) are left out.
    """
    ids, labels = set(ids), set(labels)
    unknown = labels - set(LABELS)
    if unknown:
        raise ReviewError(f"unknown label(s) {', '.join(sorted(unknown))}: use {', '.join(LABELS)}")
    chosen = [
        r
        for r in rows
        if r.get("label")
        and (
            everything
            or r.get("needs_review", "").lower() in ("true", "1")
            or r.get("id") in ids
            or r.get("label") in labels
        )
    ]
    return [ReviewItem(r) for r in chosen]


def find_texts(
    items: Sequence[ReviewItem], *, format: str | None = None, columns: Columns | None = None
) -> None:
    """Fill in each item's text: from a `text` column, or from its export at its position,
    read with the `format` and `columns` given to the batch run.

    Each export is read once, and only the messages asked for are parsed.
    """
    wanted: dict[str, dict[int, ReviewItem]] = defaultdict(dict)
    for item in items:
        if item.row.get("text", "").strip():
            item.text = item.row["text"]
            continue
        source, position = item.row.get("source", ""), item.row.get("position", "")
        if not source or not position.strip().lstrip("-").isdigit():
            item.problem = "the table says neither where the message came from nor has its text"
            continue
        wanted[source][int(position)] = item
    for source, by_position in wanted.items():
        if not Path(source).exists():
            for item in by_position.values():
                item.problem = f"{source} is no longer there"
            continue
        for raw in read_raw(source, format=format, columns=columns):
            item = by_position.get(raw.position)
            if item is not None and not (item.text or item.problem):
                _fill(item, raw, source)
            if all(i.text or i.problem for i in by_position.values()):
                break
        for item in by_position.values():
            if not item.text and not item.problem:
                item.problem = f"{source} has no message {item.row.get('position')}"


def _fill(item: ReviewItem, raw: RawMessage | ReadError, source: str) -> None:
    message = raw if isinstance(raw, ReadError) else parse(raw)
    if isinstance(message, ReadError):
        item.problem = f"{source}: {message.error}"
    elif item.row.get("id") and printable(message.id) != item.row["id"]:
        item.problem = f"{source} has changed since the batch run (the message ids differ)"
    else:
        item.text = message.body


def label_menu() -> str:
    return "  ".join(f"{i} {label}" for i, label in enumerate(LABELS, 1))


def parse_answer(answer: str, guess: str) -> str | None:
    """The label an answer means ("" accepts the guess; a number or a name); None if none.

    >>> parse_answer("5", "vague"), parse_answer("", "vague"), parse_answer("Offer", "vague")
    ('rejection', 'vague', 'offer')
    """
    answer = answer.strip().lower().replace(" ", "_").replace("-", "_")
    if not answer:
        return guess if guess in LABELS else None
    if answer.isdigit() and 1 <= int(answer) <= len(LABELS):
        return LABELS[int(answer) - 1]
    return answer if answer in LABELS else None


def show_item(item: ReviewItem, index: int, total: int) -> str:
    """The message as the user sees it: envelope, the newest part, the model's guess."""
    row = item.row
    envelope = " | ".join(filter(None, (row.get("subject"), row.get("sender"), row.get("sent_at"))))
    lines = newest_part(item.text).body.strip().splitlines()
    body = "\n".join(lines[:SHOWN_LINES])
    if len(lines) > SHOWN_LINES:
        body += f"\n[... {len(lines) - SHOWN_LINES} more lines]"
    confidence = row.get("confidence", "")
    sure = f" ({float(confidence):.0%} sure)" if _is_number(confidence) else ""
    return (
        f"\n[{index}/{total}] {envelope}\n{'-' * 72}\n{body}\n{'-' * 72}\n"
        f"model's guess: {item.guess}{sure}\n{label_menu()}"
    )


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def review(
    table: str | Path,
    examples_file: str | Path,
    *,
    ask: Callable[[str], str],
    show: Callable[[str], None],
    ids: Iterable[str] = (),
    labels: Iterable[str] = (),
    everything: bool = False,
    format: str | None = None,
    columns: Columns | None = None,
) -> ReviewSummary:
    """Ask the user to label the chosen rows of a batch table; append each answer to
    `examples_file` (CSV or JSONL) as it is given.

    `ask(prompt)` returns the user's answer ("q" stops the session; what was answered is kept);
    `show(text)` displays a message. `format` and `columns` are those the batch was run with
    (its --format and --*-column options), to read the exports again.
    """
    examples_file = Path(examples_file)
    if examples_file.suffix.lower() not in FORMATS:
        raise ReviewError(f"{examples_file}: examples file must be one of {', '.join(FORMATS)}")
    items = choose(read_table(table), ids=ids, labels=labels, everything=everything)
    summary = ReviewSummary(examples_file, chosen=len(items))
    find_texts(items, format=format, columns=columns)
    known = set()
    if examples_file.is_file():
        known = {normalise(e.text) for e in read_user_examples([examples_file]).examples}
    for index, item in enumerate(items, 1):
        if item.problem:
            summary.unreadable.append(f"{item.row.get('id') or index}: {item.problem}")
            continue
        if normalise(item.text) in known:
            summary.already += 1
            continue
        show(show_item(item, index, len(items)))
        label = _ask_label(item, ask, show)
        if label == "q":
            summary.stopped = True
            break
        if label == "s":
            summary.skipped += 1
            continue
        append_example(examples_file, _record(item, label))
        known.add(normalise(item.text))
        summary.recorded[label] = summary.recorded.get(label, 0) + 1
    return summary


def _ask_label(item: ReviewItem, ask: Callable[[str], str], show: Callable[[str], None]) -> str:
    """A label, or "s" (skip) or "q" (stop); asks again after an answer it cannot read."""
    prompt = f"label [Enter = {item.guess}, s = skip, q = quit]"
    while True:
        answer = ask(prompt).strip().lower()
        if answer in ("s", "q"):
            return answer
        label = parse_answer(answer, item.guess)
        if label:
            return label
        show(f"{answer!r} is not a label: type 1-{len(LABELS)}, a label's name, s or q")


def _record(item: ReviewItem, label: str) -> dict[str, str]:
    row = item.row
    return {
        "text": item.text,
        "label": label,
        "subject": row.get("subject", ""),
        "sender": row.get("sender", ""),
        "sent_at": row.get("sent_at", ""),
        "id": row.get("id", ""),
    }
