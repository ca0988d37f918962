"""The taxonomy: the bundled file matches the label contract, and malformed input is refused."""

from __future__ import annotations

import copy
import json
import tomllib

import pytest

from classifier.errors import TaxonomyError
from classifier.taxonomy import (
    PROVIDER_TYPES,
    TAXONOMY_PATH,
    Taxonomy,
    default_taxonomy,
    load_taxonomy,
    parse_taxonomy,
)
from classifier.text import cue_token_id

# The label contract (LABELS.md), written out: ids and sides are exact.
EXPECTED_SIDES = {
    "preclinical_research": "research",
    "clinical_trial_management": "research",
    "bioanalytical_services": "research",
    "clinical_regulatory_affairs": "research",
    "process_development": "manufacturing",
    "analytical_development": "manufacturing",
    "api_manufacturing": "manufacturing",
    "drug_product_manufacturing": "manufacturing",
    "supply_chain_management": "manufacturing",
    "manufacturing_regulatory_support": "manufacturing",
}
EXPECTED_PROVIDER_TYPES = ["CRO", "CDMO", "CRDMO", "NONE"]
EXPECTED_STAGES = ["preclinical", "early_clinical", "late_clinical", "commercial", "unspecified"]


@pytest.fixture()
def raw() -> dict:
    """A fresh, mutable copy of the bundled taxonomy's parsed TOML."""
    with open(TAXONOMY_PATH, "rb") as fh:
        return tomllib.load(fh)


# -- the bundled taxonomy ------------------------------------------------------------------


def test_bundled_taxonomy_loads(taxonomy):
    assert isinstance(taxonomy, Taxonomy)
    assert load_taxonomy() is default_taxonomy()
    reloaded = load_taxonomy(TAXONOMY_PATH)
    assert reloaded.service_ids == taxonomy.service_ids
    assert reloaded.version == taxonomy.version


def test_ten_services_with_exact_ids(taxonomy):
    assert len(taxonomy.services) == 10
    assert set(taxonomy.service_ids) == set(EXPECTED_SIDES)
    assert len(set(taxonomy.service_ids)) == 10


@pytest.mark.parametrize("service_id, side", sorted(EXPECTED_SIDES.items()))
def test_service_side_matches_the_contract(taxonomy, service_id, side):
    assert taxonomy.side_of(service_id) == side
    assert taxonomy.service(service_id).side == side


@pytest.mark.parametrize("service_id", sorted(EXPECTED_SIDES))
def test_service_has_name_description_and_cues(taxonomy, service_id):
    service = taxonomy.service(service_id)
    assert service.name.strip()
    assert service.description.strip()
    assert len(service.cues) > 0
    assert all(c.strip() for c in service.cues)
    assert all(a.strip() for a in service.abbreviations)


def test_service_ids_are_lower_case_identifiers(taxonomy):
    for sid in taxonomy.service_ids:
        assert sid == sid.lower()
        assert sid.replace("_", "").isalnum()


def test_cue_tokens_of_services_are_distinct(taxonomy):
    tokens = [cue_token_id(s) for s in taxonomy.service_ids]
    assert len(set(tokens)) == len(tokens)


def test_no_cue_belongs_to_two_services(taxonomy):
    seen: dict[str, str] = {}
    for s in taxonomy.services:
        for cue in s.cues:
            key = cue.lower()
            assert seen.setdefault(key, s.id) == s.id, f"cue {cue!r} in {seen[key]} and {s.id}"
    seen = {}
    for s in taxonomy.services:
        for abbr in s.abbreviations:
            assert seen.setdefault(abbr, s.id) == s.id, f"abbreviation {abbr!r} in {seen[abbr]} and {s.id}"


def test_unknown_service_raises_key_error(taxonomy):
    with pytest.raises(KeyError):
        taxonomy.service("not_a_service")
    with pytest.raises(KeyError):
        taxonomy.side_of("not_a_service")


def test_provider_types_exact(taxonomy):
    assert [p.id for p in taxonomy.provider_types] == EXPECTED_PROVIDER_TYPES
    assert list(PROVIDER_TYPES) == EXPECTED_PROVIDER_TYPES
    assert all(p.name.strip() and p.description.strip() for p in taxonomy.provider_types)


def test_stage_ids_exact_and_ordered(taxonomy):
    assert taxonomy.stage_ids == EXPECTED_STAGES


def test_sides_described(taxonomy):
    assert set(taxonomy.sides) == {"research", "manufacturing"}
    assert all(v.strip() for v in taxonomy.sides.values())


def test_scope_and_section_rules_present(taxonomy):
    for key in ("exclusion", "history", "safe", "clause_breaks"):
        assert taxonomy.scope.get(key), key
    for key in ("boilerplate", "excluded", "requirements"):
        assert taxonomy.sections.get(key), key
    assert taxonomy.integrated_cues


# -- to_dict -------------------------------------------------------------------------------


def test_to_dict_shape(taxonomy):
    d = taxonomy.to_dict()
    assert set(d) == {"version", "sides", "services", "provider_types", "stages"}
    assert d["version"] == taxonomy.version
    assert d["sides"] == taxonomy.sides
    assert [s["id"] for s in d["services"]] == taxonomy.service_ids
    for entry in d["services"]:
        assert set(entry) == {"id", "name", "side", "description", "cues", "abbreviations"}
        assert entry["side"] == EXPECTED_SIDES[entry["id"]]
        assert isinstance(entry["cues"], list) and entry["cues"]
        assert isinstance(entry["abbreviations"], list)
    assert [p["id"] for p in d["provider_types"]] == EXPECTED_PROVIDER_TYPES
    for entry in d["provider_types"]:
        assert set(entry) == {"id", "name", "description"}
    assert [s["id"] for s in d["stages"]] == EXPECTED_STAGES
    for entry in d["stages"]:
        assert set(entry) == {"id", "name", "description"}


def test_to_dict_is_json_serializable_and_detached(taxonomy):
    d = taxonomy.to_dict()
    assert json.loads(json.dumps(d)) == d
    d["sides"]["research"] = "changed"
    d["services"][0]["cues"].append("changed")
    assert taxonomy.sides["research"] != "changed"
    assert "changed" not in taxonomy.services[0].cues


# -- parse_taxonomy ------------------------------------------------------------------------


def test_parse_taxonomy_accepts_the_bundled_data(raw, taxonomy):
    parsed = parse_taxonomy(raw)
    assert parsed.service_ids == taxonomy.service_ids
    assert parsed.stage_ids == taxonomy.stage_ids


def test_parse_taxonomy_accepts_a_new_service(raw):
    raw["services"].append({"id": "device_testing", "name": "Device testing", "side": "manufacturing",
                            "description": "Testing of combination-product devices.",
                            "cues": ["device testing"]})
    parsed = parse_taxonomy(raw)
    assert parsed.service_ids[-1] == "device_testing"
    assert parsed.side_of("device_testing") == "manufacturing"
    assert parsed.service("device_testing").abbreviations == ()


def _duplicate_service(raw):
    raw["services"].append(copy.deepcopy(raw["services"][0]))


def _rename_to_existing(raw):
    raw["services"][1]["id"] = raw["services"][0]["id"]


def _bad_side(raw):
    raw["services"][0]["side"] = "clinical"


def _side_wrong_case(raw):
    raw["services"][0]["side"] = "Research"


def _missing_service_description(raw):
    del raw["services"][2]["description"]


def _missing_service_side(raw):
    del raw["services"][0]["side"]


def _missing_version(raw):
    del raw["version"]


def _missing_stages(raw):
    del raw["stages"]


def _missing_provider_types(raw):
    del raw["provider_types"]


def _missing_sides(raw):
    del raw["sides"]


def _provider_type_missing(raw):
    raw["provider_types"] = [p for p in raw["provider_types"] if p["id"] != "NONE"]


def _provider_type_extra(raw):
    raw["provider_types"].append({"id": "CMO", "name": "CMO", "description": "Manufacturing only."})


def _provider_types_reordered(raw):
    raw["provider_types"].reverse()


def _provider_type_lower_case(raw):
    raw["provider_types"][0]["id"] = "cro"


def _extra_side(raw):
    raw["sides"]["discovery"] = "Discovery work."


def _missing_side_description(raw):
    del raw["sides"]["manufacturing"]


def _unspecified_not_last(raw):
    raw["stages"].append(raw["stages"].pop(0))


def _cues_not_a_list(raw):
    raw["services"][0]["cues"] = "toxicology"


def _cues_not_strings(raw):
    raw["services"][0]["cues"] = ["toxicology", 3]


def _scope_cues_not_strings(raw):
    raw["scope"]["exclusion"] = "out of scope"


def _service_not_a_table(raw):
    raw["services"][0] = "preclinical_research"


def _duplicate_stage(raw):
    raw["stages"].insert(0, copy.deepcopy(raw["stages"][0]))


@pytest.mark.parametrize("damage", [
    _duplicate_service, _rename_to_existing, _bad_side, _side_wrong_case,
    _missing_service_description, _missing_service_side, _missing_version, _missing_stages,
    _missing_provider_types, _missing_sides, _provider_type_missing, _provider_type_extra,
    _provider_types_reordered, _provider_type_lower_case, _extra_side, _missing_side_description,
    _unspecified_not_last, _cues_not_a_list, _cues_not_strings, _scope_cues_not_strings,
    _service_not_a_table, _duplicate_stage,
], ids=lambda f: f.__name__.strip("_"))
def test_parse_taxonomy_refuses_malformed_input(raw, damage):
    damage(raw)
    with pytest.raises(TaxonomyError) as info:
        parse_taxonomy(raw)
    assert info.value.code == "E201"
    assert str(info.value).startswith("[E201]")


def test_missing_key_is_named(raw):
    del raw["services"][0]["description"]
    with pytest.raises(TaxonomyError, match="description"):
        parse_taxonomy(raw)


def test_bad_side_names_the_service(raw):
    raw["services"][3]["side"] = "clinical"
    with pytest.raises(TaxonomyError, match=raw["services"][3]["id"]):
        parse_taxonomy(raw)


def test_load_taxonomy_refuses_a_missing_file(tmp_path):
    with pytest.raises(TaxonomyError):
        load_taxonomy(tmp_path / "nope.toml")


def test_load_taxonomy_refuses_invalid_toml(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('version = "1"\n[[services]\nid = ', encoding="utf-8")
    with pytest.raises(TaxonomyError):
        load_taxonomy(path)


def test_load_taxonomy_reads_a_custom_file(tmp_path):
    text = TAXONOMY_PATH.read_text(encoding="utf-8").replace('version = "1"', 'version = "7"', 1)
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    custom = load_taxonomy(path)
    assert custom.version == "7"
    assert custom.service_ids == default_taxonomy().service_ids
