import pytest

from agents.memory import LongTermMemory, MemoryItem, ShortTermMemory, clip_text


def item(day, stance=1.0, importance=0.5, source="peers", text="note"):
    return MemoryItem(text, stance, source, day, importance)


def test_short_term_memory_is_bounded_and_daily():
    stm = ShortTermMemory(capacity=3, max_chars=50)
    assert stm.hear([item(1), item(1, -1.0)]) == 2
    assert stm.hear([item(1), item(1), item(1)]) == 1
    assert len(stm.items) == 3
    assert stm.net_stance() == 0.5 * (1 - 1 + 1) / 3  # importance-weighted, per item heard
    stm.start_day()
    plain, labelled = item(1, 1.0, importance=1.0), item(1, 1.0, importance=0.3)
    stm.hear([plain, labelled, item(1, -1.0, importance=1.0)])
    assert stm.net_stance() == pytest.approx((1.0 + 0.3 - 1.0) / 3)
    stm.start_day()
    assert stm.items == () and stm.net_stance() == 0.0


def test_long_term_memory_is_bounded_and_keeps_important_items():
    ltm = LongTermMemory(capacity=4, max_chars=20)
    ltm.add(item(1, source="official", importance=1.0, text="x" * 100))
    for day in range(2, 30):
        ltm.add(item(day, importance=0.5))
        assert len(ltm.items) <= 4
    assert ltm.items[-1].day == 29  # what was just learned is kept
    assert all(len(m.text) <= 20 for m in ltm.items)
    days = [m.day for m in ltm.items]
    assert days == sorted(days)


def test_old_official_notice_is_forgotten_eventually():
    ltm = LongTermMemory(capacity=3, max_chars=100, decay=0.8)
    ltm.add(item(1, source="official", importance=1.0))
    for day in range(2, 40):
        ltm.add(item(day, importance=0.5))
    assert all(m.source != "official" for m in ltm.items)


def test_clip_text():
    assert clip_text("short", 10) == "short"
    assert clip_text("a" * 20, 10) == "a" * 9 + "…"


def test_state_round_trip():
    ltm = LongTermMemory(capacity=3, max_chars=100)
    ltm.add(item(1))
    copy = LongTermMemory(capacity=3, max_chars=100)
    copy.set_state(ltm.get_state())
    assert copy.items == ltm.items
