"""Generated audit items for benchmarks: the demo set's items cycled under new ids.

Every generated text is unique (a letters-only case tag is appended to the prompt and
the response), so no judge's cache of text analysis can flatter the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "seller_support" / "items.jsonl"


def write_items(path: Path, n: int) -> Path:
    """Write `n` items to `path`, cycling the demo's 80 with new ids; streams, any size."""
    demo = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            item = dict(demo[i % len(demo)])
            item["id"] = f"gen-{i:07d}"
            tag = _letters(i)
            if isinstance(item["prompt"], str):
                item["prompt"] = f"{item['prompt']} (case {tag})"
            item["response"] = f"{item['response']} (case {tag})"
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def _letters(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 26)
        out = chr(ord("a") + r) + out
        if i == 0:
            return "case" + out
