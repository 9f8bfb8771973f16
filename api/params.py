"""Shared parameter types: bounds that keep user input inside what the database can store."""

from typing import Annotated

from fastapi import Path

Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="a positive id")]
RevisionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]
