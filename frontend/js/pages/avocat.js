// The partner lawyer's portal: the dossiers assigned to them (the date to act earliest first, across pages), and one
// dossier: review a claim before its notice (approve or refuse), accept or decline, download the merged PDF or the ZIP through a short-lived link, then record
// the filing, the judge's order, the service, an opposition, the enforcement.
import { h, add, clear, notice, announce, table, link, facts, pagedList, queryString, startDownload } from "../dom.js";
import { api } from "../api.js";
import { field, showErrors, checkRequired, busy, controlValue } from "../forms.js";
import { dateLong, dateShort, when, todayIso, todayAttrs } from "../format.js";

const COURT_KINDS = {
  tribunal_de_commerce: "Tribunal de commerce / des activités économiques",
  tribunal_judiciaire: "Tribunal judiciaire",
  juge_des_contentieux_de_la_protection: "Juge des contentieux de la protection",
};

export async function render(ctx) {
  return ctx.params.id ? dossierPage(ctx) : listPage(ctx);
}

function urgency(dossier) {
  return [
    dossier.urgent ? h("span", { class: "badge badge-todo" }, "URGENT") : null,
    dossier.lawyer_review ? h("span", { class: "badge badge-running" }, "À examiner") : null,
  ];
}

async function listPage({ main, query }) {
  add(main, h("h1", {}, "Mes dossiers d'injonction de payer"));
  if (query.decline) add(main, notice("success", "Dossier décliné : il est proposé à un autre avocat."));
  if (query.revue === "approuvee") add(main, notice("success", "Accord enregistré : la mise en demeure part au débiteur."));
  if (query.revue === "refusee") add(main, notice("success", "Refus enregistré : le créancier est remboursé et informé de votre motif."));
  const status = h("p", { role: "status" });
  const list = pagedList({
    fetchPage: async (cursor) => {
      const page = await api(`/v1/lawyer/dossiers${queryString({ limit: 50, cursor })}`);
      return { items: page.dossiers, next_cursor: page.next_cursor };
    },
    render: (dossiers) =>
      table(
        [
          { label: "Dossier", value: (d) => [link(`#/avocat/dossiers/${encodeURIComponent(d.claim_id)}`, d.reference), " ", urgency(d)] },
          { label: "Créancier", value: (d) => d.creditor_name },
          { label: "Débiteur", value: (d) => d.debtor_name },
          { label: "Juridiction", value: (d) => d.court?.name || "—" },
          { label: "Montant", value: (d) => d.amount_label, class: "num" },
          { label: "Statut", value: (d) => [d.status_label, d.accepted ? null : h("strong", {}, d.status === "lawyer_review" ? " — à examiner" : " — à accepter")] },
          { label: "Prochaine échéance", value: (d) => (d.next_deadline ? `${d.next_deadline.label} : ${dateShort(d.next_deadline.date)}` : "—") },
          { label: "Prescription", value: (d) => dateShort(d.prescription_deadline) || "—" },
        ],
        dossiers,
        { caption: "La date limite pour agir la plus proche d'abord (prochaine échéance, sinon fin de la prescription) : les dossiers urgents en tête", empty: "Aucun dossier ne vous est confié pour l'instant.", attrs: { id: "dossiers" } },
      ),
    onLoaded: (count, more) => {
      status.textContent = `${count} dossier${count > 1 ? "s" : ""} affiché${count > 1 ? "s" : ""}${more ? " ; d'autres suivent." : "."}`;
    },
  });
  add(main, status, list.element);
  await list.load();
}

async function dossierPage(ctx) {
  const { main, params } = ctx;
  const root = h("div");
  main.append(root);
  let dossier;
  try {
    dossier = await api(`/v1/lawyer/dossiers/${encodeURIComponent(params.id)}`);
  } catch (error) {
    add(root, h("h1", {}, "Dossier introuvable"), notice("error", error.message), h("p", {}, link("#/avocat", "Retour à mes dossiers")));
    return;
  }
  draw(root, dossier);
}

function draw(root, dossier, message) {
  const id = encodeURIComponent(dossier.claim_id);
  const base = `/v1/lawyer/dossiers/${id}`;
  const redraw = (updated, text) => {
    draw(root, updated, text);
    announce(text);
  };
  const can = (action) => dossier.actions.includes(action);
  add(
    clear(root),
    h("p", {}, link("#/avocat", "← Mes dossiers")),
    h("h1", {}, `Dossier ${dossier.reference} — ${dossier.debtor_name}`),
    h("p", { class: "claim-meta" }, h("span", { class: "badge badge-running", id: "statut" }, dossier.status_label), " ", urgency(dossier)),
    message ? notice("success", message) : null,
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-dossier" },
      h("h2", { id: "titre-dossier" }, "Le dossier"),
      facts([
        ["Créancier", dossier.creditor_name],
        ["Débiteur", dossier.debtor_name],
        ["Juridiction", `${dossier.court?.name || ""}${dossier.court?.kind ? ` (${COURT_KINDS[dossier.court.kind] || dossier.court.kind})` : ""}`],
        ["Montant réclamé", dossier.amount_label],
        ["Prescription", dossier.prescription_deadline ? `dernier jour pour agir : ${dateLong(dossier.prescription_deadline)}` : ""],
        ["Confié le", when(dossier.assigned_at)],
        [
          "Prochaine échéance",
          dossier.next_deadline
            ? `${dossier.next_deadline.label} : ${dateLong(dossier.next_deadline.date)}${dossier.next_deadline.article ? ` (${dossier.next_deadline.article})` : ""}${dossier.next_deadline.to_check ? ` — ${dossier.next_deadline.to_check}` : ""}`
            : "",
        ],
        ["Dépôt", dossier.filing ? `${dossier.filing.court || ""}, le ${dateLong(dossier.filing.filed_on)}${dossier.filing.reference ? `, RG ${dossier.filing.reference}` : ""}` : ""],
        ["Ordonnance", dossier.order ? `${dossier.order.outcome_label || dossier.order.outcome}, le ${dateLong(dossier.order.ordered_on)}` : ""],
        ["Signification", dossier.service ? `le ${dateLong(dossier.service.served_on)}${dossier.service.in_person ? ", à personne" : ""}` : ""],
        ["Opposition", dossier.opposition ? `le ${dateLong(dossier.opposition.opposed_on)}` : ""],
        ["Exécution", dossier.enforcement ? `depuis le ${dateLong(dossier.enforcement.started_on)}${dossier.enforcement.note ? ` : ${dossier.enforcement.note}` : ""}` : ""],
      ]),
    ),
    h(
      "section",
      { class: "card next-step", "aria-labelledby": "titre-actions" },
      h("h2", { id: "titre-actions" }, "Actions"),
      can("approve") ? reviewBox(base, dossier, redraw) : null,
      can("accept") ? acceptBox(base, redraw) : null,
      can("download") ? downloads(base) : null,
      can("filing")
        ? stepForm({
            id: "depot-requete",
            title: "Dépôt de la requête",
            fields: [
              field({ name: "court", label: "Juridiction saisie", required: true, value: dossier.court?.name || "" }),
              field({ name: "filed_on", label: "Date du dépôt", type: "date", required: true, value: todayIso(), attrs: todayAttrs() }),
              field({ name: "reference", label: "Numéro d'enregistrement (RG)" }),
            ],
            submit: "Enregistrer le dépôt",
            send: (values) => api(`${base}/filing`, { method: "POST", body: values }),
            done: (updated) => redraw(updated, "Dépôt de la requête enregistré."),
          })
        : null,
      can("order")
        ? stepForm({
            id: "ordonnance",
            title: "Ordonnance du juge",
            fields: [
              field({ name: "outcome", label: "Décision", type: "select", options: [["granted", "Requête accueillie"], ["partly", "Accueillie partiellement"], ["rejected", "Requête rejetée"]] }),
              field({ name: "ordered_on", label: "Date de l'ordonnance", type: "date", required: true, value: todayIso(), attrs: todayAttrs() }),
            ],
            submit: "Enregistrer l'ordonnance",
            send: (values) => api(`${base}/order`, { method: "POST", body: values }),
            done: (updated) => redraw(updated, "Ordonnance enregistrée."),
          })
        : null,
      can("service")
        ? stepForm({
            id: "signification",
            title: "Signification au débiteur",
            fields: [
              field({ name: "served_on", label: "Date de la signification", type: "date", required: true, value: todayIso(), attrs: todayAttrs() }),
              field({ name: "in_person", label: "Signifiée à la personne du débiteur", type: "checkbox", value: true }),
            ],
            submit: "Enregistrer la signification",
            send: (values) => api(`${base}/service`, { method: "POST", body: values }),
            done: (updated) => redraw(updated, "Signification enregistrée."),
          })
        : null,
      can("opposition")
        ? stepForm({
            id: "opposition",
            title: "Opposition du débiteur",
            fields: [field({ name: "opposed_on", label: "Date de l'opposition", type: "date", required: true, value: todayIso(), attrs: todayAttrs() })],
            submit: "Enregistrer l'opposition",
            send: (values) => api(`${base}/opposition`, { method: "POST", body: values }),
            done: (updated) => redraw(updated, "Opposition enregistrée."),
          })
        : null,
      can("enforcement")
        ? stepForm({
            id: "execution",
            title: "Exécution forcée",
            fields: [
              field({ name: "started_on", label: "Date de la première mesure", type: "date", required: true, value: todayIso(), attrs: todayAttrs() }),
              field({ name: "note", label: "Mesure engagée", hint: "Saisie-attribution, saisie-vente…" }),
            ],
            submit: "Enregistrer l'exécution",
            send: (values) => api(`${base}/enforcement`, { method: "POST", body: values }),
            done: (updated) => redraw(updated, "Exécution forcée enregistrée."),
          })
        : null,
      dossier.actions.length ? null : h("p", {}, "Aucune action à mener pour l'instant."),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-historique" },
      h("h2", { id: "titre-historique" }, "Historique"),
      h(
        "ol",
        { class: "timeline", id: "historique" },
        (dossier.timeline || []).map((event) =>
          h(
            "li",
            { class: event.kind === "status_changed" ? "status-event" : "" },
            h("time", { datetime: event.at }, when(event.at)),
            h("div", {}, h("strong", {}, event.kind === "status_changed" ? event.to_status_label : event.kind_label), (event.summary || event.reason) ? ` — ${event.summary || event.reason}` : ""),
          ),
        ),
      ),
    ),
  );
}

const PRESCRIPTION_LABELS = { not_barred: "non prescrite", at_risk: "à risque", barred: "prescrite" };

// A paid claim the engine will not send by itself (prescription at risk…): the lawyer approves the notice
// or refuses it with a reason for the creditor (who is refunded). Nothing reaches the debtor before.
function reviewBox(base, dossier, redraw) {
  const review = dossier.review || { reasons: [], invoices: [], acknowledgements: [], prescription: {} };
  const p = review.prescription || {};
  const approve = stepForm({
    id: "approuver-envoi",
    title: "Approuver l'envoi de la mise en demeure",
    fields: [field({ name: "note", label: "Observation pour le créancier (facultative)", type: "textarea" })],
    submit: "Approuver l'envoi",
    send: (values) => api(`${base}/review`, { method: "POST", body: { decision: "approve", note: values.note || "" } }),
    done: () => {
      location.hash = "#/avocat?revue=approuvee";
    },
  });
  const refuse = stepForm({
    id: "refuser-envoi",
    title: "Refuser l'envoi",
    fields: [field({ name: "note", label: "Motif transmis au créancier", type: "textarea", required: true, hint: "Le créancier est remboursé ; rien n'est envoyé au débiteur." })],
    submit: "Refuser l'envoi",
    send: (values) => api(`${base}/review`, { method: "POST", body: { decision: "refuse", note: values.note || "" } }),
    done: () => {
      location.hash = "#/avocat?revue=refusee";
    },
    collapsed: true,
  });
  return h(
    "div",
    { id: "revue" },
    h("p", {}, "Cette créance est payée par son créancier, mais l'analyse automatique demande l'avis d'un avocat avant toute mise en demeure :"),
    h("ul", { id: "motifs-revue" }, review.reasons.map((r) => h("li", {}, r.message, r.article ? h("span", { class: "article" }, ` (${r.article})`) : null))),
    facts([
      ["Prescription", `${PRESCRIPTION_LABELS[p.status] || p.status || ""}${p.last_day ? ` — au plus tôt le ${dateLong(p.last_day)}` : ""}${p.last_day_late ? `, au plus tard le ${dateLong(p.last_day_late)}` : ""}`],
      ["Factures", review.invoices.map((i) => `n° ${i.number} du ${dateShort(i.issue_date)}${i.performance_date ? `, exécution le ${dateShort(i.performance_date)}` : ""}${i.due_date ? `, échéance ${dateShort(i.due_date)}` : ""} : ${i.amount_ttc} €`).join(" ; ")],
      ["Reconnaissances de dette", review.acknowledgements.map((a) => `${dateShort(a.date)}${a.description ? ` (${a.description})` : ""}`).join(" ; ") || "aucune déclarée"],
    ]),
    approve,
    refuse,
  );
}

function acceptBox(base, redraw) {
  const accept = h("button", { type: "button", class: "primary", id: "accepter-dossier" }, "Accepter le dossier");
  accept.addEventListener("click", async () => {
    await busy(accept, "…", async () => {
      try {
        redraw(await api(`${base}/accept`, { method: "POST" }), "Dossier accepté : il vous est confié.");
      } catch (error) {
        accept.after(notice("error", error.message));
      }
    });
  });
  const decline = stepForm({
    id: "decliner",
    title: "Décliner le dossier",
    fields: [field({ name: "reason", label: "Motif", type: "textarea", hint: "Conflit d'intérêts, charge de travail…" })],
    submit: "Décliner",
    send: (values) => api(`${base}/decline`, { method: "POST", body: values }),
    done: () => {
      location.hash = "#/avocat?decline=1";
    },
    collapsed: true,
  });
  return h("div", {}, h("p", {}, "Ce dossier vous est proposé. Acceptez-le pour le déposer, ou déclinez-le : il sera proposé à un autre avocat."), accept, decline);
}

function downloads(base) {
  const status = h("p", { role: "status", class: "status-line" });
  const get = (kind, label, id) => {
    const trigger = h("button", { type: "button", class: kind === "pdf" ? "primary" : "secondary", id }, label);
    trigger.addEventListener("click", async () => {
      await busy(trigger, "Préparation du lien…", async () => {
        try {
          const found = await api(`${base}/links`, { method: "POST", body: { document: kind } });
          startDownload(found);
          status.textContent = `Téléchargement de « ${found.filename} » lancé (lien valable jusqu'à ${when(found.expires_at)}).`;
        } catch (error) {
          status.textContent = error.message;
        }
      });
    });
    return trigger;
  };
  return h(
    "div",
    { class: "downloads" },
    h("h3", {}, "Pièces du dossier"),
    h("div", { class: "actions" }, get("pdf", "Télécharger le dossier complet (PDF)", "telecharger-pdf"), get("zip", "Télécharger l'archive (ZIP)", "telecharger-zip")),
    status,
  );
}


function stepForm({ id, title, fields, submit, send, done, collapsed = false }) {
  const button = h("button", { type: "submit", class: collapsed ? "danger" : "primary" }, submit);
  const form = h("form", { class: "grid-form", novalidate: true, id }, collapsed ? null : h("h3", {}, title), fields, h("div", { class: "actions wide" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    const values = Object.fromEntries([...form.querySelectorAll("[name]")].map((c) => [c.name, controlValue(c)]));
    try {
      const answer = await busy(button, "Enregistrement…", () => send(values));
      await done(answer);
    } catch (error) {
      showErrors(form, error);
    }
  });
  return collapsed ? h("details", { class: "inline-action" }, h("summary", {}, title), form) : form;
}
