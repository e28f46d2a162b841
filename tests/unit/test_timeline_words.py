"""The timeline's ``summary`` (what a creditor reads) leaves Stripe's ids out; the audit keeps them."""

from __future__ import annotations

import pytest

from chalicelib.api.claim_schemas import user_words


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("Paiement confirmé (session cs_test_a1B2c3)", "Paiement confirmé"),
        ("Paiement reçu (paiement pi_3QabcDEF)", "Paiement reçu"),
        (
            "Remboursement demandé : 29,00 € (Mise en demeure, re_3QxyZ123)",
            "Remboursement demandé : 29,00 € (Mise en demeure)",
        ),
        ("Remboursement effectué (remboursement re_3QxyZ123)", "Remboursement effectué"),
        ("Pièce ajoutée : facture re_cap.pdf", "Pièce ajoutée : facture re_cap.pdf"),  # not an id in brackets
        (
            "Mise en demeure envoyée (LRAR, suivi 1A00000000001)",
            "Mise en demeure envoyée (LRAR, suivi 1A00000000001)",
        ),
    ],
)
def test_the_summary_leaves_stripes_ids_out(reason, words):
    assert user_words(reason) == words
