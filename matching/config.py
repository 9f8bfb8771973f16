"""Settings of the matching layer, read from MATCHING_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from matching.ranking.fusion import Weights


class MatchingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    # Which bundled encoder: "minilm" (all-MiniLM-L6-v2, English), "use-v3" (multilingual USE v3, reads Chinese)
    # or "e5-small" (with the bench extra). model_path, when set, wins: any local sentence-transformers model.
    encoder: str = "minilm"
    model_path: str | None = None  # a local sentence-transformers model; default: the bundled all-MiniLM-L6-v2
    multilingual_model: bool = False  # set when model_path reads Chinese, so dense relevance serves Chinese text
    encoder_threads: int = 1  # one thread encodes a single query faster than two on this class of machine
    encode_batch_size: int = 32
    closing_soon_days: int = 30
    # Compiled catalogue snapshots, so a restart loads instead of compiling (matching/store/snapshots.py).
    # Empty: never saved. The directory must be writable by the service alone (the files are pickles).
    snapshot_dir: str = str(Path.home() / ".cache" / "supportmatch" / "snapshots")
    # Chosen by the ranking-quality harness (benchmarks/RESULTS.md, "Ranking quality"):
    # the best of a 126-point grid, 0.705 nDCG@10 out of sample against 0.674 before.
    weight_relevance: float = 0.50
    weight_value: float = 0.15
    weight_timeliness: float = 0.15
    weight_specificity: float = 0.20
    weight_redundancy: float = 0.0  # taken off a measure its scheme's or exclusivity group's better one outranks
    fusion: str = "linear"  # how match fuses dense and BM25 relevance
    # How search, /v1/ask and the MCP search tool fuse them, when the model reads the query (else BM25 alone).
    search_fusion: str = "rrf"

    def weights(self) -> Weights:
        """The ranking weights these settings give: every caller (API, benchmarks) reads them here."""
        return Weights(relevance=self.weight_relevance, value=self.weight_value, timeliness=self.weight_timeliness,
                       specificity=self.weight_specificity, redundancy=self.weight_redundancy)


    @property
    def snapshots(self) -> Path | None:
        return Path(self.snapshot_dir).expanduser() if self.snapshot_dir else None


@lru_cache(maxsize=1)
def get_matching_settings() -> MatchingSettings:
    return MatchingSettings()
