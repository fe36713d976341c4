"""Login throttle arithmetic on this process's counters, with a clock the test moves."""

import pytest

from hub.auth.throttle import Limit, LocalCounters, ThrottlePolicy, account_key

POLICY = ThrottlePolicy(window_seconds=300, delay_seconds=5, max_delay_seconds=900)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def counters(clock):
    return LocalCounters(POLICY, clock)


async def test_delay_starts_at_the_limit_then_doubles_up_to_the_cap(counters):
    delays = [await counters.fail(Limit("k", 10)) for _ in range(20)]
    assert delays[:9] == [0.0] * 9
    assert delays[9:17] == [5, 10, 20, 40, 80, 160, 320, 640]
    assert delays[17:] == [900, 900, 900]


async def test_locked_key_is_blocked_until_its_delay_has_passed(counters, clock):
    for _ in range(10):
        await counters.fail(Limit("k", 10))
    assert await counters.blocked_for(["k"]) == 5
    clock.now += 4
    assert await counters.blocked_for(["other", "k"]) == 1
    clock.now += 1
    assert await counters.blocked_for(["k"]) <= 0


async def test_failures_older_than_the_window_are_forgotten(counters, clock):
    for _ in range(9):
        await counters.fail(Limit("k", 10))
    clock.now += 301
    assert await counters.fail(Limit("k", 10)) == 0


async def test_a_locked_key_keeps_its_count_past_the_window_so_delays_keep_growing(counters, clock):
    for _ in range(15):
        await counters.fail(Limit("k", 10))  # the 15th locks for 160 s
    clock.now += 300 + 150  # past the window, not past window + lock
    assert await counters.fail(Limit("k", 10)) == 320


async def test_reset_forgets_failures_and_lock(counters):
    for _ in range(10):
        await counters.fail(Limit("k", 10))
    await counters.reset("k")
    assert await counters.blocked_for(["k"]) <= 0
    assert await counters.fail(Limit("k", 10)) == 0


def test_account_key_is_normalized_and_hides_the_email():
    key = account_key("  Desk@Clinic.TEST ")
    assert key == account_key("desk@clinic.test")
    assert "desk" not in key and "clinic" not in key
    assert account_key("") is None and account_key(None) is None and account_key(["x"]) is None
