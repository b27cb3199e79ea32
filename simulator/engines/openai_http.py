"""Any OpenAI-compatible server (`vllm serve` first) over HTTP: schema-constrained chat completions.

Prompts go out concurrently, at most `concurrency` at a time; each request has a timeout and is retried
with exponential backoff on timeouts, refused connections, 408, 429 and 5xx. A request that still fails
comes back as a Generation with `error` set, so the caller decides (the LLM brain falls back per decision).
"""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from simulator.engines.base import ChatPrompt, EngineConfig, EngineStats, Generation

_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class OpenAIEngine:
    def __init__(self, config: EngineConfig):
        if not config.base_url:
            raise ValueError(
                "the openai engine needs a base URL (SIM_LLM_BASE_URL), e.g. http://gpu-1:8000/v1"
            )
        self.config = config
        self.stats = EngineStats()
        self._url = config.base_url.rstrip("/") + "/chat/completions"
        self._pool = ThreadPoolExecutor(max_workers=max(1, config.concurrency), thread_name_prefix="llm-http")

    @property
    def multimodal(self) -> bool:
        return self.config.max_images > 0

    def generate(self, prompts: list[ChatPrompt]) -> list[Generation]:
        if not prompts:
            return []
        started = time.perf_counter()
        generations = list(self._pool.map(self._complete, prompts))
        self.stats.record(generations, time.perf_counter() - started)
        return generations

    def _complete(self, prompt: ChatPrompt) -> Generation:
        schema = prompt.schema
        body: dict[str, Any] = {
            "model": self.config.model,
            "messages": prompt.messages,
            "max_tokens": self.config.max_tokens,
            "temperature": self.config.temperature,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": schema.get("title", "answer"), "schema": schema, "strict": True},
            },
        }
        if prompt.seed is not None:
            body["seed"] = prompt.seed
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"

        error = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                time.sleep(self.config.backoff_s * 2 ** (attempt - 1))
            request = urllib.request.Request(self._url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.config.timeout_s) as response:
                    return _parse(json.loads(response.read()))
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code} from {self._url}"
                if exc.code not in _RETRY_STATUS:
                    break
            except TimeoutError:
                error = f"timed out after {self.config.timeout_s:g} s"
            except urllib.error.URLError as exc:
                error = f"cannot reach {self._url}: {exc.reason}"
            except OSError as exc:  # connection reset or closed mid-answer
                error = f"connection to {self._url} failed: {exc}"
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                return Generation(text="", error=f"malformed response: {exc}")
        return Generation(text="", error=error)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _parse(payload: dict[str, Any]) -> Generation:
    choice = payload["choices"][0]
    usage = payload.get("usage") or {}
    details = usage.get("prompt_tokens_details") or {}
    return Generation(
        text=choice["message"].get("content") or "",
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        output_tokens=int(usage.get("completion_tokens") or 0),
        cached_tokens=details.get("cached_tokens"),
        finish_reason=choice.get("finish_reason"),
    )
