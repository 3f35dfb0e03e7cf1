"""Demo passwords hashed ahead by a background thread, with the configured hasher."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher

from tanji.livedemo.passwords import PasswordPool


def test_pool_hands_out_passwords_with_their_precomputed_hashes() -> None:
    pool = PasswordPool(3)
    taken = [pool.password() for _ in range(3)]
    assert len(set(taken)) == 3
    for password in taken:
        encoded = pool.hash_of(password)
        assert check_password(password, encoded)
        assert identify_hasher(encoded).algorithm == get_hasher("default").algorithm
    pool.close()


def test_pool_falls_back_to_hashing_on_demand_when_empty() -> None:
    pool = PasswordPool(0)
    password = pool.password()
    assert len(password) >= 12
    assert check_password(password, pool.hash_of(password))
    pool.close()
