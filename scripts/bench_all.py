"""Run every benchmark and write one table, docs/benchmarks.md, with the machine it ran on.

    python scripts/bench_all.py [--messages 50000] [--jobs 1] [--runs 7] [--out docs/benchmarks.md]

Each figure stands beside a reference measured in the same run, on the same input:

- dates: scripts/bench_dates.py's own functions (speed and gold-file accuracy), beside
  dateparser's `search_dates` on the same messages (when dateparser is installed);
- interpret: scripts/bench_interpret.py as a child process (cold start beside `python -c pass`
  and `python -c "import sklearn"`; warm time per message), beside a plain scikit-learn
  TF-IDF + logistic regression pipeline scoring one message at a time;
- batch: scripts/bench_batch.py as a child process (end to end, peak memory, the standard
  library's parsers on the same messages), beside the standard library's `mailbox.mbox` reading
  the same mbox in its own child process (throughput and peak memory);
- training: `nextsteps train` into a temporary folder, beside one fit of that plain pipeline on
  the same train split.

The scripts are run or imported as they are; their printed lines are parsed here, so a change to
their wording fails this script loudly rather than writing a wrong table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCRIPTS = ROOT / "scripts"


@dataclass
class Line:
    """One row of the table."""

    what: str
    ours: str
    reference: str
    target: str = ""


# --- the machine ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    ram = "?"
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)[1]  # type: ignore[index]
        kb = int(re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M)[1])  # type: ignore[index]
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, TypeError):
        pass  # not Linux: platform's answer will do
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.is_file():
        pretty = re.search(r'^PRETTY_NAME="?([^"\n]+)', release.read_text(), re.MULTILINE)
        os_name = f"{pretty[1]} ({platform.system()} {platform.release()})" if pretty else os_name
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} logical ({affinity} usable by this process)",
        "RAM": ram,
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "OS": os_name,
    }


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


# --- running the scripts -------------------------------------------------------------------------


def run(cmd: list[str], timeout: float = 3600) -> str:
    """stdout of a child process run from the project root; its stderr is shown on failure."""
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def find(pattern: str, text: str, source: str) -> re.Match[str]:
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        sys.exit(f"could not find /{pattern}/ in the output of {source}:\n{text}")
    return match


def import_script(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def per_second(fn, items: list, min_seconds: float = 2.0) -> float:
    """Items per second of `fn` over repeated passes (at least one whole pass)."""
    done, start = 0, time.perf_counter()
    while done == 0 or time.perf_counter() - start < min_seconds:
        for item in items:
            fn(*item)
        done += len(items)
    return done / (time.perf_counter() - start)


def n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


# --- the benchmarks ------------------------------------------------------------------------------


def bench_dates() -> list[Line]:
    bench = import_script("bench_dates")
    rows = bench.load_gold()
    short = [
        (r["text"], dt.datetime.fromisoformat(r["sent_at"])) for r in rows if len(r["text"]) < 200
    ]
    emails = bench.email_length(rows)
    bench.find_dates("warm up by Friday", dt.datetime(2025, 1, 1))
    ours_short, ours_email = bench.rate(short), bench.rate(emails)
    ours = bench.score_gold(rows)
    theirs = bench.score_dateparser(rows)
    avg = sum(len(t) for t, _ in emails) / len(emails)
    if theirs is None:
        missing = "dateparser not installed"
        ref_short = ref_email = missing
        theirs = {}
    else:
        from dateparser.search import search_dates

        def dateparser_on(text: str, sent: dt.datetime) -> None:
            base = {"RELATIVE_BASE": sent.replace(tzinfo=None), "PREFER_DATES_FROM": "future"}
            search_dates(text, languages=["en"], settings=base)

        search_dates("warm up by Friday", languages=["en"])
        ref_short = f"dateparser `search_dates`: {n(per_second(dateparser_on, short))} msg/s"
        ref_email = f"dateparser `search_dates`: {n(per_second(dateparser_on, emails))} msg/s"

    def other(key: str, digits: int = 3) -> str:
        return f"dateparser: {theirs[key]:.{digits}f}" if key in theirs else "-"

    expressions = sum(len(r["expected"]) for r in rows)
    traps = sum(not r["expected"] for r in rows)
    return [
        Line(f"dates: short messages (< 200 chars, n={len(short)})", f"{n(ours_short)} msg/s",
             ref_short, "≥ 2,000 msg/s"),
        Line(f"dates: email-length messages (avg {n(avg)} chars, n={len(emails)})",
             f"{n(ours_email)} msg/s", ref_email),
        Line(f"dates: span F1 on the gold file ({expressions} expressions, {len(rows)} messages)",
             f"{ours['f1']:.3f}", other("f1")),
        Line("dates: value right, of the spans found", f"{ours['value_accuracy']:.3f}",
             other("value_accuracy")),
        Line(f"dates: trap messages (no date) with a false alarm, of {traps}",
             f"{ours['trap_messages_with_fp']}", other("trap_messages_with_fp", 0)),
        Line("dates: key date right on the gold file", f"{ours['key_accuracy']:.3f}", "-"),
    ]  # fmt: skip


def plain_pipeline() -> dict[str, float]:
    """The reference model: scikit-learn TF-IDF (words and characters) + logistic regression,
    fitted on the cleaned train split; its fit time, and its time to score one message."""
    sys.path.insert(0, str(ROOT / "src"))
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    from nextsteps.corpus import load_corpus
    from nextsteps.training import message_fields

    examples = load_corpus(ROOT / "data/corpus.jsonl")
    train = [e for e in examples if e.split == "train"]
    test = [e for e in examples if e.split == "test"]
    x_train = [message_fields(e).body for e in train]
    x_test = [message_fields(e).body for e in test]
    pipe = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        ),
        LogisticRegression(max_iter=2000),
    )
    start = time.perf_counter()
    pipe.fit(x_train, [str(e.label) for e in train])
    fit = time.perf_counter() - start
    start = time.perf_counter()
    for text in x_test:
        pipe.predict_proba([text])
    per = (time.perf_counter() - start) / len(x_test)
    return {"fit_s": fit, "predict_ms": per * 1000, "n_train": len(train), "n_test": len(test)}


def bench_interpret(runs: int, plain: dict[str, float]) -> list[Line]:
    source = "scripts/bench_interpret.py"
    out = run([sys.executable, str(SCRIPTS / "bench_interpret.py"), "--runs", str(runs)])
    cold = {
        m[1].strip(): float(m[2]) for m in re.finditer(r"^cold\s+(.+?)\s+([\d.]+) ms", out, re.M)
    }
    warm = find(r"^warm .*?([\d.]+) ms \(mean over (\d+)", out, source)
    for name in ("python -c pass", 'python -c "import sklearn"', "nextsteps interpret TEXT --json"):
        if name not in cold:
            sys.exit(f"no cold-start line for {name!r} in the output of {source}:\n{out}")
    sklearn = cold['python -c "import sklearn"']
    return [
        Line(f"interpret: cold start, `nextsteps interpret TEXT --json` (median of {runs})",
             f"{n(cold['nextsteps interpret TEXT --json'])} ms",
             f'`python -c "import sklearn"`: {n(sklearn)} ms; '
             f"`python -c pass`: {n(cold['python -c pass'])} ms", "≤ 1,000 ms"),
        Line(f"interpret: warm, per message (mean over {warm[2]} test messages)",
             f"{float(warm[1]):.2f} ms",
             f"plain scikit-learn TF-IDF + logistic regression, one message at a time: "
             f"{plain['predict_ms']:.2f} ms (model only: no cleaning, dates or advice)", "≤ 5 ms"),
    ]  # fmt: skip


STDLIB_MBOX = """
import json, mailbox, resource, sys, time
start, count = time.perf_counter(), 0
for msg in mailbox.mbox(sys.argv[1], create=False):
    _ = msg["Subject"], msg["From"], msg["Date"]
    count += 1
seconds = time.perf_counter() - start
# VmHWM, the peak of this process's own memory: ru_maxrss would carry the parent's over exec
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")] if sys.platform == "linux" else []
rss = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"messages": count, "seconds": seconds, "rss_mb": rss}))
"""


def bench_batch(messages: int, jobs: int) -> list[Line]:
    source = "scripts/bench_batch.py"
    out = run(
        [sys.executable, str(SCRIPTS / "bench_batch.py"), "--messages", str(messages),
         "--jobs", str(jobs)]
    )  # fmt: skip
    mbox = find(r"^mbox: (.+?) \(", out, source)[1]
    end = find(
        r"end to end .*?([\d.]+) msgs/s\s+\(([\d.]+)/s per core, ([\d.]+) s, peak RSS ([\d.]+) MB",
        out,
        source,
    )
    sample = find(r"first ([\d,]+) messages", out, source)[1]
    stage = {
        key: float(find(rf"{pattern}\s+([\d.]+) msgs/s", out, source)[1])
        for key, pattern in (
            ("default", r"policy\.default"),
            ("compat32", r"compat32"),
            ("split", r"split_mbox only"),
            ("parse", r"parse \(headers \+ body\)"),
            ("classify", r"classify \(clean, model, dates\)"),
        )
    }
    ref = json.loads(run([sys.executable, "-c", STDLIB_MBOX, mbox]).strip().splitlines()[-1])
    stdlib_rate = ref["messages"] / ref["seconds"]
    return [
        Line(f"batch: end to end, `nextsteps batch --jobs {jobs}`, {n(messages)}-message mbox "
             f"(start-up included)",
             f"{n(float(end[1]))} msg/s ({n(float(end[2]))}/s per core, {float(end[3]):.0f} s)",
             f"stdlib `mailbox.mbox`, same file, 3 headers read: {n(stdlib_rate)} msg/s",
             "≥ 1,000 msg/s per core"),
        Line("batch: peak resident memory", f"{float(end[4]):.0f} MB",
             f"stdlib `mailbox.mbox` over the same file: {ref['rss_mb']:.0f} MB", "< 400 MB"),
        Line(f"batch: reading alone (split + parse as `interpret`), first {sample} messages",
             f"{n(1 / (1 / stage['split'] + 1 / stage['parse']))} msg/s",
             f"stdlib `message_from_bytes` + 3 headers: policy.default {n(stage['default'])} msg/s, "
             f"compat32 {n(stage['compat32'])} msg/s"),
        Line(f"batch: classification alone (clean, model, dates, advice), first {sample} messages",
             f"{n(stage['classify'])} msg/s", "-"),
    ]  # fmt: skip


def bench_training(plain: dict[str, float]) -> list[Line]:
    with tempfile.TemporaryDirectory(prefix="nextsteps-bench-train-") as tmp:
        start = time.perf_counter()
        cmd = [str(BIN / "nextsteps"), "train", "--data", "data/corpus.jsonl", "--out", tmp + "/m"]
        run(cmd)
        seconds = time.perf_counter() - start
    return [
        Line(f"training: `nextsteps train` on the {plain['n_train']:.0f}-message train split "
             "(5 writer-grouped folds, final fit, calibration)",
             f"{seconds:.1f} s",
             f"plain scikit-learn TF-IDF (words + characters) + logistic regression, "
             f"one fit: {plain['fit_s']:.1f} s"),
    ]  # fmt: skip


# --- the table -----------------------------------------------------------------------------------


def markdown(lines: list[Line], facts: dict[str, str], note: str) -> str:
    rows = "\n".join(f"| {x.what} | **{x.ours}** | {x.reference} | {x.target} |" for x in lines)
    machine_rows = "\n".join(f"| {k} | {v} |" for k, v in facts.items())
    return f"""# Benchmarks

Written by `make bench` (`scripts/bench_all.py`); do not edit by hand. Every reference figure was
measured in the same run, on the same machine and the same input, as the figure beside it.

| machine | |
|---|---|
{machine_rows}

{note}

| benchmark | nextsteps | reference, same run | target |
|---|---|---|---|
{rows}

How each figure is measured: `scripts/bench_dates.py`, `scripts/bench_interpret.py`,
`scripts/bench_batch.py` (and `docs/batch.md`), and `scripts/bench_all.py` for the references it
adds (dateparser's speed, `mailbox.mbox`, the plain scikit-learn pipeline, training time).
Absolute figures move with the machine's load; ratios within one run are steadier.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=50_000, help="size of the batch mbox")
    ap.add_argument("--jobs", type=int, default=1, help="processes for the batch run")
    ap.add_argument("--runs", type=int, default=7, help="cold starts per command")
    ap.add_argument("--out", type=Path, default=ROOT / "docs/benchmarks.md")
    args = ap.parse_args()
    facts = machine()
    before, started = load_average(), time.perf_counter()

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {name}", file=sys.stderr, flush=True)

    step("dates: ours and dateparser")
    lines = bench_dates()
    step("the plain scikit-learn pipeline")
    plain = plain_pipeline()
    step("interpret: cold and warm")
    lines += bench_interpret(args.runs, plain)
    step(f"batch: {args.messages:,} messages")
    lines += bench_batch(args.messages, args.jobs)
    step("training")
    lines += bench_training(plain)
    elapsed = time.perf_counter() - started
    facts["load average (1/5/15 min)"] = f"{before} before, {load_average()} after"
    facts["run"] = (
        f"{dt.datetime.now().astimezone().isoformat(timespec='seconds')}, {elapsed / 60:.1f} min"
    )
    note = (
        "Figures are single-process unless said otherwise. The load average shows how much else "
        "the machine was doing during the run."
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(lines, facts, note), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
