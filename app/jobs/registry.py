"""Job kinds: what a background job of each kind does. Features register theirs in their init_app:

    from app import jobs

    def write_report(params, out, progress):
        progress(10, "Reading the round")
        ...write the file's bytes to `out`...
        return "report.docx", DOCX_MIMETYPE

    jobs.register_kind("board_report", write_report)

The function runs in an app context with `db.session`, off the request (an RQ worker, or a thread of the app
server when no Redis is configured). `params` is the JSON the route gave `jobs.request_download`; `out` is a
binary file to write; `progress(percent, text)` may be called as often as is useful (it is written at most once a
second). It returns the download's file name and MIME type. Raising fails this attempt; the job is tried again up
to JOBS_MAX_ATTEMPTS times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

Progress = Callable[[int, str], None]
KindFunction = Callable[[dict, BinaryIO, Progress], tuple[str, str]]

_kinds: dict[str, KindFunction] = {}


def register_kind(kind: str, function: KindFunction) -> None:
    """Make `kind` runnable; registering a kind again replaces its function."""
    if not kind or len(kind) > 40:
        raise ValueError(f"job kind {kind!r} must be 1 to 40 characters")
    _kinds[kind] = function


def unregister_kind(kind: str) -> None:
    _kinds.pop(kind, None)


def kind_function(kind: str) -> KindFunction | None:
    return _kinds.get(kind)


def is_registered(kind: str) -> bool:
    return kind in _kinds


# Work the RQ worker repeats every JOBS_SWEEP_SECONDS (e.g. delivering the mail outbox); registered in init_app.
_sweeps: list[Callable[[], None]] = []


def register_sweep(function: Callable[[], None]) -> None:
    if function not in _sweeps:
        _sweeps.append(function)


def sweeps() -> list[Callable[[], None]]:
    return list(_sweeps)
