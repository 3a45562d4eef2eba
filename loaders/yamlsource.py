"""YAML reading that remembers line numbers, so curated-data errors name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from loaders.sourcetext import SourceError

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise SourceError(
                Path(loader.name), key_node.start_mark.line + 1, f"duplicate key {key!r} in the same mapping"
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse ``path``; every mapping gets a ``__line__`` key with its 1-based line.

    :raises SourceError: for unreadable or invalid YAML, naming file and line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, None, f"not valid UTF-8: {exc}") from None
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def line_of(mapping: Any) -> int | None:
    return mapping.get(LINE_KEY) if isinstance(mapping, dict) else None


def clean(mapping: dict[str, Any]) -> dict[str, Any]:
    """The mapping without the bookkeeping key."""
    return {k: v for k, v in mapping.items() if k != LINE_KEY}
