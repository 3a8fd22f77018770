"""lingosum's speed benchmark: cold start, single-article latency, feed throughput, peak RSS and
tokens per second per stage, beside the transformers baseline and the hardware floor.

    .venv/bin/python -m benchmarks.bench       # everything, as in the README table
    .venv/bin/python -m benchmarks.bench --runs 1 --baseline-runs 0 --feed-size 2   # quick

It starts a real `lingosum serve` on the configured model (LINGOSUM_* settings apply) and talks
to it over HTTP, the way a user does. Results go to --out as bench.json and bench.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from service.backends.model_store import resolve_gguf
from service.settings import Settings

from .articles import Article, feed_articles, fixed_articles
from .floor import HardwareRates, measure_rates
from .server import Server

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    args = _arguments()
    settings = Settings()
    model_file = resolve_gguf(settings.summarizer_model, settings.model_dir)
    articles = fixed_articles(args.data_dir, args.samples_dir)
    report: dict[str, Any] = {"model": settings.summarizer_model, "threads": settings.threads}

    _say("measuring the hardware rates with a plain llama.cpp loop")
    rates = measure_rates(model_file, articles[1].text, settings.inference_threads)
    report["rates"] = rates.as_json()

    # Each round starts a fresh server and posts each article once, so no run finds its own
    # article already processed; the rounds' start-up times are the cold starts.
    report["cold_start_s"] = []
    runs: dict[str, list[dict[str, Any]]] = {a.name: [] for a in articles}
    for round_number in range(args.runs):
        _say(f"round {round_number + 1}/{args.runs}: cold start")
        server = Server.start()
        report["cold_start_s"].append(server.ready_after_s)
        try:
            for article in articles:
                _say(f"round {round_number + 1}/{args.runs}: {article.name}")
                runs[article.name].append(_timed_summary(server.client, article.text))
            if round_number == args.runs - 1:
                if args.feed_size:
                    report["feed"] = _feed(server.client, args.data_dir, args.feed_size)
                report["server_peak_rss_mb"] = server.peak_rss_mb()
        finally:
            server.stop()
    report["latency"] = {a.name: _latency(a, runs[a.name], rates) for a in articles}

    if args.baseline_runs:
        wanted = set(args.baseline_articles.split(","))
        chosen = [a for a in articles if "all" in wanted or a.name in wanted]
        report["baseline"] = _baseline(
            model_file, chosen, args.baseline_runs, args.baseline_timeout, args.out
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    table = markdown(report)
    (args.out / "bench.md").write_text(table)
    print(table)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="Rounds: a cold start, then each article once."
    )
    parser.add_argument("--baseline-runs", type=int, default=1, help="0 skips the baseline.")
    parser.add_argument(
        "--baseline-articles",
        default="xsum-300,sample",
        help="Comma-separated article names for the (slow) baseline, or 'all'.",
    )
    parser.add_argument(
        "--baseline-timeout", type=int, default=1800, help="Seconds before the baseline is stopped."
    )
    parser.add_argument(
        "--feed-size", type=int, default=20, help="Articles per feed mode; 0 skips the feed."
    )
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--samples-dir", type=Path, default=ROOT.parent / "shared" / "samples")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    return parser.parse_args()


def _timed_summary(client: httpx.Client, text: str) -> dict[str, Any]:
    started = time.perf_counter()
    body = _summarize(client, text)
    return {"seconds": time.perf_counter() - started, "body": body}


def _latency(article: Article, runs: list[dict[str, Any]], rates: HardwareRates) -> dict[str, Any]:
    stages: dict[str, dict[str, list[float]]] = {}
    for run in runs:
        for step in run["body"]["route"]:
            if step.get("prefill_ms"):
                _add_stage_rates(stages.setdefault(f"{step['stage']} {step['target']}", {}), step)
    seconds = [run["seconds"] for run in runs]
    prompt = sum(statistics.median(s["prompt_tokens"]) for s in stages.values())
    generated = sum(statistics.median(s["completion_tokens"]) for s in stages.values())
    floor = rates.floor_s(prompt, generated)
    return {
        "words": article.words,
        "seconds": _summary(seconds),
        "floor_s": round(floor, 2),
        "x_floor": round(statistics.median(seconds) / floor, 2),
        "stages": {
            name: {k: round(statistics.median(v), 1) for k, v in s.items()}
            for name, s in stages.items()
        },
        "last_response": runs[-1]["body"],
    }


def _add_stage_rates(stage: dict[str, list[float]], step: dict[str, Any]) -> None:
    decode_ms = step["ms"] - step["prefill_ms"]
    values = {
        "prompt_tokens": step["prompt_tokens"],
        "completion_tokens": step["completion_tokens"],
        "prompt_tok_s": step["prompt_tokens"] / step["prefill_ms"] * 1000,
        "generate_tok_s": step["completion_tokens"] / decode_ms * 1000 if decode_ms > 0 else 0.0,
    }
    for key, value in values.items():
        stage.setdefault(key, []).append(value)


def _feed(client: httpx.Client, data_dir: Path, size: int) -> dict[str, Any]:
    """The same articles one by one, then in one batch call. (With LINGOSUM_PROMPT_CACHE_MB
    set, the batch would find some of them in the prompt cache; the default is off.)"""
    one_by_one = together = feed_articles(data_dir, size)
    _say(f"feed: {size} articles, one call each")
    started = time.perf_counter()
    for article in one_by_one:
        _summarize(client, article.text)
    sequential = time.perf_counter() - started

    _say(f"feed: the same {size} articles in one batch call")
    started = time.perf_counter()
    response = client.post(
        "/v1/summarize/batch", json={"items": [{"text": a.text} for a in together]}
    )
    batch = time.perf_counter() - started
    result: dict[str, Any] = {
        "articles": size,
        "mean_words": round(statistics.mean(a.words for a in one_by_one)),
        "sequential_per_min": round(size / sequential * 60, 2),
    }
    if response.status_code == 200:
        result["batch_per_min"] = round(size / batch * 60, 2)
        result["batch_x_sequential"] = round(sequential / batch, 2)
    else:
        result["batch_error"] = response.json()
    return result


def _baseline(
    model_file: Path, articles: list[Article], runs: int, timeout_s: int, scratch: Path
) -> dict[str, Any]:
    scratch.mkdir(parents=True, exist_ok=True)
    paths = []
    for article in articles:
        path = scratch / f"{article.name}.txt"
        path.write_text(article.text)
        paths.append(path)
    _say(f"transformers baseline: {len(articles)} articles x {runs} run(s)")
    command = [sys.executable, str(Path(__file__).parent / "baseline_transformers.py")]
    command += [str(model_file), *map(str, paths), "--runs", str(runs)]
    try:
        output = subprocess.run(
            command, check=True, capture_output=True, text=True, timeout=timeout_s
        ).stdout
        timed_out = False
    except subprocess.TimeoutExpired as expired:  # keep the articles it finished
        partial = expired.stdout or b""
        output = partial.decode() if isinstance(partial, bytes) else partial
        timed_out = True
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    result: dict[str, Any] = {
        "load_s": lines[0]["load_s"] if lines else None,
        "timed_out_after_s": timeout_s if timed_out else None,
        "articles": {},
    }
    for article in articles:
        runs_of = [line for line in lines[1:] if line["article"] == f"{article.name}.txt"]
        if not runs_of:
            continue
        result["articles"][article.name] = {
            "seconds": _summary([r["seconds"] for r in runs_of]),
            "prompt_tokens": runs_of[-1]["prompt_tokens"],
            "completion_tokens": runs_of[-1]["completion_tokens"],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs_of),
            "last_en": runs_of[-1]["en"],
        }
    return result


def _summarize(client: httpx.Client, text: str) -> dict[str, Any]:
    response = client.post("/v1/summarize", json={"text": text})
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(p95, 2),
        "min": round(ordered[0], 2),
        "max": round(ordered[-1], 2),
        "runs": len(ordered),
    }


def markdown(report: dict[str, Any]) -> str:
    rates = report["rates"]
    lines = [
        f"Model `{report['model']}`; plain llama.cpp loop on this machine: prompt "
        f"{rates['prefill_tok_s']} tok/s, generation {rates['decode_tok_s']} tok/s; memory "
        f"read {rates['bandwidth_gb_s']} GB/s, so the bandwidth limit for decoding is "
        f"{rates['bandwidth_limit_tok_s']} tok/s.",
        "",
        "| article | words | p50 s | p95 s | range s | floor s | × floor | baseline s | speed-up |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    baseline = report.get("baseline", {}).get("articles", {})
    for name, row in report["latency"].items():
        seconds = row["seconds"]
        base = baseline.get(name, {}).get("seconds", {}).get("p50")
        lines.append(
            f"| {name} | {row['words']} | {seconds['p50']} | {seconds['p95']} | "
            f"{seconds['min']}–{seconds['max']} | {row['floor_s']} | {row['x_floor']} | "
            f"{base if base is not None else '–'} | {_ratio(base, seconds['p50'])} |"
        )
    if stopped := report.get("baseline", {}).get("timed_out_after_s"):
        lines += [
            "",
            f"The transformers baseline was stopped after {stopped} s (its load included); an "
            "article with no baseline figure had not finished by then.",
        ]
    cold = report["cold_start_s"]
    lines += [
        "",
        f"- Cold start to ready: median {statistics.median(cold):.1f} s "
        f"(range {min(cold):.1f}–{max(cold):.1f}, {len(cold)} starts).",
        f"- Peak RSS of the server: {report['server_peak_rss_mb']} MB"
        + (
            f"; baseline {max(a['peak_rss_mb'] for a in baseline.values())} MB."
            if baseline
            else "."
        ),
    ]
    if feed := report.get("feed"):
        lines.append(
            f"- Feed of {feed['articles']} articles (mean {feed['mean_words']} words): "
            f"{feed['sequential_per_min']} articles/min as single calls"
            + (
                f", {feed['batch_per_min']}/min as one batch ({feed['batch_x_sequential']}×)."
                if "batch_per_min" in feed
                else f"; batch call failed: {feed['batch_error']}."
            )
        )
    lines += ["", "| stage | prompt tokens | prompt tok/s | generated tokens | generation tok/s |"]
    lines.append("|---|---:|---:|---:|---:|")
    for name, row in report["latency"].items():
        for stage, values in row["stages"].items():
            lines.append(
                f"| {name}: {stage} | {values['prompt_tokens']:.0f} | {values['prompt_tok_s']} | "
                f"{values['completion_tokens']:.0f} | {values['generate_tok_s']} |"
            )
    return "\n".join(lines) + "\n"


def _ratio(baseline: float | None, ours: float) -> str:
    return f"{baseline / ours:.1f}×" if baseline else "–"


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
