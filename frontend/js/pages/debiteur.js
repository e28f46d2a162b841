// The debtor's page (issue 22): opened from the link or the QR code of a relance or a mise en demeure, without
// an account. What the letter shows, the sums due today, and paying by bank transfer in one scan (EPC QR code).
import { h, add, notice, facts } from "../dom.js";
import { api } from "../api.js";
import { euros, dateLong, dateShort } from "../format.js";

export async function render({ main, params }) {
  document.title = "Votre dossier — Recouvrement de créances en ligne";
  const status = h("p", { role: "status" }, "Chargement du dossier…");
  main.append(status);
  let page;
  try {
    page = await api(`/v1/debtor/${encodeURIComponent(params.token)}`);
  } catch (error) {
    status.remove();
    add(main, h("h1", { tabindex: "-1" }, "Dossier introuvable"), notice(error.status === 429 ? "warning" : "error", error.message));
    return;
  }
  status.remove();
  const amounts = page.amounts || {};
  const transfer = page.transfer;
  add(
    main,
    h("h1", { tabindex: "-1" }, `Votre dossier auprès de ${page.creditor.name}`),
    h(
      "p",
      { class: "lead" },
      `Montant dû au ${dateLong(page.as_of)} : `,
      h("strong", { id: "montant-du" }, euros(amounts.total)),
      page.deadline ? [" — à régler au plus tard le ", h("strong", { id: "delai" }, dateLong(page.deadline))] : "",
      ".",
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-virement" },
      h("h2", { id: "titre-virement" }, "Payer par virement"),
      transfer.qr_svg
        ? h(
            "figure",
            { class: "qr" },
            h("img", { src: transfer.qr_svg, alt: "QR code de virement SEPA : bénéficiaire, montant et référence", id: "qr-virement", width: "220", height: "220" }),
            h("figcaption", {}, "Scannez ce QR code avec l'application de votre banque : le virement est prérempli."),
          )
        : null,
      facts([
        ["Bénéficiaire", transfer.beneficiary],
        ["IBAN", transfer.iban],
        ["BIC", transfer.bic || ""],
        ["Montant", euros(transfer.amount)],
        ["Référence à indiquer", transfer.reference],
      ], { id: "virement" }),
      h("p", { class: "hint" }, "Indiquez la référence telle quelle : elle permet au créancier de rattacher votre paiement à ce dossier."),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-sommes" },
      h("h2", { id: "titre-sommes" }, `Sommes dues au ${dateLong(page.as_of)}`),
      h(
        "table",
        { class: "amounts" },
        h(
          "tbody",
          {},
          h("tr", {}, h("th", { scope: "row" }, "Principal restant dû"), h("td", { class: "num" }, euros(amounts.principal_outstanding))),
          h("tr", {}, h("th", { scope: "row" }, `Intérêts ou pénalités de retard${amounts.a_parfaire ? " (à parfaire)" : ""}`), h("td", { class: "num" }, euros(amounts.interest))),
          Number(amounts.indemnity) > 0 ? h("tr", {}, h("th", { scope: "row" }, "Indemnité forfaitaire de recouvrement"), h("td", { class: "num" }, euros(amounts.indemnity))) : null,
          h("tr", { class: "total" }, h("th", { scope: "row" }, "Total"), h("td", { class: "num" }, euros(amounts.total))),
        ),
      ),
      h("h3", {}, "Factures"),
      h(
        "ul",
        { id: "factures" },
        page.invoices.map((invoice) =>
          h("li", {}, `n° ${invoice.number} du ${dateShort(invoice.issue_date)}${invoice.due_date ? `, échéance ${dateShort(invoice.due_date)}` : ""} : ${euros(invoice.amount)}`),
        ),
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-creancier" },
      h("h2", { id: "titre-creancier" }, "Le créancier"),
      facts([
        ["Nom", page.creditor.name],
        ["Adresse", page.creditor.address],
        ["E-mail", page.creditor.email],
        ["Téléphone", page.creditor.phone],
        ["Référence du dossier", page.reference || ""],
      ]),
      h("p", { class: "hint" }, "Vous contestez cette somme, ou vous avez déjà payé ? Écrivez au créancier à l'adresse ci-dessus en rappelant la référence du dossier."),
    ),
  );
}
