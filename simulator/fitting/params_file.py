"""Writing fitted values into the persona brain's parameter file without disturbing its layout.

Fitted parameters replace their entries under "params" (value and source, as the loader wants);
everything else the fit learnt, with the command, date and data it used, goes under "fit", which the
brain's loader does not read.
"""

import json
from pathlib import Path

from simulator.brains.persona_params import DEFAULT_PATH, PersonaParams, _load_cached


def read_fit(path: Path = DEFAULT_PATH) -> dict:
    """The "fit" section, or a clear error saying how to make it."""
    data = json.loads(Path(path).read_text())
    if "fit" not in data:
        raise LookupError(f"{path} has no fitted section: run `python -m simulator fit` first")
    return data["fit"]


def write_fit(updates: dict[str, tuple[float, str]], fit: dict, path: Path = DEFAULT_PATH) -> None:
    """Replace the named parameters (value, source) and the "fit" section; refuse a file the loader
    would reject, so a failed fit never leaves a broken file behind."""
    data = json.loads(Path(path).read_text())
    for name, (value, source) in updates.items():
        if name not in data["params"]:
            raise KeyError(f"{name!r} is not a persona parameter")
        # the bootstrap factors stay meaningful (they are relative); the fit recomputes them at its end
        data["params"][name] |= {"value": round(float(value), 6), "source": source}
    data["fit"] = fit
    PersonaParams.from_dict(data)
    tmp = Path(path).with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(path)
    _load_cached.cache_clear()  # the loader caches by path; later loads in this process see the fit
