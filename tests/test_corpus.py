"""The dialogue corpus (tests/corpus/) through the real team on the offline model.

Every message runs in a fresh conversation (every conversation in one), in one process, with
the forecast shared per home and clock. The hard requirement is zero silent wrong plans: no
proposal whose requests differ from the expected reading, and no proposal where a question or
an answer was expected. Accuracy per language must not fall below the floors measured when the
reader was written (README, "Understanding"), so a regression shows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.cli.corpus import Runner, evaluate, format_report, read_lines

pytest_plugins = ["agents_conftest"]

CORPUS = Path(__file__).resolve().parent / "corpus"
FLOORS_PCT = {"en": 95.0, "de": 95.0}


def test_corpus_on_the_offline_model_has_no_silent_wrong_plan():
    from agents.models import make_client_factory

    items = [item for name in ("en.jsonl", "de.jsonl", "conversations.jsonl")
             for item in read_lines(str(CORPUS / name))]
    report = asyncio.run(evaluate(items, Runner(factory=make_client_factory())))
    print(format_report(report))
    assert report.silent_wrong == []
    for lang, floor in FLOORS_PCT.items():
        assert report.by_language[lang].pct >= floor, format_report(report)
    assert report.by_language["en"].total >= 400 and report.by_language["de"].total >= 150
