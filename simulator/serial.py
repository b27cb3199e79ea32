"""JSON round-trip for the simulator's dataclasses, driven by their type hints."""

import dataclasses
import types
import typing
from functools import cache
from typing import Any, Self, Union, get_args, get_origin


class JsonRecord:
    """Mixin: `to_dict()` gives plain JSON types; `from_dict()` rebuilds nested dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return _load(cls, data)


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump(v) for k, v in value.items()}
    if hasattr(value, "item") and callable(value.item):  # NumPy scalars
        return value.item()
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _load(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return _load(options[0], data) if len(options) == 1 else data
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp) if f.init}
        return tp(**{k: _load(hints[k], v) for k, v in data.items() if k in names})
    if origin is list:
        (inner,) = get_args(tp) or (Any,)
        return [_load(inner, v) for v in data]
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], v) for v in data)
        return tuple(_load(a, v) for a, v in zip(args, data, strict=True)) if args else tuple(data)
    if origin is dict:
        _, inner = get_args(tp) or (str, Any)
        return {k: _load(inner, v) for k, v in data.items()}
    return data
