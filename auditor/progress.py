"""A progress bar with items/s and ETA on stderr (silent when not on a terminal)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} items/s" if speed else "- items/s", style="progress.data.speed")


class Progress:
    """Counts items as they finish; a no-op when disabled or when stderr is not a TTY."""

    def __init__(self, total: int, done: int = 0, enabled: bool = True, label: str = "judging") -> None:
        console = Console(stderr=True)
        self._bar = RichProgress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=not (enabled and console.is_terminal),
        )
        self._task = self._bar.add_task("judging", total=total, completed=done)

    def advance(self) -> None:
        self._bar.advance(self._task)

    def set(self, done: int) -> None:
        """Show `done` finished (a batch's progress comes as a count, not one by one)."""
        self._bar.update(self._task, completed=done)

    def __enter__(self) -> Progress:
        self._bar.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.stop()
