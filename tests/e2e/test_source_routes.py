"""Articles in Japanese, German and Russian, through real HTTP on the real default model, each
on the route the route table chooses for its language: the English summary is about its story."""

from __future__ import annotations

import httpx
import pytest

from service.pipeline.plan import source_route

pytestmark = pytest.mark.e2e

# Written for this test: 1,200 bats found in a cave on Ishigaki, Okinawa, the largest colony in
# 30 years; the cave is closed until the end of March.
BATS = """石垣島の洞窟でコウモリ1200匹の群れ 30年ぶりの大きさ

沖縄県の研究チームは10日、石垣島の洞窟で約1200匹のコウモリの群れを見つけたと発表した。これほど大きな群れが確認されたのは30年ぶりだという。

群れは洞窟の奥で冬を越しており、チームを率いる琉球大学の教授は「島の森が守られてきた成果だ」と話している。

沖縄県は洞窟への立ち入りを3月末まで禁止し、観光客に注意を呼びかけている。
"""


# Written for this test: a new 2,100-metre bridge over the Ob opened in Novosibirsk; it cost
# 36 billion roubles and carries 50,000 cars a day.
BRIDGE = """В Новосибирске открыли новый мост через Обь

В субботу в Новосибирске открыли движение по новому мосту через Обь длиной 2100 метров. \
Строительство моста продолжалось четыре года и обошлось в 36 миллиардов рублей.

По словам мэра города, мост будет пропускать до 50 000 автомобилей в сутки и разгрузит два \
старых моста в центре Новосибирска.
"""


# Written for this test: Hamburg's new electric ferry for 320 passengers starts on Monday.
FERRY = """Hamburg: Neue Elektrofähre nimmt Betrieb auf

Die erste elektrische Fähre des Hamburger Hafens nimmt am Montag den Linienbetrieb auf. Das \
Schiff bietet Platz für 320 Fahrgäste und fährt zwischen den Landungsbrücken und Finkenwerder.

Nach Angaben der Hafenfähren-Gesellschaft HADAG spart die Fähre jährlich rund 900 Tonnen \
Kohlendioxid ein. Bis 2030 sollen sechs weitere elektrische Fähren folgen.
"""


@pytest.mark.parametrize(
    ("text", "language", "story", "number", "place"),
    [
        pytest.param(
            BATS,
            "ja",
            "bat",
            ("1,200", "1200"),
            ("Ishigaki", "Okinawa"),
            marks=pytest.mark.xfail(
                strict=True,
                reason="the default model reads コウモリ (bats) as koalas, directly and when "
                "translating first (docs/quality.md, fidelity per source language)",
            ),
        ),
        (FERRY, "de", "ferry", ("320",), ("Hamburg",)),
        (BRIDGE, "ru", "bridge", ("2,100", "2100"), ("Novosibirsk",)),
    ],
)
def test_an_article_comes_back_about_its_story(
    server: httpx.Client,
    text: str,
    language: str,
    story: str,
    number: tuple[str, ...],
    place: tuple[str, ...],
) -> None:
    response = server.post("/v1/summarize", json={"text": text, "targets": ["en"]})

    assert response.status_code == 200, response.text
    body = response.json()
    english = body["summaries"]["en"]["text"]
    assert body["source_language"] == language
    assert story in english.lower(), english
    assert any(n in english for n in number), english
    assert any(p in english for p in place), english
    model_steps = [(s["stage"], s["source"], s["target"]) for s in body["route"]]
    if source_route(language) == "translate":
        assert model_steps[1:3] == [("translate", language, "en"), ("summarize", "en", "en")]
    else:
        assert model_steps[1] == ("summarize", language, "en")
