"""A key's glossary in the access store, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from service.access.keys import KeyRecord, digest
from service.access.store import AccessStore
from service.checks.glossary import GlossaryEntry


def test_a_keys_glossary_is_kept_replaced_and_reset_with_a_new_key(
    tmp_path: Path, database_url: str | None
) -> None:
    store = AccessStore.open(tmp_path, database_url)
    try:
        store.add_key(KeyRecord("cms", digest("lsk_one")))
        assert store.list_keys()[0].glossary == ()
        glossary = (GlossaryEntry("Akira Arita", "Akira Arita", "有田秋"),)
        assert store.set_glossary("cms", glossary)
        assert not store.set_glossary("nobody", glossary)
        assert store.list_keys()[0].glossary == glossary

        store.revoke("cms", 1.0)
        assert not store.set_glossary("cms", ())  # a revoked key's glossary is not changed
        store.add_key(KeyRecord("cms", digest("lsk_two")))  # the name taken again
        assert store.list_keys()[0].glossary == ()
    finally:
        store.close()
