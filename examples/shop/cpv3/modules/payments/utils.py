# deliberate: CNF102 extra file in a module; these helpers belong in service.py or cpv3/core
"""Formatting helpers for payment amounts and provider references."""
import secrets
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def quantize_amount(amount: Decimal) -> Decimal:
    """Round to cents the way the payment provider does (banker's rounding)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def format_amount(amount: Decimal, currency: str = "EUR") -> str:
    return f"{quantize_amount(amount):,.2f} {currency}"


def new_provider_reference(prefix: str = "pay") -> str:
    """An opaque, URL-safe reference sent to the provider as the idempotency key."""
    return f"{prefix}_{secrets.token_urlsafe(16)}"


def to_minor_units(amount: Decimal) -> int:
    """Amount in cents, as most provider APIs expect it."""
    return int(quantize_amount(amount) * 100)
