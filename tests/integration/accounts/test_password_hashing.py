"""Argon2 runs in a thread of its own, a bounded number at a time, and a sign-in for an unknown
email costs a verify all the same (no timing oracle). The real hasher runs; a spy around it records
which thread called it and how many ran at once."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from groepsaanbod.accounts import passwords
from tests.factories import PASSWORD, make_staff


class Spy:
    """Wraps the real Argon2 methods: each call's thread, and the most that ran at the same time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.threads: list[str] = []
        self.running = self.most = 0
        self.lock = threading.Lock()
        self.real = passwords._hasher
        self.hash, self.verify = self._wrap(self.real.hash), self._wrap(self.real.verify)
        monkeypatch.setattr(passwords, "_hasher", self)

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self.real.check_needs_rehash(password_hash)

    def _wrap(self, real):
        def spied(*args, **kwargs):
            with self.lock:
                self.threads.append(threading.current_thread().name)
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                time.sleep(0.02)  # long enough for calls to overlap where they can
                return real(*args, **kwargs)
            finally:
                with self.lock:
                    self.running -= 1

        return spied


async def test_sign_ins_verify_in_a_thread_also_for_unknown_addresses(client, db, monkeypatch):
    staff = await make_staff(db, None)
    spy = Spy(monkeypatch)
    known = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": "wrong password"})
    unknown = await client.post("/api/v1/auth/sign-in", json={"email": "nobody@example.org", "password": "x" * 12})
    right = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
    assert (known.status_code, unknown.status_code, right.status_code) == (401, 401, 200)
    # One verify each, the unknown address too (against a dummy hash), none on the event loop's thread.
    assert len(spy.threads) == 3
    assert all(name.startswith("argon2") for name in spy.threads)


async def test_at_most_a_few_hashes_at_once_and_the_loop_keeps_going(monkeypatch):
    spy = Spy(monkeypatch)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    running = asyncio.ensure_future(ticker())
    hashes = await asyncio.gather(*(passwords.hash_new_password(f"password number {n}") for n in range(12)))
    running.cancel()
    assert spy.most <= passwords.HASHING_AT_ONCE
    assert len(spy.threads) == 12
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert await passwords.password_matches(hashes[3], "password number 3")
    assert not await passwords.password_matches(hashes[3], "password number 4")
    assert not await passwords.password_matches(None, "password number 4")
    assert ticks >= 10, "the event loop stood still while hashing"
