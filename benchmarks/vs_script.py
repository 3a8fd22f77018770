"""lingosum against the script a user would write by hand (benchmarks/script_baseline.py), side
by side in one run, on the same GGUF, the same threads and the same machine.

    .venv/bin/python -m benchmarks.vs_script            # 7 rounds, a feed of 8 articles
    .venv/bin/python -m benchmarks.vs_script --quick    # 3 rounds, a feed of 4 (< 5 minutes)
    .venv/bin/python -m benchmarks.vs_script --reference ../main   # and another checkout too

Each round runs the script on the sample article, then posts it to a real `lingosum serve`
over HTTP, so both see the same load on a shared machine; the figures are medians. Both sides
are warmed up once on another text first. With --reference, a second server from another
checkout of lingosum (say, before a change) takes its turn in every round as well. The feed
is the same XSum articles sent one by one, then in one `/v1/summarize/batch` call. Results go
to --out as vs_script.json and vs_script.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from service.backends.model_store import resolve_gguf
from service.settings import Settings

from . import script_baseline
from .articles import SAMPLE, feed_articles
from .server import Server

ROOT = Path(__file__).resolve().parent.parent
_WARM_UP = "The city council approved a new budget on Monday, raising spending on schools by 4%."


def main() -> None:
    args = _arguments()
    settings = Settings()
    model_file = str(resolve_gguf(settings.summarizer_model, settings.model_dir))
    article = (args.samples_dir / SAMPLE).read_text(encoding="utf-8")
    llm = script_baseline.load(model_file, settings.inference_threads) if args.rounds else None
    server = Server.start(args.port)
    reference = Server.start(checkout=args.reference) if args.reference else None
    report: dict[str, Any] = {
        "cpu": _cpu(),
        "model": settings.summarizer_model,
        "threads": settings.inference_threads,
        "load_average": [_load_average()],
        "script": [],
        "lingosum": [],
    }
    if reference:
        report["reference"] = {"checkout": _describe(args.reference), "runs": []}
    try:
        if llm is not None:
            script_baseline.summarize(llm, _WARM_UP)
        for each in (server, reference):
            if each:
                _post(each.client, "/v1/summarize", {"text": _WARM_UP})
        for round_number in range(args.rounds):
            _say(f"round {round_number + 1}/{args.rounds}")
            report["script"].append(_script_run(llm, article))
            report["lingosum"].append(_lingosum_run(server, article))
            if reference:
                report["reference"]["runs"].append(_lingosum_run(reference, article))
            _save(report, args.out)
        if args.feed_size:
            report["feed"] = _feed(server, args.data_dir, args.feed_size, args.feed_rounds)
        report["server_peak_rss_mb"] = server.peak_rss_mb()
        report["load_average"].append(_load_average())
    finally:
        server.stop()
        if reference:
            reference.stop()
    _save(report, args.out)
    table = markdown(report)
    (args.out / "vs_script.md").write_text(table)
    print(table)


def _save(report: dict[str, Any], out: Path) -> None:
    """Written after every round too, so a long run that is stopped leaves its figures."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "vs_script.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 rounds and a feed of 4.")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--feed-size", type=int, default=8, help="0 skips the feed.")
    parser.add_argument(
        "--feed-rounds", type=int, default=1, help="Feed rounds, single and batch interleaved."
    )
    parser.add_argument("--port", type=int, default=0, help="lingosum's port; 0 picks one.")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--samples-dir", type=Path, default=ROOT.parent / "shared" / "samples")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument(
        "--reference", type=Path, help="Another checkout of lingosum, run in every round too."
    )
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.feed_size = 3, 4
    return args


def _script_run(llm: Any, article: str) -> dict[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    english, chinese = script_baseline.summarize(llm, article)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "stages": [_usage("summarize", english), _usage("translate", chinese)],
        "texts": [r["choices"][0]["message"]["content"] for r in (english, chinese)],
    }


def _usage(stage: str, response: Any) -> dict[str, Any]:
    usage = response["usage"]
    return {
        "stage": stage,
        "prompt_tokens": usage["prompt_tokens"],
        "completion_tokens": usage["completion_tokens"],
    }


def _lingosum_run(server: Server, article: str) -> dict[str, Any]:
    started, cpu = time.perf_counter(), server.cpu_seconds()
    body = _post(server.client, "/v1/summarize", {"text": article})
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": server.cpu_seconds() - cpu,
        "stages": [
            {k: step[k] for k in ("stage", "target", "prompt_tokens", "completion_tokens", "ms")}
            for step in body["route"]
            if step["prompt_tokens"]
        ],
        "texts": [summary["text"] for summary in body["summaries"].values()],
    }


def _feed(server: Server, data_dir: Path, size: int, rounds: int) -> dict[str, Any]:
    """The articles as single calls and as one batch call, `rounds` times, the order of the
    two swapped every round; wall and server CPU seconds of each."""
    articles = feed_articles(data_dir, size)
    runs: list[dict[str, Any]] = []
    singles: list[Any] = []
    batch: Any = None
    for round_number in range(rounds):
        run: dict[str, Any] = {"load_average": _load_average()}
        ways = ["single", "batch"] if round_number % 2 == 0 else ["batch", "single"]
        for way in ways:
            _say(f"feed round {round_number + 1}/{rounds}: {size} articles, {way}")
            started, cpu = time.perf_counter(), server.cpu_seconds()
            if way == "single":
                singles = [
                    _post(server.client, "/v1/summarize", {"text": a.text}) for a in articles
                ]
            else:
                items = [{"text": a.text} for a in articles]
                batch = _post(server.client, "/v1/summarize/batch", {"items": items})
            run[f"{way}_s"] = round(time.perf_counter() - started, 1)
            run[f"{way}_cpu_s"] = round(server.cpu_seconds() - cpu, 1)
        runs.append(run)
    same = sum(
        single["summaries"] == (item["result"] or {}).get("summaries")
        for single, item in zip(singles, batch["items"], strict=True)
    )
    finalize_calls = sum(
        step["stage"] == "finalize" and step["prompt_tokens"] > 0
        for single in singles
        for step in single["route"]
    )
    one_by_one = statistics.median(r["single_s"] for r in runs)
    together = statistics.median(r["batch_s"] for r in runs)
    single_cpu = statistics.median(r["single_cpu_s"] for r in runs)
    batch_cpu = statistics.median(r["batch_cpu_s"] for r in runs)
    return {
        "articles": size,
        "rounds": runs,
        "finalize_model_calls": finalize_calls,
        "mean_words": round(statistics.mean(a.words for a in articles)),
        "single_calls_s": round(one_by_one, 1),
        "batch_s": round(together, 1),
        "batch_x_single": round(one_by_one / together, 2),
        "single_calls_cpu_s": round(single_cpu, 1),
        "batch_cpu_s": round(batch_cpu, 1),
        "batch_x_single_cpu": round(single_cpu / batch_cpu, 2),
        "same_summaries": same,
        "texts": {
            "single": [s["summaries"] for s in singles],
            "batch": [(item["result"] or {}).get("summaries") for item in batch["items"]],
        },
    }


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> Any:
    response = client.post(path, json=body)
    response.raise_for_status()
    return response.json()


def markdown(report: dict[str, Any]) -> str:
    lines = _sample_lines(report) if report["script"] else []
    if feed := report.get("feed"):
        lines.append(
            f"\nFeed of {feed['articles']} XSum articles (mean {feed['mean_words']} words): "
            f"{feed['single_calls_s']} s as single calls, {feed['batch_s']} s as one batch: "
            f"**{feed['batch_x_single']}×**; {feed['same_summaries']} of {feed['articles']} "
            "documents got the same summaries both ways; finalize called the model for "
            f"{feed['finalize_model_calls']} of them (single calls)."
        )
        if "batch_cpu_s" in feed:
            lines.append(
                f"Server CPU seconds: {feed['single_calls_cpu_s']} single, {feed['batch_cpu_s']} "
                f"batch: **{feed['batch_x_single_cpu']}×** (medians of {len(feed['rounds'])} "
                "rounds, the order swapped every round)."
            )
    lines.append(f"\nPeak RSS of the server: {report['server_peak_rss_mb']} MB.")
    lines.append(f"Load average (1, 5, 15 min) at start and end: {report['load_average']}.")
    return "\n".join(lines) + "\n"


def _sample_lines(report: dict[str, Any]) -> list[str]:
    script = statistics.median(r["seconds"] for r in report["script"])
    ours = statistics.median(r["seconds"] for r in report["lingosum"])
    lines = [
        f"CPU: {report['cpu']}; {report['threads']} threads; model `{report['model']}`; "
        f"{len(report['script'])} rounds, interleaved.",
        "",
        "| sample article | prompt tokens | generated tokens | median s | range s | CPU s |",
        "|---|---|---|---:|---|---:|",
        _row("hand-written script", report["script"]),
        _row("lingosum over HTTP", report["lingosum"]),
        "",
        f"lingosum / script: **{ours / script:.2f}×** (median {ours:.1f} s against {script:.1f} s; "
        f"per round: {', '.join(_per_round(report['lingosum'], report['script']))}).",
        f"lingosum wrote the same two summaries in every round: {_same_texts(report['lingosum'])}.",
    ]
    if all("cpu_seconds" in r for r in (*report["script"], *report["lingosum"])):
        lines.append(
            "In CPU seconds (the script's process, the server's): "
            f"**{_cpu_median(report['lingosum']) / _cpu_median(report['script']):.2f}×**."
        )
    if reference := report.get("reference"):
        theirs = statistics.median(r["seconds"] for r in reference["runs"])
        lines[6:6] = [_row(f"reference {reference['checkout']}", reference["runs"])]
        lines += [
            f"reference / script: **{theirs / script:.2f}×** (per round: "
            f"{', '.join(_per_round(reference['runs'], report['script']))}); "
            f"lingosum / reference: **{ours / theirs:.2f}×**."
        ]
    return lines


def _row(name: str, runs: list[dict[str, Any]]) -> str:
    last = runs[-1]["stages"]
    prompt = " + ".join(str(s["prompt_tokens"]) for s in last)
    generated = " + ".join(str(s["completion_tokens"]) for s in last)
    seconds = [r["seconds"] for r in runs]
    return (
        f"| {name} ({', '.join(s['stage'] for s in last)}) | {prompt} | {generated} | "
        f"{statistics.median(seconds):.1f} | {min(seconds):.1f}–{max(seconds):.1f} | "
        f"{_cpu_median(runs):.1f} |"
    )


def _cpu_median(runs: list[dict[str, Any]]) -> float:
    """Median CPU seconds of the runs (NaN for reports made before they were recorded)."""
    return statistics.median(r.get("cpu_seconds", float("nan")) for r in runs)


def _per_round(runs: list[dict[str, Any]], script_runs: list[dict[str, Any]]) -> list[str]:
    return [
        f"{ours['seconds'] / script['seconds']:.2f}"
        for script, ours in zip(script_runs, runs, strict=True)
    ]


def _same_texts(runs: list[dict[str, Any]]) -> str:
    return "yes" if all(r["texts"] == runs[0]["texts"] for r in runs) else "no"


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _describe(checkout: Path) -> str:
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{checkout.resolve().name}@{commit or '?'}"


def _cpu() -> str:
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        name = next(
            line.split(":", 1)[1].strip() for line in lines.splitlines() if "Model name" in line
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        name = platform.processor()
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    return (
        f"{name} ({'AVX-512' if 'avx512f' in flags else 'AVX2' if 'avx2' in flags else 'no AVX2'})"
    )


def _say(message: str) -> None:
    print(f"[vs-script] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
