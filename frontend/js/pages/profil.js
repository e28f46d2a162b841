// The creditor's profile: what the letters print (legal name, SIREN, address, IBAN, signatory), the
// platform's invoices, and « Mes données »: the export of everything the platform holds (RGPD), prepared in
// the background (POST /v1/me/exports, then GET /v1/me/exports/{id} every 2 s while the page is shown).
import { h, add, clear, notice, announce, uniqueId, startDownload } from "../dom.js";
import { api } from "../api.js";
import { field, showErrors, checkRequired, busy, getPath, setPath, controlValue } from "../forms.js";
import * as session from "../session.js";
import { accountInvoicesSection } from "../invoices.js";
import { when, bytes } from "../format.js";

const EXPORT_POLL_MS = 2000;

const FIELDS = [
  ["legal_name", "Raison sociale ou nom", { required: true, autocomplete: "organization" }],
  ["category", "Catégorie", { type: "select", required: true }],
  ["legal_form", "Forme juridique", { hint: "SARL, SAS, EI…" }],
  ["siren", "SIREN", { inputmode: "numeric", hint: "9 chiffres ; obligatoire pour un professionnel." }],
  ["siret", "SIRET", { inputmode: "numeric", hint: "14 chiffres (facultatif)." }],
  ["address.line1", "Adresse", { required: true, autocomplete: "address-line1" }],
  ["address.line2", "Complément d'adresse", { autocomplete: "address-line2" }],
  ["address.postal_code", "Code postal", { required: true, inputmode: "numeric", autocomplete: "postal-code" }],
  ["address.city", "Ville", { required: true, autocomplete: "address-level2" }],
  ["contact_name", "Personne à contacter", { autocomplete: "name" }],
  ["phone", "Téléphone", { type: "tel", autocomplete: "tel" }],
  ["iban", "IBAN", { hint: "Imprimé sur la mise en demeure pour que le débiteur vous paie directement." }],
  ["signatory_name", "Signataire des courriers", { required: true }],
  ["signatory_title", "Qualité du signataire", { hint: "Gérant, Présidente…" }],
];

export async function render(ctx) {
  const { main, query } = ctx;
  add(main, h("h1", {}, "Mon profil de créancier"));
  let answer;
  try {
    answer = await api("/v1/me/profile");
  } catch (error) {
    add(main, notice("error", error.message));
    return;
  }
  const profile = answer.profile || {};
  // The API's labels fit in a sentence (« un commerçant ou… »); a list starts each with a capital.
  const categories = Object.entries(answer.categories || {}).map(([key, label]) => [key, label.charAt(0).toUpperCase() + label.slice(1)]);
  const submit = h("button", { type: "submit", class: "primary" }, "Enregistrer le profil");
  const form = h(
    "form",
    { class: "grid-form", novalidate: true },
    FIELDS.map(([name, label, opts]) =>
      field({
        name,
        label,
        ...opts,
        options: name === "category" ? categories : undefined,
        value: getPath(profile, name) ?? (name === "category" ? "commercant" : ""),
      }),
    ),
    h("div", { class: "actions wide" }, submit),
  );
  add(
    main,
    query.bienvenue || !answer.profile
      ? notice("info", "Bienvenue ! Complétez votre profil : il figure sur les courriers envoyés en votre nom.")
      : null,
    h("p", {}, "Ces informations figurent sur la mise en demeure et le dossier d'injonction de payer."),
    form,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    const body = { address: { country: "FR" } };
    for (const control of form.querySelectorAll("[name]")) setPath(body, control.name, controlValue(control));
    try {
      await busy(submit, "Enregistrement…", () => api("/v1/me/profile", { method: "PUT", body }));
      session.update({ has_profile: true });
      announce("Profil enregistré.");
      form.before(notice("success", "Profil enregistré."));
      if (query.bienvenue) location.hash = "#/creances/nouvelle";
    } catch (error) {
      showErrors(form, error);
    }
  });
  add(main, accountInvoicesSection(), myDataSection(ctx));
}

/** A fresh link (the one of a listed export lasts 15 minutes), then the download. */
async function downloadExport(job, status) {
  try {
    const fresh = await api(`/v1/me/exports/${encodeURIComponent(job.export_id)}`);
    if (!fresh.download_url) {
      status.textContent = fresh.error || "Cet export n'est pas prêt.";
      return;
    }
    startDownload({ url: fresh.download_url, filename: fresh.filename });
    status.textContent = `Téléchargement de « ${fresh.filename} » lancé.`;
  } catch (error) {
    status.textContent = error.message;
  }
}

function exportItem(job) {
  const status = h("p", { class: "status-line hint", role: "status" });
  const button = h("button", { type: "button", "aria-label": `Télécharger l'export du ${when(job.created_at)} (JSON)` }, "Télécharger (JSON)");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await downloadExport(job, status);
    } finally {
      button.disabled = false;
    }
  });
  const ready = job.status === "terminee";
  const state = job.status === "en_cours" ? `${job.status_label} — ${job.progress} %` : job.status_label;
  return h(
    "li",
    { class: "export", dataset: { exportId: job.export_id } },
    h("p", {}, h("strong", {}, `Export du ${when(job.created_at)}`), ` · ${state}`, ready ? ` · ${bytes(job.size_bytes)}` : ""),
    job.error ? h("p", { class: "hint" }, job.error) : null,
    ready ? h("p", { class: "actions" }, button) : null,
    status,
  );
}

/** « Mes données »: start an export, follow it (« Préparation de l'export… NN % »), download it; the latest
 * exports (kept 7 days). Polling stops when the page is left. */
function myDataSection(ctx) {
  const titleId = uniqueId("titre-mes-donnees");
  const start = h("button", { type: "button", class: "primary", id: "exporter-mes-donnees" }, "Exporter mes données");
  const bar = h("progress", { max: "100", value: "0", hidden: true, "aria-label": "Avancement de l'export" });
  const status = h("p", { class: "status-line", role: "status", id: "etat-export" });
  const result = h("div");
  const list = h("ul", { class: "plain exports", "aria-label": "Mes derniers exports" });
  const card = h(
    "section",
    { class: "card", id: "mes-donnees", "aria-labelledby": titleId },
    h("h2", { id: titleId }, "Mes données"),
    h("p", {}, "Téléchargez, au format JSON, tout ce que la plateforme conserve à votre sujet : votre compte, vos créances avec leur historique, les e-mails envoyés, vos imports et vos factures (RGPD, articles 15 et 20)."),
    h("p", { class: "hint" }, "La préparation peut prendre quelques minutes ; vous pouvez quitter la page : un e-mail vous prévient quand le fichier est prêt. Il reste disponible 7 jours."),
    h("p", { class: "actions" }, start),
    bar,
    status,
    result,
    h("h3", {}, "Derniers exports"),
    list,
  );
  let timer = null;
  ctx.onLeave(() => window.clearTimeout(timer));

  const showList = (exports) => {
    clear(list);
    if (!exports.length) add(list, h("li", { class: "empty" }, "Aucun export pour l'instant."));
    else add(list, exports.map(exportItem));
  };
  const refreshList = async () => {
    const answer = await api("/v1/me/exports");
    if (ctx.alive()) showList(answer.exports || []);
    return answer.exports || [];
  };
  const follow = async (job) => {
    if (!ctx.alive()) return;
    if (job.status === "en_cours") {
      start.disabled = true;
      bar.hidden = false;
      bar.value = job.progress;
      bar.textContent = `${job.progress} %`;
      status.textContent = `Préparation de l'export… ${job.progress} %`;
      timer = window.setTimeout(async () => {
        try {
          follow(await api(`/v1/me/exports/${encodeURIComponent(job.export_id)}`));
        } catch (error) {
          if (ctx.alive()) status.textContent = error.message;
        }
      }, EXPORT_POLL_MS);
      return;
    }
    start.disabled = false;
    bar.hidden = true;
    clear(result);
    if (job.status === "terminee") {
      status.textContent = "Votre export est prêt.";
      const download = h("button", { type: "button", class: "primary", id: "telecharger-export" }, "Télécharger mes données (JSON)");
      const downloadStatus = h("p", { class: "status-line hint", role: "status" });
      download.addEventListener("click", () => downloadExport(job, downloadStatus));
      add(result, h("p", { class: "actions" }, download), downloadStatus);
      announce("Votre export est prêt.");
    } else {
      status.textContent = "";
      add(result, notice("error", job.error || "L'export a échoué."));
    }
    refreshList().catch(() => {});
  };

  start.addEventListener("click", async () => {
    clear(result);
    try {
      const job = await busy(start, "Démarrage…", () => api("/v1/me/exports", { method: "POST", body: {} }));
      follow(job);
    } catch (error) {
      add(result, notice("error", error.message));
    }
  });
  refreshList()
    .then((exports) => {
      const running = exports.find((job) => job.status === "en_cours");
      if (running) follow(running); // an export asked for earlier, still being prepared
    })
    .catch((error) => add(card, notice("error", error.message)));
  return card;
}
