"""The fee invoices in DynamoDB (``InvoiceModel``, ``InvoiceCounterModel``): numbered without gaps, once.

:meth:`InvoiceRepository.issue` reads the series' counter, then writes in **one transaction** the counter
moved from that value to the next (condition: it still holds the value read) and the invoice with that
number (condition: no invoice yet for its Stripe payment or refund). Either both are written or neither: a
number is never taken without its invoice (no gap), never given twice (the counter's condition), and a
Stripe event delivered twice never makes a second invoice (the invoice's condition). Concurrent issuers
that lose the race read the counter again and retry; DynamoDB also cancels a transaction that conflicts with
another in flight (``TransactionConflict``), retried the same way.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.aws import transactions_connection
from chalicelib.adapters.dynamo import InvoiceCounterModel, InvoiceModel, InvoicesByClaim, newest_first_page
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.fee_invoices import FeeInvoice
from chalicelib.settings import get_settings

logger = logging.getLogger("claims.invoices")

# Enough for many issuers racing on one series (each round lets one through); then the caller (Stripe's
# retry of the webhook) tries again later.
MAX_ATTEMPTS = 100
_RETRIED_REASONS = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def _to_domain(item: InvoiceModel) -> FeeInvoice:
    return FeeInvoice.from_json(item.document, pdf_key=item.pdf_key or "", pdf_sha256=item.pdf_sha256 or "")


class InvoiceRepository:
    def __init__(self, *, pause: float = 0.01) -> None:
        self._connection = transactions_connection(get_settings().region)
        self._pause = pause

    def by_source(self, source_id: str) -> FeeInvoice | None:
        """The invoice of a Stripe payment or refund (``payment:<pi>``, ``refund:<re>``), if issued."""
        try:
            return _to_domain(InvoiceModel.get(source_id, consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise TransientError(f"invoices table unavailable: {error}") from error

    def issue(self, draft: FeeInvoice) -> tuple[FeeInvoice, bool]:
        """The invoice of ``draft.source_id``, numbered: issued now (``True``) or found issued before
        (``False``)."""
        existing = self.by_source(draft.source_id)
        if existing is not None:
            return existing, False
        for attempt in range(MAX_ATTEMPTS):
            last = self._last(draft.series)
            invoice = draft.numbered(last + 1)
            counter = InvoiceCounterModel(draft.series)
            condition = (
                InvoiceCounterModel.series.does_not_exist() if last == 0 else InvoiceCounterModel.last == last
            )
            try:
                with TransactWrite(connection=self._connection) as transaction:
                    transaction.update(
                        counter, actions=[InvoiceCounterModel.last.set(last + 1)], condition=condition
                    )
                    transaction.save(self._item(invoice), condition=InvoiceModel.source_id.does_not_exist())
            except TransactWriteError as error:
                self._raise_unless_retried(error)
                existing = self.by_source(draft.source_id)
                if existing is not None:  # another delivery of the same event issued it meanwhile
                    return existing, False
                time.sleep(self._pause * random.uniform(0.5, 1.5) * min(attempt + 1, 10))
                continue
            logger.info(
                "invoice %s issued for %s (claim %s)", invoice.number, invoice.source_id, invoice.claim_id
            )
            return invoice, True
        raise TransientError(f"invoice numbering of series {draft.series} too busy: try again")

    def _last(self, series: str) -> int:
        try:
            return int(InvoiceCounterModel.get(series, consistent_read=True).last or 0)
        except DoesNotExist:
            return 0
        except GetError as error:
            raise TransientError(f"invoice counters unavailable: {error}") from error

    @staticmethod
    def _raise_unless_retried(error: TransactWriteError) -> None:
        if getattr(error, "cause_response_code", None) != "TransactionCanceledException":
            raise TransientError(f"invoices not written: {error}") from error
        reasons = [reason.code for reason in (error.cancellation_reasons or []) if reason is not None]
        unexpected = [code for code in reasons if code not in _RETRIED_REASONS and code != "None"]
        if unexpected:
            raise TransientError(f"invoices not written: {', '.join(unexpected)}") from error

    @staticmethod
    def _item(invoice: FeeInvoice) -> InvoiceModel:
        return InvoiceModel(
            invoice.source_id,
            number=invoice.number,
            claim_id=invoice.claim_id,
            creditor_id=invoice.creditor_id,
            kind=invoice.kind.value,
            issued_at=invoice.issued_at,
            ttc_cents=invoice.amounts.ttc_cents,
            document=invoice.as_json(),
        )

    # --- reading -----------------------------------------------------------------------------------------

    def for_claim(self, claim_id: str) -> list[FeeInvoice]:
        """The claim's invoices and credit notes, in number order."""
        try:
            return [_to_domain(item) for item in InvoiceModel.by_claim.query(claim_id)]
        except QueryError as error:
            raise TransientError(f"invoices table unavailable: {error}") from error

    def find(self, claim_id: str, number: str) -> FeeInvoice | None:
        """One invoice of the claim by its number (None: the claim has no invoice of that number)."""
        try:
            for item in InvoiceModel.by_claim.query(claim_id, InvoicesByClaim.number == number, limit=1):
                return _to_domain(item)
        except QueryError as error:
            raise TransientError(f"invoices table unavailable: {error}") from error
        return None

    def page_for_creditor(
        self, creditor_id: str, *, limit: int, after: Mapping[str, Any] | None = None
    ) -> tuple[list[FeeInvoice], dict[str, Any] | None]:
        """One page of a creditor's invoices, newest number first, and the key of the next page."""
        try:
            rows, last_key = newest_first_page(
                InvoiceModel.by_creditor, creditor_id, limit=limit, after=after
            )
        except QueryError as error:
            raise TransientError(f"invoices table unavailable: {error}") from error
        invoices = [_to_domain(item) for item in rows]
        return [i for i in invoices if i.creditor_id == creditor_id], last_key

    def all_for_creditor(self, creditor_id: str) -> list[FeeInvoice]:
        """Every invoice of a creditor, in number order (the data export)."""
        try:
            found = [_to_domain(item) for item in InvoiceModel.by_creditor.query(creditor_id)]
        except QueryError as error:
            raise TransientError(f"invoices table unavailable: {error}") from error
        return [i for i in found if i.creditor_id == creditor_id]

    # --- the PDF -----------------------------------------------------------------------------------------

    def record_pdf(self, source_id: str, *, key: str, sha256: str, at: datetime) -> FeeInvoice:
        """The PDF's key and hash, set once: a second render keeps the first one's record."""
        item = InvoiceModel(source_id)
        try:
            item.update(
                actions=[
                    InvoiceModel.pdf_key.set(key),
                    InvoiceModel.pdf_sha256.set(sha256),
                    InvoiceModel.pdf_rendered_at.set(at),
                ],
                condition=InvoiceModel.source_id.exists() & InvoiceModel.pdf_sha256.does_not_exist(),
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise TransientError(f"invoice PDF not recorded: {error}") from error
        found = self.by_source(source_id)
        if found is None:
            raise TransientError(f"invoice {source_id} vanished")
        return found
