import datetime as dt

import pytest

from banbot.dates import find_date


@pytest.mark.parametrize("text, want", [
    ("since 5 March 2026", dt.date(2026, 3, 5)),
    ("since March 5, 2026", dt.date(2026, 3, 5)),
    ("13 Sep 2021", dt.date(2021, 9, 13)),
    ("2026-03-05", dt.date(2026, 3, 5)),
    ("{{dts|2017|04|01}}", dt.date(2017, 4, 1)),
    ("{{dts|2017-04-01}}", dt.date(2017, 4, 1)),
    ('data-sort-value="x" 1 April 2017', dt.date(2017, 4, 1)),
    ("31 February 2026", None),
    ("some day", None),
    ("", None),
])
def test_dates_in_the_shapes_lists_use(text: str, want: dt.date | None) -> None:
    assert find_date(text) == want


def test_the_first_date_in_the_text_wins() -> None:
    assert find_date("since 2 June 2022 (reviewed 2024-01-01)") == dt.date(2022, 6, 2)
