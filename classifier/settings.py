"""Settings from the environment (prefix ``RFP_``), shared by the CLI and the API."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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

    # Bounds on every file read (ingestion), shared by the batch command and the upload endpoint.
    max_file_bytes: int = Field(default=25 * 1024 * 1024, gt=0,
                                description="Largest file accepted, in bytes; refused before reading.")
    max_pages: int = Field(default=500, gt=0, description="Most PDF pages read from one file.")
    max_archive_members: int = Field(default=2_000, gt=0,
                                     description="Most members of a zip container (DOCX) accepted.")
    max_decompressed_bytes: int = Field(default=200 * 1024 * 1024, gt=0,
                                        description="Largest total uncompressed size of a container.")
    max_attachments: int = Field(default=20, gt=0,
                                 description="Most attachments read from one email, or sent "
                                             "with one intake form.")
    max_extract_seconds: float = Field(default=30.0, gt=0,
                                       description="Time allowed to extract the text of one file.")

    # API and storage.
    database_url: str = Field(default=f"sqlite:///{PROJECT_ROOT / 'rfp_requests.db'}",
                              description="SQLAlchemy URL of the intake store (SQLite or PostgreSQL).")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Accepted X-API-Key values, comma-separated or a JSON "
                                          "list; empty means no key needed.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS, comma-separated or a JSON "
                                          "list; empty means closed.")
    max_batch_items: int = Field(default=100, gt=0, description="Most texts in one batch request.")
    max_body_bytes: int = Field(default=30 * 1024 * 1024, gt=0,
                                description="Largest HTTP request body accepted.")

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        """A comma-separated string is easier to put in an environment variable than JSON."""
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                return json.loads(value)
            return [v.strip() for v in value.split(",") if v.strip()]
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
