"""The parameters a rerun runs on: the point values for the first, a draw of what is uncertain for the others.

Every parameter in simulator/data/persona_params.json and world_params.json is either fitted to data
or a prior. A fitted one carries `bootstrap`: its fit redone on resamples of the data
(simulator.fitting.bootstrap), as factors of the fitted value (so a refit keeps them meaningful); a
rerun takes one replicate, the same replicate index for every parameter of a file, so parameters
fitted on the same data keep their correlation. A prior carries
`range` and `range_source`, its plausible span and why; a rerun draws it uniformly within the range
(for a vector, the range scales each element's deviation from 1). A quantity real posts spread over,
not a fit's error, carries `spread`, quantiles of its real distribution: the freshness kernel's pace
(simulator.timing.fit_pace), since which cascade of the spread a post will be is not known before it
is posted; a rerun draws one quantile. Rerun 0 runs the point values, so a
single rerun, the fits and the fidelity checks all see the committed parameters.

The draws depend on (seed, rerun) only, so every shard of a rerun and every variant compared on
common random numbers runs the same parameters.
"""

import json
from dataclasses import fields, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from simulator.brains.persona_params import DEFAULT_PATH, PersonaParams
from simulator.timing import PARAMS_PATH, WorldParams, world_params

_STREAM = 0x0DCE  # the parameter draws' own random stream


@cache
def _entries(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def persona_entries(path: Path = DEFAULT_PATH) -> dict[str, dict[str, Any]]:
    return _entries(str(path))["params"]


def world_entries(path: Path = PARAMS_PATH) -> dict[str, dict[str, Any]]:
    """The world's parameters as entries: the fitted freshness (tau_h, alpha) and the assumptions."""
    data = _entries(str(path))
    fresh = data["freshness"]
    boot = fresh.get("bootstrap", {})
    fitted = {
        name: {"value": fresh[name], "source": fresh["source"]}
        | ({"bootstrap": boot[name]} if name in boot else {})
        for name in ("tau_h", "alpha")
    }
    pace = {"pace": {"value": 1.0} | fresh["pace"]} if "pace" in fresh else {}
    return fitted | pace | data["assumptions"]


def _draw(entries: dict[str, dict[str, Any]], rng: np.random.Generator) -> dict[str, Any]:
    """name -> drawn value, for every entry that carries a bootstrap or a range."""
    sizes = {len(e["bootstrap"]) for e in entries.values() if "bootstrap" in e}
    replicate = int(rng.integers(min(sizes))) if sizes else 0
    out: dict[str, Any] = {}
    for name in sorted(entries):
        e = entries[name]
        if "bootstrap" in e:
            out[name] = float(e["value"]) * float(e["bootstrap"][replicate])
        elif "spread" in e:  # a quantity real posts spread over (not a fit's error): one of its quantiles
            out[name] = float(e["spread"][int(rng.integers(len(e["spread"])))])
        elif "range" in e:
            lo, hi = e["range"]
            u = float(rng.uniform(lo, hi))
            value = e["value"]
            out[name] = tuple(1.0 + u * (float(v) - 1.0) for v in value) if isinstance(value, list) else u
    return out


def uncertain_names(entries: dict[str, dict[str, Any]]) -> list[str]:
    """The parameters a rerun draws (every one, once the files are complete: a test checks it)."""
    return sorted(n for n, e in entries.items() if {"bootstrap", "range", "spread"} & set(e))


def rerun_parameters(seed: int, rerun: int) -> tuple[PersonaParams, WorldParams]:
    """The persona brain's and the world's parameters for one rerun of a run with this seed."""
    persona, world = PersonaParams.load(), world_params()
    if rerun == 0:
        return persona, world
    rng = np.random.default_rng([seed, rerun, _STREAM])
    drawn_persona = _draw(persona_entries(), rng)
    drawn_world = _draw(world_entries(), rng)
    persona = replace(
        persona, **{f.name: drawn_persona[f.name] for f in fields(persona) if f.name in drawn_persona}
    )
    world = replace(world, **{f.name: drawn_world[f.name] for f in fields(world) if f.name in drawn_world})
    return persona, world.with_pace(drawn_world.get("pace", 1.0))  # the post's own pace
