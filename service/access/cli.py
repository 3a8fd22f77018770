"""`lingosum keys create|list|revoke`: manage API keys in the server's store (the data folder's,
or LINGOSUM_DATABASE_URL's).

A running server sees the change within a few seconds. The secret is printed once, by
`create`, and kept nowhere: only its digest is stored.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

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
