"""What one `laksana bench` run measures: its options, as the command parsed them."""

from dataclasses import dataclass
from pathlib import Path

from . import scenarios as sc


@dataclass
class Options:
    database_url: str
    sizes: list[int]
    repeat: int
    quick: bool
    read_clients: int
    intake_clients: int
    port: int
    peer: bool
    seed: int
    days: int
    region: str
    output: Path
    command: str
    read_seconds: float = 0
    intake_seconds: float = 0
    sqlite: str = "off"  # "also": SQLite intake after PostgreSQL's scenarios; "only": just it
    only: tuple[str, ...] = ()  # scenario name prefixes to run (empty: every scenario)
    limit: bool = True  # serve and measure the stack limit beside Laksana

    def selected(self, name: str) -> bool:
        return not self.only or name.startswith(self.only)

    def limit_selected(self, name: str) -> bool:
        """A limit scenario runs when it or a scenario held against it is selected."""
        if not self.limit:
            return False
        held = [r.name for r in sc.READS if r.limit == name]
        held += ["intake"] if name == sc.LIMIT_INTAKE else []
        held += [sc.LIVE.name] if name == sc.LIMIT_LIVE else []
        return self.selected(name) or any(self.selected(n) for n in held)

    def __post_init__(self):
        # Enough for hundreds of samples of a 20–250 ms page at 4 clients, and for three
        # repeats of everything at three sizes, the peer included, in under half an hour.
        self.read_seconds = self.read_seconds or (2 if self.quick else 3)
        self.intake_seconds = self.intake_seconds or (4 if self.quick else 8)

    @property
    def warmup(self) -> float:
        return 0.5 if self.quick else 1.0
