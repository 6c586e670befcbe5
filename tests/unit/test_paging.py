"""The cursor of paged lists: what we write reads back; nothing else is taken (paging.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.paging import (
    MAX_SIZE,
    PageRefused,
    PageRequest,
    decode_cursor,
    encode_cursor,
    page_list,
    page_request,
)


@given(st.integers(min_value=1, max_value=2**31 - 1))
def test_a_cursor_reads_back(last_id):
    assert decode_cursor(encode_cursor(last_id)) == last_id


@given(st.text(max_size=100))
def test_any_other_text_is_refused_never_an_error(text):
    """Whatever the text, the answer is an id in range or a refusal naming the cursor (a 400)."""
    problems, after = (), None
    try:
        after = decode_cursor(text)
    except PageRefused as refused:
        problems = refused.problems
    assert after is not None or [p.field for p in problems] == ["cursor"]
    assert after is None or 1 <= after <= 2**31 - 1
    assert PageRefused.status_code == 400


@pytest.mark.parametrize("size", ["0", "-1", "201", "abc", "", " ", "1e2", "٣", "00000000050"])
def test_page_sizes_out_of_range_are_refused(size):
    with pytest.raises(PageRefused):
        page_request(None, size)


def test_both_problems_are_named_and_the_default_is_50():
    with pytest.raises(PageRefused) as refused:
        page_request("x", "0")
    assert [p.field for p in refused.value.problems] == ["pageSize", "cursor"]
    assert page_request(None, None) == PageRequest(None, 50)
    assert page_request(None, str(MAX_SIZE)).size == MAX_SIZE


def test_a_list_pages_by_id_either_way():
    items = [5, 1, 4, 2, 3]
    first = page_list(items, PageRequest(None, 2), int)
    assert first.items == [1, 2]
    assert first.next_cursor == encode_cursor(2)
    rest = page_list(items, PageRequest(2, 10), int)
    assert rest.items == [3, 4, 5]
    assert rest.next_cursor is None
    newest = page_list(items, PageRequest(None, 2), int, newest_first=True)
    assert newest.items == [5, 4]
    assert page_list(items, PageRequest(4, 2), int, newest_first=True).items == [3, 2]
