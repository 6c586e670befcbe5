"""Password hashing with Argon2id (argon2-cffi's recommended parameters), off the event loop.

One hash or verify costs about 50 ms of CPU and 64 MiB. Run on the event loop, 60 sign-ins at
once kept a process from answering anyone else (its /health/live took 3 to 5 s). So each runs
in a thread (argon2-cffi releases the GIL while it works) of lower priority, at most HASHING_AT_ONCE
at a time per process; callers beyond that wait their turn without holding up the loop, and memory
stays bounded.
Both functions are coroutines: call them with `await`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")

_hasher = PasswordHasher()
# Verifying against this keeps the time of a sign-in with an unknown email the
# same as with a known one, so timing does not reveal who has an account.
_DUMMY_HASH = _hasher.hash("not a real password")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (a container's share)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 2


def _yield_to_requests() -> None:
    """Run this hashing thread at a lower priority (Linux sets niceness per thread): when CPUs are
    scarce the event loop, answering everyone else, goes first, and the hash a little later."""
    with contextlib.suppress(AttributeError, OSError):  # elsewhere: an ordinary thread
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


#: Hashes computed at once by one process: about one per CPU.
HASHING_AT_ONCE = max(1, _cpus())
HASHING_NICENESS = 10
_threads = ThreadPoolExecutor(max_workers=HASHING_AT_ONCE, thread_name_prefix="argon2", initializer=_yield_to_requests)
# One gate per event loop (a loop's semaphore cannot be shared with another loop).
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


async def _in_thread(work: Callable[[], T]) -> T:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(HASHING_AT_ONCE)
    async with gate:  # the waiting happens here, on the loop, where it costs nothing
        return await loop.run_in_executor(_threads, work)


async def hash_new_password(password: str) -> str:
    """The Argon2id hash to store for `password`."""
    return await _in_thread(lambda: _hasher.hash(password))


def _matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one stored as `password_hash`. Without a hash (no such account) a
    dummy hash is verified all the same, so the answer takes as long either way."""
    return await _in_thread(lambda: _matches(password_hash, password))


def needs_rehash(password_hash: str) -> bool:
    """Cheap: reads the parameters written in the hash."""
    return _hasher.check_needs_rehash(password_hash)
