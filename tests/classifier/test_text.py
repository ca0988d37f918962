"""Text processing: normalization, sentences and sections, and the scope rules.

The exclusion suite checks what the model actually reads: a service that a
sentence rules out must leave no cue token in ``ProcessedDocument.model_input``,
while a service the same text asks for must leave one.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from classifier.taxonomy import Taxonomy
from classifier.text import (
    BOILERPLATE,
    EXCLUSION,
    KEPT,
    SERVICE_CUE_PREFIX,
    SET_ASIDE_CUE_PREFIX,
    ProcessedDocument,
    TextProcessor,
    cue_token_id,
    normalize_text,
)


@pytest.fixture(scope="module")
def processor() -> TextProcessor:
    return TextProcessor()


def svc_token(service_id: str) -> str:
    return f"{SERVICE_CUE_PREFIX}{cue_token_id(service_id)}"


def model_tokens(doc: ProcessedDocument) -> set[str]:
    return set(doc.model_input.split())


def mentions(taxonomy: Taxonomy, service_id: str, text: str) -> bool:
    """Whether ``text`` names the service by one of its taxonomy cues or abbreviations."""
    service = taxonomy.service(service_id)
    for cue in service.cues:
        if re.search(rf"(?<![\w]){re.escape(cue)}(?![\w])", text, re.I):
            return True
    return any(re.search(rf"(?<![\w]){re.escape(a)}(?![\w])", text) for a in service.abbreviations)


# -- normalize_text ------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_normalize_removes_c0_control_characters(char):
    out = normalize_text(f"tox{char}study")
    assert char not in out
    assert out.startswith("tox") and out.endswith("study")


@pytest.mark.parametrize("char", ["\x80", "\x85", "\x9f"])
def test_normalize_removes_c1_control_characters(char):
    # C1 controls turn up when cp1252/latin-1 text is mis-decoded; they are control characters too.
    out = normalize_text(f"tox{char}study")
    assert char not in out
    assert "tox" in out and "study" in out


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_normalize_removes_zero_width_marks(char):
    out = normalize_text(f"{char}We need{char} toxicology{char}")
    assert char not in out
    assert out == "We need toxicology"


@pytest.mark.parametrize("char", ["\u200c", "\u200d", "\u2060", "\ufeff"])
def test_normalize_zero_width_mark_inside_a_word_does_not_split_it(char):
    # Invisible joiners inside a word (copy-paste from PDFs and web pages) must not
    # break the word: "toxicology" is a taxonomy cue.
    assert normalize_text(f"toxi{char}cology") == "toxicology"


# Every character with the Unicode Bidi_Control property.
BIDI_CONTROLS = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                 "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_normalize_removes_bidi_marks(char):
    out = normalize_text(f"We need {char}fill-finish{char} of vials")
    assert char not in out
    assert "fill-finish" in out


def test_normalize_replaces_lone_surrogates():
    out = normalize_text("API\ud800 supply \udfff")
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in out)
    out.encode("utf-8")  # must not raise
    assert out.startswith("API") and "supply" in out


@pytest.mark.parametrize("raw, expected", [
    ("line one\r\nline two", "line one\nline two"),
    ("line one\rline two", "line one\nline two"),
    ("a\r\n\r\n\r\n\r\nb", "a\n\nb"),
    ("a\u2028b", "a\nb"),
])
def test_normalize_line_endings(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_applies_nfkc():
    # Full-width letters, ligatures, circled digits and decomposed accents.
    assert normalize_text("\uff24\uff30 \ufb01ll-\ufb01nish \u2460") == "DP fill-finish 1"
    assert normalize_text("cafe\u0301") == unicodedata.normalize("NFC", "caf\u00e9")


def test_normalize_smart_quotes_and_dashes():
    out = normalize_text("\u201cDrug product\u201d isn\u2019t \u2018needed\u2019 \u2013 phase 1\u20142")
    assert out == "\"Drug product\" isn't 'needed' - phase 1-2"


def test_normalize_tidies_spaces():
    assert normalize_text("  We\t\tneed \xa0 API  \n   manufacturing  ") == "We need API\nmanufacturing"


def test_normalize_is_idempotent():
    raw = "\ufeff\u201cQuote\u201d\r\n\u200bAPI\t supply\u202e\n\n\n\nend\x00"
    once = normalize_text(raw)
    assert normalize_text(once) == once


# -- sentences, lines and headings ---------------------------------------------------------


def test_every_line_is_its_own_sentence(processor):
    doc = processor.process("Project overview\nWe are developing an oral kinase inhibitor\n"
                            "We need tablet manufacturing for phase 1")
    assert [s.text for s in doc.segments] == [
        "Project overview",
        "We are developing an oral kinase inhibitor",
        "We need tablet manufacturing for phase 1",
    ]


def test_sentences_within_a_line_are_split(processor):
    doc = processor.process("We need API manufacturing. We also need fill-finish.")
    assert [s.text for s in doc.segments] == ["We need API manufacturing.", "We also need fill-finish."]


def test_segment_offsets_point_into_the_normalized_text(processor):
    doc = processor.process("Scope\r\nWe need GMP drug substance.\r\nAnd \u201cfill-finish\u201d.")
    for seg in doc.segments:
        assert doc.text[seg.start:seg.end].strip() == seg.text


@pytest.mark.parametrize("heading, section", [
    ("2. Scope of Work", "requirements"),
    ("3.1 Scope of Work", "requirements"),
    ("IV. Statement of Work", "requirements"),
])
def test_numbered_heading_is_one_segment_and_sets_the_section(processor, heading, section):
    doc = processor.process(f"1. Background\nAcme Bio is a biotech.\n{heading}\n"
                            "We need GMP drug substance manufacture.")
    texts = [s.text for s in doc.segments]
    assert heading in texts, texts
    # The number never becomes a sentence of its own.
    assert not any(re.fullmatch(r"[0-9.]+|[IVX]+\.", t) for t in texts), texts
    request = next(s for s in doc.segments if s.text.startswith("We need"))
    assert request.section == section
    assert request.status == KEPT


def test_numbered_list_items_keep_their_number(processor):
    doc = processor.process("Scope of Work\n(a) Process development\n(b) API manufacturing")
    assert [s.text for s in doc.segments] == [
        "Scope of Work", "(a) Process development", "(b) API manufacturing"]
    assert svc_token("process_development") in model_tokens(doc)
    assert svc_token("api_manufacturing") in model_tokens(doc)


# -- sections: boilerplate and excluded lists ----------------------------------------------


@pytest.mark.parametrize("heading", [
    "3. Confidentiality",
    "Confidentiality",
    "4. Submission Instructions",
    "SUBMISSION INSTRUCTIONS",
    "Evaluation Criteria",
    "Terms and Conditions",
])
def test_boilerplate_section_does_not_reach_the_model(processor, heading):
    text = ("1. Scope of Work\nWe need GMP drug substance manufacture.\n"
            f"{heading}\n"
            "Describe your bioanalysis and clinical trial management experience.\n"
            "Include your stability testing capacity.")
    doc = processor.process(text)
    tokens = model_tokens(doc)
    assert svc_token("api_manufacturing") in tokens
    for service in ("bioanalytical_services", "clinical_trial_management", "analytical_development"):
        assert svc_token(service) not in tokens, doc.model_input
    lowered = doc.model_input.lower()
    for word in ("bioanalysis", "clinical trial", "stability"):
        assert word not in lowered
    boiler = [s for s in doc.segments if s.text.startswith(("Describe", "Include"))]
    assert boiler and all(s.status == BOILERPLATE for s in boiler)


def test_section_after_boilerplate_is_read_again(processor):
    doc = processor.process("Confidentiality\nAll bioanalysis data are confidential.\n"
                            "Scope of Work\nWe need fill-finish of 2,000 vials.")
    tokens = model_tokens(doc)
    assert svc_token("drug_product_manufacturing") in tokens
    assert svc_token("bioanalytical_services") not in tokens


def test_out_of_scope_heading_excludes_its_bullets(processor):
    text = ("Scope of Work\nWe need process development and GMP drug substance.\n\n"
            "Out of scope:\n- Drug product manufacturing\n- Clinical trial management\n"
            "- Bioanalysis of plasma samples\n\n"
            "Timeline\nWe expect to start the API campaign in Q3.")
    doc = processor.process(text)
    tokens = model_tokens(doc)
    assert svc_token("process_development") in tokens
    assert svc_token("api_manufacturing") in tokens
    for service in ("drug_product_manufacturing", "clinical_trial_management", "bioanalytical_services"):
        assert svc_token(service) not in tokens, doc.model_input
    bullets = [s for s in doc.segments if s.text.startswith("-")]
    assert len(bullets) == 3 and all(s.status == EXCLUSION for s in bullets)


def test_out_of_scope_list_ends_at_a_blank_line(processor):
    doc = processor.process("Out of scope:\n- Drug product manufacturing\n\n"
                            "We need bioanalysis of plasma samples.")
    tokens = model_tokens(doc)
    assert svc_token("bioanalytical_services") in tokens
    assert svc_token("drug_product_manufacturing") not in tokens


def test_inline_excluded_label(processor):
    doc = processor.process("Services requested: API manufacturing\n"
                            "Services not required: fill-finish, stability testing")
    tokens = model_tokens(doc)
    assert svc_token("api_manufacturing") in tokens
    assert svc_token("drug_product_manufacturing") not in tokens
    assert svc_token("analytical_development") not in tokens


def test_pipe_matches_process(processor):
    texts = ["We need API manufacturing.", "No DP needed. We need a CRO for site monitoring."]
    piped = list(processor.pipe(texts))
    assert [d.model_input for d in piped] == [processor.process(t).model_input for t in texts]


def test_model_input_is_normalized(processor):
    doc = processor.process("We need\u200b API\u202e manufacturing\r\nfor \u201cphase 1\u201d.")
    assert "\u200b" not in doc.model_input and "\u202e" not in doc.model_input
    assert "\r" not in doc.text
    assert svc_token("api_manufacturing") in model_tokens(doc)


# -- the exclusion suite -------------------------------------------------------------------
# (text, service the text rules out, service the same text asks for)

EXCLUSIONS = [
    pytest.param("Drug product manufacturing is out of scope. We need GMP batches of drug "
                 "substance for phase 1.",
                 "drug_product_manufacturing", "api_manufacturing", id="out-of-scope"),
    pytest.param("No DP needed. Please quote API manufacturing at kilogram scale.",
                 "drug_product_manufacturing", "api_manufacturing", id="no-DP-needed"),
    pytest.param("GLP tox done, need FIH clinical trial management.",
                 "preclinical_research", "clinical_trial_management", id="tox-done"),
    pytest.param("Drug product manufacturing is handled by our current CDMO. We need a CRO for "
                 "the clinical trial.",
                 "drug_product_manufacturing", "clinical_trial_management", id="handled-by-current-cdmo"),
    pytest.param("We need bioanalysis of plasma samples, excluding stability testing.",
                 "analytical_development", "bioanalytical_services", id="excluding-stability"),
    pytest.param("Other than stability testing, we need GMP batches of drug substance.",
                 "analytical_development", "api_manufacturing", id="other-than-X-we-need-Y"),
    pytest.param("The GLP tox package was completed last year. We now need a CRO to run the "
                 "phase 1 clinical trial.",
                 "preclinical_research", "clinical_trial_management", id="completed-last-year"),
    pytest.param("Sponsor will provide the drug substance. We need fill-finish of the vials.",
                 "api_manufacturing", "drug_product_manufacturing", id="sponsor-will-provide"),
    pytest.param("We do not need regulatory support for the IND submission. Please quote clinical "
                 "trial management for a phase 2 study.",
                 "clinical_regulatory_affairs", "clinical_trial_management", id="do-not-need"),
    pytest.param("Our CDMO is already selected for tablet manufacturing, so we need a CRO for site "
                 "monitoring.",
                 "drug_product_manufacturing", "clinical_trial_management", id="cdmo-already-selected"),
    pytest.param("Bioanalysis is not required. We are looking for a partner for tablet manufacturing.",
                 "bioanalytical_services", "drug_product_manufacturing", id="not-required"),
    pytest.param("Comparator sourcing will be handled in-house. We need sterile filling of 2,000 vials.",
                 "supply_chain_management", "drug_product_manufacturing", id="in-house"),
    pytest.param("Analytical method validation has already been completed. We require process "
                 "development and scale-up.",
                 "analytical_development", "process_development", id="already-completed"),
    pytest.param("Fill-finish will be tendered separately; this RFP covers drug substance manufacturing.",
                 "drug_product_manufacturing", "api_manufacturing", id="tendered-separately"),
    pytest.param("We don't need any help with pharmacovigilance, but we need LC-MS/MS bioanalysis "
                 "for 3,000 plasma samples.",
                 "clinical_trial_management", "bioanalytical_services", id="dont-need-help-but"),
    pytest.param("Process development was done by our previous CDMO. We need API manufacturing of "
                 "GMP batches.",
                 "process_development", "api_manufacturing", id="done-by-previous-cdmo"),
    pytest.param("Clinical packaging and labelling are not part of this RFP. We need a CRO for site "
                 "monitoring.",
                 "drug_product_manufacturing", "clinical_trial_management", id="not-part-of"),
    pytest.param("QP release will be covered by our own QP. We are seeking a CDMO for tablet "
                 "manufacturing.",
                 "manufacturing_regulatory_support", "drug_product_manufacturing", id="covered-by-own"),
    pytest.param("Except for the toxicology studies, which another vendor runs, we need process "
                 "development.",
                 "preclinical_research", "process_development", id="except-for"),
    pytest.param("Regulatory strategy remains with the sponsor. We need a full-service CRO for a "
                 "phase 2 clinical trial.",
                 "clinical_regulatory_affairs", "clinical_trial_management", id="remains-with-sponsor"),
    pytest.param("Distribution and cold chain logistics are out of scope. We need lyophilization "
                 "and vial filling.",
                 "supply_chain_management", "drug_product_manufacturing", id="logistics-out-of-scope"),
    pytest.param("We have completed the route scouting. Now we need GMP drug substance manufacture.",
                 "process_development", "api_manufacturing", id="we-have-completed"),
    pytest.param("Stability studies were performed by the previous vendor. Please quote bioanalysis "
                 "of plasma samples.",
                 "analytical_development", "bioanalytical_services", id="performed-by-previous-vendor"),
    pytest.param("The IND submission was filed in March. We need a CRO for patient recruitment and "
                 "site monitoring.",
                 "clinical_regulatory_affairs", "clinical_trial_management", id="ind-was-filed"),
    pytest.param("No preclinical work is needed; we need tablet manufacturing for the phase 1 study.",
                 "preclinical_research", "drug_product_manufacturing", id="no-work-needed-semicolon"),
    pytest.param("Apart from fill-finish, we need cell line development and upstream process "
                 "development.",
                 "drug_product_manufacturing", "process_development", id="apart-from"),
    pytest.param("API manufacturing is excluded from this RFP. We need clinical trial management.",
                 "api_manufacturing", "clinical_trial_management", id="excluded-from-rfp"),
    pytest.param("We are not looking for API manufacturing; we need formulation development only.",
                 "api_manufacturing", "process_development", id="not-looking-for"),
    pytest.param("We won't need drug product manufacturing. We need API manufacturing.",
                 "drug_product_manufacturing", "api_manufacturing", id="wont-need"),
    pytest.param("Drug product manufacturing - not required. API manufacturing - required.",
                 "drug_product_manufacturing", "api_manufacturing", id="dash-not-required"),
    pytest.param("No need for bioanalysis; please quote the clinical trial.",
                 "bioanalytical_services", "clinical_trial_management", id="no-need-for"),
    pytest.param("There is no requirement for stability testing. We need process development.",
                 "analytical_development", "process_development", id="no-requirement"),
    pytest.param("Fill-finish is not needed at this time. We need API manufacturing.",
                 "drug_product_manufacturing", "api_manufacturing", id="not-needed-at-this-time"),
    pytest.param("Bioanalysis will be performed by the sponsor's lab. We need clinical trial management.",
                 "bioanalytical_services", "clinical_trial_management", id="performed-by-sponsor"),
    pytest.param("We already have a CRO for the clinical trial; we need API manufacturing.",
                 "clinical_trial_management", "api_manufacturing", id="already-have"),
    pytest.param("The 28-day GLP tox studies have already been run. We need a CRO for the "
                 "first-in-human trial.",
                 "preclinical_research", "clinical_trial_management", id="already-been-run"),
    pytest.param("Tox package completed in 2023. Need CDMO for tablet manufacturing.",
                 "preclinical_research", "drug_product_manufacturing", id="completed-in-year"),
    pytest.param("Fill-finish has been moved to a separate RFP. We need drug substance manufacturing.",
                 "drug_product_manufacturing", "api_manufacturing", id="separate-rfp"),
    pytest.param("We no longer need fill-finish. We need API manufacturing.",
                 "drug_product_manufacturing", "api_manufacturing", id="no-longer-need"),
    # Common request styles the rules must also handle.
    pytest.param("We need GMP drug substance but not drug product.",
                 "drug_product_manufacturing", "api_manufacturing", id="but-not-X"),
    pytest.param("DS only, no DP. We need GMP batches of drug substance.",
                 "drug_product_manufacturing", "api_manufacturing", id="X-only-no-Y"),
    pytest.param("We need clinical trial management without bioanalytical support.",
                 "bioanalytical_services", "clinical_trial_management", id="without"),
    pytest.param("The scope excludes drug product manufacturing. We need API manufacturing.",
                 "drug_product_manufacturing", "api_manufacturing", id="scope-excludes"),
    pytest.param("We are not seeking a CDMO for fill-finish. We need clinical trial management.",
                 "drug_product_manufacturing", "clinical_trial_management", id="not-seeking"),
    pytest.param("Please do not quote stability testing. We need process development.",
                 "analytical_development", "process_development", id="do-not-quote"),
    pytest.param("Drug product manufacturing: not required\nAPI manufacturing: required",
                 "drug_product_manufacturing", "api_manufacturing", id="form-field-not-required"),
    pytest.param("Fill-finish: N/A\nAPI manufacturing: required",
                 "drug_product_manufacturing", "api_manufacturing", id="form-field-n/a"),
    pytest.param("Neither bioanalysis nor stability testing is needed. We need a CRO for site "
                 "monitoring.",
                 "bioanalytical_services", "clinical_trial_management", id="neither-nor"),
    pytest.param("Bioanalysis has been awarded to another lab. We need clinical trial management.",
                 "bioanalytical_services", "clinical_trial_management", id="awarded-to-another"),
    pytest.param("Another CRO is running the clinical trial. We need tablet manufacturing.",
                 "clinical_trial_management", "drug_product_manufacturing", id="another-cro-is-running"),
]


@pytest.mark.parametrize("text, excluded, requested", EXCLUSIONS)
def test_exclusion_keeps_the_request_and_drops_the_excluded_service(processor, taxonomy,
                                                                    text, excluded, requested):
    # The case is only meaningful when the text really names the excluded service.
    assert mentions(taxonomy, excluded, text), f"case does not name {excluded}"
    assert excluded != requested
    doc = processor.process(text)
    tokens = model_tokens(doc)
    assert svc_token(requested) in tokens, f"request lost: {doc.model_input!r}"
    assert svc_token(excluded) not in tokens, f"exclusion missed: {doc.model_input!r}"


def test_exclusion_suite_is_large_enough():
    assert len(EXCLUSIONS) >= 25


def test_exclusion_suite_covers_every_service(taxonomy):
    excluded = {p.values[1] for p in EXCLUSIONS}
    requested = {p.values[2] for p in EXCLUSIONS}
    ids = set(taxonomy.service_ids)
    assert excluded == ids
    assert requested <= ids


# -- negative controls: look like negation or history, but ask for the service --------------

CONTROLS = [
    pytest.param("Services include, but are not limited to, GLP toxicology studies and safety "
                 "pharmacology.", "preclinical_research", id="not-limited-to"),
    pytest.param("We need tablet manufacturing, with first batches delivered no later than 15 March.",
                 "drug_product_manufacturing", id="no-later-than"),
    pytest.param("We need a CRO for site monitoring, not later than Q2.",
                 "clinical_trial_management", id="not-later-than"),
    pytest.param("We need GMP drug substance prior to FIH.", "api_manufacturing", id="prior-to-FIH"),
    pytest.param("Prior to FIH, we need a 28-day GLP tox study in two species.",
                 "preclinical_research", id="prior-to-FIH-leading"),
    pytest.param("Monitoring visits must not exceed 8 per site; we need a CRO for site monitoring.",
                 "clinical_trial_management", id="not-exceed"),
    pytest.param("We need bioanalysis of plasma samples at a cost not to exceed USD 200,000.",
                 "bioanalytical_services", id="not-to-exceed"),
    pytest.param("We need fill-finish of no more than 5,000 vials per batch.",
                 "drug_product_manufacturing", id="no-more-than"),
    pytest.param("No fewer than 40 sites are needed for the phase 3 clinical trial.",
                 "clinical_trial_management", id="no-fewer-than"),
    pytest.param("We need not only API manufacturing but also fill-finish.",
                 "drug_product_manufacturing", id="not-only"),
    pytest.param("Stability testing is required whether or not the formulation changes.",
                 "analytical_development", id="whether-or-not"),
    pytest.param("The clinical study report is to be completed by the CRO.",
                 "clinical_trial_management", id="to-be-completed-by-cro"),
    pytest.param("The tox study is to be done in rats and dogs.", "preclinical_research",
                 id="to-be-done"),
    pytest.param("Bioanalysis of plasma samples must be completed by the CRO within 30 days.",
                 "bioanalytical_services", id="be-completed"),
    pytest.param("Once completed, the process development report must be shared; we need process "
                 "development for the API.", "process_development", id="once-completed"),
    pytest.param("Our product is already approved in the EU; we need tablet manufacturing for the "
                 "US market.", "drug_product_manufacturing", id="already-approved"),
    pytest.param("As we have no in-house bioanalytical lab, we need LC-MS/MS bioanalysis of plasma "
                 "samples.", "bioanalytical_services", id="no-in-house-lab"),
    # Words from the history and exclusion lists used in a request.
    pytest.param("We need the GLP tox study done by March.", "preclinical_research",
                 id="need-it-done-by"),
    pytest.param("We need the stability study completed by Q4.", "analytical_development",
                 id="need-it-completed-by"),
    pytest.param("Services covered by this RFP include GMP fill-finish of vials.",
                 "drug_product_manufacturing", id="covered-by-this-rfp"),
    pytest.param("We need a full-service CRO for a phase 2 clinical trial in previously treated "
                 "patients.", "clinical_trial_management", id="previously-treated-patients"),
    pytest.param("We need QP release for our own product.", "manufacturing_regulatory_support",
                 id="our-own-product"),
]


@pytest.mark.parametrize("text, requested", CONTROLS)
def test_safe_phrase_does_not_remove_a_request(processor, text, requested):
    doc = processor.process(text)
    assert svc_token(requested) in model_tokens(doc), f"request lost: {doc.model_input!r}"
    assert all(s.status == KEPT for s in doc.segments), [(s.text, s.status) for s in doc.segments]


def test_negative_controls_are_enough():
    assert len(CONTROLS) >= 10


def test_history_sentence_is_marked_history(processor):
    doc = processor.process("The GLP tox package was completed last year.")
    assert [s.status for s in doc.segments] == ["history"]
    assert set(doc.model_input.split()) == {f"{SET_ASIDE_CUE_PREFIX}preclinicalresearch"}
    assert doc.only_set_aside() == {"preclinicalresearch"}


@pytest.mark.parametrize("text", [
    "A university group ran the GLP tox for us last year (rats and dogs, four weeks).",
    "The API was manufactured previously [5 kg, GMP, two batches].",
])
def test_parenthesis_after_history_is_history_too(processor, text):
    doc = processor.process(text)
    assert [s.status for s in doc.segments] == ["history"]


@pytest.mark.parametrize("text, excluded", [
    ("CMC documentation for the NDA, including Module 3, is out of scope.",
     "manufacturingregulatorysupport"),
    ("Regulatory submission documents (IND amendments, briefing packages) are prepared by our "
     "regulatory group and must not be included.", "clinicalregulatoryaffairs"),
])
def test_exclusion_reaches_a_subject_split_by_an_aside(processor, text, excluded):
    doc = processor.process(text)
    assert [s.status for s in doc.segments] == [EXCLUSION]
    assert doc.only_set_aside() == {excluded}


def test_exclusion_after_a_parenthesis_stops_at_the_request(processor):
    doc = processor.process("We need GLP tox (rats and dogs) and API manufacturing (5 kg) is "
                            "handled by our partner.")
    assert svc_token("preclinical_research") in model_tokens(doc)
    assert doc.only_set_aside() == {"apimanufacturing"}


def test_parenthesis_after_a_request_stays_a_request(processor):
    doc = processor.process("We need GLP tox (rats and dogs, 4 weeks); the API was made last year.")
    assert "rats and dogs" in doc.model_input
    assert doc.only_set_aside() == {"apimanufacturing"}


def test_exclusion_sentence_is_marked_exclusion(processor):
    doc = processor.process("Drug product manufacturing is out of scope.")
    assert [s.status for s in doc.segments] == [EXCLUSION]
    assert doc.model_input == f"{SET_ASIDE_CUE_PREFIX}drugproductmanufacturing"
    assert doc.only_set_aside() == {"drugproductmanufacturing"}


@pytest.mark.parametrize("text, requested, excluded", [
    ("ADA assay validation for the phase 1 study (clinic run by another CRO).",
     "bioanalytical_services", "clinical_trial_management"),
    ("GMP API campaign 50 kg for phase 3, route validated already, plus ICH stability of "
     "three batches.", "api_manufacturing", None),
    ("Drug product manufacturing, packaging and labelling are out of scope; we need GMP "
     "drug substance only.", "api_manufacturing", "drug_product_manufacturing"),
    ("DMPK package for the IND: in vitro ADME and rat PK, GLP toxicology not required.",
     "preclinical_research", None),
])
def test_cues_reach_only_their_own_fragment(processor, text, requested, excluded):
    tokens = model_tokens(processor.process(text))
    assert svc_token(requested) in tokens
    if excluded:
        assert svc_token(excluded) not in tokens


def test_signature_block_asks_nothing(processor):
    doc = processor.process("Hi team,\n\nWe need fill finish of 3,000 vials.\n\nBest regards,\n"
                            "Anna Smith\nSupply Chain Director\nAcme Bio")
    assert [s.status for s in doc.segments][-3:] == ["boilerplate"] * 3
    assert svc_token("supply_chain_management") not in model_tokens(doc)


def test_a_request_after_a_closing_is_read(processor):
    doc = processor.process("Thanks,\nwe also need GLP tox for the rat study.")
    assert svc_token("preclinical_research") in model_tokens(doc)


def test_background_and_scope_heading_is_not_background(processor):
    doc = processor.process("2. Background and Scope\n\nThis RFP covers clinical supply "
                            "services for Study ONC-318.")
    assert all(s.status == "kept" for s in doc.segments)


@pytest.mark.parametrize("text, set_aside, requested", [
    ("GMP API (done), DP fill finish of 2,000 vials", "apimanufacturing", "drug_product_manufacturing"),
    ("Tox package (not required); need site monitoring for Phase 1", "preclinicalresearch",
     "clinical_trial_management"),
])
def test_a_short_remark_in_brackets_speaks_of_the_item_before_it(processor, text, set_aside,
                                                                 requested):
    doc = processor.process(text)
    assert doc.only_set_aside() == {set_aside}
    assert svc_token(requested) in model_tokens(doc)


def test_a_short_sentence_case_line_is_a_heading(processor):
    doc = processor.process("Confidentiality\nThis RFP is confidential.\n\nServices requested\n"
                            "1. Authoring of the clinical modules of the BLA")
    assert [s.status for s in doc.segments] == ["boilerplate", "boilerplate", "kept", "kept"]
