"""Systems under test side by side: paired statistics over the items they share (docs/compare.md)."""

from auditor.compare.command import CompareResult, run_compare

__all__ = ["CompareResult", "run_compare"]
