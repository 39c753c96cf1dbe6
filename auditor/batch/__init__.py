"""Batch inference for a run: rounds of request files, the Batch API, and their record (docs/llm.md).

state.py   `BatchLog`, the model of the run directory's `batch/batch.json`: each round,
           its request files, batch ids and what its output held
rounds.py  the rounds: collect a pass's requests, submit or export them, wait, ingest, repeat
"""
