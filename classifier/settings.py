"""Settings from the environment (prefix ``RFP_``), shared by the CLI and the API."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_MODEL_DIR = PROJECT_ROOT / "models"
TRAINING_DATA_DIR = PROJECT_ROOT / "training_data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RFP_", env_file=".env", extra="ignore")

    model_dir: Path = Field(default=BUNDLED_MODEL_DIR,
                            description="Folder of the model artifact and its manifest.")
    max_text_chars: int = Field(default=500_000, gt=0,
                                description="Longest text accepted for classification.")
    log_level: str = Field(default="INFO", description="Logging level of the CLI and API.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
