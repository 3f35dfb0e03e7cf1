"""The one background worker of a kind that a process runs (the live worker, the roll-up folder).

Long-running entry points start it once (idempotent) and stop it on the way out, which lets it
finish what it holds; code that hands work over asks :attr:`Slot.worker` whether one runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

__all__ = ["Slot", "WindowThread"]


class WindowThread:
    """A thread that works in rounds a window apart; ``flush`` cuts the wait, ``stop`` ends it.

    Subclasses implement ``_run`` (waiting on ``_cond`` for ``_stopping`` or ``_hurry``).
    """

    def __init__(self, name: str, window_s: float) -> None:
        self.window_s = window_s
        self._cond = threading.Condition()
        self._stopping = False
        self._hurry = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def _hurry_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Cut the current window short and wait until ``done()``; ``False`` on timeout."""
        with self._cond:
            self._hurry = True
            self._cond.notify_all()
            return self._cond.wait_for(done, timeout)

    def stop(self) -> None:
        """Let the thread finish its last round, then end it."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()


class _Stoppable(Protocol):
    def stop(self) -> None: ...


W = TypeVar("W", bound=_Stoppable)


class Slot(Generic[W]):
    """Holds the process's worker of one kind, if it runs."""

    def __init__(self) -> None:
        self.worker: W | None = None

    def start(self, make: Callable[[], W]) -> W:
        """The running worker, made and started by ``make`` if none runs."""
        if self.worker is None:
            self.worker = make()
        return self.worker

    def stop(self) -> None:
        """Stop the worker (it finishes what it holds); a no-op when none runs."""
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()
