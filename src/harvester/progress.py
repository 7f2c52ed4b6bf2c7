"""Progress bars for `harvester run` on a terminal (rich). Under cron nothing is shown."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn


class RunDisplay:
    """One line per source: a spinner, articles handled so far, new/updated/failed, elapsed time.

    It implements :class:`harvester.harvest.Progress`; use it as a context manager.
    """

    def __init__(self, sources: Sequence[str], *, console: Console | None = None) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<16}"),
            TextColumn("{task.completed:>5.0f} articles"),
            TextColumn(
                "[green]{task.fields[new]} new[/green] {task.fields[updated]} updated "
                "[red]{task.fields[failed]} failed[/red]"
            ),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, TaskID] = {
            source: self._progress.add_task(source, total=None, new=0, updated=0, failed=0) for source in sources
        }

    def __enter__(self) -> RunDisplay:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()

    def page_done(self, source: str, *, new: int, updated: int, failed: int) -> None:
        """An article of ``source`` was handled (stored, updated or left unchanged)."""
        task = self._tasks.get(source)
        if task is not None:
            self._progress.update(task, advance=1, new=new, updated=updated, failed=failed)
