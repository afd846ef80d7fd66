"""The knowledge service's configuration: every environment variable it reads, in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent


class KnowledgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    articles_dir: Path = Field(PACKAGE_DIR / "articles", alias="KNOWLEDGE_ARTICLES_DIR")
    cache_dir: Path = Field(PACKAGE_DIR.parent / "var" / "knowledge", alias="KNOWLEDGE_CACHE_DIR")


@lru_cache
def get_settings() -> KnowledgeSettings:
    return KnowledgeSettings()
