"""Settings of the HTTP layer, read from API_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from policies.i18n import Language

SAMPLE_CATALOGUE = Path(__file__).resolve().parent.parent / "policies" / "sample" / "catalogue"


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1  # processes; each serves the catalogue version it finds in the database per request
    # Requests computed at once in each process. Matching is CPU-bound, so more threads only queue for the GIL:
    # with two workers at 100,000 measures, 4 served 155-178 requests/s, 40 (anyio's default) 111-136.
    threads: int = 4
    cors_origins: list[str] = []
    load_sample: bool = True
    sample_dir: Path = SAMPLE_CATALOGUE
    webhook_interval: float = 5.0  # seconds between dispatcher passes; 0 turns the dispatcher off
    max_body_bytes: int = 2_000_000  # request bodies above this get 413 (catalogue imports have their own limit)
    # Webhooks post to public addresses only; true lets development and tests use receivers on loopback.
    webhook_allow_private: bool = False
    webhook_per_tenant: int = 2  # deliveries in flight for one portal, so its dead receivers delay only itself
    rate_limit_per_minute: int = 600  # per API key (or client address without one); 0 turns it off
    # The language of answers to callers that send no Accept-Language (or none we speak): our readers read Chinese.
    language: Language = Language.zh


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    return ApiSettings()
