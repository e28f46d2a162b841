// The creditor's dashboard: totals by status and the aged balance of open claims (GET /v1/dashboard: figures
// the platform keeps up to date with every claim, whatever the number of claims), then the claims, a page at
// a time (GET /v1/claims: newest first, « Afficher plus »), filtered by the API (status or group, text).
import { h, add, clear, notice, table, link, pagedList, queryString } from "../dom.js";
import { api, priceOf } from "../api.js";
import { euros, dateShort, count as countOf } from "../format.js";
import { GROUPS, groupOf, nextStep, statusesOf } from "../statuses.js";
import { setQuery } from "../router.js";
import * as session from "../session.js";

export const PAGE_SIZE = 50;

function cents(amount) {
  return Math.round(Number(amount || 0) * 100);
}

function statusBadge(claim) {
  return h("span", { class: `badge badge-${groupOf(claim.status)}` }, claim.status_label);
}

/** A bar whose width is set through the CSSOM (allowed by a strict Content-Security-Policy). */
function bar(key, ratio) {
  const fill = h("span", { class: `aged-fill aged-${key}` });
  fill.style.width = `${Math.round(ratio * 100)}%`;
  return fill;
}

function agedView(figures) {
  const largest = Math.max(1, ...figures.aged.map((b) => cents(b.amount)));
  return h(
    "section",
    { "aria-labelledby": "anciennete", class: "card" },
    h("h2", { id: "anciennete" }, "Balance âgée des créances ouvertes"),
    h("p", { class: "hint" }, `Retard compté depuis l'échéance la plus ancienne de chaque créance, au ${dateShort(figures.as_of)}.`),
    h(
      "ul",
      { class: "aged", id: "balance-agee" },
      figures.aged.map((bucket) =>
        h(
          "li",
          { dataset: { bucket: bucket.key } },
          h("span", { class: "aged-label" }, bucket.label),
          h("span", { class: "aged-bar", "aria-hidden": "true" }, bar(bucket.key, cents(bucket.amount) / largest)),
          h("span", { class: "aged-value" }, `${euros(bucket.amount)} · ${plural(bucket.count, "créance")}`),
        ),
      ),
    ),
  );
}

function plural(n, word) {
  return countOf(n, word);
}

function filterView(figures, query, onChange) {
  const statuses = figures.by_status.map((row) => [row.key, row.label]);
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

/** The API's filters of the list: ``status`` (one, or the statuses of a group) and ``q``. */
function apiFilters(filters) {
  const wanted = filters.statut || "";
  const status = wanted.startsWith("groupe:") ? statusesOf(wanted.slice(7)).join(",") : wanted;
  return { status, q: (filters.q || "").trim() };
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
  let figures;
  try {
    figures = await api("/v1/dashboard");
  } catch (error) {
    add(main, notice("error", error.message));
    return;
  }
  if (!figures.count) {
    // The first visit: what to do first, in order (issue 24), rather than an empty list.
    const profileDone = session.current()?.has_profile !== false;
    const price = h("span", {}, "Payez la mise en demeure");
    priceOf("notice").then((found) => {
      if (found) price.textContent = `Payez ${euros(found.amount)} TTC`;
    });
    add(
      main,
      h(
        "section",
        { class: "card first-steps", "aria-labelledby": "premiers-pas" },
        h("h2", { id: "premiers-pas" }, "Vos premiers pas"),
        h("p", {}, "Vous n'avez encore déposé aucune créance. En trois étapes :"),
        h(
          "ol",
          {},
          h("li", {}, profileDone ? "Votre profil est complet : il figure sur les lettres. " : "Complétez votre profil (raison sociale, SIREN, adresse, IBAN) : il figure sur les lettres. ", link("#/profil", profileDone ? "Le revoir" : "Compléter mon profil")),
          h("li", {}, "Déposez une facture impayée : le débiteur, la facture, les pièces. La plateforme vérifie qu'elle est exigible et non prescrite et calcule ce qui est dû. ", link("#/creances/nouvelle", "Déposer une créance")),
          h("li", {}, price, " : la mise en demeure part en recommandé. Sans paiement du débiteur, vous pourrez engager l'injonction de payer. ", link("#/cgv", "Conditions et tarifs")),
        ),
        h("p", {}, "Plusieurs factures à relancer ? ", link("#/imports", "Importez votre balance âgée (CSV)"), "."),
      ),
    );
    return;
  }
  const inGroup = (key) => figures.by_status.filter((row) => groupOf(row.key) === key);
  add(
    main,
    h(
      "div",
      { class: "summary-cards" },
      Object.entries(GROUPS).map(([key, label]) => {
        const rows = inGroup(key);
        return h(
          "div",
          { class: `summary-card group-${key}` },
          h("span", { class: "summary-label" }, label),
          h("span", { class: "summary-count" }, String(rows.reduce((sum, row) => sum + row.count, 0))),
          h("span", { class: "summary-amount" }, euros(rows.reduce((sum, row) => sum + cents(row.amount), 0) / 100)),
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
            { label: "Montant", value: (r) => euros(r.amount), class: "num" },
          ],
          figures.by_status,
          {
            caption: `${plural(figures.count, "créance")}, dont ${countOf(figures.open_count, "ouverte")}`,
            attrs: { id: "totaux-statut" },
          },
        ),
      ),
      agedView(figures),
    ),
  );
  const results = h("div", { id: "resultats" });
  const count = h("p", { role: "status", class: "status-line" });
  let shown = 0;
  const show = (filters) => {
    const current = ++shown;
    const list = pagedList({
      fetchPage: async (cursor) => {
        const page = await api(`/v1/claims${queryString({ ...apiFilters(filters), limit: PAGE_SIZE, cursor })}`);
        return { items: page.claims, next_cursor: page.next_cursor };
      },
      render: claimsTable,
      onLoaded: (loaded, more) => {
        if (current !== shown) return;
        count.textContent = more
          ? `${plural(loaded, "créance")} affichée${loaded > 1 ? "s" : ""} ; d'autres suivent.`
          : `${plural(loaded, "créance")} affichée${loaded > 1 ? "s" : ""} sur ${figures.count}.`;
      },
    });
    clear(results).append(list.element);
    return list.load();
  };
  let typing = null;
  add(
    main,
    h("h2", {}, "Liste des créances"),
    filterView(figures, query, (filters) => {
      setQuery(Object.fromEntries(Object.entries(filters).filter(([, v]) => v)));
      clearTimeout(typing);
      typing = setTimeout(() => show(filters), 250);
    }),
    count,
    results,
  );
  await show(query);
}
