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
            ["git", "status", "--porcelain", "--untracked-files=no"],
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


class Results:
    def __init__(self):
        self.figures: dict[tuple, Figure] = {}
        self.pending: dict[str, str] = {}
        self.notes: list[str] = []

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
        """Laksana's figures beside the peer's, with targets and whether they are met."""
        sizes = sorted({f.size for f in self.figures.values()})
        smallest = sizes[0] if sizes else None
        out = []
        for fig in self.figures.values():
            if fig.scenario.startswith("helpdesk."):
                out.append(self._row(fig, None, None, None, None))
                continue
            peer = self._peer(fig)
            ratio = None
            if peer:
                ratio = fig.median / peer if fig.higher_is_better else peer / fig.median
            target, met = self._target(fig, ratio, smallest)
            out.append(self._row(fig, peer, ratio, target, met))
        return out

    def _peer(self, fig: Figure) -> float | None:
        if fig.scenario == "intake":
            other = self.get("helpdesk.ticket_create", fig.size, fig.metric)
        else:
            read = next((r for r in sc.READS if r.name == fig.scenario), None)
            other = (
                self.get(f"helpdesk.{read.peer}", fig.size, fig.metric)
                if read and read.peer
                else None
            )
        return other.median if other else None

    def _target(self, fig: Figure, ratio, smallest) -> tuple[float | None, bool | None]:
        if fig.scenario == "intake" and fig.metric == "throughput":
            met = fig.median >= sc.INTAKE_RATE_TARGET
            if ratio is not None:
                met = met and ratio >= sc.PEER_INTAKE_RATIO_TARGET
            return sc.INTAKE_RATE_TARGET, met
        if fig.scenario == sc.SQLITE_INTAKE and fig.metric == "latency":
            p99 = fig.p99
            return (
                sc.SQLITE_INTAKE_P99_TARGET_MS,
                p99 is not None and p99 <= sc.SQLITE_INTAKE_P99_TARGET_MS,
            )
        if fig.scenario == "intake":
            return (
                sc.INTAKE_P99_TARGET_MS,
                fig.p99 is not None and fig.p99 <= sc.INTAKE_P99_TARGET_MS,
            )
        if fig.scenario == sc.LIVE.name:
            return sc.LIVE.target_ms, fig.p99 is not None and fig.p99 <= sc.LIVE.target_ms
        if fig.scenario == "memory":
            return sc.RSS_TARGET_MB, fig.median <= sc.RSS_TARGET_MB
        read = next((r for r in sc.READS if r.name == fig.scenario), None)
        if read is None:
            return None, None
        met = fig.median <= read.target_ms
        base = self.get(fig.scenario, smallest, fig.metric)
        if base and fig.size > smallest:
            met = met and fig.median <= sc.GROWTH_TARGET * base.median
        return read.target_ms, met

    @staticmethod
    def _row(fig, peer, ratio, target, met) -> dict:
        return {
            "scenario": fig.scenario,
            "size": fig.size,
            "metric": fig.metric,
            "unit": fig.unit,
            "median": round(fig.median, 3),
            "p99": round(fig.p99, 3) if fig.p99 is not None else None,
            "peer": round(peer, 3) if peer is not None else None,
            "target": target,
            "met": met,
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
        (directory / "latest.json").write_text(json.dumps(document, indent=2) + "\n")
        (directory / "latest.md").write_text(self.markdown(rows, commit, machine_text, command))

    def markdown(self, rows, commit, machine_text, command) -> str:
        date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            "# Laksana benchmark",
            "",
            f"- date: {date}",
            f"- commit: `{commit}`",
            f"- machine: {machine_text}",
            f"- command: `{command}`",
            "- median = median over repeated runs of the run's p50 latency (or its throughput); "
            "p99 = median of the runs' p99; spread = min–max of the medians.",
            "- ratio = how many times better than the peer (django-helpdesk 2.6.1): "
            "throughput ours ÷ peer's, latency peer's ÷ ours. Intake and live latency's targets "
            "are on p99.",
            "",
            "| scenario | size | metric | median | p99 | spread | peer | ratio | target | met |",
            "|---|---:|---|---:|---:|---|---:|---:|---:|---|",
        ]
        for row in sorted(rows, key=lambda r: (r["scenario"].startswith("helpdesk."), r["size"])):
            fig = self.figures[(row["scenario"], row["size"], row["metric"])]
            ratio = None
            if row["peer"]:
                ratio = (
                    row["median"] / row["peer"]
                    if fig.higher_is_better
                    else row["peer"] / row["median"]
                )
            met = {True: "yes", False: "**no**", None: ""}[row["met"]]
            lines.append(
                f"| {row['scenario']} | {row['size']:,} | {row['metric']} ({row['unit']}) "
                f"| {_n(row['median'])} | {_n(row['p99'])} | {fig.spread} | {_n(row['peer'])} "
                f"| {_n(ratio, 'x')} | {_n(row['target'])} | {met} |"
            )
        if self.pending:
            lines += ["", "## Pending (not measured, not faked)", ""]
            lines += [f"- **{name}**: {why}" for name, why in self.pending.items()]
        if self.notes:
            lines += ["", "## Notes", ""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def _n(value, suffix: str = "") -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}{suffix}"
    return f"{value:.3g}{suffix}"
