"""The regulations file (auditor/rubrics/regulations.yaml) and the `regulatory:` config section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.errors import UserError
from auditor.pii.entities import ISSUING_COUNTRY
from auditor.regulatory.assess import Assessor
from auditor.regulatory.policy import EscalationRule, RegulatoryConfig
from auditor.regulatory.regulations import DEFAULT_REGULATIONS, load_regulations

EXAMPLES = Path(__file__).parent.parent / "examples" / "seller_support" / "items.jsonl"

# What the issue asks for, marketplace -> laws that must apply there.
REQUIRED = {
    "DE": {"GDPR"}, "FR": {"GDPR"}, "ES": {"GDPR"}, "IT": {"GDPR"}, "NL": {"GDPR"}, "PL": {"GDPR"},
    "SE": {"GDPR"}, "BE": {"GDPR"}, "IE": {"GDPR"}, "UK": {"UK GDPR", "DPA 2018"},
    "US": {"CCPA", "GLBA"}, "CN": {"PIPL"}, "JP": {"APPI"}, "IN": {"DPDP Act", "Aadhaar Act"},
    "BR": {"LGPD"}, "MX": {"LFPDPPP"}, "AE": {"UAE PDPL"}, "SA": {"KSA PDPL"}, "SG": {"PDPA"},
    "AU": {"Privacy Act 1988"}, "TR": {"KVKK"}, "KR": {"PIPA"},
}  # fmt: skip


def test_the_shipped_file_validates_and_maps_every_required_marketplace():
    regulations = load_regulations()
    for code, laws in REQUIRED.items():
        assert laws <= set(regulations.laws_of(code)), code
    assert regulations.full_version.startswith("regulations@1+")


def test_every_law_entry_has_a_citation_or_says_why_not():
    for name, law in load_regulations().laws.items():
        assert law.title and law.sources, name
        assert law.personal_data or any(c.article for c in law.categories) or law.note, name
        for category in law.categories:
            assert category.article or category.note, f"{name}: {category.name}"


def test_the_demo_marketplaces_and_every_id_country_are_mapped():
    regulations = load_regulations()
    markets = {json.loads(line)["metadata"]["marketplace"] for line in EXAMPLES.read_text().splitlines()}
    assert all(regulations.laws_of(code) for code in markets | set(ISSUING_COUNTRY.values()))


def test_gated_laws_touch_only_their_kinds():
    regulations = load_regulations()
    assert regulations.laws["Aadhaar Act"].covers("IN_AADHAAR")
    assert not regulations.laws["Aadhaar Act"].covers("IN_PAN")
    glba = regulations.laws["GLBA"]
    assert glba.covers("CREDIT_CARD") and not glba.covers("EMAIL_ADDRESS")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regulations.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_kind_is_refused_with_its_line(tmp_path):
    path = _write(
        tmp_path,
        """name: r
version: "1"
laws:
  X:
    title: A law
    personal_data: Art. 1
    categories:
      - {name: ids, sensitive: true, article: Art. 2, kinds: [PASSPORT_NO]}
    sources: [https://example.org]
jurisdictions:
  DE: [X]
""",
    )
    with pytest.raises(UserError, match=r"regulations.yaml:8: .*unknown PII kinds \['PASSPORT_NO'\]"):
        load_regulations(path)


def test_a_missing_article_needs_a_note_and_laws_must_exist(tmp_path):
    head = "name: r\nversion: '1'\nlaws:\n  X:\n    title: A law\n    personal_data: null\n    sources: [s]\n"
    with pytest.raises(UserError, match="needs a 'note' saying why"):
        load_regulations(_write(tmp_path, head + "jurisdictions:\n  DE: [X]\n"))
    noted = head + "    note: not confirmed\n"
    with pytest.raises(UserError, match=r"jurisdiction DE names unknown laws \['Y'\]"):
        load_regulations(_write(tmp_path, noted + "jurisdictions:\n  DE: [Y]\n"))


def test_a_rule_naming_an_unknown_law_is_refused():
    with pytest.raises(UserError, match=r"regulatory.rules\[0\]: unknown laws \['HIPAA'\]"):
        Assessor(load_regulations(), [EscalationRule(escalate="legal", priority=2, laws=["HIPAA"])])


def test_the_config_section_is_strict_and_reads_its_file_beside_the_config(tmp_path):
    own = tmp_path / "my_regulations.yaml"
    own.write_bytes(DEFAULT_REGULATIONS.read_bytes())
    config = tmp_path / "audit.yaml"
    config.write_text("regulatory:\n  regulations: my_regulations.yaml\n  rules:\n"
                      "    - {escalate: dpo, priority: 1.1, min_severity: high}\n")  # fmt: skip
    loaded = load_config(config).regulatory
    assert loaded.regulations == str(own) and loaded.rules[0].escalate == "dpo"
    config.write_text("regulatory:\n  rules:\n    - {escalate: dpo, priority: 1, severity: high}\n")
    with pytest.raises(UserError, match=r"audit.yaml:3: unknown key 'regulatory.rules.0.severity'"):
        load_config(config)


def test_the_default_policy_escalates_critical_kinds_first():
    rules = RegulatoryConfig().rules
    assert [r.escalate for r in rules] == ["privacy-legal", "privacy"]
    assert rules[0].sensitive is True and all(r.min_severity == "critical" and r.priority > 1 for r in rules)


def test_the_pii_judge_gets_the_policy_unless_it_is_turned_off(tmp_path):
    from auditor.judges.pii import PIIJudge
    from auditor.judges.registry import build_judges

    config = tmp_path / "audit.yaml"
    config.write_text("judges:\n  - {name: pii, kind: pii}\n")
    (judge,) = build_judges(load_config(config))
    assert isinstance(judge, PIIJudge) and judge.regulatory is not None
    config.write_text("judges:\n  - {name: pii, kind: pii}\nregulatory: {enabled: false}\n")
    (judge,) = build_judges(load_config(config))
    assert isinstance(judge, PIIJudge) and judge.regulatory is None
