"""Paying by bank transfer in one scan (issue 22): the creditor's account, the exact amount and a structured
reference that names the claim, as the European Payments Council's SEPA credit-transfer QR code carries them
(EPC069-12, version 002; the QR code itself is drawn by segno in chalicelib/documents/qr.py).

Pure. The reference is an ISO 11649 creditor reference (« RF » + two check digits + the claim's letters and
digits), checked with python-stdnum, so the creditor's bank statement names the claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

# EPC069-12: the beneficiary's name is 70 characters at most, the amount 0.01 to 999 999 999.99 euros.
MAX_NAME = 70
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")


def rf_reference(claim_id: str) -> str:
    """``clm_3c21afdd…`` → ``RFnn3C21AFDD…``: ISO 11649 over the claim id after its prefix, its last 21
    letters and digits (the RF reference's longest body)."""
    unique = claim_id.rsplit("_", 1)[-1]
    body = "".join(c for c in unique.upper() if c.isascii() and c.isalnum())[-21:]
    check = mod_97_10.calc_check_digits(body + "RF")
    reference = f"RF{check}{body}"
    return iso11649.validate(reference)


@dataclass(frozen=True)
class Transfer:
    """What the debtor's banking app needs: who is paid, where, how much, with which reference."""

    beneficiary: str
    iban: str  # compact, validated by the creditor's profile
    bic: str
    amount: Decimal
    reference: str

    @property
    def payable(self) -> bool:
        """An EPC QR code needs an IBAN and an amount in its range (a claim paid in full has none)."""
        return bool(self.iban) and MIN_AMOUNT <= self.amount <= MAX_AMOUNT

    @property
    def beneficiary_name(self) -> str:
        return self.beneficiary[:MAX_NAME]

    @property
    def iban_spaced(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))
