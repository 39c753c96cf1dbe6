"""Annotation QA: human labels checked against the annotation guidelines (docs/labelqa.md)."""
