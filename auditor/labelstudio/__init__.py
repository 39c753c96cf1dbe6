"""The pre-labeling loop: a run's review queue out to annotators, their labels back in.

`export_run` writes Label Studio tasks (the judges' verdicts as predictions) with their
labeling config, or CSV/JSONL; `import_labels` reads the annotations back as
`HumanLabel`s for `auditor calibrate`. See docs/labelstudio.md.
"""

from auditor.labelstudio.config_xml import labeling_config
from auditor.labelstudio.export import ExportFormat, ExportResult, export_run
from auditor.labelstudio.importer import ImportResult, import_labels
from auditor.labelstudio.queue import QueueEntry, review_queue

__all__ = [
    "ExportFormat",
    "ExportResult",
    "ImportResult",
    "QueueEntry",
    "export_run",
    "import_labels",
    "labeling_config",
    "review_queue",
]
