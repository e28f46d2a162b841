// The operator's page: claims needing attention (redrive, reject and refund), the partner lawyers
// (départements and courts they take, capacity, active) and their invitation, the rate tables (the rate
// feed's proposals to confirm or reject, a semester typed in), the public prices.
import { h, add, clear, notice, announce, table, link, facts, pagedList, queryString } from "../dom.js";
import { api } from "../api.js";
import { field, showErrors, checkRequired, busy } from "../forms.js";
import { euros, when, dateLong, count } from "../format.js";

const list = (text) =>
  String(text || "")
    .split(/[\n,;]/)
    .map((item) => item.trim())
    .filter(Boolean);

export async function render({ main }) {
  add(main, h("h1", {}, "Exploitation de la plateforme"));
  const claimsArea = h("section", { "aria-labelledby": "titre-creances", class: "card" });
  const lawyersArea = h("section", { "aria-labelledby": "titre-avocats", class: "card" });
  const pricesArea = h("section", { "aria-labelledby": "titre-tarifs", class: "card" });
  const ratesArea = h("section", { "aria-labelledby": "titre-taux", class: "card", id: "taux" });
  add(main, claimsArea, lawyersArea, ratesArea, pricesArea);
  await Promise.all([
    claimsSection(claimsArea),
    lawyersSection(lawyersArea),
    ratesSection(ratesArea),
    pricesSection(pricesArea),
  ]);
}

// --- claims --------------------------------------------------------------------------------------------------
async function claimsSection(area) {
  clear(area).append(h("h2", { id: "titre-creances" }, "Créances"));
  const only = h("input", { type: "checkbox", id: "seulement-a-examiner", checked: true });
  const search = h("input", { type: "search", id: "recherche-creances", name: "q", autocomplete: "off", "aria-describedby": "recherche-creances-aide" });
  const searchForm = h(
    "form",
    { role: "search", class: "filters", "aria-label": "Rechercher une créance" },
    h("label", { for: "recherche-creances" }, "Rechercher"),
    h("p", { class: "hint", id: "recherche-creances-aide" }, "Numéro de créance (clm_…), e-mail du créancier, nom du débiteur ou référence."),
    search,
    h("button", { type: "submit", class: "secondary" }, "Rechercher"),
  );
  const results = h("div");
  const status = h("p", { role: "status", class: "status-line" });
  const show = () => {
    const attention = only.checked;
    const q = search.value.trim();
    const list = pagedList({
      fetchPage: async (cursor) => {
        const page = await api(`/v1/claims${queryString({ status: attention ? "needs_attention" : "", q, limit: 50, cursor })}`);
        return { items: page.claims, next_cursor: page.next_cursor };
      },
      render: (claims) =>
        table(
          [
            { label: "Créance", value: (c) => h("div", {}, h("strong", {}, c.debtor_name), h("br"), h("a", { href: `#/operateur/creances/${encodeURIComponent(c.claim_id)}` }, h("code", {}, c.claim_id))) },
            { label: "Créancier", value: (c) => c.creditor || "—" },
            { label: "Statut", value: (c) => c.status_label },
            { label: "Montant", value: (c) => euros(c.principal), class: "num" },
            { label: "Envoi recommandé", value: (c) => c.letter || "—" },
            { label: "Mise à jour", value: (c) => when(c.updated_at) },
            { label: "Actions", value: (c) => claimActions(c, () => claimsSection(area)) },
          ],
          claims,
          { caption: "Créances de tous les créanciers", empty: attention ? "Aucune créance à examiner." : "Aucune créance.", attrs: { id: "creances-operateur", class: "cards" } },
        ),
      onLoaded: (count, more) => {
        status.textContent = `${count} créance${count > 1 ? "s" : ""} affichée${count > 1 ? "s" : ""}${more ? " ; d'autres suivent." : "."}`;
      },
    });
    clear(results).append(list.element);
    return list.load();
  };
  only.addEventListener("change", show);
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  add(area, searchForm, h("div", { class: "check" }, only, h("label", { for: "seulement-a-examiner" }, "Seulement les créances à examiner")), status, results);
  await show();
}

// The operator's actions, offered only where the API accepts them: a redrive for a claim a step failed on,
// a refusal with refund while the claim is paid and not yet on its way (the lifecycle's moves to rejected).
// The list's rows and a claim's own page (operateur-creance.js) offer the same ones.
const REDRIVABLE = new Set(["needs_attention"]);
const REJECTABLE = new Set(["assessing", "lawyer_review", "needs_attention"]);

/** Whether the operator can act on a claim at this status (redrive, refuse and refund). */
export function hasOperatorActions(status) {
  return REDRIVABLE.has(status) || REJECTABLE.has(status);
}

/** « Relancer le traitement » and « Refuser et rembourser » for ``claim`` ({claim_id, status, debtor_name})
 * where its status allows them; ``rejected()`` runs once the claim is refused (to show it again). */
export function claimActions(claim, rejected) {
  if (!hasOperatorActions(claim.status)) return "—";
  const message = h("span", { role: "status" });
  const redrive = h("button", { type: "button", class: "secondary small" }, "Relancer le traitement");
  redrive.addEventListener("click", async () => {
    await busy(redrive, "…", async () => {
      try {
        const answer = await api(`/v1/operator/claims/${encodeURIComponent(claim.claim_id)}/redrive`, { method: "POST" });
        message.textContent = answer.message;
      } catch (error) {
        message.textContent = error.message;
      }
    });
  });
  const reject = h("details", { class: "inline-action" }, h("summary", {}, "Refuser et rembourser"));
  const submit = h("button", { type: "submit", class: "danger small" }, "Refuser la créance");
  const form = h(
    "form",
    { novalidate: true },
    field({ name: "reasons", id: `motifs-${claim.claim_id}`, label: `Motifs (un par ligne) — ${claim.debtor_name}`, type: "textarea", required: true }),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    try {
      await busy(submit, "…", () =>
        api(`/v1/operator/claims/${encodeURIComponent(claim.claim_id)}/reject`, { method: "POST", body: { reasons: list(form.querySelector("textarea").value.replace(/[,;]/g, " ")) } }),
      );
      announce("Créance refusée ; le remboursement est en cours.");
      await rejected();
    } catch (error) {
      showErrors(form, error);
    }
  });
  reject.append(form);
  return h("div", {}, REDRIVABLE.has(claim.status) ? [redrive, " ", message] : null, REJECTABLE.has(claim.status) ? reject : null);
}

// --- partner lawyers -------------------------------------------------------------------------------------------
async function lawyersSection(area) {
  clear(area).append(h("h2", { id: "titre-avocats" }, "Avocats partenaires"));
  let lawyers;
  try {
    lawyers = (await api("/v1/operator/lawyers")).lawyers;
  } catch (error) {
    area.append(notice("error", error.message));
    return;
  }
  add(
    area,
    table(
      [
        { label: "Avocat", value: (a) => [h("strong", {}, a.lawyer?.name || a.email), h("br"), a.email] },
        { label: "Barreau", value: (a) => a.lawyer?.barreau || "" },
        { label: "Départements", value: (a) => (a.lawyer?.departements || []).join(", ") || "—" },
        { label: "Juridictions", value: (a) => (a.lawyer?.courts || []).join(" ; ") || "—" },
        { label: "Capacité", value: (a) => (a.lawyer?.capacity ? String(a.lawyer.capacity) : "illimitée") },
        { label: "Actif", value: (a) => (a.lawyer?.active === false ? "non" : "oui") },
        { label: "Modifier", value: (a) => lawyerEditor(a, area) },
      ],
      lawyers,
      { caption: "Les dossiers sont attribués aux avocats actifs qui couvrent la juridiction", empty: "Aucun avocat invité.", attrs: { id: "avocats" } },
    ),
    invitation(area),
  );
}

function lawyerEditor(account, area) {
  const lawyer = account.lawyer || {};
  const key = account.user_id.slice(0, 8);
  const details = h("details", { class: "inline-action" }, h("summary", {}, `Modifier ${lawyer.name || account.email}`));
  const submit = h("button", { type: "submit", class: "primary small" }, "Enregistrer");
  const form = h(
    "form",
    { novalidate: true, class: "stack" },
    field({ name: "departements", id: `avocat-${key}-departements`, label: "Départements couverts", value: (lawyer.departements || []).join(", "), hint: "Séparés par des virgules : 69, 01, 2A…", attrs: { "data-avocat": key } }),
    field({ name: "courts", id: `avocat-${key}-juridictions`, label: "Juridictions (une par ligne)", type: "textarea", value: (lawyer.courts || []).join("\n") }),
    field({ name: "capacity", id: `avocat-${key}-capacite`, label: "Dossiers en cours au plus", inputmode: "numeric", value: lawyer.capacity ? String(lawyer.capacity) : "", hint: "Vide : pas de limite." }),
    field({ name: "active", id: `avocat-${key}-actif`, label: "Actif (reçoit de nouveaux dossiers)", type: "checkbox", value: lawyer.active !== false }),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const capacity = form.querySelector("[name=capacity]").value.trim();
    const body = {
      departements: list(form.querySelector("[name=departements]").value),
      courts: list(form.querySelector("[name=courts]").value.replace(/[,;]/g, " ")),
      active: form.querySelector("[name=active]").checked,
    };
    if (capacity) body.capacity = /^\d+$/.test(capacity) ? Number(capacity) : capacity;
    try {
      await busy(submit, "…", () => api(`/v1/operator/lawyers/${encodeURIComponent(account.user_id)}`, { method: "PATCH", body }));
      announce("Avocat mis à jour.");
      await lawyersSection(area);
      area.prepend(notice("success", `${lawyer.name || account.email} : modifications enregistrées.`));
    } catch (error) {
      showErrors(form, error);
    }
  });
  details.append(form);
  return details;
}

function invitation(area) {
  const submit = h("button", { type: "submit", class: "primary" }, "Envoyer l'invitation");
  const form = h(
    "form",
    { class: "grid-form", novalidate: true, id: "invitation-avocat" },
    h("h3", {}, "Inviter un avocat"),
    field({ name: "email", label: "Adresse e-mail", type: "email", required: true }),
    field({ name: "name", label: "Nom (Maître …)", required: true }),
    field({ name: "barreau", label: "Barreau", required: true }),
    field({ name: "firm", label: "Cabinet" }),
    field({ name: "phone", label: "Téléphone", type: "tel" }),
    field({ name: "departements", label: "Départements couverts", hint: "Séparés par des virgules : 69, 01…" }),
    field({ name: "courts", label: "Juridictions (une par ligne)", type: "textarea", wide: true }),
    h("div", { class: "actions wide" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    const value = (name) => form.querySelector(`[name=${name}]`).value.trim();
    const body = {
      email: value("email"),
      name: value("name"),
      barreau: value("barreau"),
      firm: value("firm"),
      phone: value("phone"),
      departements: list(value("departements")),
      courts: list(value("courts").replace(/[,;]/g, " ")),
    };
    try {
      const answer = await busy(submit, "Envoi…", () => api("/v1/operator/lawyers", { method: "POST", body }));
      await lawyersSection(area);
      area.prepend(notice("success", answer.message));
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

async function pricesSection(area) {
  clear(area).append(h("h2", { id: "titre-tarifs" }, "Tarifs publics"));
  try {
    const { prices } = await api("/v1/prices");
    area.append(
      table(
        [
          { label: "Prestation", value: (p) => p.label },
          { label: "Description", value: (p) => p.description },
          { label: "Prix TTC", value: (p) => euros(p.amount), class: "num" },
        ],
        prices,
        { caption: "Prix par étape payante (réglages PRICE_NOTICE_CENTS, PRICE_DOSSIER_CENTS)" },
      ),
      h("p", { class: "hint" }, "Voir aussi ", link("/openapi.json", "la description OpenAPI de l'API"), "."),
    );
  } catch (error) {
    area.append(notice("error", error.message));
  }
}

// --- rate tables (RULEBOOK 6) ----------------------------------------------------------------------------------
async function ratesSection(area) {
  clear(area).append(h("h2", { id: "titre-taux" }, "Tables de taux"));
  let listed;
  try {
    listed = await api("/v1/operator/rates");
  } catch (error) {
    area.append(notice("error", error.message));
    return;
  }
  const { coverage, added } = listed;
  area.append(
    h(
      "p",
      { id: "couverture-taux" },
      `Les intérêts sont calculés jusqu'au ${dateLong(coverage.interest_through)} ; au-delà, ils sont « à parfaire ». `,
      `Prochain semestre à ajouter : ${coverage.next_semester}.`,
    ),
  );
  const proposalsArea = h("div", { id: "propositions-taux", "aria-labelledby": "titre-propositions-taux" });
  area.append(proposalsArea);
  await proposalsSection(proposalsArea, area);
  if (added.length) {
    area.append(
      table(
        [
          { label: "Semestre", value: (r) => r.semester },
          { label: "BCE (%)", value: (r) => r.ecb_mro, class: "num" },
          { label: "Légal particuliers (%)", value: (r) => r.particuliers, class: "num" },
          { label: "Légal autres cas (%)", value: (r) => r.autres_cas, class: "num" },
          { label: "Source", value: (r) => r.source },
          { label: "Ajouté par", value: (r) => `${r.added_by}, ${when(r.added_at)}` },
        ],
        added,
        { caption: "Semestres ajoutés par un opérateur" },
      ),
    );
  }
  const submit = h("button", { type: "submit", class: "primary" }, "Ajouter le semestre");
  const form = h(
    "form",
    { class: "grid-form", novalidate: true, id: "ajout-taux" },
    h("h3", {}, `Ajouter le semestre ${coverage.next_semester}`),
    field({ name: "semester", label: "Semestre", required: true, value: coverage.next_semester }),
    field({ name: "ecb_mro", label: "Taux BCE au 1er jour du semestre (%)", required: true, hint: "Opération principale de refinancement, ex. 2,15" }),
    field({ name: "particuliers", label: "Taux légal — particuliers (%)", required: true }),
    field({ name: "autres_cas", label: "Taux légal — autres cas (%)", required: true }),
    field({ name: "arrete", label: "Arrêté (taux légal)", hint: "Ex. arrêté du 15 décembre 2025 (JORF du 26)" }),
    field({ name: "published_on", label: "Date de publication", type: "date" }),
    field({ name: "source", label: "Source", required: true, type: "textarea", wide: true, hint: "Adresse de la page de la BCE ou de la Banque de France, du Journal officiel…" }),
    h("div", { class: "actions wide" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    const value = (name) => form.querySelector(`[name=${name}]`).value.trim();
    const body = Object.fromEntries(
      ["semester", "ecb_mro", "particuliers", "autres_cas", "source", "arrete", "published_on"].map((n) => [n, value(n) || null]),
    );
    try {
      const answer = await busy(submit, "Enregistrement…", () => api("/v1/operator/rates", { method: "POST", body }));
      await ratesSection(area);
      const count = answer.recomputed.length;
      area.prepend(
        notice(
          "success",
          `Semestre ${answer.semester} ajouté. ${count === 0 ? "Aucune créance à recalculer." : count === 1 ? "1 créance « à parfaire » recalculée." : `${count} créances « à parfaire » recalculées.`}`,
        ),
      );
      announce(`Semestre ${answer.semester} ajouté`);
    } catch (error) {
      showErrors(form, error);
    }
  });
  area.append(form);
}

// The rate feed's proposals (ECB Data Portal, Banque de France Webstat): never applied until confirmed here.
const percent = (value) => `${String(value).replace(".", ",")} %`;

async function proposalsSection(container, ratesArea) {
  clear(container).append(h("h3", { id: "titre-propositions-taux" }, "Propositions de taux"));
  let proposals;
  try {
    proposals = (await api("/v1/operator/rate-proposals")).proposals;
  } catch (error) {
    container.append(notice("error", error.message));
    return;
  }
  const pending = proposals.filter((p) => p.status === "pending");
  const done = proposals.filter((p) => p.status !== "pending");
  container.append(
    h(
      "p",
      { class: "hint" },
      "Chaque jour, le flux de taux lit la BCE (taux de l'opération principale de refinancement) et la Banque de France (taux de l'intérêt légal) et propose ici les semestres qui manquent aux tables. ",
      "Rien n'est appliqué sans votre confirmation : vérifiez les valeurs auprès de la publication officielle.",
    ),
  );
  const list = h("div", { id: "propositions-en-attente" });
  if (!pending.length) list.append(h("p", { class: "empty" }, "Aucune proposition en attente."));
  for (const p of pending) {
    list.append(
      h(
        "article",
        { class: "proposal", "aria-label": `Proposition ${p.semester}` },
        h("h4", {}, `Semestre ${p.semester} `, p.simulated ? h("span", { class: "badge badge-todo" }, "flux simulé — valeurs de démonstration") : ""),
        facts([
          ["Taux BCE au 1er jour du semestre", percent(p.ecb_mro)],
          ["Taux légal — particuliers", percent(p.particuliers)],
          ["Taux légal — autres cas", percent(p.autres_cas)],
          ["Lu le", when(p.created_at)],
        ]),
        h(
          "ul",
          { class: "plain hint" },
          ...p.sources.map((s) =>
            h("li", {}, `${s.provider}, série `, h("code", { class: "wrap" }, s.series), ` : ${percent(s.value)} (observation du ${dateLong(s.observed_on)}) — `, h("a", { href: s.url, rel: "noopener", target: "_blank" }, "requête")),
          ),
        ),
        proposalActions(p, container, ratesArea),
      ),
    );
  }
  container.append(list);
  const status = h("span", { role: "status" });
  const check = h("button", { type: "button", class: "secondary small", id: "verifier-taux" }, "Vérifier les fournisseurs maintenant");
  check.addEventListener("click", async () => {
    await busy(check, "Lecture…", async () => {
      try {
        const report = await api("/v1/operator/rate-proposals/check", { method: "POST" });
        const parts = [
          report.proposed.length ? `${count(report.proposed.length, "nouvelle proposition", "nouvelles propositions")}.` : "Aucune nouvelle proposition.",
          ...report.notes,
          ...report.errors,
        ];
        await proposalsSection(container, ratesArea);
        container.prepend(notice(report.errors.length ? "error" : "info", parts.join(" ")));
      } catch (error) {
        status.textContent = error.message;
      }
    });
  });
  container.append(h("p", {}, check, " ", status));
  if (done.length) {
    const history = h("details", { class: "inline-action" }, h("summary", {}, `Propositions traitées (${done.length})`));
    history.append(
      table(
        [
          { label: "Semestre", value: (p) => p.semester },
          { label: "BCE", value: (p) => percent(p.ecb_mro), class: "num" },
          { label: "Particuliers", value: (p) => percent(p.particuliers), class: "num" },
          { label: "Autres cas", value: (p) => percent(p.autres_cas), class: "num" },
          { label: "Décision", value: (p) => `${p.status_label}${p.decided_by ? ` par ${p.decided_by}, ${when(p.decided_at)}` : ""}${p.reason ? ` — ${p.reason}` : ""}` },
        ],
        done,
        { caption: "Propositions confirmées, rejetées ou sans objet" },
      ),
    );
    container.append(history);
  }
}

function proposalActions(proposal, container, ratesArea) {
  const confirm = h("button", { type: "button", class: "primary small" }, `Confirmer ${proposal.semester}`);
  confirm.addEventListener("click", async () => {
    await busy(confirm, "Confirmation…", async () => {
      try {
        const answer = await api(`/v1/operator/rate-proposals/${encodeURIComponent(proposal.proposal_id)}/confirm`, { method: "POST" });
        const count = answer.semester_added.recomputed.length;
        await ratesSection(ratesArea);
        ratesArea.prepend(
          notice(
            "success",
            `Semestre ${proposal.semester} ajouté depuis la proposition. ${count === 0 ? "Aucune créance à recalculer." : count === 1 ? "1 créance « à parfaire » recalculée." : `${count} créances « à parfaire » recalculées.`}`,
          ),
        );
        announce(`Semestre ${proposal.semester} ajouté`);
      } catch (error) {
        await proposalsSection(container, ratesArea);
        container.prepend(notice("error", error.message));
      }
    });
  });
  const reject = h("details", { class: "inline-action" }, h("summary", {}, "Rejeter"));
  const submit = h("button", { type: "submit", class: "danger small" }, "Rejeter la proposition");
  const form = h("form", { novalidate: true }, field({ name: "reason", id: `motif-${proposal.proposal_id}`, label: `Motif (facultatif) — ${proposal.semester}`, type: "textarea" }), submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = form.querySelector("textarea").value.trim();
    try {
      await busy(submit, "…", () =>
        api(`/v1/operator/rate-proposals/${encodeURIComponent(proposal.proposal_id)}/reject`, { method: "POST", body: reason ? { reason } : {} }),
      );
      await proposalsSection(container, ratesArea);
      container.prepend(notice("info", `Proposition ${proposal.semester} rejetée : les tables ne changent pas.`));
      announce("Proposition rejetée");
    } catch (error) {
      showErrors(form, error);
    }
  });
  reject.append(form);
  return h("div", {}, confirm, reject);
}
