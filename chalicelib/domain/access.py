"""Who may see which claim. The claims repository applies this to every read that carries an identity."""

from __future__ import annotations

from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim


def may_see(identity: Identity, claim: Claim) -> bool:
    """Operators see every claim; a creditor their own; a lawyer only the claims assigned to them."""
    if identity.role is Role.OPERATOR:
        return True
    if identity.role is Role.CREDITOR:
        return claim.creditor_id == identity.creditor_id
    if identity.role is Role.LAWYER:
        return claim.assigned_lawyer_id is not None and claim.assigned_lawyer_id == identity.lawyer_id
    return False
