"""The gate on a real store (SQLite and PostgreSQL), with the clock injected: keys, origins,
tokens, quotas, usage, and quotas that hold across replicas."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service.access.gate import Caller, Gate
from service.access.keys import KeyRecord, Limits, digest, new_secret
from service.access.store import AccessStore
from service.access.tokens import SECRET_NAME, TokenClaims, TokenSigner
from service.errors import LingosumError
from service.store.sealing import KEY_FILE

CMS = "https://cms.example"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[AccessStore]:
    store = AccessStore.open(tmp_path, database_url)
    yield store
    store.close()


@pytest.fixture
def gate(store: AccessStore, tmp_path: Path, clock: Clock) -> Gate:
    return Gate(store, TokenSigner.from_store(store, tmp_path), clock=clock)


def add(store: AccessStore, name: str, **fields: object) -> str:
    secret = new_secret()
    store.add_key(KeyRecord(name, digest(secret), **fields))  # type: ignore[arg-type]
    return secret


def raises(code: str, status: int, call: object, *args: object) -> LingosumError:
    with pytest.raises(LingosumError) as error:
        call(*args)  # type: ignore[operator]
    assert (error.value.code, error.value.status) == (code, status)
    return error.value


def test_keys_become_required_once_one_exists_and_changes_show_after_the_refresh(
    gate: Gate, store: AccessStore, clock: Clock
) -> None:
    assert gate.authenticate(None, None) == Caller("anonymous")
    secret = add(store, "cms")
    assert gate.authenticate(None, None).name == "anonymous"  # the snapshot is 0 s old
    clock.now += 2
    error = raises("unauthorized", 401, gate.authenticate, None, None)
    assert error.headers == {"WWW-Authenticate": "Bearer"}
    assert gate.authenticate(secret, None).name == "cms"
    raises("unauthorized", 401, gate.authenticate, secret + "x", None)

    store.revoke("cms", clock.now)
    clock.now += 2
    raises("unauthorized", 401, gate.authenticate, secret, None)


def test_a_key_from_a_foreign_page_needs_that_origin_registered(
    gate: Gate, store: AccessStore
) -> None:
    secret = add(store, "cms", origins=(CMS,))
    assert gate.authenticate(secret, "https://CMS.example").name == "cms"
    raises("origin_not_allowed", 403, gate.authenticate, secret, "https://evil.example")
    assert gate.authenticate(secret, "http://localhost:8000", True).name == "cms"  # same origin
    assert gate.origins() == frozenset({CMS})


def test_token_bound_to_its_origin_expires_and_dies_with_its_key(
    gate: Gate, store: AccessStore, clock: Clock
) -> None:
    secret = add(store, "cms", origins=(CMS,))
    parent = gate.authenticate(secret, None)
    token, claims = gate.issue_token(parent, CMS + "/", 600)
    assert claims.expires_at == int(clock.now) + 600

    caller = gate.authenticate(token, CMS)
    assert (caller.name, caller.via_token, caller.admin) == ("cms", True, False)
    raises("origin_not_allowed", 403, gate.authenticate, token, "https://other.example")
    raises("origin_not_allowed", 403, gate.authenticate, token, None)
    raises("forbidden", 403, gate.issue_token, caller, CMS, 60)
    raises("origin_not_allowed", 403, gate.issue_token, parent, "https://other.example", 60)

    assert gate.issue_token(parent, CMS, 10_000)[1].expires_at == int(clock.now) + 900
    clock.now += 600
    raises("unauthorized", 401, gate.authenticate, token, CMS)

    fresh, _ = gate.issue_token(parent, CMS, 600)
    store.revoke("cms", clock.now)
    add(store, "cms", origins=(CMS,))  # the name taken again: old tokens stay dead
    clock.now += 2
    raises("unauthorized", 401, gate.authenticate, fresh, CMS)


def test_quota_charges_are_atomic_and_refused_requests_cost_nothing(
    gate: Gate, store: AccessStore, clock: Clock
) -> None:
    secret = add(store, "cms", limits=Limits(rpm=2, chars_per_day=100))
    caller = gate.authenticate(secret, None)
    assert gate.admit(caller, 60).allowed
    refused = gate.admit(caller, 41)  # over the characters left
    assert not refused.allowed and refused.quota is not None and refused.quota.remaining == 40
    assert gate.admit(caller, 40).allowed
    assert not gate.admit(caller).allowed  # third request of the minute
    clock.now += 61
    gate.refund(caller, 30)
    assert gate.admit(caller, 30).allowed
    gate.record_work(caller.name, 1.5, 42)
    [row] = gate.usage(caller, 1)
    assert (row.key, row.requests, row.chars, row.model_ms, row.tokens) == (
        "cms",
        3,
        100,
        1500.0,
        42,
    )


def test_usage_of_other_keys_is_for_admins_only(gate: Gate, store: AccessStore) -> None:
    plain_secret, boss_secret = add(store, "plain"), add(store, "boss", admin=True)
    plain = gate.authenticate(plain_secret, None)
    boss = gate.authenticate(boss_secret, None)
    gate.admit(plain, 5)
    gate.admit(boss, 7)
    raises("forbidden", 403, gate.usage, plain, 7, "boss")
    assert [r.chars for r in gate.usage(boss, 7, "plain")] == [5]
    assert sorted(r.key for r in gate.usage(boss, 7, "*")) == ["boss", "plain"]


def test_env_key_is_an_admin_kept_only_in_memory(store: AccessStore, tmp_path: Path) -> None:
    secret = new_secret()
    gate = Gate(store, TokenSigner.from_store(store, tmp_path), env_secret=secret)
    caller = gate.authenticate(secret, None)
    assert (caller.name, caller.admin) == ("env", True)
    assert store.list_keys() == []


def test_auth_off_ignores_credentials(store: AccessStore, tmp_path: Path) -> None:
    gate = Gate(store, TokenSigner.from_store(store, tmp_path), mode="off")
    add(store, "cms")
    assert gate.authenticate("lsk_wrong", None).name == "anonymous"


def test_a_public_bind_requires_keys_even_with_none(store: AccessStore, tmp_path: Path) -> None:
    gate = Gate(store, TokenSigner.from_store(store, tmp_path), host="0.0.0.0")
    raises("unauthorized", 401, gate.authenticate, None, None)


def test_a_per_minute_limit_holds_across_replicas(
    store: AccessStore, tmp_path: Path, database_url: str | None, clock: Clock
) -> None:
    """Two replicas (two stores on one database) admit 24 requests at once: 5 get in."""
    add(store, "cms", limits=Limits(rpm=5))
    replicas = [AccessStore.open(tmp_path, database_url) for _ in range(2)]
    gates = [Gate(r, TokenSigner.from_store(r, tmp_path), clock=clock) for r in replicas]
    caller = Caller("cms", KeyRecord("cms", "d", Limits(rpm=5)))
    with ThreadPoolExecutor(8) as pool:
        decisions = list(pool.map(lambda i: gates[i % 2].admit(caller), range(24)))
    for replica in replicas:
        replica.close()
    assert sum(decision.allowed for decision in decisions) == 5
    assert store.usage("cms", "1970-01-01")[0].requests == 5


def test_replicas_on_one_database_share_the_token_signing_secret(
    store: AccessStore, tmp_path: Path, database_url: str | None
) -> None:
    token = TokenSigner.from_store(store, tmp_path).issue(TokenClaims("k", CMS, 100))
    elsewhere = tmp_path / "elsewhere"
    if database_url is None:  # two SQLite data folders are two servers
        other = AccessStore.open(elsewhere)
        try:
            with pytest.raises(LingosumError):
                TokenSigner.from_store(other, elsewhere).verify(token, 0)
        finally:
            other.close()
        return
    # The secret is sealed: a replica with another server key cannot read it, and says so.
    stranger = AccessStore.open(elsewhere, database_url)
    try:
        with pytest.raises(LingosumError) as mismatch:
            stranger.secret(SECRET_NAME)
    finally:
        stranger.close()
    assert mismatch.value.code == "secret_key_mismatch"
    shutil.copy(tmp_path / KEY_FILE, elsewhere / KEY_FILE)  # the same server key
    other = AccessStore.open(elsewhere, database_url)
    try:
        assert TokenSigner.from_store(other, elsewhere).verify(token, 0).key_id == "k"
    finally:
        other.close()
