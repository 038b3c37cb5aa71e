"""Run untrusted work (parsing an uploaded file) in a child process with a memory and a time
limit, so a hostile file costs the child, not the web process that serves everyone else.

The child is started with `spawn`: a fresh interpreter, never a fork of a threaded server. It
caps its own address space (RLIMIT_AS) before doing anything, then runs a function that can
send messages to the parent on the way (`send`) and whose return value is the last message.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

Send = Callable[[Any], None]

_VALUE, _ERROR = "value", "error"


@dataclass(frozen=True)
class ChildLimits:
    memory_bytes: int
    seconds: float


class ChildStopped(Exception):
    """The child ran out of time or memory, or died; the message says which."""


def _portable(error: BaseException) -> tuple[str, Any]:
    payload = (type(error), error.args, dict(vars(error)))
    try:
        pickle.loads(pickle.dumps(payload))
    except Exception:  # noqa: BLE001 - an error that cannot travel is sent as text
        return _ERROR, (RuntimeError, (f"{type(error).__name__}: {error}",), {})
    return _ERROR, payload


def _rebuilt(payload: tuple[type[BaseException], tuple[Any, ...], dict[str, Any]]) -> BaseException:
    kind, args, state = payload
    error = kind.__new__(kind, *args)
    error.args = args
    vars(error).update(state)
    return error


def _main(sender: Connection, memory_bytes: int, function: Callable[..., Any], args: Any) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        result = function(lambda message: sender.send((_VALUE, message)), *args)
    except MemoryError:
        sender.send(_portable(ChildStopped("memory")))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        sender.send(_portable(error))
    else:
        sender.send((_VALUE, result))
    finally:
        sender.close()


class Child:
    """One running child; `receive` waits for its next message within a time limit."""

    def __init__(self, function: Callable[..., Any], *args: Any, memory_bytes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_main, args=(sender, memory_bytes, function, args), daemon=True
        )
        self.process.start()
        sender.close()

    def ready(self, seconds: float) -> bool:
        """Whether a message (or the child's end) arrives within `seconds`; the child goes on."""
        try:
            return self._receiver.poll(seconds)
        except (EOFError, OSError):
            return True

    def receive(self, seconds: float) -> Any:
        """The child's next message; raises what the child raised, or ChildStopped."""
        try:
            if not self._receiver.poll(seconds):
                self.close()
                raise ChildStopped("time")
            kind, payload = self._receiver.recv()
        except (EOFError, OSError) as error:
            self.process.join(5)
            raise ChildStopped(f"exit code {self.process.exitcode}") from error
        if kind == _ERROR:
            self.close()
            raise _rebuilt(payload)
        return payload

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._receiver.close()


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_in_child(function: Callable[..., Any], *args: Any, limits: ChildLimits) -> Any:
    """Run `function(send, *args)` in a child within `limits` and return its result."""
    child = Child(function, *args, memory_bytes=limits.memory_bytes)
    try:
        return child.receive(limits.seconds)
    finally:
        child.close()


def stop_with_parent() -> None:
    """In a child process about to start: the kernel sends it SIGTERM when its parent dies
    (Linux; elsewhere a no-op)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return


_PR_SET_PDEATHSIG = 1
