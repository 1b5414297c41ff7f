"""The gate: the thresholds a run must meet (``evals/thresholds.toml``) and the check.

The file holds ``beat_baseline = true|false``, a [minimum] table of Summary metrics
(value >= minimum), a [maximum] table (value <= maximum: the false abstention rate) and,
per kind of question, ``[kind.<kind>.minimum]`` (comparisons have a bar of their own: a
set can pass on average while every comparison drops a side). A metric the run could not
measure (None: e.g. a set with no unanswerable questions) fails its line: a gate that
passes on a set that cannot test it is no gate. With beat_baseline, each [minimum]
metric must also be strictly above the baseline's when the run has --baseline. The
library set's bars are the same keys under a [library] table ([library.minimum]); a file
without one gates it on nothing.

The gate reads the test split (``evals.split``) when a run asks both: dev is what rules
and numbers were chosen on, so bars held there measure the tuning, not the assistant.
A one-split run is gated on that split (``--split dev`` says it is a tuning run).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigError

from .metrics import METRICS, Summary, aggregate
from .running import SystemRun
from .split import split_of

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
LIBRARY = "library"  # the library set's table (and `--set library`)


@dataclass(frozen=True)
class Thresholds:
    minimum: dict[str, float] = field(default_factory=dict)
    beat_baseline: bool = False
    maximum: dict[str, float] = field(default_factory=dict)
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)  # kind -> metric -> minimum


def load_thresholds(path: Path = DEFAULT_THRESHOLDS, section: str | None = None) -> Thresholds:
    """The seed set's bars, or with ``section`` ('library') those of that table."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the thresholds ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    library = data.get(LIBRARY, {})
    if not isinstance(library, dict):
        raise ConfigError(f"{path}: `{LIBRARY}` must be a table ([{LIBRARY}.minimum])")
    # the seed bars are checked either way
    seed = _thresholds({k: v for k, v in data.items() if k != LIBRARY}, path, "", f" and a [{LIBRARY}] table")
    return _thresholds(library, path, f"[{LIBRARY}] ") if section == LIBRARY else seed


def _thresholds(data: dict, path: Path, where: str, more: str = "") -> Thresholds:
    unknown = set(data) - {"minimum", "maximum", "kind", "beat_baseline"}
    if unknown:
        raise ConfigError(f"{path}: {where}expected `beat_baseline`, [minimum], [maximum] and [kind.<kind>.minimum] "
                          f"tables{more}, found {sorted(unknown)}")
    kinds = data.get("kind", {})
    if not isinstance(kinds, dict) or not all(isinstance(v, dict) and set(v) <= {"minimum"} for v in kinds.values()):
        raise ConfigError(f"{path}: {where}[kind] holds one [kind.<kind>.minimum] table per kind of question")
    beat = data.get("beat_baseline", False)
    if not isinstance(beat, bool):
        raise ConfigError(f"{path}: {where}beat_baseline = {beat!r}: use true or false")
    return Thresholds(_bars(data, "minimum", path, where), beat, _bars(data, "maximum", path, where),
                      {kind: _bars(v, "minimum", path, f"{where}[kind.{kind}] ") for kind, v in kinds.items()})


def _bars(data: dict, table: str, path: Path, where: str) -> dict[str, float]:
    bars = data.get(table, {})
    if not isinstance(bars, dict):
        raise ConfigError(f"{path}: {where}`{table}` must be a table ([{table}])")
    for name, value in bars.items():
        if name not in METRICS:
            raise ConfigError(f"{path}: {where}unknown metric {name!r}; use one of {', '.join(METRICS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: {where}{name} = {value!r} is not a number")
    return {k: float(v) for k, v in bars.items()}


def check(t: Thresholds, system: Summary, baseline: Summary | None = None,
          kinds: dict[str, Summary] | None = None) -> list[str]:
    """One line per failed threshold (empty: the run passes). ``kinds``: the same
    questions' Summary per kind, for the [kind.*] bars."""
    out = _against(t.minimum, system, "below", lambda v, bar: v < bar)
    out += _against(t.maximum, system, "above", lambda v, bar: v > bar)
    for kind, bars in t.by_kind.items():
        if kinds is not None and kind in kinds:
            out += [f"{kind} questions: {line}" for line in _against(bars, kinds[kind], "below", lambda v, bar: v < bar)]
        else:
            out.append(f"{kind} questions: none in this run (thresholds {bars})")
    if t.beat_baseline and baseline is not None:
        for name in t.minimum:
            ours, theirs = system.get(name), baseline.get(name)
            if ours is not None and theirs is not None and not ours > theirs:
                out.append(f"{name}: {ours:.3f} does not beat the baseline's {theirs:.3f}")
    return out


def _against(bars: dict[str, float], summary: Summary, side: str, fails) -> list[str]:
    out = []
    for name, bar in bars.items():
        value = summary.get(name)
        if value is None:
            out.append(f"{name}: not measured on this set (threshold {bar:.2f})")
        elif fails(value, bar):
            out.append(f"{name}: {value:.3f} is {side} the threshold {bar:.2f}")
    return out


def gate_split(run: SystemRun) -> str:
    """What the gate reads: 'test' when the run asked both splits, else the one it asked."""
    asked = list(run.by_split)
    return asked[0] if len(asked) == 1 else "test"


def gated_scores(run: SystemRun, split: str) -> list:
    """The scores of the questions the gate reads."""
    return [s for s in run.scores if split in ("all", split_of(s.id))]


def gated(run: SystemRun, split: str) -> Summary:
    return aggregate(gated_scores(run, split))
