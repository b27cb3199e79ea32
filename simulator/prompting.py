"""Versioned prompt templates (simulator/prompts/*.txt) and creator text fenced as quoted data.

A template file starts with `version: <kind>/<n>`; `## system` and `## user` open its two messages;
lines starting with `#` before the first section are comments. Placeholders are `$name`
(string.Template), so JSON braces in a template need no escaping.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from simulator.engines.base import Message

PROMPTS_DIR = Path(__file__).parent / "prompts"
CREATOR_TEXT_MAX = 500  # characters per field: a 1 MB caption does not become a 1 MB prompt

# Sentences in creator text that address the model rather than a viewer are dropped before quoting:
# fencing tells the model the text is data, dropping them keeps a weak model from obeying anyway.
_ADDRESSES_THE_MODEL = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:persona|instructions?|prompt|rules|role|character)\b"
    r"|\b(?:you are|act as|pretend to be|as an?)\s+(?:now\s+)?(?:an?\s+)?"
    r"(?:ai|assistant|language model|llm|chatbot)\b"
    r"|\b(?:system|developer)\s+(?:prompt|message)\b|^\s*(?:system|assistant|developer)\s*:"
    r"|\b(?:set|output|return|respond with)\b.{0,30}\"?(?:like|share|watch_seconds)\"?\s*[:=]",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*\n?|\n")


@dataclass(frozen=True)
class PromptTemplate:
    kind: str
    version: str  # e.g. "reaction/1": recorded with results so a figure can be traced to its prompt
    system: Template
    user: Template

    def messages(self, **values: str) -> list[Message]:
        """The two chat messages, every placeholder filled (a missing one raises KeyError)."""
        return [
            {"role": "system", "content": self.system.substitute(values)},
            {"role": "user", "content": self.user.substitute(values)},
        ]


@cache
def template(kind: str) -> PromptTemplate:
    text = (PROMPTS_DIR / f"{kind}.txt").read_text()
    header, _, rest = text.partition("\n")
    if not header.startswith("version: "):
        raise ValueError(f"prompts/{kind}.txt must start with 'version: {kind}/<n>'")
    _, _, body = rest.partition("## system\n")
    system, _, user = body.partition("## user\n")
    if not system.strip() or not user.strip():
        raise ValueError(f"prompts/{kind}.txt needs a '## system' and a '## user' section")
    version = header.removeprefix("version: ").strip()
    return PromptTemplate(kind, version, Template(system.strip()), Template(user.strip()))


def drop_model_directives(text: str) -> tuple[str, list[str]]:
    """Creator text without its sentences that address an AI; returns (kept text, dropped sentences)."""
    kept, dropped = [], []
    for sentence in _SENTENCES.findall(text):
        (dropped if _ADDRESSES_THE_MODEL.search(sentence) else kept).append(sentence)
    return re.sub(r"[ \t]{2,}", " ", "".join(kept)).strip(), [s.strip() for s in dropped]


def _quoted(value: str) -> str:
    # JSON string syntax escapes quotes, newlines and control characters; angle brackets are replaced
    # so the text cannot close the fence.
    value = value[:CREATOR_TEXT_MAX].replace("<", "‹").replace(">", "›")
    return json.dumps(value, ensure_ascii=False)


def fence_creator_text(fields: dict[str, str]) -> tuple[str, list[str]]:
    """Creator-written fields as one quoted block the prompt declares to be data; empty fields left out.

    Returns the block and the sentences dropped for addressing the model.
    """
    lines, dropped = [], []
    for name, value in fields.items():
        kept, removed = drop_model_directives(value or "")
        dropped += removed
        if kept:
            lines.append(f"{name}: {_quoted(kept)}")
    if not lines:
        return "", dropped
    return "<creator_text>\n" + "\n".join(lines) + "\n</creator_text>", dropped


def fence_request(text: str) -> str:
    """A viewer's instruction, quoted for the plan prompt."""
    return _quoted(text)
