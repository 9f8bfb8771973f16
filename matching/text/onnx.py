"""The encoder without PyTorch: a sentence-transformers model exported once to ONNX and run by onnxruntime.

Importing sentence-transformers (and with it torch, transformers and scikit-learn)
takes about six seconds on the reference machine, most of a restart. The first
start exports the model to ONNX beside the saved catalogue snapshots; every later
start loads the export in a quarter of a second and never imports torch. The
export gives the same vectors to within 1e-6 (tests/matching/test_onnx_encoder.py),
so it keeps the encoder's name and every embedding cached under it stays valid.

Only the common pipeline is exported: a Transformer, mean pooling and
normalisation, with no prompts. Any other model keeps running on
sentence-transformers.
"""

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matching.text.embeddings import SentenceTransformerEncoder, Vectors, bundled_model_path

log = logging.getLogger(__name__)
EXPORT_FORMAT = 1  # bump when the exported graph or the manifest changes
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def model_key(model_path: str) -> str:
    """Names an export by the model's files (path, size and change time of each) and the export format."""
    digest = hashlib.sha256(f"{EXPORT_FORMAT}|{os.path.realpath(model_path)}".encode())
    for path in sorted(Path(model_path).rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"|{path.relative_to(model_path)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def exportable(model: Any) -> bool:
    """Transformer → mean pooling → normalisation, without prompts: what OnnxEncoder reproduces."""
    modules = [type(module).__name__ for module in model]
    if modules != ["Transformer", "Pooling", "Normalize"] or any(getattr(model, "prompts", {}).values()):
        return False
    pooling = model[1].get_config_dict()  # sentence-transformers 5 says "pooling_mode", earlier ones a flag per mode
    return pooling.get("pooling_mode") == "mean" or bool(pooling.get("pooling_mode_mean_tokens"))


def export(encoder: SentenceTransformerEncoder, directory: Path) -> Path | None:
    """Write `directory/model.onnx`, the tokenizer and a manifest, atomically; None when not exported.

    Any failure is logged, not raised: exporting only makes later starts faster, the
    encoder in hand keeps serving, and the next start tries again.
    """
    import torch  # only on a start without an export, which has loaded torch for the encoder anyway

    model = encoder.model
    if not exportable(model):
        log.info("the encoder %s is not a plain mean-pooled model; it stays on sentence-transformers", encoder.name)
        return None
    bert = model[0].auto_model.eval()
    tokenizer = model.tokenizer

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["a sample sentence", "and a longer second sample sentence"], padding=True,
                       return_tensors="pt", return_token_type_ids=True)
    staging: Path | None = None
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=directory.parent, suffix=".partial"))
        # The TorchScript exporter: it needs only the onnx package (torch.export's needs onnxscript too). It warns
        # that it is deprecated and that tracing fixes a few Python conditions; neither changes this model's graph,
        # which the tests compare with sentence-transformers on texts of every length.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHiddenState(), tuple(sample[name] for name in INPUTS), str(staging / "model.onnx"),
                input_names=list(INPUTS), output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")},
            )
        tokenizer.backend_tokenizer.save(str(staging / "tokenizer.json"))
        manifest = {"name": encoder.name, "dimension": encoder.dimension, "max_seq_length": model.max_seq_length,
                    "pad_token": tokenizer.pad_token, "pad_id": tokenizer.pad_token_id}
        (staging / "manifest.json").write_text(json.dumps(manifest))
        os.replace(staging, directory)
    except Exception as exc:  # noqa: BLE001 - any failure (disk, exporter, a missing onnx package) only costs speed
        log.warning("could not export the encoder to ONNX in %s: %s", directory, exc)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        return None
    log.info("exported the encoder %s to ONNX in %s", encoder.name, directory)
    return directory


def open_encoder(
    path: str | None, *, threads: int = 1, batch_size: int = 32, saved: Path | None = None
) -> "OnnxEncoder | SentenceTransformerEncoder":
    """The configured model: from its ONNX export under `saved` when there is one, else on sentence-transformers.

    Without an export, the model is exported there for the next start.
    """
    directory = None if saved is None else saved / "models" / model_key(path or bundled_model_path())
    if directory is not None and (directory / "manifest.json").exists():
        try:
            return OnnxEncoder(directory, threads=threads, batch_size=batch_size)
        except Exception as exc:  # noqa: BLE001 - an unreadable export is replaced, as an unreadable snapshot is
            log.warning("ignoring the unreadable ONNX export in %s: %s", directory, exc)
            shutil.rmtree(directory, ignore_errors=True)
    encoder = SentenceTransformerEncoder(path, threads=threads, batch_size=batch_size)
    if directory is not None:
        export(encoder, directory)
    return encoder


class OnnxEncoder:
    """An exported model: the tokenizer and the transformer in onnxruntime, then mean pooling and normalisation."""

    def __init__(self, directory: Path, *, threads: int = 1, batch_size: int = 32) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        manifest = json.loads((directory / "manifest.json").read_text())
        self.name: str = manifest["name"]
        self.dimension: int = manifest["dimension"]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(directory / "model.onnx"), options,
                                                     providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=manifest["max_seq_length"])
        self._tokenizer.enable_padding(pad_id=manifest["pad_id"] or 0, pad_token=manifest["pad_token"] or "[PAD]")
        self._batch_size = batch_size

    def _encode(self, texts: Sequence[str]) -> Vectors:
        encoded = self._tokenizer.encode_batch(list(texts))
        feeds = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        hidden = self._session.run(None, feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vectors: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return vectors

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """In batches of similar length, as sentence-transformers does, so little of each batch is padding."""
        from tqdm import tqdm

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = np.argsort([-len(text) for text in texts], kind="stable")
        starts = range(0, len(texts), self._batch_size)
        for start in tqdm(starts, desc="Batches", disable=not progress):
            chosen = order[start:start + self._batch_size]
            out[chosen] = self._encode([texts[i] for i in chosen])
        return out

    def encode_query(self, text: str) -> Vectors:
        return self._encode([text]).reshape(1, self.dimension)
