// The platform's invoices for its fees (29 € the notice, 89 € the injonction dossier): a claim's invoices and
// credit notes on the claim's page, every invoice of the account on the profile page. Lists, not tables, so
// they fit a 360-px-wide phone; one download button (44 px high) per invoice.
import { h, add, clear, notice, pagedList, uniqueId, queryString, startDownload } from "./dom.js";
import { api } from "./api.js";
import { euros, dateLong, count } from "./format.js";

const PAGE_SIZE = 20;
const RETRY_MS = 1500;
const WAIT_MS = 45000;

/** Ask for the download link, waiting while the PDF is being made (409 invoice_not_ready), then download
 * (``status``: where to say how it goes). Also the operator's claim page's (pages/operateur-creance.js). */
export async function downloadInvoice(invoice, status) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const link = await api(invoice.download_path);
      startDownload(link);
      status.textContent = `Téléchargement de « ${link.filename} » lancé.`;
      return;
    } catch (error) {
      if (error.code !== "invoice_not_ready" || Date.now() > deadline) {
        status.textContent = error.message;
        return;
      }
      status.textContent = "Le PDF est en préparation : encore un instant…";
      await new Promise((resolve) => window.setTimeout(resolve, RETRY_MS));
    }
  }
}

function invoiceItem(invoice, { withClaim }) {
  const status = h("p", { class: "status-line hint", role: "status" });
  const label = invoice.kind === "credit_note" ? "l'avoir" : "la facture";
  const button = h(
    "button",
    { type: "button", "aria-label": `Télécharger ${label} n° ${invoice.number} (PDF)` },
    "Télécharger (PDF)",
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await downloadInvoice(invoice, status);
    } finally {
      button.disabled = false;
    }
  });
  return h(
    "li",
    { class: "invoice", dataset: { number: invoice.number } },
    h("p", {}, h("strong", {}, `${invoice.kind_label} n° ${invoice.number}`)),
    h(
      "p",
      {},
      `${dateLong(invoice.issued_on)} · ${invoice.step_label} · `,
      h("strong", {}, `${euros(invoice.amount_ttc)} TTC`),
      ` (dont TVA ${euros(invoice.amount_vat)})`,
    ),
    invoice.credited_number ? h("p", { class: "hint" }, `Avoir sur la facture n° ${invoice.credited_number}`) : null,
    withClaim ? h("p", { class: "hint" }, h("a", { href: `#/creances/${encodeURIComponent(invoice.claim_id)}` }, invoice.claim_detail)) : null,
    h("p", { class: "actions" }, button),
    status,
  );
}

function invoiceList(invoices, options) {
  return h("ul", { class: "plain invoices" }, invoices.map((invoice) => invoiceItem(invoice, options)));
}

/** The claim page's « Factures » card: shown once the claim has an invoice (a payment was received). */
export function invoicesSection(claim) {
  const titleId = uniqueId("titre-factures");
  const body = h("div");
  const card = h(
    "section",
    { class: "card", id: "factures", "aria-labelledby": titleId, hidden: true },
    h("h2", { id: titleId }, "Factures"),
    h("p", { class: "hint" }, "Les factures acquittées de vos paiements à la plateforme, et les avoirs de ses remboursements."),
    body,
  );
  api(`/v1/claims/${encodeURIComponent(claim.claim_id)}/invoices`)
    .then((answer) => {
      const invoices = answer.invoices || [];
      if (!invoices.length) return;
      add(clear(body), invoiceList(invoices, { withClaim: false }));
      card.hidden = false;
    })
    .catch(() => {}); // no invoice to show (a role that does not see the fees): the card stays hidden
  return card;
}

/** The profile page's « Mes factures »: every invoice of the account, newest first, « Plus » for the next. */
export function accountInvoicesSection() {
  const titleId = uniqueId("titre-mes-factures");
  const summary = h("p", { class: "hint", "aria-live": "polite" });
  const list = pagedList({
    fetchPage: async (cursor) => {
      const answer = await api(`/v1/me/invoices${queryString({ limit: PAGE_SIZE, cursor })}`);
      return { items: answer.invoices || [], next_cursor: answer.next_cursor };
    },
    render: (invoices) =>
      invoices.length
        ? invoiceList(invoices, { withClaim: true })
        : h("p", { class: "empty" }, "Aucune facture pour l'instant : elles apparaissent ici dès votre premier paiement."),
    onLoaded: (shown, more) => {
      summary.textContent = shown ? `${count(shown, "document affiché", "documents affichés")}${more ? " ; « Plus » pour les suivants" : ""}.` : "";
    },
    moreLabel: "Plus",
  });
  const card = h(
    "section",
    { class: "card", id: "mes-factures", "aria-labelledby": titleId },
    h("h2", { id: titleId }, "Mes factures"),
    h("p", {}, "Les factures de la plateforme pour vos paiements (mise en demeure, dossier d'injonction de payer) et les avoirs de ses remboursements, au format PDF."),
    summary,
    list.element,
  );
  list.load().catch((error) => add(card, notice("error", error.message)));
  return card;
}
