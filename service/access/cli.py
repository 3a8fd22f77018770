"""`lingosum keys create|list|revoke` and `lingosum glossary import|show`: manage API keys and
their glossaries in the server's store (the data folder's, or LINGOSUM_DATABASE_URL's).

A running server sees the change within a few seconds. The secret is printed once, by
`create`, and kept nowhere: only its digest is stored.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

from ..checks.glossary import merged, read_csv
from ..errors import LingosumError
from .keys import KeyRecord, Limits, check_name, digest, new_secret, normalize_origin
from .store import AccessStore, open_access_store


def add_keys_command(commands: Any) -> None:
    """Add `keys` to the `lingosum` subcommands (`commands` is argparse's subparsers)."""
    keys = commands.add_parser("keys", help="Create, list or revoke API keys.")
    actions = keys.add_subparsers(required=True, metavar="ACTION")

    create = actions.add_parser("create", help="Create a key and print its secret (only once).")
    create.add_argument("name", help="A name for the key: letters, digits, '_', '.', '-'.")
    create.add_argument("--rpm", type=_positive, help="Requests per minute (default: no limit).")
    create.add_argument("--chars-per-day", type=_positive, help="Characters of text per UTC day.")
    create.add_argument("--max-jobs", type=_positive, help="Unfinished jobs at a time.")
    create.add_argument(
        "--origin",
        action="append",
        default=[],
        help="A browser origin (https://cms.example) the key and its tokens may be used from; "
        "repeat for several.",
    )
    create.add_argument("--admin", action="store_true", help="May read all usage and metrics.")
    create.set_defaults(run=_create)

    listing = actions.add_parser("list", help="Show keys, their limits and last use (no secrets).")
    listing.set_defaults(run=_list)

    revoke = actions.add_parser("revoke", help="Revoke a key; its browser tokens stop too.")
    revoke.add_argument("name")
    revoke.set_defaults(run=_revoke)

    for action in (create, listing, revoke):
        action.add_argument(
            "--data-dir", type=Path, help="The server's data folder (default: LINGOSUM_DATA_DIR)."
        )


def add_glossary_command(commands: Any) -> None:
    """Add `glossary` to the `lingosum` subcommands (`commands` is argparse's subparsers)."""
    glossary = commands.add_parser("glossary", help="Set or show a key's glossary.")
    actions = glossary.add_subparsers(required=True, metavar="ACTION")

    load = actions.add_parser(
        "import",
        help="Add the entries of a CSV file (header: source,en,zh) to a key's glossary; "
        "an entry replaces the key's entry for the same source term.",
    )
    load.add_argument("file", type=Path, help="A UTF-8 CSV file with columns source,en,zh.")
    load.add_argument("--replace", action="store_true", help="Drop the key's other entries.")
    load.set_defaults(run=_import_glossary)

    show = actions.add_parser("show", help="Print a key's glossary as CSV.")
    show.set_defaults(run=_show_glossary)

    for action in (load, show):
        action.add_argument("--key", required=True, help="The key's name.")
        action.add_argument(
            "--data-dir", type=Path, help="The server's data folder (default: LINGOSUM_DATA_DIR)."
        )


def _import_glossary(args: argparse.Namespace) -> int:
    try:
        entries = read_csv(args.file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise LingosumError("invalid_glossary", f"Cannot read {args.file}: {error}", 422) from error
    store = _store(args)
    try:
        record = _live_key(store, args.key)
        glossary = entries if args.replace else merged(record.glossary, entries)
        store.set_glossary(record.name, glossary)
    finally:
        store.close()
    print(
        f"Key {record.name!r} now has {len(glossary)} glossary entries "
        f"({len(entries)} from {args.file}).",
        file=sys.stderr,
    )
    return 0


def _show_glossary(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        record = _live_key(store, args.key)
    finally:
        store.close()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["source", "en", "zh"])
    for entry in record.glossary:
        out.writerow([entry.source, entry.en or "", entry.zh or ""])
    return 0


def _live_key(store: AccessStore, name: str) -> KeyRecord:
    record = next((r for r in store.list_keys() if r.name == name and r.live), None)
    if record is None:
        raise LingosumError("key_not_found", f"There is no live key named {name!r}.", 404)
    return record


def _create(args: argparse.Namespace) -> int:
    secret = new_secret()
    record = KeyRecord(
        name=check_name(args.name),
        digest=digest(secret),
        limits=Limits(args.rpm, args.chars_per_day, args.max_jobs),
        origins=tuple(dict.fromkeys(normalize_origin(origin) for origin in args.origin)),
        admin=args.admin,
        created_at=time.time(),
    )
    store = _store(args)
    try:
        store.add_key(record)
    finally:
        store.close()
    print(secret)
    print(f"Key {record.name!r} created; the secret above is shown only now.", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        records = store.list_keys()
    finally:
        store.close()
    print("name\tstate\trpm\tchars/day\tmax jobs\tadmin\torigins\tcreated\tlast used")
    for r in records:
        limits = (r.limits.rpm, r.limits.chars_per_day, r.limits.max_jobs)
        print(
            "\t".join(
                [
                    r.name,
                    "live" if r.live else f"revoked {_when(r.revoked_at)}",
                    *("-" if limit is None else str(limit) for limit in limits),
                    "yes" if r.admin else "no",
                    ",".join(r.origins) or "-",
                    _when(r.created_at),
                    _when(r.last_used_at),
                ]
            )
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        revoked = store.revoke(args.name, time.time())
    finally:
        store.close()
    if not revoked:
        raise LingosumError("key_not_found", f"There is no live key named {args.name!r}.", 404)
    print(f"Key {args.name!r} revoked.", file=sys.stderr)
    return 0


def _store(args: argparse.Namespace) -> AccessStore:
    from ..settings import Settings

    return open_access_store(Settings(**({"data_dir": args.data_dir} if args.data_dir else {})))


def _when(at: float | None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)) if at else "-"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
