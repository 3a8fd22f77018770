"""The runner stops a model call whose caller is cancelled (a client gone, the shutdown grace
over), as a streamed request's is: the model is free for the next call."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from service.backends.base import GenerationRequest
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.pipeline.runner import EngineRunner
from service.settings import Settings
from tests.api.support import ENGLISH, scripted
from tests.fakes import StreamingBackend, task_of, write_prompts


def test_a_cancelled_caller_stops_its_model_call(tmp_path: Path) -> None:
    on_model = threading.Event()

    def respond(request: GenerationRequest) -> str:
        if task_of(request).startswith("summarize"):
            on_model.set()
        return scripted(request)

    backend = StreamingBackend(respond, delay=0.5)  # a word every 0.5 s, many words a call
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False)
    runner = EngineRunner(Engine(settings, summarizer=backend, translator=backend), 4, 100_000)

    async def scenario() -> None:
        await runner.start()
        call = asyncio.ensure_future(runner.summarize([Document(ENGLISH, targets=("en",))]))
        assert await asyncio.to_thread(on_model.wait, 20)
        call.cancel()
        await asyncio.gather(call, return_exceptions=True)
        backend.delay = 0.0
        [after] = await runner.summarize([Document(ENGLISH, targets=("en",))])
        assert isinstance(after, DocumentResult)
        await runner.close()

    asyncio.run(scenario())
    assert backend.cancelled_calls == 1  # the first call stopped early,
    tasks = [task_of(batch[0]) for batch in backend.batches]
    assert tasks[:2] == ["summarize", "summarize"]  # and made no other: the next one came next
