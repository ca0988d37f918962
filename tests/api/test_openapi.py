"""The OpenAPI document: every endpoint and every field described, with an example."""

from __future__ import annotations

import pytest

PROBLEM_ONLY = "application/problem+json"


@pytest.fixture(scope="module")
def spec(client) -> dict:
    return client.get("/openapi.json").json()


def _is_reference(schema: dict) -> bool:
    """A field whose value is another documented model: its own fields carry the examples."""
    if "$ref" in schema:
        return True
    for key in ("anyOf", "allOf", "oneOf"):
        if any(_is_reference(s) for s in schema.get(key, [])):
            return True
    return "items" in schema and _is_reference(schema["items"])


def test_every_field_has_a_description_and_an_example(spec):
    missing = []
    for name, schema in spec["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{name}.{field}: description")
            if not _is_reference(prop) and "examples" not in prop and "example" not in prop:
                missing.append(f"{name}.{field}: example")
    assert missing == []


def test_every_endpoint_has_a_summary_a_description_and_an_example(spec):
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            assert op.get("summary") and op.get("description"), where
            for param in op.get("parameters", []):
                assert param.get("description"), f"{where} {param['name']}"
                assert "examples" in param or "example" in param or "examples" in param["schema"], \
                    f"{where} {param['name']}"
            ok = next(v for k, v in op["responses"].items() if k.startswith("2"))
            content = ok["content"]["application/json"]
            assert "example" in content or "$ref" in content["schema"], where
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"][PROBLEM_ONLY]["example"]["status"] == int(status), where


def test_classify_answer_shape_is_shared(spec):
    def ref(path: str, method: str = "post") -> str:
        return spec["paths"][path][method]["responses"]
    classification = "#/components/schemas/ClassificationResult"
    assert ref("/v1/classify")["200"]["content"]["application/json"]["schema"]["$ref"] == classification
    assert ref("/v1/classify/file")["200"]["content"]["application/json"]["schema"]["$ref"] == classification
    schemas = spec["components"]["schemas"]
    assert classification.rsplit("/", 1)[1] in str(schemas["BatchResult"]["properties"]["result"])
    assert schemas["IntakeResult"]["properties"]["classification"]["$ref"] == classification


def test_protected_endpoints_declare_the_api_key(spec):
    assert spec["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
    for path, operations in spec["paths"].items():
        for op in operations.values():
            assert ("security" in op) == (path != "/healthz"), path
