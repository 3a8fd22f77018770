"""A stable id for a feed item that has neither guid, Atom id nor JSON Feed id."""

from __future__ import annotations

import hashlib


def item_id(link: str | None, title: str | None, text: str, published: str | None) -> str:
    """The link when there is one, else a hash of what the item says: the same on every read."""
    if link:
        return link
    digest = hashlib.sha256("\x1f".join((title or "", published or "", text)).encode())
    return "sha256:" + digest.hexdigest()[:32]
