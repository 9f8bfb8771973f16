"""Settings of the matching layer, read from MATCHING_* environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from matching.ranking.fusion import Weights

if TYPE_CHECKING:
    from matching.text.embeddings import Encoder


class MatchingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    # Which bundled encoder: "use-v3" (multilingual USE v3: reads Chinese; the retrieval benchmark's winner),
    # "minilm" (all-MiniLM-L6-v2, English only) or "e5-small" (with the bench extra). model_path, when set,
    # wins: any local sentence-transformers model.
    encoder: str = "use-v3"
    model_path: str | None = None  # a local sentence-transformers model; default: the bundled all-MiniLM-L6-v2
    multilingual_model: bool = False  # set when model_path reads Chinese, so dense relevance serves Chinese text
    encoder_threads: int = 1  # one thread encodes a single query faster than two on this class of machine
    encode_batch_size: int = 32
    closing_soon_days: int = 30
    # Outcome figures (applicants, success rate, amounts) are shown only for groups of at least this many firms,
    # so that no one firm's outcome can be read off them.
    outcome_min_group: int = Field(default=5, ge=5)
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
    # How match fuses dense and BM25 relevance. BM25 alone: on the advisor labels it has been the best ordering
    # out of sample in every run (benchmarks/RESULTS.md, "Ranking quality (advisor labels)"), by a margin
    # inside the noise; issue 16 asked for BM25 as the default if it really is best on our data.
    fusion: str = "bm25"
    # How search, /v1/ask and the MCP search tool fuse them, when the model reads the query (else BM25 alone).
    search_fusion: str = "linear"

    def weights(self) -> Weights:
        """The ranking weights these settings give: every caller (API, benchmarks) reads them here."""
        return Weights(relevance=self.weight_relevance, value=self.weight_value, timeliness=self.weight_timeliness,
                       specificity=self.weight_specificity, redundancy=self.weight_redundancy)


    def open_encoder(self, threads: int | None = None) -> "Encoder":
        """The configured encoder: a local model at model_path, else the named bundled one (MiniLM through its
        ONNX export under the snapshot directory, which restarts load without torch)."""
        from matching.text.embeddings import named_encoder
        from matching.text.onnx import open_encoder

        threads = threads or self.encoder_threads
        if self.model_path or self.encoder == "minilm":
            return open_encoder(self.model_path, threads=threads, batch_size=self.encode_batch_size,
                                saved=self.snapshots)
        return named_encoder(self.encoder, threads=threads)

    def reads_chinese(self, encoder: object) -> bool:
        """Whether dense relevance serves Chinese text: the encoder says so, or the settings do for a local model."""
        return self.multilingual_model or bool(getattr(encoder, "multilingual", False))

    @property
    def snapshots(self) -> Path | None:
        return Path(self.snapshot_dir).expanduser() if self.snapshot_dir else None


@lru_cache(maxsize=1)
def get_matching_settings() -> MatchingSettings:
    return MatchingSettings()
