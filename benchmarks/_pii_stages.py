"""One tree's detections and stage timings, for `pii_equivalence` (run in a fresh interpreter).

It imports whichever `auditor` is on PYTHONPATH and only uses what every revision has
(`build_engine`, the engine's analyzer and spaCy engine), so an older tree runs it too.

    python _pii_stages.py TEXTS.json OUT.json
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from auditor.pii.engine import PIIEngine, build_engine
from auditor.pii.severity import PERSONAL_ENTITIES


class Stages:
    """CPU seconds per stage (process time: what other processes do barely moves it)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.process_time() - started

        return timed

    def wrap_iterator(self, stage: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = fn(*args, **kwargs)
            while True:
                started = time.process_time()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.seconds[stage] += time.process_time() - started
                yield item

        return timed


def instrument(engine: PIIEngine, stages: Stages) -> None:
    # Instance attributes shadow the methods: the engine calls the timed versions.
    nlp_engine = engine._nlp_engine
    setattr(nlp_engine, "process_batch", stages.wrap_iterator("spacy", nlp_engine.process_batch))  # noqa: B010
    analyzer = engine._analyzer
    for recognizer in analyzer.registry.recognizers:
        name = f"recognizer {getattr(recognizer, 'name')}"  # noqa: B009 (Presidio leaves it untyped)
        setattr(recognizer, "analyze", stages.wrap(name, recognizer.analyze))  # noqa: B010
    setattr(analyzer, "analyze", stages.wrap("presidio analyze", analyzer.analyze))  # noqa: B010


def as_rows(detections: list[list[Any]]) -> list[list[list[Any]]]:
    return [
        [[d.entity_type, d.start, d.end, d.score, d.recognizer, d.validated, d.checksum] for d in text]
        for text in detections
    ]


def main() -> None:
    texts: list[str] = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    engine = build_engine()
    engine.analyze_batch(texts[:50])  # warm lazy tables and compiled patterns
    every = engine.analyze_batch(texts)
    stages = Stages()
    instrument(engine, stages)
    started = time.process_time()
    judge = engine.analyze_batch(texts, PERSONAL_ENTITIES)
    total = time.process_time() - started
    seconds = dict(stages.seconds)
    recognizers = sum(v for k, v in seconds.items() if k.startswith("recognizer "))
    seconds["presidio other"] = seconds.pop("presidio analyze") - recognizers
    seconds["auditor filtering"] = total - seconds["spacy"] - seconds["presidio other"] - recognizers
    seconds["total"] = total
    out = {"all": as_rows(every), "judge": as_rows(judge), "seconds": seconds}
    Path(sys.argv[2]).write_text(json.dumps(out), encoding="utf-8")


if __name__ == "__main__":
    main()
