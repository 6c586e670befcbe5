import pytest

from groepsaanbod.organisations.venues import check_venue, normalise_postcode

GOOD = {"name": "Buurthuis", "street": "Dorpsstraat 1", "postcode": "1234ab", "city": "Huizen", "capacity": 20}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234ab", "1234 AB"),
        (" 1234 AB ", "1234 AB"),
        ("1234  Ab", "1234 AB"),
        ("0123 AB", None),
        ("12345", None),
        ("ABCD 12", None),
        ("", None),
    ],
)
def test_postcodes(raw, expected):
    assert normalise_postcode(raw) == expected


def test_good_venue():
    data, problems = check_venue(GOOD)
    assert problems == ()
    assert data.postcode == "1234 AB"
    assert data.capacity == 20


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("street", " "),
        ("city", ""),
        ("postcode", "99"),
        ("capacity", 0),
        ("capacity", 501),
        ("capacity", "veel"),
        ("accessibility", {"fr": "ascenseur"}),
        ("name", "x" * 201),
    ],
)
def test_each_refusal_names_its_field(field, value):
    data, problems = check_venue({**GOOD, field: value})
    assert data is None
    assert [p.field for p in problems] == [field]
