"""The scenario reference in docs/ is the one the schema makes today."""

from pathlib import Path

from hashjoule.scenarios import schema
from hashjoule.scenarios.reference import SECTIONS, reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-reference.md"


def test_checked_in_reference_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == reference(), (
        "docs/scenario-reference.md is stale: run python -m hashjoule.scenarios.reference -o docs/scenario-reference.md")


def test_every_key_of_every_section_is_documented():
    text = reference()
    for _, model, _ in SECTIONS:
        for name in model.model_fields:
            assert f"| `{name}` |" in text, (model.__name__, name)
    assert "| `compliance` | number or distribution | `1.0` | 0 to 1 |" in text
    assert set(schema.BOUNDS) <= {n for _, m, _ in SECTIONS for n in m.model_fields}
