// The creditor's dashboard: every claim with its status, amount, next step and date; filters; totals by
// status; and the aged balance of open claims (computed here from each claim's oldest due date).
import { h, add, clear, notice, table, link } from "../dom.js";
import { api } from "../api.js";
import { euros, dateShort, todayIso, daysBetween, businessDateKnown } from "../format.js";
import { GROUPS, groupOf, nextStep, isOpen } from "../statuses.js";
import { setQuery } from "../router.js";
import * as session from "../session.js";

export const AGE_BUCKETS = [
  ["not_due", "Non échues"],
  ["0_30", "0 à 30 jours"],
  ["31_60", "31 à 60 jours"],
  ["61_90", "61 à 90 jours"],
  ["over_90", "Plus de 90 jours"],
];

/** The aged-balance bucket of a due date on ``today`` (both YYYY-MM-DD). */
export function ageBucket(dueDate, today) {
  const late = daysBetween(dueDate, today);
  if (late === null || late <= 0) return "not_due";
  if (late <= 30) return "0_30";
  if (late <= 60) return "31_60";
  if (late <= 90) return "61_90";
  return "over_90";
}

function cents(amount) {
  return Math.round(Number(amount || 0) * 100);
}

function statusBadge(claim) {
  return h("span", { class: `badge badge-${groupOf(claim.status)}` }, claim.status_label);
}

function totalsByStatus(claims) {
  const rows = new Map();
  for (const claim of claims) {
    const row = rows.get(claim.status) || { status: claim.status, label: claim.status_label, count: 0, cents: 0 };
    row.count += 1;
    row.cents += cents(claim.principal);
    rows.set(claim.status, row);
  }
  return [...rows.values()].sort((a, b) => b.count - a.count);
}

function agedBalance(claims, today) {
  const buckets = Object.fromEntries(AGE_BUCKETS.map(([key]) => [key, { count: 0, cents: 0 }]));
  for (const claim of claims.filter((c) => isOpen(c.status))) {
    const bucket = buckets[ageBucket(claim.due_date, today)];
    bucket.count += 1;
    bucket.cents += cents(claim.principal);
  }
  return buckets;
}

/** A bar whose width is set through the CSSOM (allowed by a strict Content-Security-Policy). */
function bar(key, ratio) {
  const fill = h("span", { class: `aged-fill aged-${key}` });
  fill.style.width = `${Math.round(ratio * 100)}%`;
  return fill;
}

function agedView(claims) {
  const today = todayIso();
  const buckets = agedBalance(claims, today);
  const largest = Math.max(1, ...Object.values(buckets).map((b) => b.cents));
  return h(
    "section",
    { "aria-labelledby": "anciennete", class: "card" },
    h("h2", { id: "anciennete" }, "Balance âgée des créances ouvertes"),
    h("p", { class: "hint" }, `Retard compté depuis l'échéance la plus ancienne de chaque créance, au ${dateShort(today)}.`),
    h(
      "ul",
      { class: "aged", id: "balance-agee" },
      AGE_BUCKETS.map(([key, label]) =>
        h(
          "li",
          { dataset: { bucket: key } },
          h("span", { class: "aged-label" }, label),
          h(
            "span",
            { class: "aged-bar", "aria-hidden": "true" },
            bar(key, buckets[key].cents / largest),
          ),
          h(
            "span",
            { class: "aged-value" },
            `${euros(buckets[key].cents / 100)} · ${buckets[key].count} créance${buckets[key].count > 1 ? "s" : ""}`,
          ),
        ),
      ),
    ),
  );
}

function filterView(claims, query, onChange) {
  const statuses = [...new Map(claims.map((c) => [c.status, c.status_label])).entries()];
  const status = h(
    "select",
    { id: "filtre-statut", name: "statut" },
    h("option", { value: "" }, "Tous les statuts"),
    Object.entries(GROUPS).map(([key, label]) => h("option", { value: `groupe:${key}` }, label)),
    statuses.map(([value, label]) => h("option", { value }, label)),
  );
  status.value = query.statut || "";
  const search = h("input", { id: "filtre-texte", name: "q", type: "search", value: query.q || "" });
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filtrer les créances" },
    h("div", { class: "field" }, h("label", { for: "filtre-statut" }, "Statut"), status),
    h("div", { class: "field" }, h("label", { for: "filtre-texte" }, "Débiteur ou référence"), search),
  );
  const changed = () => onChange({ statut: status.value, q: search.value.trim() });
  status.addEventListener("change", changed);
  search.addEventListener("input", changed);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    changed();
  });
  return form;
}

function matches(claim, filters) {
  const wanted = filters.statut || "";
  if (wanted.startsWith("groupe:") && groupOf(claim.status) !== wanted.slice(7)) return false;
  if (wanted && !wanted.startsWith("groupe:") && claim.status !== wanted) return false;
  const text = (filters.q || "").toLowerCase();
  if (text && !`${claim.debtor_name} ${claim.reference}`.toLowerCase().includes(text)) return false;
  return true;
}

function claimsTable(claims) {
  return table(
    [
      { label: "Débiteur", value: (c) => link(`#/creances/${encodeURIComponent(c.claim_id)}`, c.debtor_name || "(sans nom)") },
      { label: "Référence", value: (c) => c.reference || "—" },
      { label: "Statut", value: statusBadge },
      { label: "Montant", value: (c) => euros(c.principal), class: "num" },
      { label: "Échéance", value: (c) => dateShort(c.due_date) || "—" },
      {
        label: "Prochaine étape",
        value: (c) => {
          const step = nextStep(c);
          return [step.label, step.date ? h("span", { class: "when" }, ` — au plus tard le ${dateShort(step.date)}`) : null];
        },
      },
    ],
    claims,
    { caption: "Créances", empty: "Aucune créance ne correspond.", attrs: { id: "liste-creances" } },
  );
}

export async function render({ main, query }) {
  add(
    main,
    h("h1", {}, "Mes créances"),
    h(
      "p",
      { class: "actions" },
      h("a", { class: "button primary", href: "#/creances/nouvelle" }, "Déposer une créance"),
      h("a", { class: "button", href: "#/imports" }, "Importer une balance âgée (CSV)"),
    ),
  );
  if (session.current()?.has_profile === false) {
    add(main, notice("warning", "Votre profil est incomplet : ", link("#/profil", "complétez-le"), " avant de déposer une créance."));
  }
  let claims;
  try {
    claims = (await api("/v1/claims")).claims;
    await businessDateKnown; // the aged balance counts the days to the platform's today
  } catch (error) {
    add(main, notice("error", error.message));
    return;
  }
  if (!claims.length) {
    add(main, notice("info", "Vous n'avez encore déposé aucune créance."));
    return;
  }
  const totals = totalsByStatus(claims);
  const open = claims.filter((c) => isOpen(c.status));
  add(
    main,
    h(
      "div",
      { class: "summary-cards" },
      Object.entries(GROUPS).map(([key, label]) => {
        const inGroup = claims.filter((c) => groupOf(c.status) === key);
        return h(
          "div",
          { class: `summary-card group-${key}` },
          h("span", { class: "summary-label" }, label),
          h("span", { class: "summary-count" }, String(inGroup.length)),
          h("span", { class: "summary-amount" }, euros(inGroup.reduce((sum, c) => sum + cents(c.principal), 0) / 100)),
        );
      }),
    ),
    h(
      "div",
      { class: "two-columns" },
      h(
        "section",
        { "aria-labelledby": "totaux", class: "card" },
        h("h2", { id: "totaux" }, "Totaux par statut"),
        table(
          [
            { label: "Statut", value: (r) => r.label },
            { label: "Nombre", value: (r) => String(r.count), class: "num" },
            { label: "Montant", value: (r) => euros(r.cents / 100), class: "num" },
          ],
          totals,
          { caption: `${claims.length} créance(s), dont ${open.length} ouverte(s)`, attrs: { id: "totaux-statut" } },
        ),
      ),
      agedView(claims),
    ),
  );
  const results = h("div", { id: "resultats" });
  const count = h("p", { role: "status", class: "status-line" });
  const show = (filters) => {
    const shown = claims.filter((c) => matches(c, filters));
    count.textContent = `${shown.length} créance(s) affichée(s) sur ${claims.length}.`;
    clear(results).append(claimsTable(shown));
  };
  add(
    main,
    h("h2", {}, "Liste des créances"),
    filterView(claims, query, (filters) => {
      setQuery(Object.fromEntries(Object.entries(filters).filter(([, v]) => v)));
      show(filters);
    }),
    count,
    results,
  );
  show(query);
}
