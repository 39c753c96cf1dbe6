"""Same detections before and after a change to PII detection, and what each stage costs.

A speed-up of a recognizer must not change a single detection. This script collects every
text it can find (the demo's items, the shared PII and accuracy dev sets, the string
literals of the PII tests), runs the engine over them in a fresh interpreter for each tree,
the current one and one exported from a git revision (`--against`, default `main`),
alternating so both see the same machine load, and then

* compares the detections (entity, start, end, score, recognizer) text by text, for all
  entities and for the PII judge's entities; any difference is printed and fails the run;
* prints the milliseconds per text of each stage: spaCy, each recognizer, the rest of
  Presidio's analysis and auditor's own filtering, for both trees, with their ratio.

    .venv/bin/python -m benchmarks.pii_equivalence [--against main] [--rounds 2]

Run it under the heavy lock: two engine builds and a few passes over ~2,700 texts.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditor.pii.evaluate import load_dataset
from benchmarks._common import PRESIDIO_DATASET, SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TESTS = ROOT / "tests"
MIN_TEST_STRING = 12  # shorter test literals are names, ids and entity types, not texts

Detections = list[list[Any]]


def corpus() -> list[str]:
    """Every distinct text: demo items, dev sets, PII test literals (in a fixed order)."""
    seen: dict[str, None] = {}
    for text in _all_texts():
        if text.strip():
            seen.setdefault(text, None)
    return list(seen)


def _all_texts() -> Iterator[str]:
    for path in sorted(EXAMPLES.glob("*/*.jsonl")):
        yield from _jsonl_strings(path)
    yield from (sentence.text for sentence in load_dataset(PRESIDIO_DATASET))
    yield from _jsonl_strings(SHARED_DATA / "qags_xsum" / "items.jsonl")
    for path in sorted((TESTS / "pii").glob("*.py")):
        yield from _string_literals(path)


def _jsonl_strings(path: Path) -> Iterator[str]:
    """The prompt, response, reference and context strings of each JSONL record."""
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for key in ("prompt", "response", "reference", "context"):
            value = record.get(key)
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):  # a conversation or a list of passages
                yield from (v.get("content", "") if isinstance(v, dict) else str(v) for v in value)


def _string_literals(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        value = node.value if isinstance(node, ast.Constant) else None
        if isinstance(value, str) and len(value) >= MIN_TEST_STRING:
            yield value


def export_tree(revision: str, into: Path) -> Path:
    """The files of `revision` (no checkout, no worktree: `git archive`)."""
    archive = into / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), revision], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def run_tree(tree: Path, texts_file: Path, out: Path) -> dict[str, Any]:
    """Detections and stage timings from a fresh interpreter importing `tree`'s auditor."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    here = str(Path(__file__).parent)
    code = f"import sys; sys.path.insert(0, {here!r}); import _pii_stages; _pii_stages.main()"
    subprocess.run([sys.executable, "-c", code, str(texts_file), str(out)], check=True, env=env, cwd=tree)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def differences(texts: list[str], before: Detections, after: Detections) -> list[str]:
    lines = []
    for text, old, new in zip(texts, before, after, strict=True):
        if old != new:
            gone = [d for d in old if d not in new]
            added = [d for d in new if d not in old]
            lines.append(f"{text[:80]!r}\n    only before: {gone}\n    only after:  {added}")
    return lines


def print_stages(before: dict[str, float], after: dict[str, float], n: int) -> None:
    print(f"{'ms per text':<40} {'before':>8} {'after':>8} {'ratio':>6}")
    for stage in sorted(set(before) | set(after), key=lambda s: -before.get(s, 0.0)):
        b, a = before.get(stage, 0.0) * 1000 / n, after.get(stage, 0.0) * 1000 / n
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"{stage:<40} {b:>8.3f} {a:>8.3f} {ratio:>6}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--rounds", type=int, default=2, help="timed runs of each tree, alternating")
    args = parser.parse_args()
    texts = corpus()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        texts_file = tmp / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        trees = {"before": export_tree(args.against, tmp), "after": ROOT}
        runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in range(args.rounds):
            for name, tree in trees.items():
                runs[name].append(run_tree(tree, texts_file, tmp / f"{name}-{r}.json"))
    print(f"{len(texts)} texts; {args.against} (before) against this tree (after), {args.rounds} rounds each")
    failed = False
    for kind in ("all", "judge"):
        before, after = runs["before"][0][kind], runs["after"][0][kind]
        diff = differences(texts, before, after)
        count = sum(len(x) for x in before)
        print(f"{kind} entities: {count} detections before, {sum(len(x) for x in after)} after; "
              f"{len(texts) - len(diff)} of {len(texts)} texts identical")  # fmt: skip
        for line in diff:
            print("  " + line)
        failed = failed or bool(diff)
    fastest = {name: min(rs, key=lambda r: r["seconds"]["total"])["seconds"] for name, rs in runs.items()}
    print_stages(fastest["before"], fastest["after"], len(texts))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
