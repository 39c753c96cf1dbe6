"""Acceptance criteria: a test plan's bars decided with 95% CIs (docs/acceptance.md).

`criteria` holds the config model (imported by `auditor.config`, so it stays light);
`decide` the decisions; `command` `auditor gate`.
"""
