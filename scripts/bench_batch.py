"""Benchmark of `nextsteps batch` on a large mbox: throughput end to end and peak memory.

    python scripts/bench_batch.py [--messages 50000] [--jobs 1] [--sample 3000] [--profile]

Builds an mbox of N messages in /tmp from data/corpus.jsonl (each corpus message in turn, as
plain, quoted-printable or multipart/alternative HTML mail with Gmail-like headers), then:

- runs `nextsteps batch MBOX -o rows.parquet` as a child process and reports messages/s over the
  whole run (start-up and model load included) and the child's peak resident memory;
- beside it, in this process and on the same messages (the first `--sample`): the standard
  library's parser with policy.default and with compat32, our own reading (split + parse), and
  the classification step alone, so one can see where the time goes.

`--profile` adds a cProfile of the in-process pipeline on the sample (top functions by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import email
import io
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/nextsteps-bench")
TODAY = dt.date(2025, 12, 1)


def build_mbox(path: Path, n: int, seed: int = 0) -> None:
    """Write n messages cycling through the corpus, in three MIME shapes."""
    rng = random.Random(seed)
    corpus = [json.loads(line) for line in (ROOT / "data/corpus.jsonl").open(encoding="utf-8")]
    with path.open("wb") as fp:
        for i in range(n):
            record = corpus[i % len(corpus)]
            sent = dt.datetime.fromisoformat(record["sent_at"]) + dt.timedelta(minutes=i)
            fp.write(f"From {i}@xxx {sent:%a %b %d %H:%M:%S +0000 %Y}\n".encode())
            data = _message(record, i, sent, rng.randrange(3)).as_bytes(policy=policy.SMTP)
            fp.write(data.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From "))
            fp.write(b"\n")


def _message(record: dict, i: int, sent: dt.datetime, shape: int) -> EmailMessage:
    msg = EmailMessage()
    msg["Received"] = f"by 10.0.0.{i % 250} with SMTP id x{i}; {sent:%a, %d %b %Y %H:%M:%S %z}"
    msg["Received"] = "from mail.example.com (mail.example.com [203.0.113.5]) by mx.google.com"
    msg["X-GM-THRID"] = str(1790000000000000000 + i // 3)
    msg["X-Gmail-Labels"] = "Inbox,Category Updates"
    msg["Message-ID"] = f"<{i}.{record['id']}@bench.example>"
    msg["Date"] = email.utils.format_datetime(sent)
    msg["From"] = record.get("sender") or "Recruiter <recruiter@example.com>"
    msg["To"] = "Candidate <candidate@example.com>"
    msg["Subject"] = record.get("subject") or "(no subject)"
    text = record["text"]
    if shape == 0:
        msg.set_content(text)
    elif shape == 1:
        msg.set_content(text, cte="quoted-printable")
    else:
        msg.set_content(text)
        paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
        msg.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    return msg


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:8.0f} msgs/s"


def run_cli(mbox: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of `nextsteps batch` as a child process."""
    cmd = [str(Path(sys.executable).parent / "nextsteps"), "batch", str(mbox), "-o", str(out)]
    cmd += ["--today", TODAY.isoformat(), "--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    # ru_maxrss of children: the largest single process (KB on Linux); with --jobs, a worker's.
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def sample_messages(mbox: Path, n: int) -> list[bytes]:
    from nextsteps.inbox import split_mbox

    with mbox.open("rb") as fp:
        out = []
        for item in split_mbox(fp):
            out.append(item.raw)
            if len(out) == n:
                return out
    return out


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def stdlib(raws: list[bytes], pol) -> None:
    for raw in raws:
        msg = email.message_from_bytes(raw, policy=pol)
        _ = str(msg["Subject"]), str(msg["From"]), str(msg["Date"])  # the envelope, as we read it


def our_parse(raws: list[bytes]) -> list:
    from nextsteps.inbox import RawMessage, parse

    return [parse(RawMessage("bench", i, raw=raw)) for i, raw in enumerate(raws)]


def classify(messages: list) -> None:
    from nextsteps.batch import Classifier
    from nextsteps.interpret import default_model

    classifier = Classifier(default_model(), TODAY)
    for m in messages:
        classifier._classify(m)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=50_000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--sample", type=int, default=3000)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    WORK.mkdir(exist_ok=True)
    mbox = WORK / f"inbox-{args.messages}.mbox"
    if not mbox.exists():
        build_mbox(mbox, args.messages)
    size = mbox.stat().st_size / 2**20
    print(f"mbox: {mbox} ({args.messages:,} messages, {size:,.0f} MB)")
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    seconds, peak = run_cli(mbox, WORK / "rows.parquet", args.jobs)
    per_core = args.messages / seconds / args.jobs
    print(f"end to end  nextsteps batch --jobs {args.jobs}  {rate(args.messages, seconds)}"
          f"  ({per_core:.0f}/s per core, {seconds:.1f} s, peak RSS {peak:.0f} MB)")  # fmt: skip

    raws = sample_messages(mbox, args.sample)
    n = len(raws)
    print(f"same process, first {n:,} messages of the same mbox:")
    print(
        f"  stdlib message_from_bytes policy.default  {rate(n, timed(stdlib, raws, policy.default))}"
    )
    print(
        f"  stdlib message_from_bytes compat32        {rate(n, timed(stdlib, raws, policy.compat32))}"
    )
    split = timed(sample_messages, mbox, n)
    print(f"  nextsteps split_mbox only                 {rate(n, split)}")
    start = time.perf_counter()
    messages = our_parse(raws)
    print(f"  nextsteps parse (headers + body)          {rate(n, time.perf_counter() - start)}")
    good = [m for m in messages if hasattr(m, "body")]
    classify(good[:50])  # load the model before timing
    print(f"  nextsteps classify (clean, model, dates)  {rate(len(good), timed(classify, good))}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: classify(our_parse(raws)))
        out = io.StringIO()
        stages = r"\((parse|newest_part|predict_proba|find_dates|key_date|recommend)\)$"
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(stages)
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        print(out.getvalue())


if __name__ == "__main__":
    main()
