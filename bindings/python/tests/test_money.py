"""The money helper: decimal strings, ints and floats to minor units, never by multiplying."""

import pytest

import vipps
from vipps.money import from_minor_units, to_minor_units

# (input, currency, minor units): the values that break `int(x * 100)` and friends.
CONVERTS = [
    ("15.50", "NOK", 1550),
    ("15.5", "NOK", 1550),
    ("15", "NOK", 1500),
    ("0", "NOK", 0),
    ("0.01", "DKK", 1),
    ("15.500", "EUR", 1550),  # trailing zeros are not extra decimals
    (0.29, "NOK", 29),  # int(0.29 * 100) == 28
    (0.57, "NOK", 57),  # int(0.57 * 100) == 56
    (1.15, "NOK", 115),  # int(1.15 * 100) == 114
    (19.99, "NOK", 1999),
    (4.35, "NOK", 435),  # 4.35 * 100 == 434.99999999999994
    (float(10), "NOK", 1000),  # WooCommerce's get_total_refunded()
    (10, "NOK", 1000),
    (1e2, "NOK", 10000),
    ("1e2", "NOK", 10000),
    ("-3.20", "NOK", -320),
    (-3.2, "NOK", -320),
    (123456789.12, "NOK", 12345678912),
    ("10000000000.00", "NOK", 10**12),
]


@pytest.mark.parametrize("amount, currency, expected", CONVERTS)
def test_converts_exactly(amount, currency, expected):
    assert to_minor_units(amount, currency) == expected
    assert isinstance(to_minor_units(amount, currency), int)


REFUSED = [
    ("15.555", "NOK", "more than 2 decimals"),
    (0.1 + 0.2, "NOK", "more than 2 decimals"),  # 0.30000000000000004: refused, not rounded
    (1e-7, "NOK", "more than 2 decimals"),
    ("1,50", "NOK", "not a decimal number"),
    (" 15.50", "NOK", "not a decimal number"),
    ("", "NOK", "not a decimal number"),
    ("abc", "NOK", "not a decimal number"),
    (float("nan"), "NOK", "finite"),
    (float("inf"), "NOK", "finite"),
    (True, "NOK", "bool"),
    (None, "NOK", "got NoneType"),
    ("15.50", "SEK", "currency must be one of"),
    ("10000000000.01", "NOK", "beyond any API's limit"),
    (1e300, "NOK", "beyond any API's limit"),
]


@pytest.mark.parametrize("amount, currency, message", REFUSED)
def test_refuses_what_it_cannot_convert_exactly(amount, currency, message):
    with pytest.raises(vipps.InvalidInputError, match=message) as caught:
        to_minor_units(amount, currency)
    assert caught.value.kind == "invalid_input"


@pytest.mark.parametrize(
    "value, text", [(1550, "15.50"), (5, "0.05"), (0, "0.00"), (-320, "-3.20"), (10**12, "10000000000.00")]
)
def test_back_to_a_decimal_string(value, text):
    assert from_minor_units(value, "NOK") == text
    assert to_minor_units(text, "NOK") == value


def test_exported_from_the_package():
    assert vipps.to_minor_units("0.29", "NOK") == 29
    assert vipps.from_minor_units(29, "NOK") == "0.29"
