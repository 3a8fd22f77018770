"""`lingosum serve` or `lingosum worker` on a fake model that takes a while per item, for the
multi-process tests: `python -m tests.multiprocess.fake_process serve|worker [--no-worker]`.

Settings come from the environment (LINGOSUM_DATABASE_URL, LINGOSUM_PORT, ...). Each English
summary names the process (LINGOSUM_TEST_TAG) that wrote it; a summary takes
LINGOSUM_TEST_SECONDS_PER_ITEM (default 1.5) seconds, or less if the call is cancelled
meanwhile, as llama.cpp stops; the log tells when a summary's call begins and when one stops.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from service.backends.base import GenerationRequest
from service.pipeline.engine import Engine
from service.settings import Settings
from tests.fakes import FakeBackend, task_of

SECONDS_PER_ITEM = float(os.environ.get("LINGOSUM_TEST_SECONDS_PER_ITEM", "1.5"))


def main() -> None:
    role, tag = sys.argv[1], os.environ["LINGOSUM_TEST_TAG"]

    def respond(request: GenerationRequest) -> str:
        if task_of(request).startswith("summarize"):
            print(f"fake model {tag}: call began", flush=True)
            if cancelled_within(request, SECONDS_PER_ITEM):
                print(f"fake model {tag}: call cancelled", flush=True)
                return ""
            return f"A bridge opened, worker {tag} wrote."
        return "一座桥开通了。"

    backend = FakeBackend(respond, name=f"fake-{tag}")
    settings = Settings(warmup=False, worker="--no-worker" not in sys.argv)

    def engine(settings: Settings) -> Engine:
        return Engine(settings, summarizer=backend, translator=backend)

    if role == "worker":
        from service.worker import exit_as_signalled, run_worker

        asyncio.run(run_worker(settings, engine))
        exit_as_signalled()
        return
    from service.api.app import create_app
    from service.api.server import serve

    serve(create_app(settings, engine), settings)


def cancelled_within(request: GenerationRequest, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if request.progress is not None and request.progress.cancelled():
            return True
        time.sleep(0.01)
    return False


if __name__ == "__main__":
    main()
