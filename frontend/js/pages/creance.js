// One claim: where it stands, what to do now (pay, answer the offer, record a payment, a dispute, the
// registered letter's first presentation, withdraw), the notice to download, the evidence, the payments
// and the hash-chained timeline. A draft opens the filing form instead. The page follows the claim while
// the platform moves it on (it asks again every few seconds).
import { h, add, clear, notice, announce, button, table, facts, startDownload } from "../dom.js";
import { api, priceOf } from "../api.js";
import { cgvState, cgvConsent } from "../cgv.js";
import { field, showErrors, checkRequired, busy, controlValue } from "../forms.js";
import { euros, dateLong, dateShort, when, bytes, todayIso, todayAttrs } from "../format.js";
import { nextStep, groupOf, isOpen, WITHDRAWABLE, AFTER_NOTICE, ENDED } from "../statuses.js";
import { decompteView, interestLabel } from "./depot.js";
import { debtorLinkSection, debtorDeclarationsSection } from "../debtor-link.js";
import { invoicesSection } from "../invoices.js";

const POLL_MS = 2000;
// The statuses a payment leads to at once: the « paiement confirmé » banner is news only there.
const JUST_PAID = new Set(["awaiting_payment", "assessing", "lawyer_review", "dossier_ready"]);

/** Where the claim is on its way: the stages done, the current one with its date, the next with its date. */
function stageTracker(claim) {
  const stages = claim.stages;
  if (!stages || !stages.steps) return null;
  const mark = { done: "✓", current: "●", todo: "○" };
  const words = { done: "étape franchie", current: "étape en cours", todo: "étape à venir" };
  const list = h(
    "ol",
    { class: "stage-tracker", "aria-label": "Étapes de la créance" },
    stages.steps.map((step) =>
      h(
        "li",
        { class: `stage stage-${step.state}`, ...(step.state === "current" ? { "aria-current": "step" } : {}) },
        h("span", { class: "stage-mark", "aria-hidden": "true" }, mark[step.state]),
        h("span", { class: "stage-label" }, step.label),
        h("span", { class: "visually-hidden" }, ` (${words[step.state]})`),
        step.date ? h("span", { class: "stage-date" }, dateShort(step.date)) : null,
      ),
    ),
  );
  const now = stages.ended
    ? `${stages.ended} — à l'étape « ${stages.current_label} »`
    : `${stages.on_hold ? "En attente de notre équipe à l'étape" : "Étape en cours :"} « ${stages.current_label} », depuis le ${dateLong(stages.current_date)}`;
  const next = stages.next
    ? ` Étape suivante : ${stages.next.label}${stages.next.date ? `, le ${dateLong(stages.next.date)}` : ""}.`
    : "";
  return h(
    "section",
    { class: "card stages", "aria-labelledby": "titre-etapes", id: "etapes" },
    h("h2", { id: "titre-etapes" }, "Où en est la créance"),
    h("p", { id: "etape-en-cours" }, `${now}.${next}`),
    list,
  );
}

export async function render(ctx) {
  const { main, params } = ctx;
  const id = params.id;
  let claim;
  try {
    claim = await api(`/v1/claims/${encodeURIComponent(id)}`);
  } catch (error) {
    add(main, h("h1", {}, "Créance introuvable"), notice("error", error.message), h("p", {}, h("a", { href: "#/creances" }, "Retour à mes créances")));
    return;
  }
  if (claim.status === "draft") {
    const depot = await import("./depot.js");
    return depot.renderWizard(ctx, claim);
  }
  const view = { ctx, ...(await loadBoth(id, claim)), root: h("div", { class: "claim-page" }) };
  main.append(view.root);
  draw(view);
  let timer = null;
  const poll = async () => {
    if (!ctx.alive()) return;
    try {
      const fresh = await api(`/v1/claims/${encodeURIComponent(id)}`);
      if (fresh.version !== view.claim.version && !typing(view.root)) {
        Object.assign(view, await loadBoth(id, fresh));
        if (!ctx.alive()) return;
        draw(view, { focus: false });
        announce(`Statut de la créance : ${fresh.status_label}.`);
      }
    } catch {
      /* try again at the next tick */
    }
    // A claim that has reached its end moves no more: stop asking.
    if (ctx.alive() && isOpen(view.claim.status)) timer = window.setTimeout(poll, POLL_MS);
  };
  timer = window.setTimeout(poll, POLL_MS);
  ctx.onLeave(() => window.clearTimeout(timer));
}

function typing(root) {
  const active = document.activeElement;
  if (active && root.contains(active) && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName)) return true;
  return [...root.querySelectorAll("details[open] input, details[open] textarea")].some((c) => c.value && c.type !== "date");
}

/** The claim and its history, the claim read after the history: the page never shows a step in the history
 * that its sections do not show yet (the letter « Préparée » under a history that says it was sent). */
async function loadBoth(id, before) {
  const timeline = await loadTimeline(id);
  let claim = before;
  try {
    claim = await api(`/v1/claims/${encodeURIComponent(id)}`);
  } catch {
    /* the claim as read before the history: the next tick reads it again */
  }
  return { claim, timeline };
}

/** Every event of the claim, in order (the API gives them 200 at a time: one page but for the longest). */
async function loadTimeline(id) {
  const events = [];
  let cursor = null;
  try {
    do {
      const page = await api(`/v1/claims/${encodeURIComponent(id)}/timeline${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
      events.push(...page.events);
      cursor = page.next_cursor;
    } while (cursor);
  } catch {
    return events;
  }
  return events;
}

async function refresh(view, claim, message) {
  Object.assign(view, await loadBoth(view.claim.claim_id, claim || view.claim));
  draw(view, { focus: false });
  if (message) {
    view.root.querySelector("#message-action").append(notice("success", message));
    announce(message);
  }
}

function draw(view) {
  const { claim, ctx } = view;
  const step = nextStep(claim);
  const query = ctx.query;
  const banner = [];
  // Back from the checkout: said while it is news (the claim still at the step the payment opened), not
  // stages later when the page is opened again from the same link.
  if (query.paiement === "ok" && JUST_PAID.has(claim.status)) {
    banner.push(
      claim.status === "awaiting_payment"
        ? notice("info", "Paiement effectué : confirmation en cours auprès de notre prestataire…")
        : notice("success", "Paiement confirmé. Merci !"),
    );
  } else if (query.paiement === "annule" && claim.status === "awaiting_payment") {
    banner.push(notice("warning", "Paiement annulé : vous pouvez le reprendre quand vous le souhaitez."));
  }
  add(
    clear(view.root),
    h("h1", {}, `Créance — ${claim.debtor_name}`),
    h(
      "p",
      { class: "claim-meta" },
      h("span", { class: `badge badge-${groupOf(claim.status)}`, id: "statut" }, claim.status_label),
      ` Montant des factures : ${euros(claim.principal)}`,
      claim.reference ? ` · Référence : ${claim.reference}` : "",
      ` · Déposée le ${dateShort(claim.created_at)}`,
    ),
    stageTracker(claim),
    banner,
    h("div", { id: "message-action", "aria-live": "polite" }),
    h(
      "section",
      { class: "card next-step", "aria-labelledby": "prochaine-etape" },
      h("h2", { id: "prochaine-etape" }, "Prochaine étape"),
      h("p", { id: "etape-suivante" }, h("strong", {}, step.label), step.date ? ` — ${step.dateLabel.toLowerCase()} : ${dateLong(step.date)}` : ""),
      actionsFor(view),
    ),
    reviewSection(claim),
    debtorDeclarationsSection(claim.claim_id, (message) => refresh(view, null, message)),
    debtorLinkSection(claim.claim_id),
    noticeSection(view),
    invoicesSection(claim),
    lawyerSection(claim),
    amountsSection(claim),
    documentsSection(claim),
    paymentsSection(claim),
    timelineSection(view),
    secondaryActions(view),
  );
}

// --- a partner lawyer's review before any letter (prescription at risk…) ----------------------------------
function reviewSection(claim) {
  const review = claim.review;
  if (!review || !["lawyer_review", "assessing", "notice_sent", "rejected"].includes(claim.status) && !review.decision) return null;
  const decided = review.decision === "approved"
    ? `Accord de ${review.lawyer_name || "l'avocat partenaire"}${review.decided_at ? ` le ${dateShort(review.decided_at)}` : ""} : la mise en demeure peut partir.`
    : review.decision === "refused"
      ? `Refus de ${review.lawyer_name || "l'avocat partenaire"}${review.decided_at ? ` le ${dateShort(review.decided_at)}` : ""} : aucun courrier n'a été envoyé ; le montant réglé vous est remboursé.`
      : "Un avocat partenaire examine la créance : aucun courrier n'est envoyé au débiteur avant sa décision.";
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-revue", id: "revue-avocat" },
    h("h2", { id: "titre-revue" }, "Revue par un avocat avant tout envoi"),
    h("p", {}, decided),
    review.note ? h("p", {}, h("strong", {}, review.decision === "refused" ? "Motif : " : "Observation : "), review.note) : null,
    h("p", {}, "Pourquoi :"),
    h("ul", {}, review.reasons.map((r) => h("li", {}, r.message, r.article ? h("span", { class: "article" }, ` (${r.article})`) : null))),
  );
}

// --- what the creditor can do now --------------------------------------------------------------------------
function actionsFor(view) {
  const { claim } = view;
  const box = h("div", { class: "actions-now" });
  if (claim.status === "awaiting_payment") {
    const pay = h("button", { type: "button", class: "primary large", id: "payer" }, "Payer la mise en demeure");
    priceOf("notice").then((price) => {
      if (price) pay.textContent = `Payer ${euros(price.amount)} — ${price.label}`;
    });
    const terms = termsBefore(box, pay);
    pay.addEventListener("click", () => {
      if (!terms.confirm(box)) return;
      checkout(view, pay, () => api(`/v1/claims/${encodeURIComponent(claim.claim_id)}/checkout`, { method: "POST", body: terms.body() }));
    });
    add(box, h("p", {}, "La créance est vérifiée. Réglez le service pour que la mise en demeure parte."), terms.slot, pay);
  } else if (claim.status === "escalation_offered") {
    const accept = h("button", { type: "button", class: "primary large", id: "accepter-injonction" }, "Accepter et payer le dossier d'injonction de payer");
    priceOf("dossier").then((price) => {
      if (price) accept.textContent = `Accepter et payer ${euros(price.amount)} — ${price.label}`;
    });
    const terms = termsBefore(box, accept);
    accept.addEventListener("click", () => {
      if (!terms.confirm(box)) return;
      checkout(view, accept, () => api(`/v1/claims/${encodeURIComponent(claim.claim_id)}/escalation`, { method: "POST", body: { decision: "accept", ...terms.body() } }));
    });
    const decline = h("details", { class: "inline-action" }, h("summary", {}, "Refuser et clôturer la créance"));
    const confirm = h("button", { type: "button", class: "danger" }, "Confirmer le refus");
    confirm.addEventListener("click", async () => {
      await busy(confirm, "…", async () => {
        try {
          const updated = await api(`/v1/claims/${encodeURIComponent(claim.claim_id)}/escalation`, { method: "POST", body: { decision: "decline" } });
          await refresh(view, updated, "Injonction de payer refusée : la créance est clôturée.");
        } catch (error) {
          decline.append(notice("error", error.message));
        }
      });
    });
    add(decline, h("p", {}, "La créance sera clôturée sans procédure judiciaire."), confirm);
    add(
      box,
      h("p", {}, "Le délai de la mise en demeure est passé sans paiement complet. Vous pouvez engager la procédure d'injonction de payer : nous constituons le dossier et le confions à un avocat partenaire."),
      terms.slot,
      accept,
      decline,
    );
  } else if (claim.status === "needs_attention" && claim.notice?.delivery?.outcome === "undeliverable") {
    const address = claim.content?.debtor?.address || {};
    add(
      box,
      notice("warning", "La mise en demeure est revenue non distribuable : l'adresse du débiteur est inconnue ou incomplète. Indiquez la bonne adresse : la lettre repartira aussitôt, sans nouveau paiement."),
      actionForm({
        id: "action-adresse",
        summary: "Corriger l'adresse du débiteur",
        fields: [
          field({ name: "line1", label: "Adresse", required: true, value: address.line1 || "", wide: true }),
          field({ name: "line2", label: "Complément d'adresse", value: address.line2 || "", wide: true }),
          field({ name: "postal_code", label: "Code postal", required: true, value: address.postal_code || "", attrs: { inputmode: "numeric", maxlength: "5" } }),
          field({ name: "city", label: "Ville", required: true, value: address.city || "" }),
        ],
        submitLabel: "Renvoyer la mise en demeure",
        send: (values) => api(`/v1/claims/${encodeURIComponent(claim.claim_id)}/notice/address`, { method: "POST", body: values }),
        done: () => refresh(view, null, "Adresse corrigée : la mise en demeure repart à la nouvelle adresse."),
      }),
    );
  } else if (claim.status === "needs_attention") {
    add(box, notice("info", "Une étape automatique a échoué : notre équipe a été prévenue et reprend la créance. Rien n'est perdu."));
  }
  return box;
}

/** The CGV box before a « Payer » button, only when the account has not accepted the version in force (a
 * new version since the claim was filed): filled in once the platform has said (cgv.js). */
function termsBefore(box, button) {
  const slot = h("div", { class: "cgv-slot" });
  let consent = null;
  cgvState().then((state) => {
    if (state.version && !state.accepted) {
      consent = cgvConsent(state);
      slot.append(consent.element);
    }
  });
  return {
    slot,
    confirm: (container) => (consent ? consent.confirm(container || box) : true),
    body: () => (consent ? consent.body() : {}),
  };
}

async function checkout(view, trigger, open) {
  await busy(trigger, "Préparation du paiement…", async () => {
    try {
      const session = await open();
      location.assign(session.url);
    } catch (error) {
      view.root.querySelector("#message-action").append(notice("error", error.message));
    }
  });
}

/** A collapsible form posting to the API; the answer (the claim) redraws the page. */
function actionForm({ id, summary, intro, fields, submitLabel, send, done }) {
  const details = h("details", { class: "inline-action", id });
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h("form", { class: "grid-form", novalidate: true }, intro ? h("p", { class: "wide" }, intro) : null, fields, h("div", { class: "actions wide" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    const values = Object.fromEntries([...form.querySelectorAll("[name]")].map((c) => [c.name, controlValue(c)]));
    try {
      const answer = await busy(submit, "Enregistrement…", () => send(values));
      await done(answer);
    } catch (error) {
      showErrors(form, error);
    }
  });
  add(details, h("summary", {}, summary), form);
  return details;
}

function secondaryActions(view) {
  const { claim } = view;
  const id = encodeURIComponent(claim.claim_id);
  const items = [];
  const post = (path, body) => api(`/v1/claims/${id}/${path}`, { method: "POST", body });
  if (AFTER_NOTICE.has(claim.status)) {
    items.push(
      actionForm({
        id: "action-paiement",
        summary: "Enregistrer un paiement du débiteur",
        intro: "Un paiement partiel : la procédure continue pour le solde. Le solde entier : la créance est réglée.",
        fields: [
          field({ name: "date", label: "Date du paiement", type: "date", required: true, value: todayIso(), attrs: todayAttrs() }),
          field({ name: "amount", label: "Montant reçu (€)", required: true, inputmode: "decimal" }),
        ],
        submitLabel: "Enregistrer le paiement",
        send: (values) => post("debtor-payments", values),
        done: (updated) => refresh(view, updated, "Paiement du débiteur enregistré."),
      }),
      actionForm({
        id: "action-regle",
        summary: "Le débiteur a tout payé",
        fields: [field({ name: "note", label: "Précisions (date, moyen de paiement…)", type: "textarea" })],
        submitLabel: "Déclarer la créance réglée",
        send: (values) => post("settled", values),
        done: (updated) => refresh(view, updated, "Créance déclarée réglée."),
      }),
    );
  }
  if (claim.status === "notice_sent") {
    items.push(
      actionForm({
        id: "action-contestation",
        summary: "Signaler une contestation du débiteur",
        intro: "Une contestation écrite arrête la procédure automatique : l'injonction de payer suppose une créance non contestée.",
        fields: [field({ name: "note", label: "Motif de la contestation", type: "textarea", required: true })],
        submitLabel: "Enregistrer la contestation",
        send: (values) => post("dispute", values),
        done: (updated) => refresh(view, updated, "Contestation enregistrée."),
      }),
    );
  }
  if (WITHDRAWABLE.has(claim.status)) {
    items.push(
      actionForm({
        id: "action-retrait",
        summary: "Retirer la créance",
        intro: "Le retrait arrête toute démarche. Il est définitif.",
        fields: [field({ name: "reason", label: "Motif du retrait", type: "textarea" })],
        submitLabel: "Retirer définitivement",
        send: (values) => post("withdraw", values),
        done: (updated) => refresh(view, updated, "Créance retirée."),
      }),
    );
  }
  if (!items.length) return null;
  return h("section", { class: "card", "aria-labelledby": "autres-actions" }, h("h2", { id: "autres-actions" }, "Autres actions"), items);
}

// --- the notice ----------------------------------------------------------------------------------------------
function noticeSection(view) {
  const { claim } = view;
  const letter = claim.notice;
  if (!letter) return null;
  const result = h("p", { role: "status", class: "status-line" });
  const download = hashedDownload(
    h("button", { type: "button", class: "primary", id: "telecharger-mise-en-demeure" }, "Télécharger la mise en demeure (PDF)"),
    `/v1/claims/${encodeURIComponent(claim.claim_id)}/notice/pdf`,
    result,
  );
  const delivery = letter.delivery;
  const presentation = letter.status === "sent" && !ENDED.has(claim.status)
    ? actionForm({
        id: "action-presentation",
        summary: "Indiquer le suivi de la lettre recommandée",
        intro: "La date de première présentation (avis de passage ou suivi La Poste) fait courir le délai de paiement.",
        fields: [
          field({ name: "tracking_number", label: "Numéro de suivi", required: true, value: letter.tracking_number || "" }),
          field({ name: "first_presented_on", label: "Date de première présentation", type: "date", required: true, value: letter.first_presented_on || "", attrs: todayAttrs({ fill: false }) }),
        ],
        submitLabel: "Enregistrer",
        send: (values) => api(`/v1/claims/${encodeURIComponent(claim.claim_id)}/notice/presentation`, { method: "POST", body: values }),
        done: () => refresh(view, null, "Première présentation enregistrée : le délai de paiement suit cette date."),
      })
    : null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-mise-en-demeure", id: "mise-en-demeure" },
    h("h2", { id: "titre-mise-en-demeure" }, "Mise en demeure"),
    facts([
      ["État", letter.status === "sent" ? "Envoyée" : "Préparée"],
      ["Date de la lettre", dateLong(letter.letter_date)],
      ["Envoi", letter.channel_label || letter.channel],
      ["Numéro de suivi", letter.tracking_number],
      ["Envoyée le", dateLong(letter.sent_on)],
      ["Première présentation", dateLong(letter.first_presented_on)],
      ["Délai de paiement", letter.deadline ? `jusqu'au ${dateLong(letter.deadline)}${letter.payment_days ? ` (${letter.payment_days} jours)` : ""}` : ""],
      ["Montant réclamé", euros(letter.amount_claimed)],
      ["Copie envoyée par e-mail à", letter.emailed_to],
      ["Mode d'envoi retenu", delivery?.channel_reason],
      ["Suivi", delivery?.outcome_label],
      ["Lettres revenues et renvoyées", letter.returned_letters ? String(letter.returned_letters) : ""],
    ]),
    delivery && delivery.events.length
      ? h("ol", { class: "delivery-events", "aria-label": "Suivi de l'envoi recommandé" }, delivery.events.map((event) => h("li", {}, `${dateLong(event.on)} — ${event.kind_label || event.kind}`)))
      : null,
    download,
    delivery && delivery.proofs.length ? proofButtons(claim, delivery.proofs, result) : null,
    result,
    presentation,
  );
}

/** One button per proof the provider gave (dépôt, avis de réception, refus…): a short-lived link each. */
function proofButtons(claim, proofs, result) {
  const box = h("div", { class: "actions" });
  for (const proof of proofs) {
    const trigger = h("button", { type: "button", class: "secondary", id: `preuve-${proof.kind}` }, `Télécharger : ${proof.title}`);
    box.append(hashedDownload(trigger, `/v1/claims/${encodeURIComponent(claim.claim_id)}/notice/proofs/${encodeURIComponent(proof.kind)}`, result));
  }
  return box;
}

/** ``trigger`` asks ``path`` for a short-lived link to a stored document, downloads it and says its hash. */
function hashedDownload(trigger, path, result) {
  trigger.addEventListener("click", async () => {
    await busy(trigger, "Préparation…", async () => {
      try {
        const link = await api(path);
        startDownload(link);
        result.textContent = `Téléchargement de « ${link.filename} » lancé (empreinte SHA-256 ${link.sha256.slice(0, 16)}…).`;
      } catch (error) {
        result.textContent = error.message;
      }
    });
  });
  return trigger;
}

// --- the partner lawyer and the procedure after filing -------------------------------------------------------
function lawyerSection(claim) {
  const lawyer = claim.lawyer;
  if (!lawyer) return null;
  const status = lawyer.accepted
    ? null
    : notice(
        "info",
        lawyer.waiting_reason
          ? `Nous cherchons un avocat partenaire pour votre dossier (${lawyer.waiting_reason}) : notre équipe est prévenue.`
          : "Le dossier est proposé à un avocat partenaire ; il l'examine avant de l'accepter.",
      );
  const filing = lawyer.filing;
  const order = lawyer.order;
  const service = lawyer.service;
  const deadline = lawyer.next_deadline;
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-avocat", id: "avocat" },
    h("h2", { id: "titre-avocat" }, "Avocat et procédure"),
    status,
    facts([
      ["Avocat", lawyer.name ? `${lawyer.name}${lawyer.barreau ? `, barreau de ${lawyer.barreau}` : ""}` : ""],
      ["Requête déposée", filing ? `le ${dateLong(filing.filed_on)} — ${filing.court}${filing.reference ? ` (n° ${filing.reference})` : ""}` : ""],
      ["Ordonnance", order ? `du ${dateLong(order.ordered_on)} : ${order.outcome_label}` : ""],
      ["Signification", service ? `le ${dateLong(service.served_on)}${service.in_person ? " (à personne)" : ""}` : ""],
      ["Opposition du débiteur", lawyer.opposition ? `le ${dateLong(lawyer.opposition.opposed_on)}` : ""],
      ["Exécution forcée", lawyer.enforcement ? `engagée le ${dateLong(lawyer.enforcement.started_on)}${lawyer.enforcement.note ? ` : ${lawyer.enforcement.note}` : ""}` : ""],
      ["Prochain délai", deadline ? `${deadline.label} — au plus tard le ${dateLong(deadline.date)} (${deadline.article})` : ""],
    ]),
    deadline && deadline.to_check ? notice("warning", deadline.to_check) : null,
  );
}

function amountsSection(claim) {
  const assessment = claim.assessment;
  if (!assessment || !assessment.amounts) return null;
  const amounts = assessment.amounts;
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-sommes" },
    h("h2", { id: "titre-sommes" }, `Sommes dues${assessment.as_of ? ` au ${dateLong(assessment.as_of)}` : ""}`),
    facts([
      ["Principal restant dû", euros(amounts.principal_outstanding)],
      [interestLabel(amounts), euros(amounts.interest)],
      ["Indemnité forfaitaire", euros(amounts.indemnity)],
      ["Total", euros(amounts.total)],
      ["Tribunal compétent", assessment.route?.court_name],
    ]),
    decompteView(assessment.decompte),
  );
}

function documentsSection(claim) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-pieces" },
    h("h2", { id: "titre-pieces" }, "Pièces"),
    table(
      [
        { label: "Pièce", value: (d) => d.title || d.filename },
        { label: "Type", value: (d) => d.kind_label },
        { label: "Fichier", value: (d) => `${d.filename} (${bytes(d.size)})` },
        { label: "Empreinte SHA-256", value: (d) => h("code", { title: d.sha256 }, `${d.sha256.slice(0, 12)}…`) },
      ],
      (claim.documents || []).filter((d) => d.status === "accepted"),
      { caption: "Pièces vérifiées", empty: "Aucune pièce." },
    ),
  );
}

function paymentsSection(claim) {
  if (!claim.checkouts?.length) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-reglements" },
    h("h2", { id: "titre-reglements" }, "Vos règlements"),
    table(
      [
        { label: "Prestation", value: (c) => c.step_label },
        { label: "Montant", value: (c) => euros(c.amount), class: "num" },
        { label: "État", value: (c) => c.status_label },
        { label: "Payé le", value: (c) => (c.paid_at ? when(c.paid_at) : "—") },
        { label: "Remboursé", value: (c) => (Number(c.refunded) > 0 ? euros(c.refunded) : "—") },
      ],
      claim.checkouts,
      { caption: "Paiements", attrs: { id: "reglements" } },
    ),
  );
}

/** The timeline in groups, one per status the claim went through (the events before the first: « Dépôt »). */
function historyGroups(timeline) {
  const groups = [];
  let current = { label: "Dépôt", events: [] };
  for (const event of timeline) {
    if (event.kind === "status_changed") {
      if (current.events.length) groups.push(current);
      current = { label: event.to_status_label, events: [event] };
    } else {
      current.events.push(event);
    }
  }
  if (current.events.length) groups.push(current);
  return groups;
}

/** One event in the creditor's words: its reason (internal ids left out), its kind only when it adds something. */
function eventWords(event) {
  const reason = event.summary || event.reason || "";
  if (event.kind === "status_changed") return reason || event.to_status_label;
  if (!reason) return event.kind_label;
  return reason.toLowerCase().startsWith(event.kind_label.toLowerCase()) ? reason : `${event.kind_label} — ${reason}`;
}

function timelineSection(view) {
  const { claim, timeline } = view;
  const verify = h("button", { type: "button", class: "secondary small" }, "Vérifier l'intégrité de l'historique");
  const verdict = h("p", { role: "status", class: "status-line" });
  verify.addEventListener("click", async () => {
    await busy(verify, "Vérification…", async () => {
      try {
        const check = await api(`/v1/claims/${encodeURIComponent(claim.claim_id)}/timeline/verify`);
        verdict.textContent = check.valid
          ? `Historique intègre : ${check.events} événements chaînés, aucun modifié ni supprimé.`
          : `Historique altéré à l'événement ${check.broken_at} : ${check.reason}`;
        verdict.className = `status-line ${check.valid ? "ok" : "bad"}`;
      } catch (error) {
        verdict.textContent = error.message;
      }
    });
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-historique" },
    h("h2", { id: "titre-historique" }, "Historique"),
    h(
      "ol",
      { class: "timeline", id: "historique" },
      historyGroups(timeline).map((group) =>
        h(
          "li",
          { class: "history-group" },
          h("h3", { class: "history-stage" }, group.label),
          h(
            "ol",
            {},
            group.events.map((event) =>
              h(
                "li",
                { class: event.kind === "status_changed" ? "status-event" : "" },
                h("time", { datetime: event.at }, when(event.at)),
                h("div", {}, eventWords(event)),
              ),
            ),
          ),
        ),
      ),
    ),
    verify,
    verdict,
    isOpen(claim.status) ? h("p", { class: "hint" }, "Cette page se met à jour d'elle-même à chaque étape.") : null,
  );
}
