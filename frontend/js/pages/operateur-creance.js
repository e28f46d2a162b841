// The operator's file of one claim (issue 24), for a support request: the claim, its creditor, the payments
// and refunds with their Stripe references, the fee invoices, the registered letter, the partner lawyer, the
// emails (what and to whom, never their content) and the whole history with who did what. The operator's
// actions (redrive, refuse and refund) are the list's, where the list offers them (operateur.js).
import { h, add, clear, notice, table, facts, link } from "../dom.js";
import { api } from "../api.js";
import { euros, dateLong, dateShort, when } from "../format.js";
import { groupOf } from "../statuses.js";
import { downloadInvoice } from "../invoices.js";
import { claimActions, hasOperatorActions } from "./operateur.js";

const CATEGORIES = {
  commercant: "commerçant",
  artisan: "artisan",
  liberal: "profession libérale",
  sel: "société d'exercice libéral",
  association: "association",
  consommateur: "consommateur",
};

export async function render(ctx) {
  const root = h("div", { class: "claim-page operator-claim" });
  ctx.main.append(root);
  await show(root, ctx.params.id, ctx);
}

async function show(root, id, ctx) {
  let file;
  try {
    file = await api(`/v1/operator/claims/${encodeURIComponent(id)}`);
  } catch (error) {
    add(clear(root), back(), h("h1", {}, "Créance introuvable"), notice("error", error.message));
    return;
  }
  if (ctx && !ctx.alive()) return;
  draw(root, file, () => show(root, id));
}

function back() {
  return h("p", {}, link("#/operateur", "← Exploitation de la plateforme"));
}

/** A Stripe or provider reference: monospace, wraps anywhere on a phone. */
function ref(value) {
  return value ? h("code", { class: "wrap" }, value) : "—";
}

function refs(pairs) {
  const shown = pairs.filter(([, value]) => value);
  if (!shown.length) return "—";
  return h("ul", { class: "refs" }, shown.map(([label, value]) => h("li", {}, `${label} : `, ref(value))));
}

function section(id, title, ...children) {
  return h("section", { class: "card", id, "aria-labelledby": `titre-${id}` }, h("h2", { id: `titre-${id}` }, title), ...children);
}

function draw(root, file, reload) {
  const claim = file.claim;
  add(
    clear(root),
    back(),
    h("h1", {}, `Créance — ${claim.debtor_name}`),
    h(
      "p",
      { class: "claim-meta" },
      h("span", { class: `badge badge-${groupOf(claim.status)}`, id: "statut" }, claim.status_label),
      h("code", { id: "numero-creance" }, claim.claim_id),
      h("span", {}, [euros(claim.principal), claim.reference ? `Référence : ${claim.reference}` : "", `Mise à jour le ${when(claim.updated_at)}`].filter(Boolean).join(" · ")),
    ),
    actionsSection(claim, reload),
    claimSection(file),
    creditorSection(file.creditor),
    paymentsSection(file),
    invoicesSection(file.invoices),
    letterSection(file.letter, claim.letter),
    lawyerSection(file.lawyer),
    emailsSection(file.emails),
    historySection(file.timeline),
  );
}

function actionsSection(claim, reload) {
  const body = hasOperatorActions(claim.status)
    ? claimActions(claim, reload)
    : h("p", { class: "hint" }, "Aucune action d'exploitation à cette étape : ni relance du traitement, ni refus avec remboursement.");
  return section("actions-operateur", "Actions de l'opérateur", body);
}

function claimSection(file) {
  const { claim, debtor, amounts } = file;
  return section(
    "creance",
    "Créance",
    facts([
      ["Numéro", ref(claim.claim_id)],
      ["Statut", claim.status_label],
      ["Débiteur", `${debtor.name}${debtor.category ? ` (${CATEGORIES[debtor.category] || debtor.category})` : ""}`],
      ["SIREN du débiteur", debtor.siren],
      ["E-mail du débiteur", debtor.email],
      ["Adresse du débiteur", debtor.address],
      ["Référence", claim.reference],
      ["Montant des factures", euros(claim.principal)],
      ["Échéance la plus ancienne", dateLong(claim.due_date)],
      [
        amounts ? `Sommes dues${file.amounts_as_of ? ` au ${dateLong(file.amounts_as_of)}` : ""}` : "",
        amounts ? `${euros(amounts.total)} (principal ${euros(amounts.principal_outstanding)}, intérêts ${euros(amounts.interest)}, indemnité ${euros(amounts.indemnity)})` : "",
      ],
      ["Délai de la mise en demeure", claim.notice_deadline ? `jusqu'au ${dateLong(claim.notice_deadline)}` : ""],
      ["Déposée le", when(claim.created_at)],
    ]),
  );
}

function creditorSection(creditor) {
  return section(
    "creancier",
    "Créancier",
    creditor.email ? null : notice("warning", "Le compte du créancier est introuvable."),
    facts([
      ["Raison sociale", creditor.legal_name ? `${creditor.legal_name}${creditor.legal_form ? ` (${creditor.legal_form})` : ""}` : ""],
      ["SIREN", creditor.siren],
      ["E-mail du compte", creditor.email],
      ["Contact", creditor.contact_name],
      ["Téléphone", creditor.phone],
      ["Identifiant du compte", ref(creditor.user_id)],
      ["CGV acceptées", creditor.cgv_version ? `version ${creditor.cgv_version}` : ""],
    ]),
  );
}

function paymentsSection(file) {
  return section(
    "paiements",
    "Paiements et remboursements",
    table(
      [
        { label: "Prestation", value: (p) => p.step_label },
        { label: "Montant", value: (p) => euros(p.amount), class: "num" },
        { label: "État", value: (p) => p.status_label },
        { label: "Payé le", value: (p) => (p.paid_at ? when(p.paid_at) : "—") },
        { label: "Remboursé", value: (p) => (Number(p.refunded) > 0 ? euros(p.refunded) : "—") },
        {
          label: "Stripe",
          value: (p) => refs([["Session", p.stripe_session_id], ["Paiement", p.stripe_payment_intent], ["Facture Stripe", p.stripe_invoice_id]]),
        },
      ],
      file.payments,
      { caption: "Paiements Stripe Checkout", empty: "Aucun paiement.", attrs: { id: "paiements-operateur", class: "cards" } },
    ),
    h("h3", {}, "Remboursements"),
    table(
      [
        { label: "Prestation", value: (r) => r.step_label || "—" },
        { label: "Montant", value: (r) => (r.amount ? euros(r.amount) : "—"), class: "num" },
        { label: "Demandé", value: (r) => (r.requested_at ? `${when(r.requested_at)}${r.requested_by ? `, par ${r.requested_by}` : ""}` : "—") },
        { label: "Confirmé par Stripe", value: (r) => (r.confirmed_on ? dateLong(r.confirmed_on) : "en attente") },
        { label: "Avoir", value: (r) => r.credit_note || "—" },
        { label: "Stripe", value: (r) => refs([["Remboursement", r.stripe_refund_id], ["Paiement", r.stripe_payment_intent]]) },
      ],
      file.refunds,
      { caption: "Remboursements demandés à Stripe", empty: "Aucun remboursement.", attrs: { id: "remboursements-operateur", class: "cards" } },
    ),
  );
}

function invoicesSection(invoices) {
  const status = h("p", { class: "status-line hint", role: "status" });
  const pdf = (invoice) => {
    const label = invoice.kind === "credit_note" ? "l'avoir" : "la facture";
    const trigger = h("button", { type: "button", class: "secondary small", "aria-label": `Télécharger ${label} n° ${invoice.number} (PDF)` }, "Télécharger (PDF)");
    trigger.addEventListener("click", async () => {
      trigger.disabled = true;
      try {
        await downloadInvoice(invoice, status);
      } finally {
        trigger.disabled = false;
      }
    });
    return trigger;
  };
  return section(
    "factures-operateur",
    "Factures",
    table(
      [
        { label: "Numéro", value: (i) => h("div", {}, h("strong", {}, i.number), h("br"), i.kind_label, i.credited_number ? ` de la facture ${i.credited_number}` : "") },
        { label: "Prestation", value: (i) => i.step_label },
        { label: "Émise le", value: (i) => dateShort(i.issued_on) },
        { label: "Montant TTC", value: (i) => euros(i.amount_ttc), class: "num" },
        {
          label: "Stripe",
          value: (i) => refs([["Paiement", i.stripe_payment_intent], ["Session", i.stripe_session_id], ["Remboursement", i.stripe_refund_id], ["Facture Stripe", i.stripe_invoice_id]]),
        },
        { label: "PDF", value: (i) => pdf(i) },
      ],
      invoices,
      { caption: "Factures et avoirs de la plateforme", empty: "Aucune facture : aucun paiement reçu.", attrs: { id: "factures-creance", class: "cards" } },
    ),
    status,
  );
}

/** ``summary``: the list's one line (channel, provider, price or its estimate, outcome). */
function letterSection(letter, summary) {
  if (!letter) return section("lettre", "Lettre recommandée", h("p", { class: "empty" }, "Pas encore de mise en demeure."));
  return section(
    "lettre",
    "Lettre recommandée",
    facts([
      ["État", letter.status === "sent" ? "Envoyée" : "Préparée, pas encore envoyée"],
      ["En résumé", summary],
      ["Mode d'envoi", letter.channel_label || letter.channel],
      ["Prestataire", letter.provider],
      ["Référence du prestataire", letter.provider_ref ? ref(letter.provider_ref) : ""],
      ["Numéro de suivi", letter.tracking_number ? ref(letter.tracking_number) : ""],
      ["Prix HT du prestataire", letter.price_ht ? euros(letter.price_ht) : letter.status === "sent" ? "non communiqué" : ""],
      ["Suivi", letter.outcome_label],
      ["Date de la lettre", dateLong(letter.letter_date)],
      ["Envoyée le", dateLong(letter.sent_on)],
      ["Première présentation", dateLong(letter.first_presented_on)],
      ["Dernier jour pour payer", dateLong(letter.deadline)],
      ["Copie par e-mail au débiteur", letter.emailed_to],
      ["Preuves reçues", letter.proofs ? String(letter.proofs) : ""],
      ["Lettres revenues et renvoyées", letter.returned_letters ? String(letter.returned_letters) : ""],
    ]),
    letter.events.length
      ? h("ol", { class: "delivery-events", "aria-label": "Événements du prestataire" }, letter.events.map((e) => h("li", {}, `${dateLong(e.on)} — ${e.label || e.kind}`)))
      : null,
  );
}

function lawyerSection(lawyer) {
  if (!lawyer) return section("avocat-operateur", "Avocat", h("p", { class: "empty" }, "Aucun dossier d'injonction de payer."));
  const procedure = lawyer.procedure || {};
  const deadline = procedure.next_deadline;
  return section(
    "avocat-operateur",
    "Avocat",
    lawyer.lawyer_id ? null : notice("warning", `Aucun avocat n'a le dossier${lawyer.waiting_reason ? ` : ${lawyer.waiting_reason}` : "."}`),
    facts([
      ["Avocat", lawyer.name ? `${lawyer.name}${lawyer.barreau ? `, barreau de ${lawyer.barreau}` : ""}` : ""],
      ["E-mail", lawyer.email],
      ["Identifiant du compte", lawyer.lawyer_id ? ref(lawyer.lawyer_id) : ""],
      ["Confié le", when(lawyer.assigned_at)],
      ["Accepté le", lawyer.lawyer_id ? (lawyer.accepted_at ? when(lawyer.accepted_at) : "pas encore accepté") : ""],
      ["Requête déposée", procedure.filing ? `le ${dateLong(procedure.filing.filed_on)} — ${procedure.filing.court}${procedure.filing.reference ? ` (RG ${procedure.filing.reference})` : ""}` : ""],
      ["Ordonnance", procedure.order ? `du ${dateLong(procedure.order.ordered_on)} : ${procedure.order.outcome_label}` : ""],
      ["Signification", procedure.service ? `le ${dateLong(procedure.service.served_on)}` : ""],
      ["Opposition", procedure.opposition ? `le ${dateLong(procedure.opposition.opposed_on)}` : ""],
      ["Exécution forcée", procedure.enforcement ? `depuis le ${dateLong(procedure.enforcement.started_on)}` : ""],
      ["Prochain délai", deadline ? `${deadline.label} — au plus tard le ${dateLong(deadline.date)} (${deadline.article})` : ""],
    ]),
    lawyer.declines.length
      ? [
          h("h3", {}, "Avocats précédents"),
          h("ul", { class: "plain" }, lawyer.declines.map((d) => h("li", {}, `${when(d.at)} — ${d.lawyer} ${d.kind_label}${d.reason ? ` : ${d.reason}` : ""}`))),
        ]
      : null,
  );
}

function emailsSection(emails) {
  return section(
    "e-mails",
    "E-mails",
    h("p", { class: "hint" }, "Les e-mails de la créance tels que la file d'envoi les garde : leur objet, leur destinataire et leur envoi (jamais leur contenu)."),
    table(
      [
        { label: "E-mail", value: (e) => h("div", {}, e.kind_label, h("br"), h("code", {}, e.kind)) },
        { label: "Destinataire", value: (e) => e.recipient_label },
        { label: "État", value: (e) => e.status_label },
        { label: "Tentatives", value: (e) => String(e.attempts), class: "num" },
        { label: "Mis en file", value: (e) => when(e.queued_at) },
        { label: "Envoyé le", value: (e) => (e.sent_at ? when(e.sent_at) : "—") },
        { label: "Erreur", value: (e) => e.error || "—" },
      ],
      emails,
      { caption: "E-mails de la créance", empty: "Aucun e-mail.", attrs: { id: "e-mails-creance", class: "cards" } },
    ),
  );
}

function historySection(timeline) {
  return section(
    "historique-operateur",
    "Historique",
    h(
      "ol",
      { class: "timeline", id: "historique" },
      timeline.map((event) =>
        h(
          "li",
          { class: event.kind === "status_changed" ? "status-event" : "" },
          h("time", { datetime: event.at }, `${when(event.at)} · n° ${event.sequence}`),
          h("div", { class: "reason" }, h("strong", { class: "kind" }, event.kind === "status_changed" ? event.to_status_label : event.kind_label), event.reason ? ` — ${event.reason}` : ""),
          h("div", { class: "hint actor" }, `Par ${event.actor_label}`),
        ),
      ),
    ),
  );
}
