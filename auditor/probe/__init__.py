"""Robustness probes: do verdicts change when they should not? (docs/judges.md#probe)

perturb.py  the perturbations (verbosity, reorder, injection, fake_verdict)
runner.py   run_probe (the `auditor probe` entry), probe, probe_judges
result.py   ProbeRow / ProbeResult: flip counts, the text table, probe.json
"""

from auditor.probe.perturb import PERTURBATIONS, Perturbation
from auditor.probe.result import ProbeResult, ProbeRow
from auditor.probe.runner import probe, probe_judges, run_probe

__all__ = ["PERTURBATIONS", "Perturbation", "ProbeResult", "ProbeRow", "probe", "probe_judges", "run_probe"]
