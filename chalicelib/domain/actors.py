"""Who the platform writes in a claim's timeline when no person acted (an audit event's ``actor``): the
values are stored, so they never change. Any other actor is an account id (a creditor, a lawyer, an operator).
The operator's claim file says each of these in words (services/operator_view.py ``SYSTEM_ACTORS``)."""

from __future__ import annotations

PLATFORM_ACTOR = "plateforme"  # the workflow's and the services' automatic steps
STRIPE_ACTOR = "stripe"  # a payment or a refund confirmed by Stripe's webhook
POSTAL_ACTOR = "platform:postal"  # the registered-mail provider's events (services/notice/delivery.py)
RETENTION_ACTOR = "platform:retention"  # the retention periods (domain/retention.py)
DEBTOR_PAGE_ACTOR = "débiteur (page en ligne)"  # the debtor, through their page (no account)
