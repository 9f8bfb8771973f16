"""Settings of the catalogue layer, read from POLICIES_* environment variables."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class PoliciesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICIES_", extra="ignore")

    database_url: str = "sqlite:///./supportmatch.db"
    pool_size: int = 5
    # Seconds a request waits for a pooled connection before it is refused (503, Retry-After), not hung.
    pool_timeout: float = 5.0


@lru_cache(maxsize=1)
def get_policies_settings() -> PoliciesSettings:
    return PoliciesSettings()
