"""Signing and verifying webhook requests, and refusing replays."""

from __future__ import annotations

import pytest

from autobill.errors import Unauthenticated
from autobill.sandbox.events import sign as sandbox_sign
from autobill.web.signing import MemoryReplayGuard, Verified, sign, verify

SECRET = "s3cret"  # noqa: S105 - a test secret
NOW = 1_800_000_000


def test_the_signature_matches_the_sandboxs() -> None:
    """Our signature of ``<timestamp>.<body>`` is the one the sandbox sends."""
    assert sign(SECRET, "123", b"{}") == sandbox_sign(SECRET, "123", b"{}")


def test_a_good_signature_within_the_window_verifies() -> None:
    """A correct signature five minutes old is still accepted."""
    # given
    signature = sign(SECRET, str(NOW - 300), b"body")
    # when
    verified = verify(
        SECRET, timestamp=str(NOW - 300), signature=signature, body=b"body", now=NOW
    )
    # then
    assert verified == Verified(NOW - 300, signature)


@pytest.mark.parametrize(
    ("secret", "timestamp", "signature"),
    [
        pytest.param(SECRET, str(NOW), sign("other", str(NOW), b"body"), id="forged"),
        pytest.param(SECRET, str(NOW - 301), sign(SECRET, str(NOW - 301), b"body"), id="stale"),
        pytest.param(SECRET, None, sign(SECRET, str(NOW), b"body"), id="no-timestamp"),
        pytest.param(SECRET, str(NOW), None, id="no-signature"),
        pytest.param(SECRET, "-1", sign(SECRET, "-1", b"body"), id="negative"),
        pytest.param(SECRET, "\u00b2", sign(SECRET, "\u00b2", b"body"), id="superscript"),
        pytest.param("", str(NOW), sign("", str(NOW), b"body"), id="no-secret"),
    ],
)
def test_bad_requests_are_refused(
    secret: str, timestamp: str | None, signature: str | None
) -> None:
    """Forged, stale, incomplete or secretless requests raise Unauthenticated."""
    with pytest.raises(Unauthenticated):
        verify(secret, timestamp=timestamp, signature=signature, body=b"body", now=NOW)


def test_the_replay_guard_refuses_a_signature_twice_until_released() -> None:
    """A claimed signature cannot be claimed again unless it was released."""
    # given
    guard = MemoryReplayGuard(window_seconds=300, clock=lambda: NOW)
    verified = Verified(NOW, "sha256=ab")
    # when
    first, second = guard.claim(verified), guard.claim(verified)
    guard.release(verified)
    third = guard.claim(verified)
    # then
    assert (first, second, third) == (True, False, True)


def test_the_replay_guard_forgets_signatures_older_than_the_window() -> None:
    """Entries expire with the window (a stale request is refused by the window anyway)."""
    # given
    now = [NOW]
    guard = MemoryReplayGuard(window_seconds=300, clock=lambda: now[0])
    guard.claim(Verified(NOW, "sha256=ab"))
    # when
    now[0] = NOW + 301
    guard.claim(Verified(NOW + 301, "sha256=cd"))
    # then
    assert guard.claim(Verified(NOW, "sha256=ab"))
