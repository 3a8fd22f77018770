"""Webhook signatures and delivery: retries with exponential backoff, bounded, never raising."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import httpx
import pytest

from service.jobs.webhook import SIGNATURE_HEADER, deliver, signature, verify

BODY = b'{"event": "job.finished", "job": {"id": "j1", "status": "done"}}'


def test_signature_is_hmac_sha256_over_the_exact_bytes() -> None:
    # The RFC 4231-style known answer for key "key" and the pangram.
    pangram = b"The quick brown fox jumps over the lazy dog"
    assert signature(pangram, "key") == (
        "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )
    assert verify(BODY, "secret", signature(BODY, "secret"))
    assert not verify(BODY + b" ", "secret", signature(BODY, "secret"))
    assert not verify(BODY, "other", signature(BODY, "secret"))


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

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run() -> bool:
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
            return await deliver(
                client,
                "http://receiver.test/hook",
                BODY,
                "secret",
                attempts=attempts,
                backoff_s=0.5,
                sleep=fake_sleep,
            )

    return asyncio.run(run()), waits


def test_delivers_the_signed_body_and_retries_server_errors_with_backoff() -> None:
    receiver = Receiver(503, httpx.ConnectError("refused"), 200)
    delivered, waits = send(receiver)

    assert delivered
    assert waits == [0.5, 1.0]
    for request in receiver.requests:
        assert request.content == BODY
        expected = hmac.new(b"secret", BODY, hashlib.sha256).hexdigest()
        assert request.headers[SIGNATURE_HEADER] == f"sha256={expected}"
        assert request.headers["content-type"] == "application/json"


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
