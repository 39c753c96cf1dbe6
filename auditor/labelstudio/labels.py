"""What reading an annotation file collects: the human labels and the counts to report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from auditor.errors import UserError
from auditor.types import HumanLabel


@dataclass
class LabelBatch:
    """Human labels read from one file, with where each came from (for duplicate errors)."""

    labels: list[HumanLabel] = field(default_factory=list)
    annotations: int = 0  # annotations (or rows) that gave at least one label
    cancelled: int = 0  # annotations skipped in Label Studio ("was_cancelled")
    empty: int = 0  # submitted annotations (or rows) with no score and no choice
    unannotated: int = 0  # tasks nobody annotated
    ignored_controls: Counter[str] = field(default_factory=Counter)  # results of unknown controls
    _where: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def add(self, labels: list[HumanLabel], where: str) -> None:
        """Add one annotation's labels; an annotator labelling an item twice is an error."""
        if not labels:
            self.empty += 1
            return
        for label in labels:
            key = (label.item_id, label.annotator, label.criterion)
            if key in self._where:
                raise UserError(
                    f"{where}: {label.annotator} labelled {label.criterion} of item '{label.item_id}' "
                    f"again (first at {self._where[key]}); keep one annotation per annotator and item"
                )
            self._where[key] = where
        self.labels += labels
        self.annotations += 1
