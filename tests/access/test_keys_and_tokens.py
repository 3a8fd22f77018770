"""Key secrets and their digests, origins, and signed browser tokens (time injected)."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from service.access.keys import (
    KeyRecord,
    check_name,
    digest,
    matches,
    new_secret,
    normalize_origin,
)
from service.access.store import AccessStore
from service.access.tokens import TokenClaims, TokenSigner
from service.errors import LingosumError


def test_secret_has_the_prefix_and_256_random_bits() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    for secret in secrets:
        assert secret.startswith("lsk_")
        raw = base64.urlsafe_b64decode(secret[4:] + "=")
        assert len(raw) == 32


def test_only_the_digest_is_kept_and_compared() -> None:
    secret = new_secret()
    record = KeyRecord("cms", digest(secret))
    assert secret not in record.digest and len(record.digest) == 64
    assert matches(secret, record)
    assert not matches(secret + "x", record)
    assert digest(secret) == digest(secret)


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("https://CMS.example", "https://cms.example"),
        ("https://cms.example:443/", "https://cms.example"),
        ("http://localhost:5173", "http://localhost:5173"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_origins_are_normalized(given: str, origin: str) -> None:
    assert normalize_origin(given) == origin


@pytest.mark.parametrize(
    "bad", ["cms.example", "ftp://cms.example", "https://cms.example/page", "https://a@b.example"]
)
def test_anything_but_an_origin_is_refused(bad: str) -> None:
    with pytest.raises(LingosumError) as error:
        normalize_origin(bad)
    assert error.value.code == "invalid_origin"


@pytest.mark.parametrize("name", ["", "anonymous", "env", "a b", "-x", "x" * 65])
def test_reserved_or_odd_names_are_refused(name: str) -> None:
    with pytest.raises(LingosumError):
        check_name(name)


def signer_of(data_dir: Path) -> TokenSigner:
    store = AccessStore.open(data_dir)
    try:
        return TokenSigner.from_store(store, data_dir)
    finally:
        store.close()


def test_token_round_trip_expiry_and_tampering(tmp_path: Path) -> None:
    signer = signer_of(tmp_path)
    claims = TokenClaims("key-id", "https://cms.example", 1_000)
    token = signer.issue(claims)
    assert token.startswith("lst_")
    assert signer.verify(token, now=999.9) == claims

    with pytest.raises(LingosumError) as expired:
        signer.verify(token, now=1_000)
    assert (expired.value.status, expired.value.code) == (401, "unauthorized")
    assert expired.value.headers == {"WWW-Authenticate": "Bearer"}

    body, signature = token.split(".")
    forged = signer.issue(TokenClaims("key-id", "https://evil.example", 1_000)).split(".")[0]
    for bad in (f"{forged}.{signature}", f"{body}.{signature[:-2]}", "lst_x", "lst_"):
        with pytest.raises(LingosumError) as error:
            signer.verify(bad, now=0)
        assert error.value.status == 401
    assert signer_of(tmp_path).verify(token, 0) == claims  # the same secret
    with pytest.raises(LingosumError):
        signer_of(tmp_path / "other").verify(token, now=0)


def test_signing_secret_is_in_an_owner_only_store(tmp_path: Path) -> None:
    signer_of(tmp_path)
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_data_folder_secret_file_from_before_the_store_is_adopted(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "token-signing.key").write_bytes(b"s" * 32)
    token = TokenSigner(b"s" * 32).issue(TokenClaims("k", "https://cms.example", 100))
    assert signer_of(tmp_path).verify(token, 0).key_id == "k"
    assert not (tmp_path / "token-signing.key").exists()  # kept sealed in the store instead
    assert signer_of(tmp_path).verify(token, 0).key_id == "k"
