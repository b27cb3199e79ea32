"""Counter-based random numbers: every draw is a pure function of (key, user, counters).

The world splits a run's users into shards; for the merged result to be the same whatever the shard
count, a user's draws must not depend on which other users share the batch. A stateful generator
cannot promise that; a hash of (run key, user id, step, purpose) can (SplitMix64 finaliser, as in
Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011, for the counter-based idea).
"""

import math

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_INC = np.uint64(0x632BE59BD9B4E019)
_S11, _S27, _S30, _S31 = (np.uint64(s) for s in (11, 27, 30, 31))
_TO_UNIT = 1.0 / float(1 << 53)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place: `x` must be a fresh array (or a scalar)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def _absorb(h: np.ndarray, counter: np.ndarray | int) -> np.ndarray:
    """The hash of (h, counter): one step of `hashed`."""
    return _mix(h ^ (np.asarray(counter).astype(np.uint64) * _GOLDEN + _INC))


def run_key(*parts: int) -> int:
    """One 64-bit key from integers such as (seed, rerun)."""
    h = np.uint64(0x2545F4914F6CDD1D)
    with np.errstate(over="ignore"):
        for p in parts:
            h = _mix(np.asarray(h ^ (np.uint64(p & 0xFFFFFFFFFFFFFFFF) + _GOLDEN)))[()]
    return int(h)


def hashed(key: int, *counters: np.ndarray | int) -> np.ndarray:
    """64-bit hashes of (key, *counters), broadcast over the counters' shapes."""
    h = np.asarray(np.uint64(key))
    with np.errstate(over="ignore"):
        for c in counters:
            h = _absorb(h, c)
    return h


def _unit(h: np.ndarray) -> np.ndarray:
    return (h >> _S11).astype(np.float64) * _TO_UNIT


def uniform(key: int, *counters: np.ndarray | int) -> np.ndarray:
    """Uniform numbers in [0, 1), one per broadcast element of the counters."""
    return _unit(hashed(key, *counters))


class RowGenerator:
    """A stand-in for `numpy.random.Generator` whose i-th batch entry depends only on row_keys[i].

    Handed to a brain that draws arrays whose last axis is the batch, it makes each decision's randomness
    a function of its (user, post, step), whatever else is in the batch. Each call advances a call
    counter, so successive draws differ.
    """

    def __init__(self, row_keys: np.ndarray):
        self.row_keys = np.asarray(row_keys, dtype=np.uint64)
        self.calls = 0
        self._keyed = hashed(0, self.row_keys)  # the part of every draw's hash that is fixed per row

    def _u(self, size) -> np.ndarray:
        """Draws of any shape whose last axis is the batch: (n,) or (k, n)."""
        n = len(self.row_keys)
        shape = (n,) if size is None else ((size,) if np.isscalar(size) else tuple(size))
        if not shape or shape[-1] != n:
            raise ValueError(f"RowGenerator draws need the batch's length {n} last, got shape {shape}")
        self.calls += 1
        cols = np.arange(math.prod(shape[:-1]), dtype=np.uint64)
        with np.errstate(over="ignore"):  # uniform(0, row_keys, calls, cols), the row keys' part hashed once
            u = _unit(_absorb(_absorb(self._keyed, self.calls)[None, :], cols[:, None]))
        # never exactly 0, so logs stay finite
        return np.maximum(u, _TO_UNIT).reshape(shape)

    def random(self, size=None, dtype=np.float64):
        return self._u(size).astype(dtype, copy=False)

    def standard_normal(self, size=None, dtype=np.float64):
        u1 = self._u(size)
        u2 = self._u(size)
        z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
        return z.astype(dtype, copy=False)
