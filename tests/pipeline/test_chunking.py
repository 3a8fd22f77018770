from __future__ import annotations

from service.pipeline.chunking import chunk_text


def words(text: str) -> int:
    return len(text.split())


def characters(text: str) -> int:
    return len(text)


def test_text_that_fits_stays_whole() -> None:
    text = "One sentence. Another sentence."
    assert chunk_text(text, words, 100) == [text]


def test_chunks_are_whole_sentences_within_budget_and_in_order() -> None:
    sentences = [f"Sentence number {n} is here." for n in range(30)]
    text = " ".join(sentences)
    chunks = chunk_text(text, words, 22)
    assert len(chunks) > 1
    assert all(words(chunk) + chunk.count(".") <= 22 for chunk in chunks)
    assert " ".join(chunks) == text
    assert all(chunk.endswith("is here.") for chunk in chunks)


def test_chinese_sentence_punctuation_is_a_boundary() -> None:
    sentences = ["市政府周二批准了预算。", "市长表示满意！", "为什么？", "议员反对；", "讨论继续……"]
    text = "".join(sentences * 4)
    chunks = chunk_text(text, characters, 16)
    assert "".join(chunks) == text
    assert all(characters(chunk) <= 16 for chunk in chunks)
    assert all(chunk[-1] in "。！？；…" for chunk in chunks)


def test_a_sentence_over_budget_is_cut_at_spaces() -> None:
    run_on = " ".join(f"word{n}" for n in range(100))  # no full stop at all
    chunks = chunk_text(run_on, words, 30)
    assert all(words(chunk) <= 30 for chunk in chunks)
    assert " ".join(chunks).split() == run_on.split()
