"""Classify a whole inbox export into a table: one row per message, streaming, on one core, the
cores of one machine (`jobs`), or a Dask cluster (`engine="dask"`).

Each message is read as `interpret` reads it (same body decoding, same cleaning, and the same
code for label, dates and advice); only the evidence sentences are not computed, since the table
has no column for them.

>>> import datetime as dt, io
>>> export = io.BytesIO(b"From a@x Mon Oct 13 09:00:00 2025\\nFrom: Ann <ann@acme.com>\\n"
...     b"Date: Mon, 13 Oct 2025 09:00:00 +0000\\n\\nWe went with another candidate.\\n")
>>> [row.label for row in classify_inbox([export], today=dt.date(2025, 10, 20), format="mbox")]
['rejection']
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TextIO

from nextsteps.classifier import LinearModel
from nextsteps.cleaning import newest_part
from nextsteps.dates import country_code
from nextsteps.features import MessageFields
from nextsteps.inbox import Columns, Message, RawMessage, ReadError, parse, printable, read_paths
from nextsteps.interpret import MAX_BODY_CHARS, Interpretation, interpret_fields
from nextsteps.recommend import Rule, message_context
from nextsteps.types import Category

CHUNK = 200  # messages per task sent to a worker process or a Dask worker
WRITERS = (".csv", ".jsonl", ".parquet", ".xlsx")


@dataclass(frozen=True)
class Row:
    """One message of the export in the output table; `error` says why a row has no label."""

    id: str
    thread_id: str = ""
    sent_at: str = ""  # as the message says, ISO 8601; empty when it has no readable date
    sender: str = ""
    subject: str = ""
    company: str = ""
    role: str = ""
    label: str = ""
    confidence: float | None = None
    needs_review: bool | None = None
    key_date: str = ""
    key_date_kind: str = ""
    follow_up_on: str = ""
    action: str = ""
    error: str = ""
    warning: str = ""  # the row has a label, but something was read less well than it should be
    gmail_labels: str = ""
    source: str = ""
    position: int = 0
    line: int | None = None


COLUMNS = tuple(f.name for f in fields(Row))


@dataclass
class Classifier:
    """Everything a worker needs to turn a raw message into a row; pickled once per worker."""

    model: LinearModel
    today: dt.date
    rules: list[Rule] | None = None
    country: str | None = None

    def rows(self, items: list[RawMessage | ReadError]) -> list[Row]:
        return [self.row(item) for item in items]

    def row(self, item: RawMessage | ReadError) -> Row:
        message = item if isinstance(item, ReadError) else parse(item)
        if isinstance(message, ReadError):
            return _error_row(message)
        try:
            return self._classify(message)
        except Exception as exc:  # one odd message must not stop an export of thousands
            return _envelope(message, error=f"could not classify: {type(exc).__name__}: {exc}")

    def _classify(self, m: Message) -> Row:
        body = newest_part(m.body[:MAX_BODY_CHARS]).body
        if not body.strip():
            return _envelope(m, error="the message is empty")
        source = "header" if m.sent_at else "today"
        sent_at = m.sent_at or dt.datetime.combine(self.today, dt.time(9, 0))  # as interpret
        fields_ = MessageFields(body, m.subject, m.sender, sent_at)
        result = interpret_fields(
            fields_, source, self.model, self.rules, self.country, evidence=False
        )
        return _envelope(m, **_verdict(result))


def _verdict(result: Interpretation) -> dict[str, Any]:
    advice, key = result.recommendation, result.key_date
    acts = advice is not None and result.label != Category.UNRELATED  # unrelated: no action
    follow_up = advice.follow_up_on if acts and advice else None
    return {
        "label": str(result.label),
        "confidence": result.confidence,
        "needs_review": result.needs_review,
        "key_date": key.value if key else "",
        "key_date_kind": key.kind if key else "",
        "follow_up_on": follow_up.isoformat() if follow_up else "",
        "action": advice.action if acts and advice else "",
    }


def _envelope(m: Message, **verdict: Any) -> Row:
    ctx = message_context(m.sender, m.subject)
    return Row(
        id=printable(m.id),
        thread_id=printable(m.thread_id),
        sent_at=m.sent_at.isoformat() if m.sent_at else "",
        sender=printable(m.sender),
        subject=printable(m.subject),
        company=ctx.company or "",
        role=ctx.role or "",
        warning=m.warning,
        gmail_labels=m.labels,
        source=m.source,
        position=m.position,
        line=m.line,
        **verdict,
    )


def _error_row(e: ReadError) -> Row:
    return Row(id=e.message_id, error=e.error, source=e.source, position=e.position, line=e.line)


def classify_inbox(
    sources: Iterable[str | Path | BinaryIO],
    *,
    today: dt.date,
    model: LinearModel | None = None,
    rules: list[Rule] | None = None,
    country: str | None = None,
    format: str | None = None,
    columns: Columns | None = None,
    jobs: int = 1,
    engine: str = "local",
    scheduler: Any = None,
) -> Iterator[Row]:
    """One `Row` per message of the exports, in input order, streaming.

    `jobs` > 1 uses that many processes of this machine; `engine="dask"` sends partitions of
    messages to a Dask cluster (`scheduler`: an address or a `Client`; default: a local
    cluster of `jobs` workers). Dates without a sent date resolve against `today`.
    An unknown `country` raises ValueError here, before any message is read.
    """
    country = country_code(country)  # checked once up front, not by every row failing with it
    if model is None:
        from nextsteps.interpret import default_model

        model = default_model()
    classifier = Classifier(model, today, rules, country)
    items = read_paths(sources, format=format, columns=columns)
    if engine == "dask":
        return _dask_rows(classifier, items, jobs, scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: use local or dask")
    if jobs > 1:
        return _process_rows(classifier, items, jobs)
    return (classifier.row(item) for item in items)


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _in_order(futures: Iterator[Any], depth: int) -> Iterator[Row]:
    """Results of futures in submission order, with at most `depth` in flight, so memory stays
    bounded whatever the export size (`futures` is lazy: the next is submitted when pulled)."""
    pending: deque[Any] = deque()
    for future in futures:
        pending.append(future)
        if len(pending) >= depth:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


_WORKER: Classifier | None = None


def _start_worker(classifier: Classifier) -> None:
    global _WORKER
    _WORKER = classifier


def _worker_rows(items: list[RawMessage | ReadError]) -> list[Row]:
    assert _WORKER is not None, "worker started without a classifier"
    return _WORKER.rows(items)


def _process_rows(
    classifier: Classifier, items: Iterator[RawMessage | ReadError], jobs: int
) -> Iterator[Row]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the caller may run threads (a progress bar), which fork does not copy
    # safely. The classifier is sent once to each worker by the initializer, not with each task.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, context, _start_worker, (classifier,)) as pool:
        futures = (pool.submit(_worker_rows, chunk) for chunk in _chunks(items))
        yield from _in_order(futures, depth=2 * jobs)


def _dask_rows(
    classifier: Classifier, items: Iterator[RawMessage | ReadError], jobs: int, scheduler: Any
) -> Iterator[Row]:
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1) if not scheduler else None
    own = not isinstance(scheduler, Client)
    client = scheduler if not own else Client(cluster or scheduler)
    try:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        # broadcast: the model goes to each worker once; tasks carry only a reference to it
        [remote] = client.scatter([classifier], broadcast=True)
        futures = (
            client.submit(Classifier.rows, remote, chunk, pure=False) for chunk in _chunks(items)
        )
        yield from _in_order(futures, depth=2 * workers)
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()


# --- writing the table ------------------------------------------------------------------------


class RowWriter(Protocol):
    def write(self, rows: list[Row]) -> None: ...
    def close(self) -> None: ...


def open_writer(path: Path | None) -> RowWriter:
    """A writer for the table, chosen by the extension; None writes CSV to stdout.

    Checked before any message is read, so a typo in `-o` costs nothing.
    """
    suffix = path.suffix.lower() if path else ".csv"
    if suffix not in WRITERS:
        raise ValueError(f"{path}: unknown output format; use one of {', '.join(WRITERS)}")
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
    writers = {".csv": _CsvWriter, ".jsonl": _JsonlWriter}
    writers |= {".parquet": _ParquetWriter, ".xlsx": _XlsxWriter}
    return writers[suffix](path)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    """The cell value a spreadsheet shows as text: a string starting like a formula gets a
    leading quote.

    A subject such as `=HYPERLINK(...)` from a hostile sender would otherwise run in Excel
    (OWASP's CSV injection), and openpyxl would even store it as a formula.

    >>> defuse("=SUM(A1)"), defuse("Re: offer"), defuse(0.5)
    ("'=SUM(A1)", 'Re: offer', 0.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def undefuse(text: str) -> str:
    """The cell as it was before `defuse`, for reading a table back (nextsteps review)."""
    return text[1:] if text[:1] == "'" and text[1:].startswith(_FORMULA_STARTS) else text


def write_csv(rows: Iterable[Row], fp: TextIO, *, header: bool = True) -> None:
    """Rows as CSV on an open text stream, formula-like cells defused; lines end in "\\n", as
    Unix tools reading the table from stdout expect."""
    writer = csv.writer(fp, lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    writer.writerows([defuse(v) for v in _values(r)] for r in rows)


class _CsvWriter:
    """The header at once (a run without rows still gives a table), then each chunk."""

    def __init__(self, path: Path | None) -> None:
        self.fp = path.open("w", encoding="utf-8", newline="") if path else sys.stdout
        write_csv([], self.fp)

    def write(self, rows: list[Row]) -> None:
        write_csv(rows, self.fp, header=False)

    def close(self) -> None:
        if self.fp is not sys.stdout:
            self.fp.close()


class _JsonlWriter:
    def __init__(self, path: Path | None) -> None:
        self.fp = path.open("w", encoding="utf-8") if path else sys.stdout

    def write(self, rows: list[Row]) -> None:
        self.fp.writelines(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows)

    def close(self) -> None:
        if self.fp is not sys.stdout:
            self.fp.close()


class _ParquetWriter:
    """pyarrow, one row group per chunk, with a fixed schema so an all-empty chunk keeps types."""

    def __init__(self, path: Path | None) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"confidence": pa.float64(), "needs_review": pa.bool_()}
        types |= {"position": pa.int64(), "line": pa.int64()}
        self.schema = pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])
        self.writer = pq.ParquetWriter(path or sys.stdout.buffer, self.schema)

    def write(self, rows: list[Row]) -> None:
        import pyarrow as pa

        self.writer.write_table(pa.Table.from_pylist([asdict(r) for r in rows], self.schema))

    def close(self) -> None:
        self.writer.close()


class _XlsxWriter:
    """openpyxl in write-only mode, which streams rows to disk instead of holding the sheet."""

    def __init__(self, path: Path | None) -> None:
        from openpyxl import Workbook

        if path is None:
            raise ValueError("an Excel sheet needs a file: use -o FILE.xlsx")
        self.path, self.book = path, Workbook(write_only=True)
        self.sheet = self.book.create_sheet("messages")
        self.sheet.append(list(COLUMNS))

    def write(self, rows: list[Row]) -> None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        for row in rows:  # control characters from broken mail would make Excel refuse the file
            values = [defuse(v) for v in _values(row)]
            self.sheet.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
            )

    def close(self) -> None:
        self.book.save(self.path)


def _values(row: Row) -> list[Any]:
    return [getattr(row, c) for c in COLUMNS]


# --- applications: the summary and the calendar ------------------------------------------------


@dataclass
class Application:
    """One application seen across its messages: where it stands and what to do."""

    key: str  # the smallest of its keys ("company:acme|analyst", "thread:..."): see result()
    company: str = ""
    role: str = ""
    subject: str = ""
    messages: int = 0
    status: str = ""  # the label of the latest message
    last_at: dt.datetime | None = None
    promised: str = ""  # the latest key date, e.g. "hear_by 2025-10-22"
    promised_on: dt.date | None = None
    follow_up_on: dt.date | None = None
    action: str = ""
    overdue: bool = False

    def title(self) -> str:
        name = " · ".join(p for p in (self.company, self.role) if p)
        return name or self.subject or self.key

    def line(self) -> str:
        """The application in one line of the morning list."""
        last = self.last_at.date().isoformat() if self.last_at else "undated"
        parts = [f"{self.title()}: {self.status} (last message {last}, {self.messages} in all)"]
        if self.promised:
            parts.append(f"promised {self.promised}")
        if self.overdue:
            parts.append(f"OVERDUE since {self.promised_on}")
        if self.follow_up_on:
            parts.append(f"follow up {self.follow_up_on}: {self.action}")
        return " | ".join(parts)


_FINAL = {str(Category.REJECTION), str(Category.OFFER)}


class Applications:
    """Groups rows into applications as they stream past: messages sharing a thread, or a company
    and role, are one application. Memory grows with applications, not messages."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.groups: dict[str, Application] = {}
        self.thread_last: dict[str, dt.datetime] = {}

    def add(self, row: Row) -> None:
        when = _moment(row.sent_at)
        if row.error:
            return
        if row.label == Category.UNRELATED:  # not an application, but a later message in one
            if row.thread_id and when:
                self.thread_last[row.thread_id] = max(
                    when, self.thread_last.get(row.thread_id, when)
                )
            return
        keys = _group_keys(row)
        root = self._union(keys)
        self.groups[root] = _merge(self.groups.get(root), _from_row(row, root, when))

    def result(self, today: dt.date) -> list[Application]:
        """The applications, what is overdue as of `today` first, then by follow-up date."""
        apps = []
        for thread, when in self.thread_last.items():
            root = self._find(f"thread:{thread}") if f"thread:{thread}" in self.parent else None
            if root in self.groups:
                self.groups[root] = _merge(self.groups[root], Application(root, last_at=when))
        keys = self._smallest_keys()
        for root, app in self.groups.items():
            app.key = keys[root]
            app.overdue = _is_overdue(app, today)
            apps.append(app)
        far = dt.date.max
        return sorted(apps, key=lambda a: (not a.overdue, a.follow_up_on or far, a.title()))

    def _smallest_keys(self) -> dict[str, str]:
        """Each group's smallest key. The root depends on the order rows came in; the smallest
        key does not, so a calendar UID made from it survives a re-import. Company keys sort
        first, so an application known by company and role keeps its key as threads join it."""
        smallest: dict[str, str] = {}
        for key in list(self.parent):
            root = self._find(key)
            smallest[root] = min(key, smallest.get(root, key))
        return smallest

    def _find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]  # path halving
            key = self.parent[key]
        return key

    def _union(self, keys: list[str]) -> str:
        roots = [self._find(k) for k in keys]
        root = roots[0]
        for other in roots[1:]:
            if other != root:
                self.parent[other] = root
                self.groups[root] = _merge(self.groups.get(root), self.groups.pop(other, None))
        return root


def _group_keys(row: Row) -> list[str]:
    keys = [f"thread:{row.thread_id}"] if row.thread_id else []
    if row.company:
        keys.append(f"company:{row.company.lower()}|{row.role.lower()}")
    return keys or [f"message:{row.id}"]


def _moment(value: str) -> dt.datetime | None:
    """A sortable instant: aware datetimes in UTC, naive ones taken as UTC."""
    if not value:
        return None
    when = dt.datetime.fromisoformat(value)
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _from_row(row: Row, key: str, when: dt.datetime | None) -> Application:
    promised_on = dt.date.fromisoformat(row.key_date[:10]) if row.key_date else None
    return Application(
        key=key,
        company=row.company,
        role=row.role,
        subject=row.subject,
        messages=1,
        status=row.label,
        last_at=when,
        promised=f"{row.key_date_kind} {row.key_date}" if row.key_date else "",
        promised_on=promised_on,
        follow_up_on=dt.date.fromisoformat(row.follow_up_on) if row.follow_up_on else None,
        action=row.action,
    )


def _merge(a: Application | None, b: Application | None) -> Application:
    """The two as one application: the later message's status and advice, the latest promise."""
    if a is None or b is None:
        return a or b  # type: ignore[return-value]
    old, new = sorted((a, b), key=lambda x: x.last_at or dt.datetime.min.replace(tzinfo=dt.UTC))
    merged = Application(
        key=a.key,
        company=new.company or old.company,
        role=new.role or old.role,
        subject=new.subject or old.subject,
        messages=a.messages + b.messages,
        status=new.status or old.status,
        last_at=new.last_at or old.last_at,
        follow_up_on=new.follow_up_on if new.status else old.follow_up_on,
        action=new.action if new.status else old.action,
    )
    # An offer or a rejection ends what was promised before it.
    promise = new if new.promised or new.status in _FINAL else old
    merged.promised, merged.promised_on = promise.promised, promise.promised_on
    return merged


def _is_overdue(app: Application, today: dt.date) -> bool:
    """A promised answer whose date has passed with no message since."""
    if not app.promised.startswith("hear_by") or app.promised_on is None or app.status in _FINAL:
        return False
    last = app.last_at.date() if app.last_at else dt.date.min
    return app.promised_on < today and last <= app.promised_on


def write_ics(apps: Iterable[Application], target: str | Path | BinaryIO, today: dt.date) -> int:
    """Write one all-day reminder per application with a follow-up date to a path or a binary
    file object; returns how many.

    The UID is made from the application's key alone, not its follow-up date, so importing a
    later run's calendar moves an application's event instead of adding a second one.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//nextsteps//batch//EN")
    cal.add("version", "2.0")
    count = 0
    for app in apps:
        if app.follow_up_on is None:
            continue
        event = Event()
        uid = hashlib.sha1(app.key.encode()).hexdigest()
        event.add("uid", f"{uid}@nextsteps")
        event.add("dtstamp", dt.datetime.combine(today, dt.time(0, 0), dt.UTC))
        event.add("dtstart", app.follow_up_on)
        event.add("summary", f"Follow up: {app.title()}")
        event.add("description", f"{app.action}\n\nLatest: {app.status}. {app.subject}".strip())
        cal.add_component(event)
        count += 1
    if isinstance(target, str | Path):
        Path(target).write_bytes(cal.to_ical())
    else:
        target.write(cal.to_ical())
    return count


# --- the whole run ---------------------------------------------------------------------------


@dataclass
class BatchReport:
    """What a run did: counts, and the applications when a summary or calendar was asked for."""

    messages: int = 0
    errors: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    applications: list[Application] = field(default_factory=list)
    reminders: int = 0


def run_batch(
    sources: Iterable[str | Path | BinaryIO],
    out: Path | None,
    *,
    today: dt.date,
    write_rows: bool = True,
    ics: Path | None = None,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> BatchReport:
    """Classify the exports, write the table to `out` (None: stdout), and gather applications.

    `options` go to `classify_inbox`. `progress(n)` is called after each chunk of n rows.
    """
    options["country"] = country_code(options.get("country"))  # before the output is created
    writer = open_writer(out) if write_rows else None
    report, apps = BatchReport(), Applications()
    try:
        for chunk in _chunks(classify_inbox(sources, today=today, **options)):
            _tally(report, apps, chunk)
            if writer:
                writer.write(chunk)
            if progress:
                progress(len(chunk))
    finally:
        if writer:
            writer.close()
    report.applications = apps.result(today)
    if ics:
        report.reminders = write_ics(report.applications, ics, today)
    return report


def summarise(rows: Iterable[Row], today: dt.date) -> BatchReport:
    """The counts and applications of rows already classified (the web page's batch)."""
    report, apps = BatchReport(), Applications()
    _tally(report, apps, rows)
    report.applications = apps.result(today)
    return report


def _tally(report: BatchReport, apps: Applications, rows: Iterable[Row]) -> None:
    for row in rows:
        report.messages += 1
        report.errors += bool(row.error)
        if row.label:
            report.labels[row.label] = report.labels.get(row.label, 0) + 1
        apps.add(row)


def terminal_progress() -> Any:
    """A rich progress bar on stderr when it is a terminal; None on a pipe, so logs stay clean.

    Use as a context manager giving a `progress(n)` callback (or None).
    """
    from contextlib import nullcontext

    if not sys.stderr.isatty():
        return nullcontext(None)
    return _RichProgress()


class _RichProgress:
    def __enter__(self) -> Callable[[int], None]:
        from rich.console import Console
        from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

        self.bar = Progress(
            SpinnerColumn(),
            "{task.description}",
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.__enter__()
        task = self.bar.add_task("messages", total=None)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)
