"""The output contracts: one JSON schema per answer kind, and strict validation of what came back.

Engines are asked for schema-constrained output, but a server may ignore the schema, a model may stop
at its token limit, and a fault may send anything: every answer is parsed and checked here, and a bad
one raises `InvalidAnswer` with the reason (the caller retries, then falls back).
"""

import json
import math
from typing import Any

from simulator.taxonomy import TOPICS
from simulator.types import Mindset

REASONING_MAX = 120
COMMENT_MAX = 80
NOTE_MAX = 40
REASON_MAX = 80
INSTRUCTION_MAX = 120
_MOOD = ("satisfaction", "fatigue", "boredom", "curiosity")
_ACTS = ("click", "like", "share", "follow", "leave")


class InvalidAnswer(ValueError):
    """An engine's answer that breaks its contract."""


def _text(max_length: int, min_length: int = 0) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def _scale() -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "maximum": 10}


def _object(title: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": title,
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def reaction_schema(max_watch_s: int) -> dict[str, Any]:
    """Think, act, update the mindset, in that order (keys are generated in schema order)."""
    return _object(
        "reaction",
        {
            "reasoning": _text(REASONING_MAX, 1),
            "watch_seconds": {"type": "integer", "minimum": 0, "maximum": max_watch_s},
            "click": {"type": "boolean"},
            "like": {"type": "boolean"},
            "comment": _text(COMMENT_MAX),
            "share": {"type": "boolean"},
            "follow": {"type": "boolean"},
            "leave": {"type": "boolean"},
            **{name: _scale() for name in _MOOD},
            "mood_note": _text(NOTE_MAX),
        },
    )


REFLECTION_SCHEMA = _object(
    "reflection",
    {
        "reasons": {"type": "array", "items": _text(REASON_MAX, 1), "minItems": 1, "maxItems": 3},
        "instruction": {"anyOf": [_text(INSTRUCTION_MAX, 3), {"type": "null"}]},
    },
)


def plan_schema(creators: list[str]) -> dict[str, Any]:
    topic_list = {"type": "array", "items": {"enum": list(TOPICS)}, "maxItems": 4}
    creator_list: dict[str, Any] = (
        {"type": "array", "items": {"enum": creators}, "maxItems": 4}
        if creators
        else {"type": "array", "maxItems": 0}
    )
    return _object(
        "plan",
        {
            "more_topics": topic_list,
            "less_topics": topic_list,
            "more_creators": creator_list,
            "less_creators": creator_list,
            "related": {"type": "boolean"},
            "diversity": _scale(),
            "freshness": _scale(),
            "length": {"enum": ["shorter", "longer", "same"]},
        },
    )


def parse_object(text: str, keys: list[str]) -> dict[str, Any]:
    """A JSON object with exactly `keys`."""
    if not text or not text.strip():
        raise InvalidAnswer("empty answer")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidAnswer(f"not JSON: {exc.msg} at {exc.pos}") from None
    if not isinstance(data, dict):
        raise InvalidAnswer(f"not a JSON object but {type(data).__name__}")
    if missing := [k for k in keys if k not in data]:
        raise InvalidAnswer(f"missing {', '.join(missing)}")
    if extra := sorted(set(data) - set(keys)):
        raise InvalidAnswer(f"unexpected {', '.join(extra)}")
    return data


def _bool(data: dict, key: str) -> bool:
    if not isinstance(data[key], bool):
        raise InvalidAnswer(f"{key} must be true or false, got {data[key]!r}")
    return data[key]


def _int(data: dict, key: str, low: int, high: int) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidAnswer(f"{key} must be a number, got {value!r}")
    if not low <= value <= high or value != int(value):
        raise InvalidAnswer(f"{key} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def _str(data: dict, key: str, max_length: int, *, required: bool = False) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise InvalidAnswer(f"{key} must be text, got {value!r}")
    value = value.strip()
    if required and not value:
        raise InvalidAnswer(f"{key} is empty")
    if len(value) > max_length:
        raise InvalidAnswer(f"{key} is longer than {max_length} characters")
    return value


def parse_reaction(text: str, max_watch_s: int) -> dict[str, Any]:
    """A reaction answer as Reaction fields (without the user and item ids)."""
    data = parse_object(text, list(reaction_schema(max_watch_s)["properties"]))
    fields: dict[str, Any] = {
        "reasoning": _str(data, "reasoning", REASONING_MAX, required=True),
        "watch_s": float(_int(data, "watch_seconds", 0, max_watch_s)),
        **{name: _bool(data, name) for name in _ACTS},
    }
    fields["comment"] = _str(data, "comment", COMMENT_MAX) or None
    mood = {name: _int(data, name, 0, 10) / 10.0 for name in _MOOD}
    fields["mindset"] = Mindset(**mood, note=_str(data, "mood_note", NOTE_MAX))
    return fields


def parse_reflection(text: str) -> tuple[list[str], str | None]:
    data = parse_object(text, ["reasons", "instruction"])
    reasons = data["reasons"]
    if not isinstance(reasons, list) or not 1 <= len(reasons) <= 3:
        raise InvalidAnswer("reasons must be a list of one to three texts")
    cleaned = [_str({"reason": r}, "reason", REASON_MAX, required=True) for r in reasons]
    instruction = data["instruction"]
    if instruction is not None:
        instruction = _str(data, "instruction", INSTRUCTION_MAX) or None
    return cleaned, instruction


def parse_plan(text: str, creators: list[str]) -> dict[str, Any]:
    keys = list(plan_schema(creators)["properties"])
    data = parse_object(text, keys)
    out: dict[str, Any] = {}
    for key, allowed in (
        ("more_topics", TOPICS),
        ("less_topics", TOPICS),
        ("more_creators", creators),
        ("less_creators", creators),
    ):
        values = data[key]
        if not isinstance(values, list) or any(v not in allowed for v in values):
            raise InvalidAnswer(f"{key} must list only known names, got {values!r}")
        out[key] = list(dict.fromkeys(values))
    if set(out["more_topics"]) & set(out["less_topics"]):
        raise InvalidAnswer("a topic cannot be both more and less")
    out["related"] = _bool(data, "related")
    out["diversity"] = _int(data, "diversity", 0, 10) / 10.0
    out["freshness"] = _int(data, "freshness", 0, 10) / 10.0
    if data["length"] not in ("shorter", "longer", "same"):
        raise InvalidAnswer(f"length must be shorter, longer or same, got {data['length']!r}")
    out["length"] = None if data["length"] == "same" else data["length"]
    return out
