"""The local pipeline from payment to notice sent: claims paid through a signed Stripe webhook, then the
state machine (check → mise en demeure rendered, stored, posted and emailed) on the embedded AWS, time
scale on. Figures: claims per minute (the first notice, which pays WeasyPrint's import, is excluded); the
process's CPU per claim from payment to notice sent, next to a bare one-page WeasyPrint render measured in
the same run (issue 26's acceptance: within 2×); the claim reads (GetItem) per claim."""

from __future__ import annotations

import io
import json
import os
import statistics
import time

CLAIMS = 12
ASSESSING = "assessing"  # paid, notice not yet sent


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bare_render_cpu(runs: int = 7) -> float:
    """CPU seconds of one bare one-page WeasyPrint render, median of ``runs`` after a warm-up: a page of text
    in the letters' typeface (the house stylesheet and its DejaVu faces, parsed and loaded for this render
    alone, as any one-off render does), written as PDF/A-3b like the letters."""
    import weasyprint

    from chalicelib.documents.render import PDF_VARIANT, TEMPLATES_DIR, render_html

    css = render_html("documents/house.css")
    html = (
        f"<html><head><style>{css}</style></head><body><h1>Mise en demeure</h1>"
        "<p>Madame, Monsieur,</p><p>Nous vous mettons en demeure de régler la somme due sous huit jours.</p>"
        "</body></html>"
    )

    def render() -> None:
        weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(pdf_variant=PDF_VARIANT)

    render()
    timings = []
    for _ in range(runs):
        started = time.process_time()
        render()
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def letter_alone_cpu(runs: int = 5) -> float:
    """CPU seconds of the mise en demeure of shared case 01 rendered alone in this (warm) process, median."""
    from chalicelib.documents.letters import document_pdf
    from tests.unit.documents.fixtures import make_context

    ctx = make_context("b2b")
    document_pdf("mise_en_demeure", ctx)
    timings = []
    for _ in range(runs):
        started = time.process_time()
        document_pdf("mise_en_demeure", ctx)
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def run() -> list[tuple[str, str]]:
    import requests

    from bench.local_api import signed_in_creditor
    from infra.local.fake_stripe import serve_fake_stripe
    from tests.integration.claims_helpers import PROFILE, b2b_content, cgv

    fake, server = serve_fake_stripe(webhook_url=None)
    os.environ.update({"STRIPE_API_BASE": fake.api_base, "CLAIMS_TODAY": "2025-03-31"})
    try:
        with signed_in_creditor() as session:
            api, headers = session.api, session.headers
            api.http.put("/v1/me/profile", headers=headers, body=json.dumps(PROFILE))
            sessions = []
            for index in range(CLAIMS):
                created = api.http.post(
                    "/v1/claims",
                    headers=headers,
                    body=json.dumps({"content": b2b_content(reference=f"B-{index}")}),
                )
                claim_id = json.loads(created.body)["claim_id"]
                slot = json.loads(
                    api.http.post(
                        f"/v1/claims/{claim_id}/documents",
                        headers=headers,
                        body=json.dumps({"filename": "f.pdf", "content_type": "application/pdf"}),
                    ).body
                )
                requests.post(slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": _pdf()})
                confirm = f"/v1/claims/{claim_id}/documents/{slot['document']['document_id']}/confirm"
                api.http.post(confirm, headers=headers)
                submit = f"/v1/claims/{claim_id}/submit"
                accept = json.dumps(cgv())  # the CGV in force, accepted before paying
                submitted = json.loads(api.http.post(submit, headers=headers, body=accept).body)
                sessions.append((claim_id, submitted["checkout"]["session_id"]))

            def pay(claim_id: str, session_id: str) -> None:
                payload, signature = fake.signed(fake.pay(session_id))
                api.http.post(
                    "/v1/webhooks/stripe",
                    headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
                    body=payload,
                )

            def wait_notice(claim_ids: list[str]) -> None:
                # Read straight from the table (the repository's reads are what the pipeline is counted on),
                # a few times a second and only the claims still waiting: the polling is not the pipeline.
                from chalicelib.adapters.dynamo import ClaimModel

                waiting = set(claim_ids)
                deadline = time.monotonic() + 600
                while waiting:
                    read = {c: ClaimModel.get(c, consistent_read=True).status for c in waiting}
                    waiting = {c for c, status in read.items() if status == ASSESSING}
                    assert time.monotonic() < deadline, "notices not sent in time"
                    time.sleep(0.25)

            first, *rest = sessions
            pay(*first)  # warm-up: WeasyPrint's import and first render
            wait_notice([first[0]])
            reads = _count_claim_reads()
            cpu_started, started = time.process_time(), time.perf_counter()
            for claim_id, session_id in rest:
                pay(claim_id, session_id)
            wait_notice([claim_id for claim_id, _ in rest])
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            claim_reads = reads.stop()
            time.sleep(3)  # let the background email senders finish before the embedded AWS goes away
            bare = bare_render_cpu()
            letter = letter_alone_cpu()
    finally:
        server.shutdown()
        fake.close()
        for name in ("STRIPE_API_BASE", "CLAIMS_TODAY"):
            os.environ.pop(name, None)
    per_minute = len(rest) * 60 / elapsed
    per_claim = cpu / len(rest)
    return [
        (
            f"escalation: payment → notice sent, local pipeline ({len(rest)} claims)",
            f"{per_minute:.0f} claims/min ({elapsed / len(rest):.2f} s each, time scale on)",
        ),
        ("escalation: CPU per claim, payment → notice sent", f"{per_claim * 1000:.0f} ms"),
        ("escalation: a bare one-page WeasyPrint render (same run)", f"{bare * 1000:.0f} ms CPU"),
        ("escalation: CPU per claim / bare render (goal: within 2×)", f"{per_claim / bare:.1f}×"),
        ("escalation: the mise en demeure rendered alone (same run)", f"{letter * 1000:.0f} ms CPU"),
        ("escalation: CPU per claim / that letter alone", f"{per_claim / letter:.1f}×"),
        ("escalation: claim reads (ClaimRepository.get) per claim", f"{claim_reads / len(rest):.1f}"),
    ]


class _count_claim_reads:
    """Counts ``ClaimRepository.get`` calls (one DynamoDB GetItem each) until ``stop()``."""

    def __init__(self) -> None:
        from chalicelib.adapters.claims_repository import ClaimRepository

        self.count = 0
        self._original = ClaimRepository.get
        original = self._original

        def counting(repository, claim_id):  # type: ignore[no-untyped-def]
            self.count += 1
            return original(repository, claim_id)

        ClaimRepository.get = counting  # type: ignore[method-assign]

    def stop(self) -> int:
        from chalicelib.adapters.claims_repository import ClaimRepository

        ClaimRepository.get = self._original  # type: ignore[method-assign]
        return self.count


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
