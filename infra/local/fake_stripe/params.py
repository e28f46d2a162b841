"""The parameters Stripe accepts when creating a Checkout Session or a refund, checked as Stripe checks
them (same messages, same ``param``): what changes when the platform sends a new parameter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from infra.local.fake_stripe.errors import FakeStripeError, missing
from infra.local.fake_stripe.records import LineItem, Session, new_id

# The Checkout Session parameters Stripe knows (the SDK's ``SessionCreateParams`` minus request options):
# anything else is refused as Stripe refuses it; those the simulation does not act on are accepted and
# ignored.
SESSION_PARAMS = frozenset(
    {
        "adaptive_pricing", "after_expiration", "allow_promotion_codes", "allowed_payment_method_types",
        "automatic_tax", "billing_address_collection", "branding_settings", "cancel_url",
        "client_reference_id", "consent_collection", "currency", "custom_fields", "custom_text",
        "customer", "customer_account", "customer_creation", "customer_email", "customer_update",
        "discounts", "excluded_payment_method_types", "expand", "expires_at", "integration_identifier",
        "invoice_creation", "line_items", "locale", "managed_payments", "metadata", "mode",
        "name_collection", "optional_items", "origin_context", "payment_intent_data",
        "payment_method_collection", "payment_method_configuration", "payment_method_data",
        "payment_method_options", "payment_method_types", "permissions", "phone_number_collection",
        "redirect_on_completion", "return_url", "saved_payment_method_options", "setup_intent_data",
        "shipping_address_collection", "shipping_options", "submit_type", "subscription_data",
        "success_url", "tax_id_collection", "ui_mode", "wallet_options",
    }
)  # fmt: skip
REFUND_PARAMS = frozenset(
    {
        "amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin",
        "payment_intent", "reason", "refund_application_fee", "reverse_transfer",
    }
)  # fmt: skip
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
SESSION_MIN_LIFETIME = 30 * 60
SESSION_MAX_LIFETIME = 24 * 3600
SESSION_DEFAULT_LIFETIME = 24 * 3600
MINIMUM_CHARGE_CENTS = 50  # Stripe's minimum for EUR


# --- one value ------------------------------------------------------------------------------------------


def as_str(value: Any, param: str) -> str:
    if isinstance(value, dict | list):
        raise FakeStripeError(400, f"Invalid string: {param} must be a string.", param=param)
    return str(value)


def as_int(value: Any, param: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise FakeStripeError(400, f"Invalid integer: {value}", param=param)


def as_bool(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise FakeStripeError(400, f"Invalid boolean: {value}", param=param)


def as_dict(value: Any, param: str) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise FakeStripeError(400, f"Invalid object: {param} must be a hash.", param=param)
    return value


def optional_str(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    return None if value in (None, "") else as_str(value, name)


def parse_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    """Stripe's metadata rules: at most 50 keys of 40 characters, values of 500; an empty value unsets."""
    raw = as_dict(value, param)
    if len(raw) > 50:
        raise FakeStripeError(400, "Metadata can have up to 50 keys.", param=param)
    result: dict[str, str] = {}
    for key, item in raw.items():
        text = as_str(item, f"{param}[{key}]")
        if len(key) > 40:
            raise FakeStripeError(400, f"Metadata keys can be up to 40 characters: {key}", param=param)
        if len(text) > 500:
            raise FakeStripeError(
                400, "Metadata values can be up to 500 characters.", param=f"{param}[{key}]"
            )
        if text != "":  # Stripe: an empty value unsets the key
            result[key] = text
    return result


def url(data: Mapping[str, Any], name: str) -> str | None:
    value = optional_str(data, name)
    if value is not None and urlsplit(value).scheme not in ("http", "https"):
        raise FakeStripeError(400, f"Not a valid URL: {value}", code="url_invalid", param=name)
    return value


def expand_list(data: Mapping[str, Any]) -> set[str]:
    """``expand[]=…`` as a set of names."""
    value = data.get("expand")
    if isinstance(value, list):
        return {str(item) for item in value}
    return {str(value)} if value else set()


def plain_amount(cents: int, currency: str) -> str:
    """An amount as Stripe's English error messages write it: ``€0.50``."""
    symbol = "€" if currency.lower() == "eur" else currency.upper() + " "
    return f"{symbol}{cents // 100}.{cents % 100:02d}"


def refuse_unknown(data: Mapping[str, Any], known: frozenset[str]) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise FakeStripeError(400, f"Received unknown parameter: {unknown[0]}", param=unknown[0])


# --- a Checkout Session ----------------------------------------------------------------------------------


def parse_session(data: Mapping[str, Any], now: int) -> Session:
    """``POST /v1/checkout/sessions`` params (nested) → a new open session, or Stripe's 400."""
    refuse_unknown(data, SESSION_PARAMS)
    mode = optional_str(data, "mode")
    if mode is None:
        raise missing("mode")
    if mode != "payment":
        raise FakeStripeError(
            400, f"The local Stripe simulation only supports mode=payment, not {mode}.", param="mode"
        )
    if optional_str(data, "ui_mode") not in (None, "hosted"):
        raise FakeStripeError(400, "The local Stripe simulation only supports ui_mode=hosted.")
    items = _line_items(data)
    expires_at = _expires_at(data, now)
    email = optional_str(data, "customer_email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise FakeStripeError(400, f"Invalid email address: {email}", param="customer_email")
    reference = optional_str(data, "client_reference_id")
    if reference is not None and len(reference) > 200:
        raise FakeStripeError(
            400, "client_reference_id can be up to 200 characters.", param="client_reference_id"
        )
    intent_data = as_dict(data.get("payment_intent_data"), "payment_intent_data")
    invoice_enabled = _invoice_enabled(data)
    return Session(
        id=new_id("cs_test_a1", 48),
        created=now,
        expires_at=expires_at,
        currency=items[0].currency,
        line_items=items,
        success_url=url(data, "success_url"),
        cancel_url=url(data, "cancel_url"),
        client_reference_id=reference,
        customer_email=email,
        metadata=parse_metadata(data.get("metadata")),
        payment_intent_metadata=parse_metadata(intent_data.get("metadata"), "payment_intent_data[metadata]"),
        payment_intent_description=optional_str(intent_data, "description"),
        locale=optional_str(data, "locale"),
        invoice_creation=invoice_enabled,
    )


def _line_items(data: Mapping[str, Any]) -> list[LineItem]:
    raw_items = data.get("line_items")
    if raw_items in (None, "", []):
        raise missing("line_items")
    if not isinstance(raw_items, list):
        raise FakeStripeError(400, "Invalid array", param="line_items")
    items = [_line_item(raw, index) for index, raw in enumerate(raw_items)]
    currencies = {item.currency for item in items}
    if len(currencies) > 1:
        raise FakeStripeError(400, "All line items must use the same currency.", param="line_items")
    total = sum(item.amount for item in items)
    if 0 < total < MINIMUM_CHARGE_CENTS:
        raise FakeStripeError(
            400,
            f"The Checkout Session's total amount due must add up to at least "
            f"{plain_amount(MINIMUM_CHARGE_CENTS, items[0].currency)}",
            param="line_items",
        )
    return items


def _expires_at(data: Mapping[str, Any], now: int) -> int:
    if data.get("expires_at") in (None, ""):
        return now + SESSION_DEFAULT_LIFETIME
    expires_at = as_int(data["expires_at"], "expires_at")
    if not now + SESSION_MIN_LIFETIME - 60 <= expires_at <= now + SESSION_MAX_LIFETIME + 60:
        raise FakeStripeError(
            400,
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
            "Checkout Session creation.",
            param="expires_at",
        )
    return expires_at


def _invoice_enabled(data: Mapping[str, Any]) -> bool:
    invoice_creation = as_dict(data.get("invoice_creation"), "invoice_creation")
    if not invoice_creation:
        return False
    if invoice_creation.get("enabled") in (None, ""):
        raise missing("invoice_creation[enabled]")
    return as_bool(invoice_creation["enabled"], "invoice_creation[enabled]")


def _line_item(raw: Any, index: int) -> LineItem:
    where = f"line_items[{index}]"
    item = as_dict(raw, where)
    if item.get("price") not in (None, ""):
        raise FakeStripeError(
            400, f"The local Stripe simulation only supports {where}[price_data], not prices.", param=where
        )
    if item.get("quantity") in (None, ""):
        raise missing(f"{where}[quantity]")
    quantity = as_int(item["quantity"], f"{where}[quantity]")
    if quantity < 1:
        raise FakeStripeError(
            400, "This value must be greater than or equal to 1.", param=f"{where}[quantity]"
        )
    price = as_dict(item.get("price_data"), f"{where}[price_data]")
    if not price:
        raise missing(f"{where}[price_data]")
    currency, unit_amount = _currency_and_unit_amount(price, f"{where}[price_data]")
    if price.get("product") not in (None, ""):
        raise FakeStripeError(
            400,
            f"The local Stripe simulation only supports {where}[price_data][product_data].",
            param=f"{where}[price_data][product]",
        )
    product = as_dict(price.get("product_data"), f"{where}[price_data][product_data]")
    name = optional_str(product, "name")
    if name is None:
        raise missing(f"{where}[price_data][product_data][name]")
    return LineItem(
        id=new_id("li_"),
        name=name,
        description=optional_str(product, "description"),
        unit_amount=unit_amount,
        quantity=quantity,
        currency=currency.lower(),
    )


def _currency_and_unit_amount(price: Mapping[str, Any], where: str) -> tuple[str, int]:
    currency = optional_str(price, "currency")
    if currency is None:
        raise missing(f"{where}[currency]")
    if not re.fullmatch(r"[a-zA-Z]{3}", currency):
        raise FakeStripeError(400, f"Invalid currency: {currency}", param=f"{where}[currency]")
    if price.get("unit_amount") in (None, ""):
        raise missing(f"{where}[unit_amount]")
    unit_amount = as_int(price["unit_amount"], f"{where}[unit_amount]")
    if unit_amount < 0:
        raise FakeStripeError(
            400, "This value must be greater than or equal to 0.", param=f"{where}[unit_amount]"
        )
    return currency, unit_amount


# --- a refund ---------------------------------------------------------------------------------------------


def refund_reason(data: Mapping[str, Any]) -> str | None:
    reason = optional_str(data, "reason")
    if reason is not None and reason not in REFUND_REASONS:
        raise FakeStripeError(400, f"Invalid reason: must be one of {sorted(REFUND_REASONS)}")
    return reason
