"""Settings: list values from the environment, and the documented .env example."""

from __future__ import annotations

import pytest

from classifier.settings import PROJECT_ROOT, Settings

ENV_EXAMPLE = PROJECT_ROOT / ".env.example"


@pytest.mark.parametrize("raw, keys", [("a,b", ["a", "b"]), (" a , b ,", ["a", "b"]),
                                       ('["a,1", "b"]', ["a,1", "b"]), ("", [])])
def test_list_settings_take_a_comma_list_or_json(monkeypatch, raw, keys):
    monkeypatch.setenv("RFP_API_KEYS", raw)
    monkeypatch.setenv("RFP_CORS_ORIGINS", "https://intake.example, https://bd.example")
    settings = Settings(_env_file=None)
    assert settings.api_keys == keys
    assert settings.cors_origins == ["https://intake.example", "https://bd.example"]


def test_env_example_lists_every_setting_with_its_default(monkeypatch):
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"RFP_{name.upper()}=" in text, name
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"RFP_{name.upper()}", raising=False)
    # Read as a .env file, the example changes nothing.
    assert Settings(_env_file=ENV_EXAMPLE) == Settings(_env_file=None)
