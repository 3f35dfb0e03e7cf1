"""Demo passwords hashed on the second core while the main thread migrates and builds.

Imported only after Django is set up (it needs the configured password hasher).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import make_password

from tanji.demo.builder import generate_password


class PasswordPool:
    """Demo passwords generated up front and hashed by a background thread (ADR 0171).

    Argon2 (the production hasher, unchanged) costs 0.2–0.5 s per account on the reference
    machine — about 10 s for the demo's accounts under load, once the main thread's biggest
    single cost after the back-fill. argon2-cffi releases the interpreter lock while hashing,
    so one worker hashes on the second core while the main thread migrates and builds; the
    builder then takes ready hashes. Passwords not taken (a second start creates no account)
    are dropped unhashed by :meth:`close`.
    """

    def __init__(self, count: int, generate: Callable[[], str] = generate_password) -> None:
        self._passwords = [generate() for _ in range(count)]
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-hash")
        self._hashes = {p: self._pool.submit(make_password, p) for p in self._passwords}
        self._next = 0

    def password(self) -> str:
        """The next pre-generated password (a fresh one, hashed on demand, when none is left)."""
        if self._next < len(self._passwords):
            self._next += 1
            return self._passwords[self._next - 1]
        return generate_password()

    def hash_of(self, password: str) -> str:
        """The password's hash: the background one, waited for, or computed now."""
        future = self._hashes.get(password)
        return future.result() if future else str(make_password(password))

    def close(self) -> None:
        """Stop hashing passwords nobody took."""
        self._pool.shutdown(wait=False, cancel_futures=True)
