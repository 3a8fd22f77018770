"""The multi-sequence scheduler of the llama.cpp backend, on a scripted decoder that checks what
llama.cpp would: positions in order per sequence, the batch size, and the KV cells in use.
tests/e2e/test_batch_decode.py runs it on the real default model."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from service.backends.base import Progress
from service.backends.latin_words import LatinWordMask
from service.backends.llama_batch import BatchJob, BatchScheduler, Entry, shared_prefix

END = 0
WORDS = {1: " Alpha is here.", 2: " Beta is there.", 3: " Gamma", 4: " is", 5: " gone.", 6: "!"}
WORDS |= {7: " upcoming", 8: "会议", 9: " G7", 10: "th"}
VOCAB = 64


class ScriptedDecoder:
    """Answers each sequence with the script of the job whose prompt it holds."""

    def __init__(self, scripts: dict[tuple[int, ...], list[int]], n_batch: int) -> None:
        self.scripts = scripts
        self.n_batch = n_batch
        self.cells: dict[int, list[int]] = {}  # sequence -> its KV cells, by position
        self._next_cell = 0
        self.tokens: dict[int, list[int]] = {}
        self.peak_cells = 0
        self.passes: list[list[Entry]] = []
        self.abort_after: int | None = None
        self.abort: Callable[[], bool] | None = None

    @property
    def end_token(self) -> int:
        return END

    def is_end(self, token: int) -> bool:
        return token == END

    def text(self, tokens: Sequence[int], prev: Sequence[int] = ()) -> str:
        return "".join(WORDS.get(t, "") for t in tokens)

    def decode(self, entries: Sequence[Entry]) -> list[np.ndarray] | None:
        assert 0 < len(entries) <= self.n_batch
        self.passes.append(list(entries))
        if self.abort_after is not None and len(self.passes) > self.abort_after:
            return None
        outputs = []
        for entry in entries:
            tokens = self.tokens.setdefault(entry.seq_id, [])
            assert entry.position == len(tokens), "positions of a sequence go up by one"
            tokens.append(entry.token)
            self.cells.setdefault(entry.seq_id, []).append(self._next_cell)
            self._next_cell += 1
            if entry.logits:
                outputs.append(self._scores(tokens))
        used = {cell for cells in self.cells.values() for cell in cells}
        self.peak_cells = max(self.peak_cells, len(used))
        return outputs

    def _scores(self, tokens: list[int]) -> np.ndarray:
        [(prompt, script)] = [
            (p, s) for p, s in self.scripts.items() if tuple(tokens[: len(p)]) == p
        ]
        done = len(tokens) - len(prompt)
        scores = np.zeros(VOCAB, dtype=np.float32)
        scores[script[done] if done < len(script) else END] = 1.0
        return scores

    def share(self, source: int, target: int, length: int) -> None:
        assert target not in self.tokens
        self.tokens[target] = self.tokens[source][:length]
        self.cells[target] = self.cells[source][:length]

    def forget(self, seq_id: int) -> None:
        self.tokens.pop(seq_id, None)
        self.cells.pop(seq_id, None)

    def clear(self) -> None:
        self.tokens.clear()
        self.cells.clear()

    def abort_when(self, check: Callable[[], bool] | None) -> None:
        self.abort = check


def prompt(n: int, length: int = 20) -> tuple[int, ...]:
    """A prompt: a shared opening of 10 tokens, then tokens of its own."""
    return (*range(40, 50), *[10 + n] * (length - 11), 30 + n)


def scheduler(
    decoder: ScriptedDecoder, *, sequences: int = 2, context: int = 1000
) -> BatchScheduler:
    return BatchScheduler(
        decoder, max_sequences=sequences, context_tokens=context, n_batch=decoder.n_batch
    )


def test_more_jobs_than_sequences_refill_from_the_queue_and_decode_together() -> None:
    scripts = {prompt(n): [1, 2, 3, 4, 5][: 2 + n] for n in range(5)}
    decoder = ScriptedDecoder(scripts, n_batch=64)
    runner = scheduler(decoder, sequences=3)
    results = runner.run([BatchJob(p, 50) for p in scripts])
    assert [r.text for r in results] == [
        "Alpha is here. Beta is there.",
        "Alpha is here. Beta is there. Gamma",
        "Alpha is here. Beta is there. Gamma is",
        "Alpha is here. Beta is there. Gamma is gone.",
        "Alpha is here. Beta is there. Gamma is gone.",
    ]
    assert [r.completion_tokens for r in results] == [2, 3, 4, 5, 5]
    assert all(r.prompt_tokens == 20 and not r.hit_token_limit for r in results)
    assert runner.stats.most_live == 3
    assert runner.stats.generated == 19
    assert max(sum(e.position >= 20 for e in p) for p in decoder.passes) == 3
    assert runner.stats.passes < runner.stats.generated, "several sequences a pass"
    assert decoder.tokens == {}, "every sequence's KV cells are freed"


def test_the_shared_prefix_is_read_once_and_each_prompt_keeps_its_last_token() -> None:
    prompts = [prompt(0), prompt(1), prompt(2)]
    assert shared_prefix(prompts) == tuple(range(40, 50))
    assert shared_prefix([prompts[0], prompts[0]]) == prompts[0][:-1]
    assert shared_prefix([prompts[0]]) == ()
    assert shared_prefix([(1, 2, 3, 4), (1, 2, 3, 5)]) == (), "too short to be worth a pass"
    decoder = ScriptedDecoder({p: [1] for p in prompts}, n_batch=64)
    runner = scheduler(decoder, sequences=3)
    runner.run([BatchJob(p, 5) for p in prompts])
    # the prefix once, then ten tokens of each prompt, and each one's generated token
    assert runner.stats.tokens == 10 + 3 * 10 + 3
    assert decoder.passes[0] == [Entry(40 + n, n, 3, False) for n in range(10)]


def test_a_pass_holds_at_most_n_batch_tokens_and_asks_logits_only_where_needed() -> None:
    prompts = [prompt(n, length=30) for n in range(3)]
    decoder = ScriptedDecoder({p: [1, 2, 3] for p in prompts}, n_batch=8)
    runner = scheduler(decoder, sequences=3)
    results = runner.run([BatchJob(p, 10) for p in prompts])
    assert all(r.completion_tokens == 3 for r in results)
    assert max(len(p) for p in decoder.passes) == 8
    for entries in decoder.passes:
        wanted = [e for e in entries if e.logits]
        assert len(wanted) <= 3
        assert all(e.position >= 29 for e in wanted), "a prompt's last token, or a new one"


def test_the_kv_cells_in_use_stay_within_the_context() -> None:
    prompts = [prompt(n) for n in range(4)]
    decoder = ScriptedDecoder({p: [1, 2, 3, 4] for p in prompts}, n_batch=64)
    runner = scheduler(decoder, sequences=4, context=10 + 2 * (10 + 8))
    results = runner.run([BatchJob(p, 8) for p in prompts])
    assert all(r.text.endswith("Gamma is") for r in results)
    assert runner.stats.most_live == 2, "only two fit the context at once"
    assert decoder.peak_cells <= 10 + 2 * (10 + 8)
    assert not runner.fits(BatchJob(prompt(0, length=40), 20))
    assert not runner.fits(BatchJob(prompt(0), 0)), "no room to answer: the single path's call"
    with pytest.raises(ValueError):
        runner.run([BatchJob(prompt(0, length=40), 20), BatchJob(prompt(1), 5)])


def test_limits_end_a_sequence_as_create_chat_completion_would() -> None:
    long, sentences, stopped = prompt(0), prompt(1), prompt(2)
    decoder = ScriptedDecoder(
        {long: [1, 2, 3, 4, 5], sentences: [1, 2, 3, 4, 5], stopped: [3, 6, 4, 5]}, n_batch=64
    )
    results = scheduler(decoder, sequences=3).run(
        [
            BatchJob(long, 2),
            BatchJob(sentences, 50, max_sentences=1),
            BatchJob(stopped, 9, stop=("!",)),
        ]
    )
    assert (results[0].text, results[0].hit_token_limit) == ("Alpha is here. Beta is there.", True)
    # the end is forced once a second sentence has begun, as `_sentence_limit` does
    assert (results[1].text, results[1].completion_tokens) == ("Alpha is here. Beta is there.", 2)
    assert not results[1].hit_token_limit
    assert (results[2].text, results[2].completion_tokens) == ("Gamma", 2)


def test_cancelled_jobs_end_early_and_progress_hears_the_text() -> None:
    prompts = [prompt(n) for n in range(3)]
    decoder = ScriptedDecoder({p: [1, 2, 3, 4, 5] for p in prompts}, n_batch=64)
    heard: list[str] = []
    calls = [0]

    def cancelled() -> bool:
        calls[0] += 1
        return len(heard) >= 3

    followed = Progress(heard.append, cancelled)
    results = scheduler(decoder, sequences=1).run(
        [BatchJob(p, 50, progress=followed) for p in prompts]
    )
    assert heard == ["", " Alpha is here.", " Alpha is here. Beta is there."]
    assert results[0].text == "Alpha is here. Beta is there."
    assert results[1:] == [results[1]] * 2 and results[1].text == ""
    assert decoder.abort is None, "the abort check is taken off after the run"


def test_an_aborted_pass_ends_every_sequence_with_what_it_has() -> None:
    prompts = [prompt(n) for n in range(3)]
    decoder = ScriptedDecoder({p: [1, 2, 3, 4, 5] for p in prompts}, n_batch=64)
    decoder.abort_after = 3  # the prefix, the prompts, one step
    stop = Progress(None, lambda: False)
    results = scheduler(decoder, sequences=2).run([BatchJob(p, 50, progress=stop) for p in prompts])
    assert [r.text for r in results] == ["Alpha is here. Beta is there."] * 2 + [""]
    assert decoder.tokens == {}


class RunnerUpDecoder(ScriptedDecoder):
    """Scores the script's token first and 会议 second."""

    def _scores(self, tokens: list[int]) -> np.ndarray:
        scores = super()._scores(tokens) * 2
        scores[8] = max(scores[8], 1.0)
        return scores


def test_a_masked_job_begins_no_lowercase_latin_word() -> None:
    words = LatinWordMask.of([WORDS.get(t, "").encode() for t in range(VOCAB)])
    masked, begun, free = prompt(0), prompt(1), prompt(2)
    decoder = RunnerUpDecoder({masked: [7], begun: [9, 10, 7], free: [7]}, n_batch=64)
    results = scheduler(decoder, sequences=3).run(
        [BatchJob(masked, 1, words=words), BatchJob(begun, 3, words=words), BatchJob(free, 1)]
    )
    # the rest of a begun word (G7 + th) may follow, a new word (upcoming) may not
    assert [r.text for r in results] == ["会议", "G7th会议", "upcoming"]
