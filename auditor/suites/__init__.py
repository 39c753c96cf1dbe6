"""Robustness, fairness and reliability suites for the system under test (docs/robustness.md).

Each suite derives new items from every item by changing the seller's question; the run
sends them to the targets and judges the answers like any other, and `metrics` sets each
derived item's verdict against its parent's.

options.py         the `suites:` config models (light: imported by `auditor.config`)
base.py            the `Suite` protocol, `Variant`, the helpers suites share
noise.py           typos, casing_punctuation
rewrite.py         paraphrase, code_switch (templates, item translations, or a model)
additions.py       distractor, injection (and its canary)
counterfactual.py  counterfactual (names, genders, places per group)
registry.py        suites by name; `derive_items`
metrics.py         flip rates, comply rate, group gaps, slice disparity, reliability
result.py          `Robustness`, the model of `robustness.json`
command.py         `auditor robustness RUN`, also run at the end of a run with suites
"""
