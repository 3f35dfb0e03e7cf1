"""An independent, slow, pure-Python SM2 (GB/T 32918.2 §6–7) to cross-check Tongsuo.

Written from the standard's algorithm text, sharing no code with the library under test: it
computes Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (§5.5) with the default ID and
e = SM3(Z_A ‖ M), then the curve arithmetic in affine coordinates.
"""

from __future__ import annotations

import hashlib

# GB/T 32918.5 recommended curve parameters.
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
G = (
    0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
)
DEFAULT_ID = b"1234567812345678"
Point = tuple[int, int] | None


def add(p: Point, q: Point) -> Point:
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] + A) * pow(2 * p[1], -1, P) % P
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, P) % P
    x = (slope * slope - p[0] - q[0]) % P
    return x, (slope * (p[0] - x) - p[1]) % P


def multiply(k: int, point: Point) -> Point:
    result: Point = None
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result


def _sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def z_a(public: tuple[int, int], user_id: bytes = DEFAULT_ID) -> bytes:
    fields = (A, B, G[0], G[1], public[0], public[1])
    return _sm3(
        (len(user_id) * 8).to_bytes(2, "big")
        + user_id
        + b"".join(f.to_bytes(32, "big") for f in fields)
    )


def point_of(raw: bytes) -> tuple[int, int]:
    return int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")


def verify(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    public = point_of(public_raw)
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < N and 0 < s < N):
        return False
    e = int.from_bytes(_sm3(z_a(public) + message), "big")
    t = (r + s) % N
    if t == 0:
        return False
    point = add(multiply(s, G), multiply(t, public))
    return point is not None and (e + point[0]) % N == r


def sign(private: int, message: bytes, nonce: int) -> bytes:
    public = multiply(private, G)
    assert public is not None
    e = int.from_bytes(_sm3(z_a(public) + message), "big")
    point = multiply(nonce, G)
    assert point is not None
    r = (e + point[0]) % N
    s = pow(1 + private, -1, N) * (nonce - r * private) % N
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")
