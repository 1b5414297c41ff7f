"""The gate: the thresholds a run must meet (``evals/thresholds.toml``) and the check.

The file holds ``beat_baseline = true|false`` and a [minimum] table of Summary metrics
(value >= minimum). A metric the run could not measure (None: e.g. a set with no
unanswerable questions) fails its line: a gate that passes on a set that cannot test it
is no gate. With beat_baseline, each [minimum] metric must also be strictly above the
baseline's when the run has --baseline. The library set's bars are the same keys under a
[library] table ([library.minimum]); a file without one gates it on nothing.

The gate reads the Summary ``gate_split`` names: a run of both splits (``evals.split``)
is gated on all its questions, a one-split run on that split (``--split dev`` says it is
a tuning run). The gate moves to test alone with issue 13's fresh questions: today the
test split is one question under a bar on each set (seed recall@5 74/78; library
citation precision 0.949) and holds 6-7 unanswerable questions, so one abstention moves
that rate by 0.14.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigError

from .metrics import METRICS, Summary
from .running import SystemRun

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
LIBRARY = "library"  # the library set's table (and `--set library`)


@dataclass(frozen=True)
class Thresholds:
    minimum: dict[str, float] = field(default_factory=dict)
    beat_baseline: bool = False


def load_thresholds(path: Path = DEFAULT_THRESHOLDS, section: str | None = None) -> Thresholds:
    """The seed set's bars, or with ``section`` ('library') those of that table."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the thresholds ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"minimum", "beat_baseline", LIBRARY}
    if unknown:
        raise ConfigError(f"{path}: expected `beat_baseline`, a [minimum] and a [{LIBRARY}] table, "
                          f"found {sorted(unknown)}")
    library = data.get(LIBRARY, {})
    if not isinstance(library, dict):
        raise ConfigError(f"{path}: `{LIBRARY}` must be a table ([{LIBRARY}.minimum])")
    seed = _thresholds({k: v for k, v in data.items() if k != LIBRARY}, path, "")  # checked either way
    return _thresholds(library, path, f"[{LIBRARY}] ") if section == LIBRARY else seed


def _thresholds(data: dict, path: Path, where: str) -> Thresholds:
    unknown = set(data) - {"minimum", "beat_baseline"}
    minimum = data.get("minimum", {})
    if unknown or not isinstance(minimum, dict):
        raise ConfigError(f"{path}: {where}expected `beat_baseline` and a [minimum] table, found {sorted(unknown)}")
    for name, value in minimum.items():
        if name not in METRICS:
            raise ConfigError(f"{path}: {where}unknown metric {name!r}; use one of {', '.join(METRICS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: {where}{name} = {value!r} is not a number")
    beat = data.get("beat_baseline", False)
    if not isinstance(beat, bool):
        raise ConfigError(f"{path}: {where}beat_baseline = {beat!r}: use true or false")
    return Thresholds({k: float(v) for k, v in minimum.items()}, beat)


def check(t: Thresholds, system: Summary, baseline: Summary | None = None) -> list[str]:
    """One line per failed threshold (empty: the run passes)."""
    out = []
    for name, minimum in t.minimum.items():
        value = system.get(name)
        if value is None:
            out.append(f"{name}: not measured on this set (threshold {minimum:.2f})")
        elif value < minimum:
            out.append(f"{name}: {value:.3f} is below the threshold {minimum:.2f}")
        if t.beat_baseline and baseline is not None and value is not None:
            theirs = baseline.get(name)
            if theirs is not None and not value > theirs:
                out.append(f"{name}: {value:.3f} does not beat the baseline's {theirs:.3f}")
    return out


def gate_split(run: SystemRun) -> str:
    """What the gate reads: 'all' when the run asked both splits, else the one it asked
    (the module doc says why not test alone yet)."""
    asked = list(run.by_split)
    return asked[0] if len(asked) == 1 else "all"


def gated(run: SystemRun, split: str) -> Summary:
    return run.summary if split == "all" else run.by_split[split]
