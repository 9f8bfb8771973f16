"""Response examples for the OpenAPI document: real responses of the sample catalogue, kept in api/examples/.

Regenerate them after a change to a response shape; a test validates each against its model.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent / "examples"


@cache
def load(name: str) -> Any:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def example(name: str, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """A `responses=` entry showing the example as the success response."""
    return {status: {"content": {"application/json": {"example": load(name)}}}}
