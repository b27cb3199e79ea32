"""How the parties of one sharded rerun swap their hourly messages (simulator.world, "Sharding").

A party is one process stepping one or more shards of a rerun. Every simulated hour each party
publishes one message (its shards' shares and engagement counts) and waits for every other party's.
Two exchanges: a directory that the parties' machines all see (the embedded default, one machine) and
a Redis server (production, where the broker already is one). Both watch the parties' liveness: each
party refreshes an alive mark every `lost_s / 4` from a background thread, so a party that dies (its
process killed, its machine gone) is noticed by the others within `lost_s` and they raise `PartyLost`
instead of waiting for a message that will never come. Messages are NumPy arrays in `.npz` bytes
(no pickle); a party deletes its own message two windows back, when every party has read it.
"""

import io
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

Message = dict[str, np.ndarray]


class PartyLost(RuntimeError):
    """Another party of the rerun stopped answering: the rerun must be run again as a whole."""


class Exchange(Protocol):
    parties: int

    def swap(self, window: int, party: int, message: Message) -> list[Message]:
        """Publish this party's message for the window; return every party's message for it."""
        ...

    def alive(self, party: int):
        """A context manager that keeps this party's alive mark fresh while the party works."""
        ...


def _pack(message: Message) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **message)
    return buffer.getvalue()


def _unpack(data: bytes) -> Message:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


@dataclass
class _Liveness:
    """The part both exchanges share: the keep-alive thread and the wait loop that watches for the lost."""

    parties: int
    timeout_s: float = 600.0  # the longest wait for one window, even with every party alive
    lost_s: float = 15.0  # a party whose alive mark is older than this is taken for dead
    poll_s: float = 0.005
    # asked about once a second while waiting: True stops the wait (PartyLost), e.g. a cancelled run
    interrupt: Callable[[], bool] | None = None
    _started: float = field(default_factory=time.monotonic, init=False, repr=False)

    @contextmanager
    def alive(self, party: int):
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(self.lost_s / 4):
                self._mark_alive(party)

        self._mark_alive(party)
        thread = threading.Thread(target=beat, name=f"exchange-alive-{party}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()

    def swap(self, window: int, party: int, message: Message) -> list[Message]:
        if not 0 <= party < self.parties:
            raise ValueError(f"party {party} is not one of 0..{self.parties - 1}")
        self._put(window, party, _pack(message))
        if window >= 2:
            self._drop(window - 2, party)  # every party has read it: they are all past window - 1
        waited_since = time.monotonic()
        next_check = waited_since + min(1.0, self.lost_s / 4)
        poll = self.poll_s
        while True:
            got = self._get_all(window)
            missing = [i for i, data in enumerate(got) if data is None]
            if not missing:
                return [_unpack(data) for data in got]
            now = time.monotonic()
            if now > waited_since + self.timeout_s:
                raise PartyLost(f"window {window}: parties {missing} sent nothing in {self.timeout_s:.0f} s")
            if now >= next_check:
                next_check = now + min(1.0, self.lost_s / 4)
                if self.interrupt is not None and self.interrupt():
                    raise PartyLost(f"window {window}: asked to stop while waiting for parties {missing}")
                # at the start a party may still be building its shards: its first mark is the grace
                dead = [i for i in missing if not self._is_alive(i)]
                if dead and now - self._started > self.lost_s:
                    raise PartyLost(
                        f"window {window}: parties {dead} stopped answering (no sign of life in "
                        f"{self.lost_s:.0f} s); the rerun must run again"
                    )
            time.sleep(poll)
            poll = min(poll * 1.5, 0.05)

    # what each exchange provides
    def _mark_alive(self, party: int) -> None: ...
    def _is_alive(self, party: int) -> bool: ...
    def _put(self, window: int, party: int, data: bytes) -> None: ...
    def _get_all(self, window: int) -> list[bytes | None]: ...
    def _drop(self, window: int, party: int) -> None: ...


@dataclass
class DirectoryExchange(_Liveness):
    """Parties in separate processes swap messages through files in a directory they all see.

    Every party must be running at the same time; the caller removes the directory after.
    """

    path: Path = Path(".")

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.path.mkdir(parents=True, exist_ok=True)

    def _name(self, window: int, party: int) -> Path:
        return self.path / f"w{window:05d}-p{party:04d}.npz"

    def _mark_alive(self, party: int) -> None:
        (self.path / f"alive-p{party:04d}").touch()

    def _is_alive(self, party: int) -> bool:
        try:
            return time.time() - (self.path / f"alive-p{party:04d}").stat().st_mtime < self.lost_s
        except FileNotFoundError:
            return False

    def _put(self, window: int, party: int, data: bytes) -> None:
        final = self._name(window, party)
        partial = final.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(final)  # readers never see half a file

    def _get_all(self, window: int) -> list[bytes | None]:
        out: list[bytes | None] = []
        for i in range(self.parties):
            try:
                out.append(self._name(window, i).read_bytes())
            except FileNotFoundError:
                out.append(None)
        return out

    def _drop(self, window: int, party: int) -> None:
        self._name(window, party).unlink(missing_ok=True)


@dataclass
class RedisExchange(_Liveness):
    """Parties swap messages through a Redis server; every key expires, so nothing outlives a rerun.

    `namespace` names the rerun's attempt (two attempts never read each other's messages).
    """

    url: str = "redis://127.0.0.1:6379/0"
    namespace: str = "run"
    ttl_s: int = 3600  # a message or an alive mark is gone this long after its last write at the latest

    def __post_init__(self) -> None:
        import redis  # a dependency of celery[redis]; imported here so the simulator needs only NumPy

        self._redis = redis.Redis.from_url(self.url, socket_timeout=30)

    def _key(self, *parts: object) -> str:
        return ":".join(["recoworld:exchange", self.namespace, *map(str, parts)])

    def _mark_alive(self, party: int) -> None:
        self._redis.set(self._key("alive", party), b"1", px=max(1, int(self.lost_s * 1000)))

    def _is_alive(self, party: int) -> bool:
        return bool(self._redis.exists(self._key("alive", party)))

    def _put(self, window: int, party: int, data: bytes) -> None:
        self._redis.set(self._key("w", window, party), data, ex=self.ttl_s)

    def _get_all(self, window: int) -> list[bytes | None]:
        return self._redis.mget([self._key("w", window, i) for i in range(self.parties)])

    def _drop(self, window: int, party: int) -> None:
        self._redis.delete(self._key("w", window, party))
