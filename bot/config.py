"""The one settings object, read from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing import Annotated

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def _id_list(value) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    return [int(part) for part in str(value).replace(";", ",").split(",") if part.strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    # For `policybot invite`; without it the id is read from the token itself.
    application_id: int | None = Field(default=None, validation_alias="POLICYBOT_APPLICATION_ID")
    corpus: Path = Field(default=Path("seeds"), validation_alias="POLICYBOT_CORPUS")
    index: Path = Field(default=Path(".policybot"), validation_alias="POLICYBOT_INDEX")
    model: str = Field(default=DEFAULT_MODEL, validation_alias="POLICYBOT_MODEL")
    chroma_host: str | None = Field(default=None, validation_alias="CHROMA_HOST")
    chroma_port: int | None = Field(default=None, validation_alias="CHROMA_PORT")
    max_file_mb: float = Field(default=5.0, validation_alias="POLICYBOT_MAX_FILE_MB")
    # Ranking and abstention weights written by `policybot tune`; unset: .policybot/params.json if tune wrote one,
    # else the default shipped in the package.
    params: Path | None = Field(default=None, validation_alias="POLICYBOT_PARAMS")
    # Tests only: lets /add fetch from loopback addresses (the test suite's local server).
    allow_private_urls: bool = Field(default=False, validation_alias="POLICYBOT_ALLOW_PRIVATE_URLS")

    mod_role_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, validation_alias="POLICYBOT_MOD_ROLE_IDS")
    guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, validation_alias="POLICYBOT_GUILD_IDS")
    reply_in_thread: bool = Field(default=False, validation_alias="POLICYBOT_REPLY_IN_THREAD")
    # Answering @mentions needs the privileged Message Content intent; off means slash commands only.
    answer_mentions: bool = Field(default=True, validation_alias="POLICYBOT_ANSWER_MENTIONS")
    cooldown_seconds: float = Field(default=5.0, validation_alias="POLICYBOT_COOLDOWN_SECONDS")
    max_concurrent_searches: int = Field(default=4, validation_alias="POLICYBOT_MAX_CONCURRENT_SEARCHES")
    max_question_chars: int = Field(default=500, validation_alias="POLICYBOT_MAX_QUESTION_CHARS")
    log_level: str = Field(default="INFO", validation_alias="POLICYBOT_LOG_LEVEL")

    _split_ids = field_validator("mod_role_ids", "guild_ids", mode="before")(classmethod(lambda cls, v: _id_list(v)))
    _empty_params = field_validator("params", mode="before")(classmethod(lambda cls, v: v or None))
    _blank_id = field_validator("application_id", mode="before")(classmethod(lambda cls, v: None if v == "" else v))


def make_engine(settings: Settings):
    """The retrieval engine these settings describe (imported lazily: torch is slow to import)."""
    from retrieval.engine import Engine
    from retrieval.ranker import load

    return Engine(
        corpus_dir=settings.corpus,
        index_dir=settings.index,
        model=settings.model,
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
        max_file_bytes=int(settings.max_file_mb * 1_000_000),
        params=load(params_path(settings)),
    )


LOCAL_PARAMS = Path(".policybot/params.json")  # where `policybot tune` writes when told nothing else


def params_path(settings: Settings) -> Path | None:
    """POLICYBOT_PARAMS when set; else what `tune` last wrote here; else None (the default shipped in the package)."""
    if settings.params is not None:
        return settings.params
    return LOCAL_PARAMS if LOCAL_PARAMS.is_file() else None


def make_curator(settings: Settings, engine):
    """The corpus curator (add, remove, restore, reload, audit) over `engine`, with these settings' limits."""
    from retrieval.curation import Curator
    from retrieval.fetch import FetchLimits

    limits = FetchLimits(max_bytes=int(settings.max_file_mb * 1_000_000), allow_loopback=settings.allow_private_urls)
    return Curator(engine, limits)
