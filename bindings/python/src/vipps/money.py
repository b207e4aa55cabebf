"""Decimal amounts to integer minor units and back, without floating-point arithmetic.

Shops hand out amounts as decimal strings ("15.50"), integers and floats (WooCommerce's
``get_total_refunded()`` is ``float(10)``), while the library takes integer minor units (øre,
cents). ``int(0.29 * 100)`` is 28, so a float is never multiplied: it is read through its
shortest decimal representation (``repr``), which is exactly the number the shop meant.
More decimals than the currency has are refused, never rounded.
"""

from __future__ import annotations

import math
import re
from typing import Union

from .errors import InvalidInputError

#: Decimals per currency: the currencies of ePayment, eCom and Checkout.
CURRENCY_DECIMALS = {"NOK": 2, "DKK": 2, "EUR": 2}

#: The library's upper bound on any amount, in minor units.
MAX_MINOR_UNITS = 10**12

_DECIMAL = re.compile(r"^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$")

Amount = Union[str, int, float]


def _decimals(currency: str) -> int:
    try:
        return CURRENCY_DECIMALS[currency]
    except (KeyError, TypeError):
        raise InvalidInputError(
            f"currency must be one of {', '.join(CURRENCY_DECIMALS)}, got {currency!r}",
            kind="invalid_input",
        ) from None


def _text(amount: Amount) -> str:
    # bool is an int in Python: True would otherwise be 1.00.
    if isinstance(amount, bool):
        raise InvalidInputError("amount must be a decimal string, int or float, got a bool", kind="invalid_input")
    if isinstance(amount, int):
        return str(amount)
    if isinstance(amount, float):
        if not math.isfinite(amount):
            raise InvalidInputError(f"amount must be a finite number, got {amount!r}", kind="invalid_input")
        return repr(amount)
    if isinstance(amount, str):
        return amount
    raise InvalidInputError(
        f"amount must be a decimal string, int or float, got {type(amount).__name__}", kind="invalid_input"
    )


def to_minor_units(amount: Amount, currency: str) -> int:
    """``"15.50"``, ``15.5`` or ``15`` NOK → ``1550``. Refuses more decimals than the currency has."""
    decimals = _decimals(currency)
    text = _text(amount)
    match = _DECIMAL.match(text)
    if match is None:
        raise InvalidInputError(
            f"amount {text!r} is not a decimal number (digits, an optional point and decimals)",
            kind="invalid_input",
        )
    sign, whole, fraction, exponent = match.groups()
    digits = whole + (fraction or "")
    # The value is digits × 10^(exponent − len(fraction)); in minor units, shift by `decimals`.
    shift = int(exponent or 0) - len(fraction or "") + decimals
    if shift < 0:
        dropped = digits[shift:] if -shift <= len(digits) else digits
        if dropped.strip("0"):
            raise InvalidInputError(
                f"amount {text} has more than {decimals} decimals for {currency}: refused, not rounded",
                kind="invalid_input",
            )
        digits = digits[:shift] or "0"
        shift = 0
    if len(digits.lstrip("0")) + shift > 13:
        raise InvalidInputError(f"amount {text} {currency} is beyond any API's limit", kind="invalid_input")
    value = int(digits) * 10**shift
    if value > MAX_MINOR_UNITS:
        raise InvalidInputError(f"amount {text} {currency} is beyond any API's limit", kind="invalid_input")
    return -value if sign and value else value


def from_minor_units(value: int, currency: str) -> str:
    """``1550`` NOK → ``"15.50"``: the decimal string a shop displays or stores."""
    decimals = _decimals(currency)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"minor units must be an int, got {value!r}", kind="invalid_input")
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(abs(value), 10**decimals)
    return f"{sign}{whole}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole}"
