"""Read and check a user's own labelled examples (CSV or JSONL) before they go into training.

A user's file is looser than the shipped corpus: only `text` and `label` are required, and
`subject`, `sender`, `sent_at`, `key_date` (with `key_date_kind`), `channel`, `id` and `notes`
may be given. Every problem names the file, the line and the field, as `corpus.Problem` does.
A bad row is skipped and the rest are kept, unless `strict`, which stops at the first problem.
Two examples with the same text (after normalising case, Unicode and white space) are
duplicates, whether both are the user's or one is in the shipped corpus; the later is skipped.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
>>> _ = path.write_text("text,label\\nWe'll ring you Friday.,clear_timeline\\n,vague\\n")
>>> found = read_user_examples([path])
>>> [str(e.label) for e in found.examples], [p.field for p in found.problems]
(['clear_timeline'], ['text'])
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nextsteps.cleaning import newest_part
from nextsteps.corpus import Problem
from nextsteps.types import CHANNELS, KEY_DATE_KINDS, Category, Example

REQUIRED = ("text", "label")
OPTIONAL = ("subject", "sender", "sent_at", "key_date", "key_date_kind", "channel", "id", "notes")
FIELDS = REQUIRED + OPTIONAL
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

#: The sent date of an example that gives none. Training reads the date only through the date
#: features, which the default configuration does not use; a fixed value keeps hashes stable.
UNKNOWN_SENT_AT = "2000-01-01T09:00:00+00:00"

_KEY_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")

#: (line, record or None, problems) for each row of a file.
Rows = Iterator[tuple[int, dict[str, Any] | None, list[Problem]]]


class UserExamplesError(ValueError):
    """Raised in strict mode at the first problem; `problems` holds it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class UserExamples:
    """The good examples of the user's files, and every problem found on the way."""

    examples: list[Example] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def skipped_lines(self) -> int:
        """How many rows were left out (a row with several problems counts once)."""
        return len({(p.file, p.line) for p in self.problems if p.line > 0})


def normalise(text: str) -> str:
    """The form in which two texts are compared for duplicates: NFKC, case-folded, single spaces.

    >>> normalise("  We'll be\\n in TOUCH ") == normalise("we'll be in touch")
    True
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_key(text: str) -> str:
    """A stable short hash of the normalised text: the id of a user example, and its hold-out."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()[:16]


def read_user_examples(
    paths: Sequence[str | Path], *, known: Iterable[Example] = (), strict: bool = False
) -> UserExamples:
    """Read, check and de-duplicate the user's example files, in order.

    `known` are the examples already in the training data (the shipped corpus): a user example
    with the same normalised text is a duplicate of it. With `strict`, the first problem raises
    `UserExamplesError`; otherwise every problem is collected and the bad rows are skipped.
    """
    seen: dict[str, str] = {normalise(e.text): f"shipped example {e.id} ({e.label})" for e in known}
    out = UserExamples(files=[str(p) for p in paths])

    def report(problems: list[Problem]) -> bool:
        if problems and strict:
            raise UserExamplesError(problems[:1])
        out.problems += problems
        return bool(problems)

    for path in paths:
        for line, rec, problems in _records(Path(path)):
            if report(problems) or rec is None:
                continue
            row_problems, example = _check(rec, str(path), line)
            if report(row_problems) or example is None:
                continue
            key = normalise(example.text)
            if key in seen:
                report([Problem(str(path), line, "text", f"duplicate of {seen[key]}")])
                continue
            seen[key] = f"{path}:{line}"
            out.examples.append(example)
    return out


def _records(path: Path) -> Rows:
    """(line, record or None, problems) for each row of a CSV or JSONL file."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        yield 0, None, [Problem(str(path), 0, "-", f"unknown file type; expected one of {known}")]
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield 0, None, [Problem(str(path), 0, "-", f"cannot read: {exc.strerror or exc}")]
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        yield line, None, [Problem(str(path), line, "-", "not UTF-8 text; save it as UTF-8")]
        return
    yield from (_csv_records if fmt == "csv" else _jsonl_records)(text, str(path))


def _jsonl_records(text: str, name: str) -> Rows:
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield line, None, [Problem(name, line, "-", f"invalid JSON: {exc.msg}")]
            continue
        if not isinstance(rec, dict):
            yield line, None, [Problem(name, line, "-", "expected a JSON object")]
            continue
        yield line, rec, []


def _csv_records(text: str, name: str) -> Rows:
    # strict: a stray quote is an error (named with its line) rather than a silently merged row
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, [Problem(name, start, "-", f"broken CSV quoting: {exc}")]
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if header is None:
            header = [h.strip() for h in row]
            missing = [f for f in REQUIRED if f not in header]
            if missing:
                problems = [Problem(name, line, f, "missing column") for f in missing]
                yield line, None, problems
                return
            unknown = [h for h in header if h and h not in FIELDS]
            if unknown:  # not fatal: the known columns of each row are still read
                yield line, None, [Problem(name, line, h, "unknown column") for h in unknown]
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            message = f"{len(row)} cells but the header has {len(header)}"
            yield line, None, [Problem(name, line, "-", message)]
            continue
        # an empty optional cell means "not given"; an empty text or label is a problem
        cells = zip(header, row, strict=True)
        rec = {h: v for h, v in cells if h in FIELDS and (v.strip() or h in REQUIRED)}
        yield line, rec, []


def _check(rec: dict[str, Any], file: str, line: int) -> tuple[list[Problem], Example | None]:
    """Every problem of one record; the `Example` it stands for when there are none."""
    problems: list[Problem] = []

    def bad(field_: str, message: str) -> None:
        problems.append(Problem(file, line, field_, message))

    for name in rec:
        if name not in FIELDS:
            bad(name, f"unknown field; expected some of {', '.join(FIELDS)}")
    for name in FIELDS:
        if rec.get(name) is not None and not isinstance(rec[name], str):
            bad(name, "must be a string")
    text, label = rec.get("text"), rec.get("label")
    if text is None:
        bad("text", "missing")
    elif isinstance(text, str) and not text.strip():
        bad("text", "empty")
    elif isinstance(text, str) and not newest_part(text).body.strip():
        bad("text", "nothing left once quoted replies are removed")
    if label is None:
        bad("label", "missing")
    elif isinstance(label, str) and not label.strip():
        bad("label", "empty")
    elif isinstance(label, str) and _label(label) is None:
        bad("label", f"unknown label {label!r}; expected one of {', '.join(Category)}")
    sent_at = _sent_at(rec.get("sent_at"), bad)
    key_date, kind = rec.get("key_date"), rec.get("key_date_kind")
    if isinstance(key_date, str) and not _is_key_date(key_date):
        bad("key_date", f"expected a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {key_date!r}")
    if kind is not None and kind not in KEY_DATE_KINDS:
        bad("key_date_kind", f"expected one of {', '.join(KEY_DATE_KINDS)}, got {kind!r}")
    if kind is not None and key_date is None:
        bad("key_date_kind", "given without a key_date")
    channel = rec.get("channel", "email")
    if channel not in CHANNELS:
        bad("channel", f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    if problems:
        return problems, None
    assert isinstance(text, str) and isinstance(label, str)
    ident = f"user-{text_key(text)}"
    example = Example(
        id=ident,
        text=text,
        label=_label(label),  # type: ignore[arg-type]
        sent_at=sent_at or UNKNOWN_SENT_AT,
        subject=rec.get("subject") or "",
        sender=rec.get("sender") or "",
        key_date=key_date,
        key_date_kind=kind,
        channel=channel,
        group=ident,
        split="train",
        notes=rec.get("notes") or "",
        extra={"file": file, "line": line},
    )
    return [], example


def _label(value: str) -> Category | None:
    """The label a user meant: 'Clear timeline' and 'clear-timeline' are clear_timeline."""
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    return Category(key) if key in set(Category) else None


def _sent_at(value: Any, bad: Any) -> str | None:
    """An ISO 8601 date or datetime, kept as written; a bare date is taken as 09:00."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        bad("sent_at", f"not an ISO 8601 date or datetime: {value!r}")
        return None
    if len(value) == 10:  # a date alone: fromisoformat gave midnight
        when = when.replace(hour=9)
    return when.isoformat()


def _is_key_date(value: str) -> bool:
    if not _KEY_DATE.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- writing: the review loop appends here ----------------------------------------------------


def append_example(path: str | Path, record: dict[str, str]) -> None:
    """Append one example to a user's file (JSONL, or CSV with a header when new).

    Each record is written and flushed on its own, so quitting a review keeps what was answered.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: unknown file type; expected one of {', '.join(FORMATS)}")
    record = {k: v for k, v in record.items() if k in FIELDS and v not in (None, "")}
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        _ensure_newline(path)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    header = _csv_header(path)
    if header is None:
        header = list(FIELDS)
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerow(header)
    _ensure_newline(path)
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow([record.get(h, "") for h in header])


def _csv_header(path: Path) -> list[str] | None:
    if not path.is_file() or path.stat().st_size == 0:
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [h.strip() for h in next(csv.reader(fh), [])] or None


def _ensure_newline(path: Path) -> None:
    """A file edited by hand may lack its last newline; the next record must not join it."""
    if path.is_file() and path.stat().st_size:
        with path.open("rb") as fh:
            fh.seek(-1, 2)
            last = fh.read(1)
        if last != b"\n":
            with path.open("ab") as fh:
                fh.write(b"\n")
