"""Loading YAML into strict pydantic models, with errors that name the file, line and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from auditor.errors import UserError
from auditor.io import read_text_file

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path, what: str) -> tuple[Any, yaml.Node | None]:
    """The parsed data and its node tree (for line numbers); a UserError if unreadable."""
    text = read_text_file(path, what=what, missing=f"{what} not found")
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML: {exc}") from None


def validate(path: Path, node: yaml.Node | None, data: Any, model: type[M]) -> M:
    """`model.model_validate(data)`, with each problem located in the file."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UserError(describe(path, node, exc)) from None


def load_yaml_model(path: Path, model: type[M], what: str) -> M:
    data, node = read_yaml(path, what)
    if not isinstance(data, dict):
        raise UserError(f"{path}: a {what} must be a mapping, got {type(data).__name__}")
    return validate(path, node, data, model)


def describe(path: Path, node: yaml.Node | None, exc: ValidationError) -> str:
    """One line per problem, each naming the key and the line it sits on."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc.append(str(err["ctx"]["discriminator"]).strip("'"))  # point at `kind:` itself
        keys, line = _locate(node, loc)
        key = ".".join(str(p) for p in keys) or "(top level)"
        where = f"{path}:{line}" if line else str(path)
        if err["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key '{key}'")
        else:
            lines.append(f"{where}: '{key}': {err['msg']}")
    return "\n".join(lines)


def _locate(node: yaml.Node | None, loc: list[Any]) -> tuple[list[Any], int | None]:
    """The keys of `loc` as the file spells them, and the 1-based line of the deepest that exists.

    A discriminated union (a judge's `kind`) puts its tag into pydantic's path: the tag is
    the value of a key in the mapping, not a key, so it is left out of both.
    """
    line = node.start_mark.line + 1 if node is not None else None
    keys: list[Any] = []
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == str(part)]
            if not match and _is_tag(node, part):
                continue
            if not match:
                return keys + loc[i:], line
            key_node, node = match[0]
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return keys + loc[i:], line
        keys.append(part)
    return keys, line


def _is_tag(node: yaml.MappingNode, part: Any) -> bool:
    return any(isinstance(v, yaml.ScalarNode) and v.value == str(part) for _, v in node.value)
