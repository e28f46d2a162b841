"""Requête, bordereau and the assembled dossier (bookmarks, stamps, ZIP manifest)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from chalicelib.documents.dossier import assemble
from chalicelib.documents.letters import document_pdf
from tests.unit.documents.fixtures import make_context
from tests.unit.documents.helpers import normalise, pdf_text, save_pages


def _eur(value: str) -> str:
    from chalicelib.documents.formatting import euros

    return normalise(euros(value))


@pytest.mark.parametrize(
    ("case", "judge", "cerfa"),
    [
        ("b2b", "Président du Tribunal des activités économiques de Lyon", "12946"),
        ("b2b_three_invoices", "Président du Tribunal de commerce de Bordeaux", "12946"),
        ("b2c", "Président du Tribunal judiciaire de Nantes", "12948"),
        ("b2c_payment", "Président du Tribunal judiciaire de Marseille", "12948"),
    ],
)
def test_requete_has_the_cpc_1407_and_general_mentions(rendered, case, judge, cerfa) -> None:
    ctx, _, text = rendered(case, "requete")
    assert "REQUÊTE EN INJONCTION DE PAYER" in text
    assert f"À Madame, Monsieur le {judge}" in text  # the court seized
    assert ctx.route["court_address"] in text
    # parties: legal form, name, registered office, representative body; debtor name and domicile
    assert ctx.creditor.legal_form in text and f"SIREN {ctx.creditor.siren_spaced}" in text
    assert f"représentée par {ctx.creditor.representative}" in text
    assert ctx.debtor.name in text and ctx.debtor.address.street in text
    # object, precise amount with décompte, basis, exhibits, date and signature
    assert f"injonction de payer la somme de {_eur(ctx.assessment['amounts']['total'])}" in text
    assert f"Total réclamé {_eur(ctx.assessment['amounts']['total'])}" in text
    assert "article 1405 1° du code de procédure civile" in text
    for inv in ctx.invoices:
        assert f"n° {inv.number}" in text
    for exhibit in ctx.exhibits:
        assert f"Pièce n° {exhibit.number} : {exhibit.title}" in text
    assert f"Fait à {ctx.place}, le" in text and ctx.creditor.signatory_name in text
    _, _, note = rendered(case, "note_avocat")
    assert f"Cerfa n° {cerfa}" in note


def test_b2b_requete_claims_penalties_and_indemnities(rendered) -> None:
    _, _, text = rendered("b2b_three_invoices", "requete")
    assert "Pénalités de retard (C. com. L441-10 II) arrêtées au 31/01/2026 31,37 €" in text
    assert "40 € × 3 120,00 €" in text


def test_bordereau_numbers_the_exhibits_with_their_dates(rendered) -> None:
    ctx, _, text = rendered("b2c", "bordereau")
    assert "BORDEREAU DE PIÈCES" in text
    assert "Pièce n° 1 Devis n° D-2024-118 accepté et conditions générales de vente 10/03/2025" in text
    assert "Pièce n° 2 Facture n° F-2025-0010 10/03/2025" in text
    assert "Pièce n° 3 Mise en demeure 02/05/2025" in text
    assert "Pièce n° 4 Preuve de dépôt et avis de réception de la mise en demeure 05/05/2025" in text
    assert len(ctx.exhibits) == 4


@pytest.fixture(scope="module")
def dossier():
    ctx = make_context("b2c")
    letter = document_pdf("mise_en_demeure", ctx)
    png = _png()
    contents = []
    for exhibit in ctx.exhibits:
        if exhibit.number == 4:
            contents.append(dataclasses.replace(exhibit, content=png, media_type="image/png"))
        else:
            contents.append(dataclasses.replace(exhibit, content=letter, media_type="application/pdf"))
    ctx = dataclasses.replace(ctx, exhibits=tuple(contents))
    result = assemble(ctx)
    save_pages(result.merged_pdf, "dossier-b2c")
    return ctx, result


def _png() -> bytes:
    import base64

    # a 2x2 red PNG (an uploaded scan stands for the avis de réception)
    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAxAAGAA0xAQX/Y5nBAAAAAElFTkSuQmCC"
    )


def test_dossier_bookmarks_point_at_each_piece_in_order(dossier) -> None:
    ctx, result = dossier
    reader = PdfReader(io.BytesIO(result.merged_pdf))
    titles = [item.title for item in reader.outline]  # type: ignore[union-attr]
    assert titles[:4] == [
        "Note à l'attention de l'avocat",
        "Requête en injonction de payer",
        "Décompte de la créance",
        "Bordereau de pièces",
    ]
    assert titles[4:] == [f"Pièce n° {e.number} — {e.title}" for e in ctx.exhibits]
    pages = [reader.get_destination_page_number(item) for item in reader.outline]  # type: ignore[arg-type]
    assert pages == sorted(pages) and pages[0] == 0
    assert len(reader.pages) == sum(len(PdfReader(io.BytesIO(f.pdf)).pages) for f in result.files)


def test_every_exhibit_page_is_stamped_and_images_become_pages(dossier) -> None:
    ctx, result = dossier
    for exhibit, file in zip(ctx.exhibits, result.files[4:], strict=True):
        reader = PdfReader(io.BytesIO(file.pdf))
        for page in reader.pages:
            assert f"Pièce n° {exhibit.number}" in normalise(page.extract_text())
    image_page = PdfReader(io.BytesIO(result.files[-1].pdf)).pages[0]
    assert round(float(image_page.mediabox.width)) == 595  # A4
    assert "Lettre" not in pdf_text(result.files[-1].pdf)


def test_zip_holds_every_piece_and_a_manifest_with_their_sha256(dossier) -> None:
    ctx, result = dossier
    with zipfile.ZipFile(io.BytesIO(result.zip_bytes)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["claim_id"] == ctx.claim_id
        assert manifest["generated_at"] == ctx.generated_at.isoformat()
        names = [f["name"] for f in manifest["files"]]
        assert set(archive.namelist()) == {*names, "manifest.json"}
        assert len(names) == 1 + 4 + len(ctx.exhibits)
        for entry in manifest["files"]:
            data = archive.read(entry["name"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["bytes"]
        assert archive.read("dossier-complet.pdf") == result.merged_pdf


def test_dossier_is_reproducible(dossier) -> None:
    ctx, result = dossier
    assert assemble(ctx).zip_bytes == result.zip_bytes


def test_cover_note_carries_the_warnings() -> None:
    ctx = make_context("b2b")
    assessment = json.loads(json.dumps(ctx.assessment))
    assessment["prescription"]["urgent"] = True
    assessment["route"]["lawyer_review"] = True
    assessment["findings"].append(
        {
            "code": "x_warning",
            "article": "C. civ. 2224",
            "message": "À vérifier.",
            "part": "route",
            "level": "warning",
        }
    )
    text = pdf_text(document_pdf("note_avocat", dataclasses.replace(ctx, assessment=assessment)))
    assert "URGENT" in text and "Revue par un avocat requise" in text and "Attention — À vérifier." in text
