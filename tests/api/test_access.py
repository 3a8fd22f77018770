"""API keys, quotas, browser tokens, CORS, usage and metrics through the ASGI app.

Keys are made with the `lingosum keys` CLI on the app's data folder, as an operator would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import SecretStr, ValidationError

from service.access.policy import check_can_serve
from service.cli import main
from service.errors import LingosumError
from service.settings import Settings
from tests.api.support import (
    ENGLISH,
    BlockingBackend,
    app_with,
    assert_error,
    create_key,
    wait_ready,
)
from tests.fakes import FakeBackend

CMS = "https://cms.example"
EVIL = "https://evil.example"


def bearer(credential: str, origin: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}", **({"Origin": origin} if origin else {})}


def eventually(check: Callable[[], bool], timeout: float = 6.0) -> None:
    """The server re-reads the key table every 2 s; wait for a CLI change to show."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the change never showed"
        time.sleep(0.2)


@pytest.fixture
def secrets(settings: Settings, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    data = settings.data_dir
    return {
        "cms": create_key(data, capsys, "cms", "--rpm", "5", "--origin", CMS),
        "other": create_key(data, capsys, "other", "--origin", CMS),
        "boss": create_key(data, capsys, "boss", "--admin"),
        "small": create_key(data, capsys, "small", "--chars-per-day", "300"),
    }


@pytest.fixture
def keyed(
    settings: Settings, backend: FakeBackend, secrets: dict[str, str]
) -> Iterator[TestClient]:
    with app_with(settings, backend) as client:
        wait_ready(client)
        yield client


def detect(client: TestClient, headers: dict[str, str]) -> Response:
    return client.post("/v1/detect", json={"text": ENGLISH}, headers=headers)


def test_missing_wrong_or_malformed_credentials_get_401(keyed: TestClient) -> None:
    for headers in (
        {},
        bearer("lsk_not-a-key"),
        bearer("lst_forged.signature"),
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ):
        response = detect(keyed, headers)
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/readyz").status_code == 200


def test_five_requests_a_minute_then_429_and_another_key_is_unaffected(
    keyed: TestClient, secrets: dict[str, str]
) -> None:
    for left in range(4, -1, -1):
        response = detect(keyed, bearer(secrets["cms"]))
        assert response.status_code == 200, response.text
        assert response.headers["ratelimit-limit"] == "5"
        assert response.headers["ratelimit-remaining"] == str(left)
        assert 0 < int(response.headers["ratelimit-reset"]) <= 60
    refused = detect(keyed, bearer(secrets["cms"]))
    assert_error(refused, 429, "rate_limited")
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert detect(keyed, bearer(secrets["other"])).status_code == 200
    assert "ratelimit-limit" not in detect(keyed, bearer(secrets["other"])).headers  # no limits

    invalid = keyed.post("/v1/detect", json={"text": ""}, headers=bearer(secrets["small"]))
    assert_error(invalid, 422, "invalid_request")  # refused before its charge, yet with headers
    assert (invalid.headers["ratelimit-limit"], invalid.headers["ratelimit-remaining"]) == (
        "300",
        "300",
    )


def test_a_key_made_and_revoked_by_the_cli_while_the_server_runs(
    keyed: TestClient, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    late = create_key(settings.data_dir, capsys, "late")
    eventually(lambda: detect(keyed, bearer(late)).status_code == 200)
    assert main(["keys", "revoke", "late", "--data-dir", str(settings.data_dir)]) == 0
    eventually(lambda: detect(keyed, bearer(late)).status_code == 401)
    assert_error(detect(keyed, bearer(late)), 401, "unauthorized")

    assert main(["keys", "list", "--data-dir", str(settings.data_dir)]) == 0
    listing = capsys.readouterr().out
    assert "late\trevoked" in listing and "cms\tlive\t5\t-\t-\tno\thttps://cms.example" in listing
    assert "lsk_" not in listing and late not in listing


def test_text_is_charged_when_accepted_and_a_refused_request_costs_nothing(
    keyed: TestClient, secrets: dict[str, str], backend: FakeBackend
) -> None:
    small = bearer(secrets["small"])
    batch = keyed.post("/v1/summarize/batch", json={"items": [{"text": ENGLISH}, {"text": " "}]})
    assert_error(batch, 401, "unauthorized")
    batch = keyed.post(
        "/v1/summarize/batch", json={"items": [{"text": ENGLISH}, {"text": " "}]}, headers=small
    )
    assert batch.status_code == 200, batch.text
    assert int(batch.headers["ratelimit-remaining"]) == 300 - len(ENGLISH)
    calls = len(backend.batches)

    refused = keyed.post("/v1/summarize", json={"text": ENGLISH}, headers=small)
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["retry-after"]) > 0
    assert len(backend.batches) == calls  # nothing ran
    job = keyed.post("/v1/jobs", json={"items": [{"text": ENGLISH}]}, headers=small)
    assert_error(job, 429, "rate_limited")

    [today] = keyed.get("/v1/usage", headers=small).json()["usage"]
    assert today["characters"] == len(ENGLISH)
    assert today["requests"] == 1  # the batch (this usage request is counted after reading)
    assert today["model_seconds"] >= 0 and today["tokens"] > 0


def test_browser_token_for_a_registered_origin_only(
    keyed: TestClient, secrets: dict[str, str], settings: Settings
) -> None:
    exchange = keyed.post(
        "/v1/tokens", json={"origin": CMS, "ttl_s": 600}, headers=bearer(secrets["other"])
    )
    assert exchange.status_code == 201, exchange.text
    token = exchange.json()["token"]
    assert token.startswith("lst_") and exchange.json()["expires_at"].endswith("Z")

    used = detect(keyed, bearer(token, CMS))
    assert used.status_code == 200
    assert used.headers["access-control-allow-origin"] == CMS
    assert "RateLimit-Remaining" in used.headers["access-control-expose-headers"]
    assert_error(detect(keyed, bearer(token, EVIL)), 403, "origin_not_allowed")
    assert_error(detect(keyed, bearer(token)), 403, "origin_not_allowed")
    assert_error(
        keyed.post("/v1/tokens", json={"origin": CMS}, headers=bearer(token, CMS)), 403, "forbidden"
    )
    webhook_job = {"items": [{"text": ENGLISH}], "webhook_url": "https://cms.example/hook"}
    assert_error(
        keyed.post("/v1/jobs", json=webhook_job, headers=bearer(token, CMS)), 403, "forbidden"
    )
    [today] = keyed.get("/v1/usage", headers=bearer(token, CMS)).json()["usage"]
    assert today["key"] == "other" and today["characters"] == len(ENGLISH)  # the parent's quota
    assert today["requests"] == 2  # exchange and detect: refused requests cost nothing
    refused = 'lingosum_requests_total{key="other",method="POST",route="/v1/detect",status="403"}'
    assert _value(keyed.get("/metrics").text, refused) == 2  # counted under the token's key

    for origin, ttl, status, code in (
        (EVIL, 600, 403, "origin_not_allowed"),
        (CMS, 901, 422, "invalid_request"),
        ("cms.example", 60, 422, "invalid_origin"),
    ):
        response = keyed.post(
            "/v1/tokens", json={"origin": origin, "ttl_s": ttl}, headers=bearer(secrets["other"])
        )
        assert_error(response, status, code)

    assert main(["keys", "revoke", "other", "--data-dir", str(settings.data_dir)]) == 0
    eventually(lambda: detect(keyed, bearer(token, CMS)).status_code == 401)


def test_cors_allows_exactly_the_registered_origins(
    keyed: TestClient, secrets: dict[str, str]
) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }
    allowed = keyed.options("/v1/summarize", headers={"Origin": CMS, **preflight})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == CMS
    for header in ("Authorization", "Content-Type", "Idempotency-Key"):
        assert header in allowed.headers["access-control-allow-headers"]

    refused = keyed.options("/v1/summarize", headers={"Origin": EVIL, **preflight})
    assert_error(refused, 403, "origin_not_allowed")
    assert not any(h.startswith("access-control-") for h in refused.headers)
    foreign = detect(keyed, bearer(secrets["boss"], EVIL))
    assert_error(foreign, 403, "origin_not_allowed")
    assert "access-control-allow-origin" not in foreign.headers

    unauthorized = detect(keyed, {"Origin": CMS})  # errors are readable by the page too
    assert unauthorized.headers["access-control-allow-origin"] == CMS


def test_usage_of_other_keys_is_for_admins(keyed: TestClient, secrets: dict[str, str]) -> None:
    detect(keyed, bearer(secrets["cms"]))
    detect(keyed, bearer(secrets["boss"]))
    assert_error(keyed.get("/v1/usage?key=boss", headers=bearer(secrets["cms"])), 403, "forbidden")
    everyone = keyed.get("/v1/usage?key=*&days=2", headers=bearer(secrets["boss"])).json()
    assert {row["key"] for row in everyone["usage"]} == {"cms", "boss"}
    assert_error(
        keyed.get("/v1/usage?days=0", headers=bearer(secrets["boss"])), 422, "invalid_request"
    )


def test_metrics_count_requests_by_key_name_and_the_work_done(
    keyed: TestClient, secrets: dict[str, str]
) -> None:
    for _ in range(6):
        detect(keyed, bearer(secrets["cms"]))
    detect(keyed, bearer("lsk_wrong"))
    assert (
        keyed.post(
            "/v1/summarize", json={"text": ENGLISH}, headers=bearer(secrets["boss"])
        ).status_code
        == 200
    )
    text = keyed.get("/metrics").text  # open: the app binds loopback
    for line in (
        'lingosum_requests_total{key="cms",method="POST",route="/v1/detect",status="200"} 5.0',
        'lingosum_requests_total{key="cms",method="POST",route="/v1/detect",status="429"} 1.0',
        'lingosum_requests_total{key="none",method="POST",route="/v1/detect",status="401"} 1.0',
        'lingosum_stage_seconds_count{stage="summarize"} 1.0',
    ):
        assert line in text, line
    job = keyed.post(
        "/v1/jobs", json={"items": [{"text": ENGLISH}]}, headers=bearer(secrets["boss"])
    )
    eventually(lambda: 'lingosum_job_items{state="done"} 1.0' in keyed.get("/metrics").text)
    text = keyed.get("/metrics").text
    assert job.status_code == 202
    assert 'lingosum_stage_seconds_count{stage="summarize"} 2.0' in text  # the job's item too
    [today] = keyed.get("/v1/usage", headers=bearer(secrets["boss"])).json()["usage"]
    assert today["characters"] == 2 * len(ENGLISH)
    tokens = [
        _value(text, f'lingosum_model_tokens_total{{kind="{k}"}}') for k in ("prompt", "completion")
    ]
    assert today["tokens"] == sum(tokens)  # boss's summary and job: all the tokens spent
    assert "lingosum_queue_depth 0.0" in text
    assert "lingosum_cache_hits_total 0.0" in text
    assert _value(text, 'lingosum_model_tokens_total{kind="prompt"}') > 0
    assert _value(text, "lingosum_model_busy_seconds_total") > 0


def _value(text: str, name: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(name + " ")]
    return float(line.split()[-1])


def test_metrics_need_an_admin_key_off_loopback(
    settings: Settings, backend: FakeBackend, secrets: dict[str, str]
) -> None:
    with app_with(settings.model_copy(update={"host": "0.0.0.0"}), backend) as client:
        assert_error(client.get("/metrics"), 401, "unauthorized")
        assert_error(client.get("/metrics", headers=bearer(secrets["cms"])), 403, "forbidden")
        assert client.get("/metrics", headers=bearer(secrets["boss"])).status_code == 200


def test_unfinished_jobs_per_key(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    secret = create_key(settings.data_dir, capsys, "jobs", "--max-jobs", "1")
    backend = BlockingBackend()
    job = {"items": [{"text": ENGLISH}]}
    with app_with(settings, backend) as client:
        wait_ready(client)
        first = client.post("/v1/jobs", json=job, headers=bearer(secret))
        assert first.status_code == 202, first.text
        assert backend.entered.wait(5)
        assert_error(client.post("/v1/jobs", json=job, headers=bearer(secret)), 429, "rate_limited")
        backend.release.set()
        eventually(
            lambda: (
                client.get(first.headers["location"], headers=bearer(secret)).json()["status"]
                == "done"
            )
        )
        assert client.post("/v1/jobs", json=job, headers=bearer(secret)).status_code == 202


def test_a_key_sees_only_its_own_jobs_and_idempotency_keys(
    keyed: TestClient, secrets: dict[str, str]
) -> None:
    job = {"items": [{"text": ENGLISH}]}
    retry = {"Idempotency-Key": "story-42"}
    mine = keyed.post("/v1/jobs", json=job, headers={**bearer(secrets["other"]), **retry})
    assert mine.status_code == 202
    path = mine.headers["location"]
    theirs = keyed.post("/v1/jobs", json=job, headers={**bearer(secrets["boss"]), **retry})
    assert theirs.status_code == 202
    assert theirs.headers["location"] != path
    assert "idempotent-replayed" not in theirs.headers
    for request in (
        keyed.get,
        lambda url, **kw: keyed.get(url + "/results", **kw),
        lambda url, **kw: keyed.post(url + "/cancel", **kw),
        keyed.delete,
    ):
        assert_error(request(path, headers=bearer(secrets["small"])), 404, "job_not_found")
    assert keyed.get(path, headers=bearer(secrets["other"])).status_code == 200
    assert keyed.get(path, headers=bearer(secrets["boss"])).status_code == 200  # an admin


def test_no_secret_is_written_to_the_data_folder(
    keyed: TestClient, secrets: dict[str, str], settings: Settings
) -> None:
    token = keyed.post("/v1/tokens", json={"origin": CMS}, headers=bearer(secrets["cms"])).json()
    detect(keyed, bearer(token["token"], CMS))
    keyed.post("/v1/jobs", json={"items": [{"text": ENGLISH}]}, headers=bearer(secrets["cms"]))
    files = [path for path in settings.data_dir.rglob("*") if path.is_file()]
    assert any(path.name == "access.sqlite3" for path in files)
    for secret in [*secrets.values(), token["token"]]:
        for path in files:
            assert secret.encode() not in path.read_bytes(), path


def test_env_api_key_is_an_admin_and_is_not_stored(
    settings: Settings, backend: FakeBackend
) -> None:
    secret = "lsk_" + "k" * 40
    with pytest.raises(ValidationError):
        Settings(api_key="lsk_short")
    with app_with(settings.model_copy(update={"api_key": SecretStr(secret)}), backend) as client:
        wait_ready(client)
        assert_error(detect(client, {}), 401, "unauthorized")
        assert client.get("/v1/usage?key=*", headers=bearer(secret)).json()["key"] == "*"
    for path in settings.data_dir.rglob("*"):
        assert not path.is_file() or secret.encode() not in path.read_bytes()


def test_serve_refuses_a_public_address_without_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    assert main(["serve", "--host", "0.0.0.0", "--data-dir", str(data)]) == 1
    message = capsys.readouterr().err
    assert "refusing to serve on 0.0.0.0 without an API key" in message
    assert f"lingosum keys create NAME --data-dir {data}" in message
    assert "LINGOSUM_AUTH=off" in message

    check_can_serve(Settings(host="0.0.0.0", data_dir=data, auth="off"))
    check_can_serve(Settings(host="127.0.0.1", data_dir=data))
    create_key(data, capsys, "cms")
    check_can_serve(Settings(host="0.0.0.0", data_dir=data))
    with pytest.raises(LingosumError):
        check_can_serve(Settings(host="0.0.0.0", data_dir=tmp_path / "empty"))
