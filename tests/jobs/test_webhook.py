"""Webhook signatures (Standard Webhooks, checked with the official library) and delivery:
retries with exponential backoff, bounded, never raising."""

from __future__ import annotations

import asyncio
import base64
import time

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.jobs.webhook import deliver, secret_key, signed_headers

BODY = b'{"event": "job.finished", "job": {"id": "j1", "status": "done"}}'
SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


def test_the_signature_verifies_with_the_standard_webhooks_library() -> None:
    now = int(time.time())
    headers = signed_headers("msg_j1", now, BODY, secret_key(SECRET))

    assert Webhook(SECRET).verify(BODY, headers) == {
        "event": "job.finished",
        "job": {"id": "j1", "status": "done"},
    }
    assert headers["webhook-signature"].startswith("v1,")
    other = "whsec_" + base64.b64encode(b"o" * 32).decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY + b" ", headers)


def test_a_stale_timestamp_is_rejected_by_the_receiver() -> None:
    stale = signed_headers("msg_j1", int(time.time()) - 600, BODY, secret_key(SECRET))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(SECRET).verify(BODY, stale)


@pytest.mark.parametrize(
    "secret",
    ["plain secret", "whsec_", "whsec_not base64!", "whsec_" + base64.b64encode(b"short").decode()],
)
def test_a_secret_that_is_not_a_whsec_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="whsec_"):
        secret_key(secret)


class Receiver:
    """Answers with the scripted statuses in turn (an exception is raised instead)."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer)


def send(receiver: Receiver, attempts: int = 4) -> tuple[bool, list[float]]:
    waits: list[float] = []
    clock = iter(range(1_700_000_000, 1_700_000_100, 7))

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run() -> bool:
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
            return await deliver(
                client,
                "http://receiver.test/hook",
                BODY,
                message_id="msg_j1",
                key=secret_key(SECRET),
                attempts=attempts,
                backoff_s=0.5,
                sleep=fake_sleep,
                clock=lambda: float(next(clock)),
            )

    return asyncio.run(run()), waits


def test_delivers_the_signed_body_and_retries_server_errors_with_backoff() -> None:
    receiver = Receiver(503, httpx.ConnectError("refused"), 200)
    delivered, waits = send(receiver)

    assert delivered
    assert waits == [0.5, 1.0]
    timestamps = [request.headers["webhook-timestamp"] for request in receiver.requests]
    assert timestamps == ["1700000000", "1700000007", "1700000014"]  # each attempt signs anew
    for request in receiver.requests:
        assert request.content == BODY
        assert request.headers["webhook-id"] == "msg_j1"  # the same message on every retry
        expected = signed_headers(
            "msg_j1", int(request.headers["webhook-timestamp"]), BODY, secret_key(SECRET)
        )
        assert request.headers["webhook-signature"] == expected["webhook-signature"]
        assert request.headers["content-type"] == "application/json"
        assert "x-lingosum-signature" not in request.headers


def test_gives_up_after_the_bounded_attempts_without_raising(
    caplog: pytest.LogCaptureFixture,
) -> None:
    receiver = Receiver(500, 502, httpx.ReadTimeout("slow"), 503)
    delivered, waits = send(receiver, attempts=4)

    assert not delivered
    assert waits == [0.5, 1.0, 2.0]
    assert len(receiver.requests) == 4
    assert "not delivered after 4 attempt(s)" in caplog.text


def test_a_client_error_is_not_retried() -> None:
    receiver = Receiver(404)
    delivered, waits = send(receiver)

    assert not delivered
    assert waits == []
    assert len(receiver.requests) == 1
