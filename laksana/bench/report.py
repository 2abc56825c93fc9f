"""Collecting figures over repeated runs and writing bench/results/latest.json and latest.md."""

import json
import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import scenarios as sc


def machine(pg_version: str) -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram_gb:.0f} GiB RAM, {pg_version}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def git_commit(cwd: Path) -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=cwd, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            # The run's own results (written after every part) do not make the code dirty.
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"],
            cwd=cwd,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return f"{sha}{'+dirty' if dirty else ''}" or "unknown"
    except OSError:
        return "unknown"


@dataclass
class Figure:
    """One scenario × size × metric, with a value per repeated run."""

    scenario: str
    size: int
    metric: str
    unit: str
    values: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    higher_is_better: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p99(self) -> float | None:
        return statistics.median(self.p99s) if self.p99s else None

    @property
    def spread(self) -> str:
        if len(self.values) < 2:
            return "1 run"
        return f"{_n(min(self.values))}–{_n(max(self.values))} over {len(self.values)} runs"


@dataclass(frozen=True)
class RatioTarget:
    """Ours ÷ the limit's figure `limit`, held at `bound` (at most; at least for throughput) at
    each of `at`: "p50" (the median of the runs' p50, or of their throughputs) and "p99"."""

    limit: str
    bound: float | None  # None: the ratio is reported, not held (memory)
    at: tuple[str, ...] = ("p50", "p99")
    at_least: bool = False

    def text(self) -> str:
        if self.bound is None:
            return ""
        sign = "≥" if self.at_least else "≤"
        return f"{sign} {self.bound:g}× at {' and '.join(self.at)}"


def ratio_target(fig: Figure) -> RatioTarget | None:
    """Which limit figure Laksana's `fig` is held against (issue 20), if any."""
    if fig.scenario == "intake":
        if fig.metric == "throughput":
            return RatioTarget(sc.LIMIT_INTAKE, sc.INTAKE_RATE_LIMIT_RATIO, ("p50",), True)
        return RatioTarget(sc.LIMIT_INTAKE, sc.INTAKE_P99_LIMIT_RATIO, ("p99",))
    if fig.scenario == sc.LIVE.name:
        return RatioTarget(sc.LIVE.limit, sc.LIVE_P99_LIMIT_RATIO, ("p99",))
    if fig.scenario == "memory":
        return RatioTarget("limit.memory", None, ("p50",))
    on_sqlite = fig.scenario.startswith(sc.SQLITE)
    read = _read(fig.scenario.removeprefix(sc.SQLITE))
    if read is not None and read.limit:
        return RatioTarget(sc.SQLITE * on_sqlite + read.limit, sc.READ_LIMIT_RATIO)
    return None


def _read(name: str) -> "sc.Read | None":
    return next((r for r in sc.READS if r.name == name), None)


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or not theirs:
        return None
    return ours / theirs


def _within(ratio: float | None, target: RatioTarget) -> bool | None:
    if ratio is None or target.bound is None:
        return None
    return ratio >= target.bound if target.at_least else ratio <= target.bound


def _all(checks: dict[str, bool | None]) -> bool | None:
    """False when a check fails, True when every check passed, None when one was not possible
    (its figure missing) or there is nothing to check."""
    values = list(checks.values())
    if any(v is False for v in values):
        return False
    if values and all(v is True for v in values):
        return True
    return None


OTHERS = ("helpdesk.", "limit.", f"{sc.SQLITE}limit.")  # the peer's and the limit's own figures


class Results:
    def __init__(self):
        self.figures: dict[tuple, Figure] = {}
        self.pending: dict[str, str] = {}
        self.notes: list[str] = []
        # Parts of the run: {"part", "seconds", "load_before", "load_after"} (runner.Bench.part)
        self.parts: list[dict] = []

    def add(self, scenario, size, metric, unit, value, p99=None, higher_is_better=False):
        key = (scenario, size, metric)
        fig = self.figures.setdefault(
            key, Figure(scenario, size, metric, unit, higher_is_better=higher_is_better)
        )
        fig.values.append(value)
        if p99 is not None:
            fig.p99s.append(p99)

    def get(self, scenario, size, metric) -> Figure | None:
        fig = self.figures.get((scenario, size, metric))
        return fig if fig and fig.values else None

    def rows(self) -> list[dict]:
        """Every figure; Laksana's with the limit's and the peer's beside it, ours ÷ limit and
        ours ÷ peer, the targets and whether they are met."""
        sizes = sorted({f.size for f in self.figures.values()})
        smallest = sizes[0] if sizes else None
        out = []
        for fig in self.figures.values():
            row = self._row(fig)
            if not fig.scenario.startswith(OTHERS):
                self._compare(fig, row, smallest)
            out.append(row)
        return out

    def _compare(self, fig: Figure, row: dict, smallest) -> None:
        peer = self._peer(fig)
        row["peer"] = _round(peer)
        row["ours_over_peer"] = _round(_ratio(fig.median, peer))
        checks: dict[str, bool | None] = {}
        target = ratio_target(fig)
        if target is not None:
            limit = self.get(target.limit, fig.size, fig.metric)
            over = {
                "p50": _ratio(fig.median, limit.median if limit else None),
                "p99": _ratio(fig.p99, limit.p99 if limit else None),
            }
            row |= {
                "limit_scenario": target.limit,
                "limit": _round(limit.median) if limit else None,
                "limit_p99": _round(limit.p99) if limit and limit.p99 is not None else None,
                "ours_over_limit": _round(over["p50"]),
                "ours_over_limit_p99": _round(over["p99"]),
                "ratio_target": target.text() or None,
            }
            if target.bound is not None:
                for at in target.at:
                    checks[f"limit_{at}"] = _within(over[at], target)
        absolute = self._absolute(fig)
        if absolute is not None:
            bound, value = absolute
            row["target"] = bound
            checks["absolute"] = value is not None and value <= bound
        read = _read(fig.scenario)
        base = self.get(fig.scenario, smallest, fig.metric)
        if read is not None and base and fig.size > smallest:
            checks["growth"] = fig.median <= sc.GROWTH_TARGET * base.median
        row["checks"] = checks
        row["met"] = _all(checks)

    def _peer(self, fig: Figure) -> float | None:
        if fig.scenario == "intake":
            other = self.get("helpdesk.ticket_create", fig.size, fig.metric)
        else:
            read = _read(fig.scenario)
            other = (
                self.get(f"helpdesk.{read.peer}", fig.size, fig.metric)
                if read and read.peer
                else None
            )
        return other.median if other else None

    @staticmethod
    def _absolute(fig: Figure) -> tuple[float, float | None] | None:
        """The absolute targets kept (issue 20 holds ratios instead, except where no limit
        compares): (bound, the value held to it at most)."""
        if fig.scenario == sc.SQLITE_INTAKE and fig.metric == "latency":
            return sc.SQLITE_INTAKE_P99_TARGET_MS, fig.p99
        if fig.scenario == "memory":
            return sc.RSS_TARGET_MB, fig.median
        read = _read(fig.scenario)
        if read is not None and read.target_ms is not None:
            return read.target_ms, fig.median
        return None

    @staticmethod
    def _row(fig: Figure) -> dict:
        return {
            "scenario": fig.scenario,
            "size": fig.size,
            "metric": fig.metric,
            "unit": fig.unit,
            "median": round(fig.median, 3),
            "p99": _round(fig.p99),
            "peer": None,
            "target": None,
            "met": None,
        }

    def write(self, directory: Path, *, commit: str, machine_text: str, command: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        rows = self.rows()
        document = {"commit": commit, "machine": machine_text, "results": rows}
        # Beyond the shape (consumers may ignore them): when, how, the raw repeats, and
        # what could not be measured yet.
        document["date"] = datetime.now(UTC).isoformat(timespec="seconds")
        document["command"] = command
        document["runs"] = [
            {"scenario": f.scenario, "size": f.size, "metric": f.metric, "values": f.values}
            for f in self.figures.values()
        ]
        document["pending"] = self.pending
        document["parts"] = self.parts
        (directory / "latest.json").write_text(json.dumps(document, indent=2) + "\n")
        (directory / "latest.md").write_text(self.markdown(rows, commit, machine_text, command))

    def ratio_table(self, rows: list[dict]) -> list[str]:
        """Ours ÷ limit per scenario (rows) and size (columns): the issue's summary."""
        compared = [r for r in rows if r.get("limit_scenario")]
        sizes = sorted({r["size"] for r in compared})
        lines = [
            "| scenario | metric | held against | target | "
            + " | ".join(f"{s:,}: ours ÷ limit (p50 / p99)" for s in sizes)
            + " |",
            "|---|---|---|---|" + "---:|" * len(sizes),
        ]
        by_key: dict[tuple, dict[int, dict]] = {}
        for r in compared:
            by_key.setdefault((r["scenario"], r["metric"]), {})[r["size"]] = r
        for (scenario, metric), per_size in by_key.items():
            first = next(iter(per_size.values()))
            cells = []
            for size in sizes:
                r = per_size.get(size)
                if r is None:
                    cells.append("")
                    continue
                met = {True: "met", False: "**missed**", None: ""}[r["met"]]
                cells.append(
                    f"{_n(r['ours_over_limit'], '×')} / {_n(r['ours_over_limit_p99'], '×')} {met}"
                )
            lines.append(
                f"| {scenario} | {metric} | {first['limit_scenario']} "
                f"| {first['ratio_target'] or '–'} | " + " | ".join(cells) + " |"
            )
        return lines

    def markdown(self, rows, commit, machine_text, command) -> str:
        date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            "# Laksana benchmark",
            "",
            f"- date: {date}",
            f"- commit: `{commit}`",
            f"- machine: {machine_text}",
            f"- command: `{command}`",
            "- p50 = median over repeated runs of the run's p50 latency (or its throughput); "
            "p99 = median of the runs' p99; spread = min–max of the medians.",
            "- limit = the stack limit (laksana.bench.limit: bare Django and django-ninja on the "
            "same server, settings, database and table) in the same run; ours ÷ limit and "
            "ours ÷ peer (django-helpdesk 2.6.1) divide the same figure: below 1 is faster for "
            "latency, above 1 is more for throughput. met = every target of the row: the ratio "
            "to the limit (issue 20), an absolute target where one is kept, and 10^6 ÷ 10^4 ≤ "
            f"{sc.GROWTH_TARGET:g} for reads. The limit's reads are measured before and after "
            "Laksana's in each run, so their spread counts both.",
            "",
            "## Ours ÷ limit",
            "",
            *self.ratio_table(rows),
            "",
            "## Every figure",
            "",
            "| scenario | size | metric | p50 | p99 | spread | limit p50 / p99 "
            "| ours ÷ limit p50 / p99 | ratio target | peer | ours ÷ peer | abs. target | met |",
            "|---|---:|---|---:|---:|---|---:|---:|---|---:|---:|---:|---|",
        ]
        order = sorted(rows, key=lambda r: (r["scenario"].startswith(OTHERS), r["size"]))
        for row in order:
            fig = self.figures[(row["scenario"], row["size"], row["metric"])]
            met = {True: "yes", False: "**no**", None: ""}[row["met"]]
            limit = ""
            if row.get("limit_scenario"):
                limit = f"{_n(row['limit'])} / {_n(row['limit_p99'])}"
            over = ""
            if row.get("limit_scenario"):
                over = f"{_n(row['ours_over_limit'], '×')} / {_n(row['ours_over_limit_p99'], '×')}"
            lines.append(
                f"| {row['scenario']} | {row['size']:,} | {row['metric']} ({row['unit']}) "
                f"| {_n(row['median'])} | {_n(row['p99'])} | {fig.spread} | {limit} | {over} "
                f"| {row.get('ratio_target') or ''} | {_n(row['peer'])} "
                f"| {_n(row.get('ours_over_peer'), '×')} | {_n(row['target'])} | {met} |"
            )
        if self.parts:
            lines += [
                "",
                "## Parts of the run",
                "",
                "| part | seconds | load average before → after (1 min) |",
                "|---|---:|---|",
            ]
            lines += [
                f"| {p['part']} | {p['seconds']:,.0f} | {p['load_before']:.1f} → "
                f"{p['load_after']:.1f} |"
                for p in self.parts
            ]
        if self.pending:
            lines += ["", "## Pending (not measured, not faked)", ""]
            lines += [f"- **{name}**: {why}" for name, why in self.pending.items()]
        if self.notes:
            lines += ["", "## Notes", ""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _n(value, suffix: str = "") -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}{suffix}"
    return f"{value:.3g}{suffix}"
