"""clinic.keyset: cursors that do not decode are ignored; `after` is "strictly after"."""

import pytest
from django.db.models import Q

from clinic import keyset


@pytest.mark.parametrize(
    "cursor", ["", "not base64!", "e30", "WyJhIl0", "WzEsIDJd", "x" * 2000, "W10"]
)
def test_a_cursor_that_does_not_fit_the_order_is_ignored(cursor):
    # "e30" is {}, "WyJhIl0" ["a"] (one value for two fields), "WzEsIDJd" [1, 2] (not text).
    assert keyset.decode(cursor, ("last_name", "pk")) is None


def test_a_cursor_round_trips():
    class Row:
        last_name, pk = "Garcia", 7

    cursor = keyset.encode(Row, ("-last_name", "pk"))
    assert keyset.decode(cursor, ("-last_name", "pk")) == ["Garcia", "7"]


def test_after_starts_at_the_first_field_and_breaks_ties_by_the_next():
    condition = keyset.after(("-last_name", "pk"), ["Garcia", "7"])
    expected = Q(last_name__lte="Garcia") & (
        Q(last_name__lt="Garcia") | (Q(last_name="Garcia") & Q(pk__gt="7"))
    )
    assert condition == expected
