"""The tail of the global history kept for resumes (hub.realtime.history.Tail)."""

from hub.realtime import history
from hub.realtime.history import Tail
from hub.store.changes import Change


def changes(*positions):
    return [Change(table="patients", type="add", id=f"p{n}", old=None, new={"id": f"p{n}"}, position=n) for n in positions]


def positions(found):
    return None if found is None else [c.position for c in found]


def test_a_cursor_inside_the_tail_gets_the_changes_after_it_and_one_outside_gets_none():
    tail = Tail()
    assert tail.after(0) is None
    tail.add(10, changes(11, 12, 13))
    assert positions(tail.after(10)) == [11, 12, 13]
    assert positions(tail.after(12)) == [13]
    assert positions(tail.after(13)) == []
    assert tail.after(9) is None  # before what was read: the store must answer
    assert tail.after(14) is None


def test_a_contiguous_read_extends_the_tail_and_a_distant_one_replaces_it():
    tail = Tail()
    tail.add(10, changes(11, 12))
    tail.add(11, changes(12, 13, 14))  # overlaps: nothing twice
    assert positions(tail.after(10)) == [11, 12, 13, 14]
    tail.add(50, changes(51))
    assert tail.after(10) is None
    assert positions(tail.after(50)) == [51]


def test_the_tail_keeps_at_most_history_max_changes_the_newest(monkeypatch):
    monkeypatch.setattr(history, "HISTORY_MAX", 3)
    tail = Tail()
    tail.add(0, changes(1, 2, 3, 4, 5))
    assert tail.after(1) is None
    assert positions(tail.after(2)) == [3, 4, 5]
