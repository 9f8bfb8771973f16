"""Field-level differences between two measure documents, for revision history."""

from typing import Any


def diff_documents(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """Changes from `before` to `after` as `{path, before, after}`, paths like `criteria/2/value`.

    Dicts are compared key by key and lists of equal length item by item, so that
    changing one bound in a criterion shows as that bound, not the whole list.
    """
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[dict[str, Any]] = []
        for key in sorted(set(before) | set(after)):
            changes += diff_documents(before.get(key), after.get(key), f"{path}/{key}")
        return changes
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        changes = []
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            changes += diff_documents(old, new, f"{path}/{index}")
        return changes
    return [{"path": path.lstrip("/") or "/", "before": before, "after": after}]
