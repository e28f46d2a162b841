// Bulk import of an aged balance (CSV): send the file, follow the progress (GET /v1/imports/{id} every
// second) and read the line-by-line report: drafts created per debtor, lines rejected and why.
import { h, add, clear, notice, announce, table, link, pagedList, queryString } from "../dom.js";
import { api } from "../api.js";
import { field, showErrors, busy, clearErrors } from "../forms.js";
import { euros, when, count } from "../format.js";

const POLL_MS = 1000;
const FINISHED = new Set(["done", "failed"]);

export async function render(ctx) {
  return ctx.params.id ? importPage(ctx) : listPage(ctx);
}

async function listPage({ main }) {
  const submit = h("button", { type: "submit", class: "primary" }, "Importer le fichier");
  const form = h(
    "form",
    { class: "card grid-form", novalidate: true, id: "formulaire-import" },
    field({
      name: "file",
      label: "Fichier CSV de la balance âgée",
      type: "file",
      required: true,
      wide: true,
      attrs: { accept: ".csv,text/csv" },
      hint: "Une ligne par facture impayée, séparateur « ; », montants « 1 234,56 », dates « 31/01/2025 ».",
    }),
    h("p", { class: "wide" }, "Modèle : ", h("a", { href: "/exemple-import.csv", download: "exemple-import.csv" }, "exemple-import.csv"), ". Chaque débiteur devient un brouillon que vous vérifiez avant l'envoi."),
    h("div", { class: "actions wide" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const file = form.querySelector("[name=file]").files[0];
    if (!file) {
      showErrors(form, { message: "Choisissez un fichier.", details: [{ field: "file", message: "Choisissez le fichier CSV à importer." }] });
      return;
    }
    try {
      const job = await busy(submit, "Envoi…", () =>
        api(`/v1/imports?filename=${encodeURIComponent(file.name)}`, { method: "POST", raw: file, contentType: "text/csv" }),
      );
      location.hash = `#/imports/${encodeURIComponent(job.import_id)}`;
    } catch (error) {
      showErrors(form, { ...error, message: error.message, details: [{ field: "file", message: error.message }] });
    }
  });
  add(main, h("h1", {}, "Importer une balance âgée"), form, h("h2", {}, "Imports précédents"));
  const list = pagedList({
    fetchPage: async (cursor) => {
      const page = await api(`/v1/imports${queryString({ limit: 20, cursor })}`);
      return { items: page.imports, next_cursor: page.next_cursor };
    },
    render: (imports) =>
      table(
        [
          { label: "Fichier", value: (j) => link(`#/imports/${encodeURIComponent(j.import_id)}`, j.filename) },
          { label: "Date", value: (j) => when(j.created_at) },
          { label: "État", value: (j) => j.status_label },
          { label: "Brouillons", value: (j) => String(j.drafts_created), class: "num" },
          { label: "Lignes refusées", value: (j) => String(j.lines_rejected), class: "num" },
        ],
        imports,
        { caption: "Vos imports", empty: "Aucun import pour l'instant." },
      ),
  });
  add(main, list.element);
  await list.load();
}

async function importPage(ctx) {
  const { main, params } = ctx;
  const id = params.id;
  const bar = h("progress", { id: "avancement", max: "100", value: "0", "aria-labelledby": "libelle-avancement" });
  const label = h("p", { id: "libelle-avancement" }, "Avancement");
  const status = h("p", { role: "status", class: "status-line", id: "etat-import" });
  const report = h("div", { id: "rapport" });
  add(main, h("h1", {}, "Import en cours"), label, bar, status, report, h("p", {}, link("#/imports", "Nouvel import")));
  let lastStatus = null;
  const tick = async () => {
    if (!ctx.alive()) return;
    let job;
    try {
      job = await api(`/v1/imports/${encodeURIComponent(id)}`);
    } catch (error) {
      clear(report).append(notice("error", error.message));
      return;
    }
    if (!ctx.alive()) return;
    main.querySelector("h1").textContent = `Import de « ${job.filename} »`;
    bar.value = job.percent;
    bar.textContent = `${job.percent} %`;
    label.textContent = `Avancement : ${job.percent} % — ${job.status_label}`;
    const line = job.total_lines
      ? `${count(job.lines_read, "ligne lue", "lignes lues")} sur ${job.total_lines} ; ${count(job.drafts_created, "brouillon créé", "brouillons créés")} sur ${job.drafts_total} ; ${count(job.lines_rejected, "ligne refusée", "lignes refusées")}.`
      : job.status_label;
    if (job.status !== lastStatus || FINISHED.has(job.status)) status.textContent = line;
    lastStatus = job.status;
    if (FINISHED.has(job.status)) {
      showReport(report, job);
      announce(job.status === "done" ? "Import terminé." : "L'import a échoué.");
      return;
    }
    const timer = window.setTimeout(tick, POLL_MS);
    ctx.onLeave(() => window.clearTimeout(timer));
  };
  await tick();
}

function showReport(area, job) {
  const result = job.report || {};
  clear(area);
  if (job.status === "failed") {
    area.append(notice("error", job.error || "L'import a échoué."));
  } else {
    area.append(
      notice(
        job.lines_rejected ? "warning" : "success",
        `Import terminé : ${count(result.imported_lines ?? 0, "ligne importée", "lignes importées")}, ${count(result.draft_count ?? job.drafts_created, "brouillon créé", "brouillons créés")}, ${count(result.rejected_lines ?? job.lines_rejected, "ligne refusée", "lignes refusées")}.`,
      ),
    );
  }
  if (result.warnings?.length) area.append(notice("info", h("ul", {}, result.warnings.map((w) => h("li", {}, w)))));
  if (result.rejected?.length) {
    area.append(
      h("h2", {}, "Lignes refusées"),
      table(
        [
          { label: "Ligne", value: (r) => String(r.line), class: "num" },
          { label: "Colonne", value: (r) => r.field || "—" },
          { label: "Motif", value: (r) => r.message },
        ],
        result.rejected,
        { caption: "Rapport ligne à ligne", attrs: { id: "lignes-refusees" } },
      ),
    );
    if (result.rejected_not_shown) {
      area.append(notice("info", `… et ${count(result.rejected_not_shown, "autre motif de refus non affiché", "autres motifs de refus non affichés")} : corrigez d'abord ceux-ci, puis importez le fichier à nouveau.`));
    }
  }
  if (result.claims?.length) {
    area.append(
      h("h2", {}, "Brouillons créés"),
      table(
        [
          { label: "Débiteur", value: (c) => link(`#/creances/${encodeURIComponent(c.claim_id)}`, c.debtor_name) },
          { label: "Factures", value: (c) => String(c.invoices), class: "num" },
          { label: "Montant", value: (c) => euros(c.principal), class: "num" },
          { label: "Lignes du fichier", value: (c) => (c.lines || []).join(", ") },
        ],
        result.claims,
        { caption: "Un brouillon par débiteur : ouvrez-le pour vérifier et envoyer", attrs: { id: "brouillons-importes" } },
      ),
    );
  }
}
