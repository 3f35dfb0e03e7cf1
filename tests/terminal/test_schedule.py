from tanji.terminal.schedule import ScanSchedule


def test_tags_are_read_on_their_own_aligned_intervals():
    schedule = ScanSchedule({("m", "fast"): 1, ("m", "slow"): 10, ("n", "hourly"): 3600})
    assert schedule.due(1000.0) == {"m": ["fast", "slow"], "n": ["hourly"]}
    assert schedule.due(1000.5) == {}
    assert schedule.due(1001.0) == {"m": ["fast"]}
    assert schedule.due(1010.0) == {"m": ["fast", "slow"]}
    assert schedule.next_due() == 1011.0


def test_missed_slots_are_skipped_not_replayed():
    schedule = ScanSchedule({("m", "t"): 10})
    schedule.due(0.0)
    assert schedule.due(95.0) == {"m": ["t"]}  # one read, not nine
    assert schedule.due(99.0) == {}
    assert schedule.due(100.0) == {"m": ["t"]}
