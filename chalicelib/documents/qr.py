"""QR codes as SVG (segno, pure Python): the EPC SEPA credit transfer a banking app reads (EPC069-12, through
``segno.helpers.make_epc_qr``) and the link to the debtor's page. Letters embed them as data URIs; the
debtor's page shows the same."""

from __future__ import annotations

import base64
import io

from chalicelib.domain.debtor_payment import Transfer


def _svg_data_uri(code: object, scale: int) -> str:
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True)  # type: ignore[attr-defined]
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def epc_qr(transfer: Transfer) -> object:
    """The EPC QR code of ``transfer`` (a segno QRCode): version 002, the structured RF reference."""
    from segno import helpers

    return helpers.make_epc_qr(
        name=transfer.beneficiary_name,
        iban=transfer.iban,
        amount=transfer.amount,
        reference=transfer.reference,
        bic=transfer.bic or None,
    )


def epc_qr_svg(transfer: Transfer, scale: int = 3) -> str:
    return _svg_data_uri(epc_qr(transfer), scale)


def link_qr_svg(url: str, scale: int = 3) -> str:
    import segno

    return _svg_data_uri(segno.make_qr(url, error="m"), scale)
