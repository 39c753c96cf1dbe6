"""Regulatory escalation of leaks: which data-protection laws a leak touches, and who must look.

A triage aid, not legal advice (docs/regulatory.md). `regulations.py` holds the versioned
data file's model (`auditor/rubrics/regulations.yaml`), `policy.py` the `regulatory:` config
section (escalation rules), `assess.py` the assessment of one leak verdict.
"""
