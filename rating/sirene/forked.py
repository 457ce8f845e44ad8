"""A generator run in a forked child process while the parent consumes its items (no Flask).

With --parallel, the import reads and sorts the file in a child while the parent writes to
the database: given two free cores, a run tends to the longer of the two instead of their
sum (off by default: this machine never had a core free, BENCHMARKS.md "SIRENE import"). The
child inherits everything it needs through fork (the open file, the SIRENs the site holds)
and sends back only its items, pickled through a pipe. The pipe's buffer (64 KiB) is
smaller than one item, so the child blocks in `send` until the parent reads: at most the
item being sent, the one being built and the one being written are in memory.

The child never opens a database connection (rating.db discards the pool inherited through
fork). An exception the generator raises is raised again in the parent, in its place after
the items before it; a child that dies makes the parent raise ChildFailed, never wait.
"""

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The child process died, or failed with an error that could not be sent back."""


class ChildTraceback(Exception):
    """Where, in the child, the error raised again in the parent came from (its __cause__)."""


def available() -> bool:
    """Whether this platform forks (Linux does; macOS and Windows spawn by default)."""
    return "fork" in multiprocessing.get_all_start_methods()


class Forked(Generic[T]):
    """`with Forked(produce, *args) as items: for item in items: ...`

    Leaving the block (at the end, on an error of the parent, on an interrupt) closes the
    pipe and ends the child, so no child outlives the run nor waits on a full pipe.
    """

    def __init__(self, produce: Callable[..., Iterator[T]], *args):
        self.produce, self.args = produce, args

    def __enter__(self) -> Iterator[T]:
        context = multiprocessing.get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        self.child = context.Process(
            target=_run, args=(writer, self.produce, self.args), daemon=True
        )
        self.child.start()
        writer.close()  # the child holds the only writing end: its death ends the pipe
        return self._items()

    def __exit__(self, *exc) -> None:
        self.reader.close()  # a child still sending gets a broken pipe and stops
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()

    def _items(self) -> Iterator[T]:
        while True:
            try:
                kind, value = self.reader.recv()
            except (EOFError, OSError):  # OSError: the pipe ended within a message
                self.child.join()
                raise ChildFailed(_death(self.child.exitcode)) from None
            if kind == "item":
                yield value
            elif kind == "raise":
                error, where = value
                raise error from ChildTraceback(where)
            elif kind == "crash":
                raise ChildFailed(value)
            else:
                return


def _death(code: int | None) -> str:
    cause = f"tué par le signal {-code}" if code is not None and code < 0 else f"code {code}"
    return f"Le processus de lecture du fichier s'est arrêté sans finir ({cause})."


def _run(writer, produce: Callable[..., Iterator], args: tuple) -> None:
    """The child: send each item, then "end"; or the error, picklable or as text."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent ends the child
    try:
        for item in produce(*args):
            writer.send(("item", item))
        writer.send(("end", None))
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)  # the parent stopped listening: nobody to tell
    except Exception as exc:  # sent to the parent, which raises it in its place
        where = traceback.format_exc()
        try:
            writer.send(("raise", (exc, where)))
        except (BrokenPipeError, ConnectionResetError):
            os._exit(0)
        except Exception:  # the error itself would not pickle: its text goes instead
            writer.send(("crash", where))
    finally:
        writer.close()
