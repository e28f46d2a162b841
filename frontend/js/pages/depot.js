// "Déposer une créance": a step-by-step form (debtor, invoices, evidence with Factur-X pre-fill, payments
// and facts, summary with the pre-check and the price) over the API's drafts (POST/PUT /v1/claims).
// Nothing typed is lost: every keystroke is kept on this device per draft (localStorage) until the API
// has it, and a reload comes back to the same step.
import { h, add, clear, notice, announce, button, table, facts } from "../dom.js";
import { api, priceOf, ApiError } from "../api.js";
import { field, showErrors, checkRequired, busy, getPath, setPath, clearErrors, showFieldError } from "../forms.js";
import { euros, dateLong, dateShort, bytes, count } from "../format.js";
import { setQuery } from "../router.js";
import * as session from "../session.js";
import { declarationCard } from "../declaration.js";
import { cgvConsent, cgvState } from "../cgv.js";

const STEPS = [
  ["debiteur", "Débiteur"],
  ["factures", "Factures"],
  ["pieces", "Pièces"],
  ["faits", "Paiements et faits"],
  ["recapitulatif", "Vérification et paiement"],
];
const STEP_OF_FIELD = [
  [/^(debtor|reference)/, "debiteur"],
  [/^invoices/, "factures"],
  [/^(payments|contract|reminders|acknowledgements|reminder_first)/, "faits"],
];

export const DEBTOR_CATEGORIES = [
  ["commercant", "Commerçant ou société commerciale"],
  ["artisan", "Artisan"],
  ["liberal", "Profession libérale"],
  ["sel", "Société d'exercice libéral"],
  ["consumer", "Particulier (consommateur)"],
  ["non_professional_legal_person", "Association, SCI ou autre personne morale non professionnelle"],
  ["public_entity", "Personne publique"],
];
const BUSINESS = new Set(["commercant", "artisan", "liberal", "sel"]);
// A trader, craftsman or liberal professional in his own name may have bought privately (then a consumer,
// C. conso. L218-2); a company never: only for these categories is the question asked.
const PURPOSE_CATEGORIES = new Set(["commercant", "artisan", "liberal"]);
const PURPOSES = [
  ["professional", "Pour son activité professionnelle"],
  ["private", "À titre privé, hors de son activité (il exerce en nom propre)"],
];
const NATURES = [
  ["sale_or_service", "Vente ou prestation de services"],
  ["loan", "Prêt"],
  ["carriage_of_goods", "Transport de marchandises"],
  ["residential_rent", "Loyer d'habitation"],
  ["cheque", "Chèque impayé"],
  ["bill_of_exchange", "Lettre de change"],
];
const CHANNELS = [
  ["email", "E-mail"],
  ["letter", "Lettre simple"],
  ["registered_letter", "Lettre recommandée"],
  ["phone", "Téléphone"],
  ["other", "Autre"],
];
const DOCUMENT_KINDS = [
  ["invoice", "Facture"],
  ["purchase_order", "Bon de commande ou devis signé"],
  ["contract", "Contrat ou conditions générales"],
  ["delivery_proof", "Preuve de livraison ou d'exécution"],
  ["correspondence", "Échanges avec le débiteur"],
  ["acknowledgement", "Reconnaissance de dette"],
  ["payment_proof", "Preuve de paiement partiel (relevé, virement)"],
  ["other", "Autre pièce"],
];
const MEDIA_TYPES = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg" };
const MAX_BYTES = 10 * 1024 * 1024;
const PRESCRIPTION = { not_barred: "Non prescrite", at_risk: "À risque", barred: "Prescrite" };
// The debtor's country (ISO 3166 code, as the API wants it): France first, then the European Union, the
// EEA and the neighbours, by name.
const COUNTRIES = [
  ["FR", "France"],
  ...[
    ["DE", "Allemagne"], ["AD", "Andorre"], ["AT", "Autriche"], ["BE", "Belgique"], ["BG", "Bulgarie"],
    ["CY", "Chypre"], ["HR", "Croatie"], ["DK", "Danemark"], ["ES", "Espagne"], ["EE", "Estonie"],
    ["FI", "Finlande"], ["GR", "Grèce"], ["HU", "Hongrie"], ["IE", "Irlande"], ["IS", "Islande"],
    ["IT", "Italie"], ["LV", "Lettonie"], ["LI", "Liechtenstein"], ["LT", "Lituanie"], ["LU", "Luxembourg"],
    ["MT", "Malte"], ["MC", "Monaco"], ["NO", "Norvège"], ["NL", "Pays-Bas"], ["PL", "Pologne"],
    ["PT", "Portugal"], ["CZ", "République tchèque"], ["RO", "Roumanie"], ["GB", "Royaume-Uni"],
    ["SK", "Slovaquie"], ["SI", "Slovénie"], ["SE", "Suède"], ["CH", "Suisse"], ["US", "États-Unis"],
  ],
];

/** The list, with a country the claim already holds (an import, an older draft) kept as it is. */
function countriesWith(code) {
  const value = String(code || "").toUpperCase();
  return !value || COUNTRIES.some(([known]) => known === value) ? COUNTRIES : [...COUNTRIES, [value, value]];
}

const ROUTE = { admissible: "possible", not_admissible: "impossible", blocked: "bloquée pour l'instant" };
const COURT_KINDS = {
  tribunal_de_commerce: "Tribunal de commerce (ou des activités économiques)",
  tribunal_judiciaire: "Tribunal judiciaire",
  juge_des_contentieux_de_la_protection: "Juge des contentieux de la protection",
};

function emptyInvoice() {
  return { number: "", issue_date: "", performance_date: "", due_date: "", amount_ttc: "", description: "" };
}

function emptyContent() {
  return {
    reference: "",
    debtor: {
      category: "commercant",
      legal_name: "",
      legal_form: "",
      title: "",
      siren: "",
      siret: "",
      address: { country: "FR", line1: "", line2: "", postal_code: "", city: "" },
      email: "",
      phone: "",
      collective_proceedings: null,
      over_indebtedness: false,
      lre_consent: false,
    },
    invoices: [emptyInvoice()],
    contract: { nature: "sale_or_service", contractual_rate: "", jurisdiction_clause: "", disputed: false, dispute_details: "" },
    payments: [],
    acknowledgements: [],
    reminders: [],
    reminder_first: "",
  };
}

/** The API's content → the form's (nulls become empty strings so inputs can hold them). */
function fromServer(content) {
  const form = structuredClone(content);
  for (const invoice of form.invoices) {
    for (const key of ["performance_date", "due_date"]) invoice[key] = invoice[key] || "";
  }
  form.contract.contractual_rate = form.contract.contractual_rate || "";
  form.debtor.purpose = form.debtor.purpose || "";
  form.reminder_first = form.reminder_first === null || form.reminder_first === undefined ? "" : String(form.reminder_first);
  return form;
}

/** The form's content → what the API accepts (empty optional values become null). */
function toServer(form) {
  const content = structuredClone(form);
  for (const invoice of content.invoices) {
    for (const key of ["performance_date", "due_date"]) invoice[key] = invoice[key] || null;
    delete invoice.currency;
  }
  content.contract.contractual_rate = content.contract.contractual_rate || null;
  content.reminder_first = content.reminder_first === "" ? null : content.reminder_first === "true";
  const proceedings = content.debtor.collective_proceedings;
  if (proceedings) proceedings.published_on = proceedings.published_on || null;
  if (!BUSINESS.has(content.debtor.category) && content.debtor.category !== "consumer") content.debtor.title = "";
  content.debtor.purpose = PURPOSE_CATEGORIES.has(content.debtor.category) ? content.debtor.purpose || null : null;
  return content;
}

// --- the draft kept on this device ------------------------------------------------------------------------
function storageKey(claimId) {
  return `recouvrement.depot.${session.current()?.user_id || "anonyme"}.${claimId || "nouvelle"}`;
}

function readLocal(claimId) {
  try {
    return JSON.parse(localStorage.getItem(storageKey(claimId)) || "null");
  } catch {
    return null;
  }
}

function writeLocal(state) {
  try {
    localStorage.setItem(
      storageKey(state.claimId),
      JSON.stringify({ content: state.content, step: state.step, version: state.version, dirty: state.dirty, at: Date.now() }),
    );
  } catch {
    /* storage full or disabled: the API still has the last saved version */
  }
}

function dropLocal(claimId) {
  localStorage.removeItem(storageKey(claimId));
}

// --- the wizard --------------------------------------------------------------------------------------------
export async function render(ctx) {
  return renderWizard(ctx, null);
}

/** The form for a new claim (claim = null) or an existing draft (the claim as GET /v1/claims/{id}). */
export async function renderWizard(ctx, claim) {
  const { main, query } = ctx;
  const local = readLocal(claim ? claim.claim_id : null);
  const state = {
    claimId: claim ? claim.claim_id : null,
    version: claim ? claim.version : null,
    claim,
    content: claim ? fromServer(claim.content) : emptyContent(),
    step: query.etape && STEPS.some(([key]) => key === query.etape) ? query.etape : claim ? "factures" : "debiteur",
    dirty: false,
  };
  let restored = false;
  if (local && local.dirty && (!claim || local.version === claim.version)) {
    state.content = local.content;
    state.dirty = true;
    restored = true;
  } else if (local && claim && local.version !== claim.version) {
    dropLocal(claim.claim_id); // the API has a newer version than the one these edits started from
  }
  if (!query.etape && local?.step && (!claim || local.version === claim.version)) state.step = local.step;
  if (!state.claimId && ["pieces", "faits", "recapitulatif"].includes(state.step)) state.step = "factures";

  const title = h("h1", {}, claim ? `Brouillon — ${claim.debtor_name || "créance"}` : "Déposer une créance");
  const progress = h("nav", { class: "wizard-steps", "aria-label": "Étapes du dépôt" });
  const body = h("div", { class: "wizard-body" });
  const saveStatus = h("p", { class: "save-status", role: "status" });
  add(main, title, progress, restored ? notice("info", "Vos saisies non envoyées ont été restaurées.") : null, saveStatus, body);
  if (!session.current()?.has_profile) {
    try {
      const me = await api("/v1/me");
      session.update({ has_profile: Boolean(me.profile) });
    } catch {
      /* shown by the pre-check if it matters */
    }
  }
  if (session.current()?.has_profile === false) {
    main.insertBefore(notice("warning", "Votre profil de créancier est incomplet : ", h("a", { href: "#/profil" }, "complétez-le"), " (il figure sur les courriers)."), body);
  }

  const wizard = { ctx, state, body, progress, saveStatus };
  main.append(abandon(wizard));
  body.addEventListener("input", (event) => onInput(wizard, event));
  body.addEventListener("change", (event) => onInput(wizard, event));
  showStep(wizard, state.step, { focus: false });
}

function onInput(wizard, event) {
  const control = event.target;
  if (!control.name || control.name.startsWith("_")) return;
  const value = control.type === "checkbox" ? control.checked : control.value;
  setPath(wizard.state.content, control.name, value);
  wizard.state.dirty = true;
  writeLocal(wizard.state);
  wizard.saveStatus.textContent = "Modifications enregistrées sur cet appareil, pas encore envoyées.";
  if (["debtor.category", "debtor.purpose", "contract.disputed"].includes(control.name)) {
    showStep(wizard, wizard.state.step, { focus: false });
    wizard.body.querySelector(`[name="${control.name}"]`)?.focus();
  }
}

function stepIndex(key) {
  return STEPS.findIndex(([step]) => step === key);
}

function showStep(wizard, key, { focus = true } = {}) {
  const { state, body, progress } = wizard;
  state.step = key;
  writeLocal(state);
  if (state.claimId) setQuery({ etape: key });
  const current = stepIndex(key);
  clear(progress).append(
    h(
      "ol",
      {},
      STEPS.map(([step, label], index) => {
        const reachable = index <= 1 || state.claimId;
        const text = `${index + 1}. ${label}`;
        const item = reachable && index !== current
          ? h("button", { type: "button", class: "link-button", onclick: () => goTo(wizard, step) }, text)
          : h("span", {}, text);
        return h("li", { class: index === current ? "current" : index < current ? "done" : "", "aria-current": index === current ? "step" : undefined }, item);
      }),
    ),
  );
  const builders = { debiteur: debtorStep, factures: invoicesStep, pieces: evidenceStep, faits: factsStep, recapitulatif: summaryStep };
  clear(body);
  const heading = h("h2", { tabindex: "-1", id: "titre-etape" }, `Étape ${current + 1} sur ${STEPS.length} : ${STEPS[current][1]}`);
  body.append(heading);
  builders[key](wizard);
  if (focus) heading.focus();
}

/** Leaving a step for another: saves to the API first when the draft exists and has unsent changes. */
async function goTo(wizard, key) {
  const container = wizard.body.querySelector("form") || wizard.body;
  if (wizard.state.claimId && wizard.state.dirty) {
    if (!(await save(wizard, container))) return;
  }
  showStep(wizard, key);
}

/** Save the draft to the API (POST the first time, then PUT with the version read). */
async function save(wizard, container) {
  const { state } = wizard;
  const content = toServer(state.content);
  let claim;
  try {
    claim = state.claimId
      ? await api(`/v1/claims/${encodeURIComponent(state.claimId)}`, { method: "PUT", body: { version: state.version, content } })
      : await api("/v1/claims", { method: "POST", body: { content } });
  } catch (error) {
    serverErrors(wizard, container, error);
    return false;
  }
  const wasNew = !state.claimId;
  if (wasNew) dropLocal(null);
  adopt(state, claim);
  state.dirty = false;
  writeLocal(state);
  wizard.saveStatus.textContent = `Brouillon enregistré (${new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" })}).`;
  announce("Brouillon enregistré.");
  if (wasNew) {
    history.replaceState(null, "", `#/creances/${encodeURIComponent(claim.claim_id)}?etape=${state.step}`);
  }
  return true;
}

function adopt(state, claim) {
  state.claim = claim;
  state.claimId = claim.claim_id;
  state.version = claim.version;
  state.content = fromServer(claim.content);
}

/** Show the API's errors next to their fields, on the step that holds the first one. */
function serverErrors(wizard, container, error) {
  if (error.code === "concurrent_update") {
    clearErrors(container);
    container.prepend(
      notice(
        "error",
        "Ce brouillon a été modifié ailleurs (autre onglet ou appareil). ",
        button("Recharger la version enregistrée", async () => {
          dropLocal(wizard.state.claimId);
          const claim = await api(`/v1/claims/${encodeURIComponent(wizard.state.claimId)}`);
          adopt(wizard.state, claim);
          wizard.state.dirty = false;
          showStep(wizard, wizard.state.step);
        }),
      ),
    );
    return;
  }
  const fields = (error.details || []).map((d) => d.field.replace(/^content\./, ""));
  const steps = fields.map(stepOfField).filter(Boolean);
  const target = steps.sort((a, b) => stepIndex(a) - stepIndex(b))[0];
  if (target && target !== wizard.state.step) {
    showStep(wizard, target, { focus: false });
    container = wizard.body.querySelector("form") || wizard.body;
  }
  if (error.code === "profile_incomplete") {
    error.details = [{ field: "profile", message: error.message }];
  }
  const elsewhere = showErrors(container, error, { prefix: "content.", title: "Corrigez les champs signalés" });
  const summary = container.querySelector(".error-summary ul");
  const otherSteps = new Set(elsewhere.map((detail) => stepOfField(detail.name)).filter((step) => step && step !== wizard.state.step));
  if (summary && otherSteps.size) {
    for (const step of otherSteps) {
      const label = STEPS[stepIndex(step)][1];
      summary.append(h("li", {}, button(`Aller à l'étape « ${label} »`, () => goTo(wizard, step), { class: "link-button" })));
    }
  }
}

function stepOfField(name) {
  return (STEP_OF_FIELD.find(([pattern]) => pattern.test(name)) || [null, null])[1];
}

function stepForm(wizard, fields, { back, next, nextLabel = "Continuer", saveButton = true } = {}) {
  const { state } = wizard;
  const form = h("form", { class: "grid-form", novalidate: true });
  add(form, fields);
  const nextButton = h("button", { type: "submit", class: "primary" }, nextLabel);
  const saveDraft = saveButton
    ? button("Enregistrer le brouillon", async (event) => {
        if (!state.claimId && !checkRequired(form)) return;
        if (!state.claimId && state.step === "debiteur") {
          writeLocal(state);
          wizard.saveStatus.textContent = "Brouillon enregistré sur cet appareil : il sera envoyé dès qu'une facture sera saisie.";
          announce(wizard.saveStatus.textContent);
          return;
        }
        await busy(event.currentTarget, "Enregistrement…", () => save(wizard, form));
      })
    : null;
  add(
    form,
    h(
      "div",
      { class: "actions wide wizard-actions" },
      back ? button("Retour", () => goTo(wizard, back), { class: "secondary" }) : null,
      saveDraft,
      nextButton,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    if (!sirenChecked(form)) return;
    await busy(nextButton, "Enregistrement…", async () => {
      if (next.save && (state.dirty || !state.claimId) && !(await save(wizard, form))) return;
      showStep(wizard, next.step);
    });
  });
  wizard.body.append(form);
  return form;
}

/** The debtor's SIREN checked on its own step (issue 24): 9 digits and the Luhn key INSEE gives it. */
export function sirenProblem(value) {
  const digits = String(value || "").replace(/[\s.]/g, "");
  if (!digits) return "";
  if (!/^\d{9}$/.test(digits)) return `Le SIREN « ${String(value).slice(0, 20)} » doit comporter 9 chiffres.`;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) {
    let d = Number(digits[8 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0 ? "" : `Le SIREN ${digits} n'est pas valide (sa clé de contrôle ne correspond pas) : vérifiez-le sur l'avis de situation ou une facture.`;
}

function sirenChecked(form) {
  const control = form.querySelector('[name="debtor.siren"]');
  if (!control) return true;
  const problem = sirenProblem(control.value);
  if (!problem) return true;
  showFieldError(form, "debtor.siren", problem);
  control.focus();
  return false;
}

function f(state, name, label, opts = {}) {
  let value = getPath(state.content, name);
  if (opts.type === "checkbox") value = Boolean(value);
  return field({ name, label, value: value ?? "", ...opts });
}

/** "Abandonner ce brouillon": the draft is withdrawn (POST /withdraw), and forgotten on this device. */
function abandon(wizard) {
  const details = h("details", { class: "inline-action abandon", id: "abandon-brouillon" }, h("summary", {}, "Abandonner ce brouillon"));
  const confirm = h("button", { type: "button", class: "danger" }, "Abandonner définitivement");
  const status = h("p", { role: "status" });
  confirm.addEventListener("click", async () => {
    const { state } = wizard;
    if (!state.claimId) {
      dropLocal(null);
      location.hash = "#/creances";
      return;
    }
    await busy(confirm, "…", async () => {
      try {
        await api(`/v1/claims/${encodeURIComponent(state.claimId)}/withdraw`, { method: "POST", body: { reason: "Brouillon abandonné par le créancier" } });
        dropLocal(state.claimId);
        location.hash = `#/creances/${encodeURIComponent(state.claimId)}`;
      } catch (error) {
        status.textContent = error.message;
      }
    });
  });
  add(details, h("p", {}, "Le brouillon est retiré : il reste dans votre historique mais ne peut plus être envoyé."), confirm, status);
  return details;
}

// --- step 1: the debtor ------------------------------------------------------------------------------------
/** What a company picked in the registry fills (the creditor may still change every field). */
function fillFromRegistry(wizard, company) {
  const { state } = wizard;
  const debtor = state.content.debtor;
  debtor.legal_name = company.name;
  debtor.siren = company.siren;
  debtor.siret = company.head_office_siret || "";
  debtor.address = { ...debtor.address, line1: company.address.line1, line2: company.address.line2 || "", postal_code: company.address.postal_code, city: company.address.city, country: "FR" };
  if (company.suggested_category) debtor.category = company.suggested_category;
  state.registry = { siren: company.siren, name: company.name, trade_name: company.trade_name, finding: company.finding, reason: company.category_reason, category: company.suggested_category };
  state.dirty = true;
  writeLocal(state);
  showStep(wizard, "debiteur", { focus: false });
  wizard.body.querySelector('[name="debtor.legal_name"]')?.focus();
  announce(`${company.name} : champs remplis depuis le registre des entreprises.`);
}

/** The search in the public registry (GET /v1/companies): a SIREN, a SIRET or a name, then « Choisir ». */
function registrySearch(wizard) {
  const query = h("input", { id: "recherche-entreprise", name: "_company_q", type: "search", autocomplete: "off", placeholder: "SIREN, SIRET ou nom" });
  const postal = h("input", { id: "recherche-cp", name: "_company_cp", inputmode: "numeric", maxlength: "5", autocomplete: "off" });
  const results = h("div", { id: "resultats-entreprises", "aria-live": "polite" });
  const search = h("button", { type: "button", class: "secondary" }, "Rechercher");
  const run = async () => {
    clear(results);
    const params = new URLSearchParams({ q: query.value.trim() });
    if (postal.value.trim()) params.set("code_postal", postal.value.trim());
    try {
      const answer = await busy(search, "Recherche…", () => api(`/v1/companies?${params}`));
      if (!answer.companies.length) {
        results.append(h("p", { class: "hint" }, "Aucune entreprise trouvée : vérifiez la saisie, ou remplissez les champs ci-dessous."));
        return;
      }
      results.append(
        h(
          "ul",
          { class: "company-results" },
          answer.companies.map((company) =>
            h(
              "li",
              {},
              h("strong", {}, company.name),
              company.trade_name ? ` (${company.trade_name})` : "",
              h("br"),
              h("span", { class: "hint" }, `SIREN ${company.siren} · ${company.address.line1}, ${company.address.postal_code} ${company.address.city}`),
              company.finding ? h("p", { class: "warning-text" }, company.finding) : null,
              button("Choisir", () => fillFromRegistry(wizard, company), { class: "small" }),
            ),
          ),
        ),
        h("p", { class: "hint" }, `Source : ${answer.source}${answer.simulated ? " (simulation locale)" : ""}.`),
      );
    } catch (error) {
      results.append(notice("error", error.message));
    }
  };
  search.addEventListener("click", run);
  for (const input of [query, postal]) {
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        run();
      }
    });
  }
  return h(
    "fieldset",
    { class: "wide registry-search" },
    h("legend", {}, "Retrouver le débiteur au registre des entreprises"),
    h("div", { class: "field" }, h("label", { for: "recherche-entreprise" }, "Entreprise à rechercher"), query),
    h("div", { class: "field" }, h("label", { for: "recherche-cp" }, "Localité (numéro postal, facultatif)"), postal),
    h("p", { class: "actions" }, search),
    results,
  );
}

function registryNote(state) {
  const picked = state.registry;
  if (!picked || picked.siren !== state.content.debtor.siren) return null;
  return notice(
    picked.finding ? "warning" : "info",
    `Rempli depuis le registre des entreprises (${picked.name}, SIREN ${picked.siren}) : vérifiez et modifiez si besoin.`,
    picked.category ? ` Catégorie proposée : ${picked.reason}.` : ` Catégorie à choisir : ${picked.reason}.`,
    picked.finding ? h("br") : null,
    picked.finding || null,
  );
}

function debtorStep(wizard) {
  const { state } = wizard;
  const debtor = state.content.debtor;
  const privatePurchase = PURPOSE_CATEGORIES.has(debtor.category) && debtor.purpose === "private";
  const business = BUSINESS.has(debtor.category) && !privatePurchase;
  const proceedings = debtor.collective_proceedings;
  const toggle = field({
    name: "_proceedings",
    label: "Le débiteur fait l'objet d'une procédure collective (sauvegarde, redressement, liquidation)",
    type: "checkbox",
    value: Boolean(proceedings),
    wide: true,
  });
  toggle.querySelector("input").addEventListener("change", (event) => {
    debtor.collective_proceedings = event.target.checked ? { kind: "redressement", opened_on: "", published_on: "" } : null;
    state.dirty = true;
    writeLocal(state);
    showStep(wizard, "debiteur", { focus: false });
  });
  stepForm(
    wizard,
    [
      registrySearch(wizard),
      registryNote(state),
      f(state, "debtor.category", "Catégorie du débiteur", { type: "select", options: DEBTOR_CATEGORIES, required: true, hint: "Elle décide des règles applicables (délais, intérêts, tribunal).", wide: true }),
      PURPOSE_CATEGORIES.has(debtor.category)
        ? f(state, "debtor.purpose", "Le débiteur a-t-il acheté pour son activité professionnelle ou à titre privé ?", {
            type: "select",
            options: PURPOSES,
            wide: true,
            hint: "À titre privé (pour lui-même, hors de son métier), il est traité comme un consommateur : prescription de deux ans, pas d'indemnité de 40 €, tribunal judiciaire.",
          })
        : null,
      f(state, "debtor.legal_name", business ? "Raison sociale" : "Nom et prénom ou dénomination", { required: true, wide: true }),
      debtor.category === "consumer"
        ? f(state, "debtor.title", "Civilité", { type: "select", options: [["", "—"], ["M.", "M."], ["Mme", "Mme"]] })
        : f(state, "debtor.legal_form", "Forme juridique", { hint: "SARL, SAS, EI…" }),
      f(state, "debtor.siren", "SIREN", { required: business, inputmode: "numeric", hint: business ? "9 chiffres, obligatoire pour un professionnel établi en France." : "Facultatif." }),
      f(state, "debtor.siret", "SIRET", { inputmode: "numeric", hint: "14 chiffres (facultatif)." }),
      f(state, "debtor.address.line1", "Adresse", { required: true, wide: true }),
      f(state, "debtor.address.line2", "Complément d'adresse", { wide: true }),
      f(state, "debtor.address.postal_code", "Code postal", { required: true, inputmode: "numeric" }),
      f(state, "debtor.address.city", "Ville", { required: true }),
      f(state, "debtor.address.country", "Pays", { type: "select", options: countriesWith(debtor.address?.country), hint: "Hors de France, la procédure peut changer (injonction de payer européenne)." }),
      f(state, "debtor.email", "E-mail du débiteur", { type: "email", hint: business ? "La mise en demeure lui est adressée par envoi recommandé électronique qualifié (sinon par lettre recommandée papier)." : "Une copie de la mise en demeure lui est envoyée." }),
      business ? null : f(state, "debtor.lre_consent", "Le débiteur a accepté par écrit de recevoir des envois recommandés électroniques", { type: "checkbox", wide: true, hint: "Sans cet accord, la mise en demeure d'un particulier part par lettre recommandée papier (article L100 du code des postes et des communications électroniques)." }),
      f(state, "debtor.phone", "Téléphone du débiteur", { type: "tel" }),
      f(state, "reference", "Votre référence interne", { hint: "Numéro client, dossier… (facultatif)" }),
      debtor.category === "consumer" ? f(state, "debtor.over_indebtedness", "Le débiteur a déposé un dossier de surendettement", { type: "checkbox", wide: true }) : null,
      toggle,
      proceedings
        ? h(
            "fieldset",
            { class: "wide grid-form" },
            h("legend", {}, "Procédure collective"),
            f(state, "debtor.collective_proceedings.kind", "Procédure", { type: "select", options: [["sauvegarde", "Sauvegarde"], ["redressement", "Redressement judiciaire"], ["liquidation", "Liquidation judiciaire"]] }),
            f(state, "debtor.collective_proceedings.opened_on", "Date du jugement d'ouverture", { type: "date", required: true }),
            f(state, "debtor.collective_proceedings.published_on", "Date de publication au BODACC", { type: "date" }),
            f(state, "debtor.collective_proceedings.mandataire", "Mandataire judiciaire ou liquidateur (nom et adresse)", { wide: true }),
          )
        : null,
    ],
    { next: { step: "factures", save: Boolean(state.claimId) } },
  );
}

// --- step 2: the invoices ----------------------------------------------------------------------------------
function invoicesStep(wizard) {
  const { state } = wizard;
  const invoices = state.content.invoices;
  const blocks = invoices.map((invoice, index) =>
    h(
      "fieldset",
      { class: "wide grid-form invoice" },
      h("legend", {}, `Facture ${index + 1}`),
      f(state, `invoices[${index}].number`, "Numéro de la facture", { required: true }),
      f(state, `invoices[${index}].amount_ttc`, "Montant TTC (€)", { required: true, inputmode: "decimal", hint: "Par exemple 1 234,56" }),
      f(state, `invoices[${index}].issue_date`, "Date de la facture", { type: "date", required: true }),
      f(state, `invoices[${index}].due_date`, "Date d'échéance", { type: "date", hint: "Celle imprimée sur la facture." }),
      f(state, `invoices[${index}].performance_date`, "Date de livraison ou d'exécution", { type: "date", hint: "Par défaut, la date de la facture." }),
      f(state, `invoices[${index}].description`, "Objet", { hint: "Facultatif." }),
      invoices.length > 1
        ? h(
            "div",
            { class: "actions wide" },
            button(`Retirer la facture ${index + 1}`, () => {
              invoices.splice(index, 1);
              state.dirty = true;
              writeLocal(state);
              showStep(wizard, "factures", { focus: false });
              announce(`Facture ${index + 1} retirée.`);
            }, { class: "secondary" }),
          )
        : null,
    ),
  );
  const more = h(
    "div",
    { class: "actions wide" },
    button("Ajouter une facture", () => {
      invoices.push(emptyInvoice());
      state.dirty = true;
      writeLocal(state);
      showStep(wizard, "factures", { focus: false });
      wizard.body.querySelector(`[name="invoices[${invoices.length - 1}].number"]`)?.focus();
    }, { class: "secondary" }),
  );
  stepForm(wizard, [h("p", { class: "wide" }, "Les factures impayées de ce débiteur. Le justificatif de chaque facture est déposé à l'étape suivante."), blocks, more], {
    back: "debiteur",
    next: { step: "pieces", save: true },
  });
}

// --- step 3: the evidence (uploads straight to storage, then checked by the API) --------------------------
/** The file field as a drop zone (issue 24): a file dropped anywhere on the form fills it; the chosen file's
 * name and size are said under it. The input stays a real, labelled file input (keyboard, screen readers). */
function dropZone(form) {
  const input = form.querySelector('input[type="file"]');
  if (!input) return;
  const zone = input.closest(".field");
  zone.classList.add("dropzone");
  const chosen = h("p", { class: "hint dropzone-chosen", "aria-live": "polite" }, "Glissez-déposez le fichier ici, ou choisissez-le.");
  zone.append(chosen);
  const say = () => {
    const file = input.files[0];
    chosen.textContent = file ? `Fichier choisi : ${file.name} (${bytes(file.size)})` : "Glissez-déposez le fichier ici, ou choisissez-le.";
  };
  input.addEventListener("change", say);
  for (const kind of ["dragenter", "dragover"]) {
    form.addEventListener(kind, (event) => {
      event.preventDefault();
      zone.classList.add("dropzone-active");
    });
  }
  for (const kind of ["dragleave", "drop"]) {
    form.addEventListener(kind, () => zone.classList.remove("dropzone-active"));
  }
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer?.files?.length) {
      input.files = event.dataTransfer.files;
      say();
    }
  });
}

function evidenceStep(wizard) {
  const { state } = wizard;
  const documents = state.claim?.documents || [];
  const list = table(
    [
      { label: "Pièce", value: (d) => [h("strong", {}, d.title || d.kind_label), h("br"), h("span", { class: "hint" }, d.filename)] },
      { label: "Type", value: (d) => d.kind_label },
      { label: "État", value: (d) => (d.status === "accepted" ? h("span", { class: "ok" }, "Vérifiée") : h("span", { class: "bad" }, "En attente")) },
      { label: "Taille", value: (d) => `${bytes(d.size)}${d.pages ? `, ${d.pages} p.` : ""}` },
      {
        label: "Action",
        value: (d) =>
          button(`Retirer ${d.filename}`, async (event) => {
            await busy(event.currentTarget, "…", async () => {
              try {
                const claim = await api(`/v1/claims/${encodeURIComponent(state.claimId)}/documents/${encodeURIComponent(d.document_id)}`, { method: "DELETE" });
                state.claim = claim;
                state.version = claim.version;
                writeLocal(state);
                showStep(wizard, "pieces", { focus: false });
                announce("Pièce retirée.");
              } catch (error) {
                announce(error.message);
              }
            });
          }, { class: "secondary small" }),
      },
    ],
    documents,
    { caption: "Pièces déposées", empty: "Aucune pièce déposée pour l'instant.", attrs: { id: "pieces" } },
  );
  const status = h("p", { role: "status", class: "status-line", id: "etat-depot" });
  const upload = h(
    "form",
    { class: "grid-form card", novalidate: true, id: "depot-fichier" },
    h("h3", { class: "wide" }, "Ajouter une pièce"),
    field({ name: "_file", label: "Fichier (PDF, PNG ou JPEG, 10 Mo au plus)", type: "file", required: true, wide: true, attrs: { accept: ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" }, hint: "Une facture Factur-X pré-remplit la saisie : vous confirmez ensuite les données lues." }),
    field({ name: "_kind", label: "Type de pièce", type: "select", options: DOCUMENT_KINDS }),
    field({ name: "_title", label: "Intitulé au bordereau", hint: "Facultatif, par exemple « Facture F-2025-0012 »." }),
    h("div", { class: "actions wide" }, h("button", { type: "submit", class: "primary" }, "Déposer la pièce")),
    status,
  );
  dropZone(upload);
  const prefillArea = h("div", { id: "prefill" });
  upload.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(upload);
    const file = upload.querySelector("[name=_file]").files[0];
    if (!file) return checkRequired(upload);
    const extension = (file.name.split(".").pop() || "").toLowerCase();
    const contentType = MEDIA_TYPES[extension] || file.type;
    if (!Object.values(MEDIA_TYPES).includes(contentType)) {
      return showErrors(upload, { message: "Format refusé.", details: [{ field: "_file", message: "Formats acceptés : PDF, PNG ou JPEG." }] });
    }
    if (file.size > MAX_BYTES) {
      return showErrors(upload, { message: "Fichier trop gros.", details: [{ field: "_file", message: "Le fichier dépasse 10 Mo." }] });
    }
    const submit = upload.querySelector("button[type=submit]");
    await busy(submit, "Envoi en cours…", async () => {
      try {
        status.textContent = `Envoi de « ${file.name} »…`;
        const confirmed = await uploadFile(state.claimId, file, contentType, upload.querySelector("[name=_kind]").value, upload.querySelector("[name=_title]").value.trim());
        state.claim = confirmed.claim;
        state.version = confirmed.claim.version;
        writeLocal(state);
        showStep(wizard, "pieces", { focus: false });
        const message = `Pièce « ${file.name} » déposée et vérifiée.`;
        wizard.body.querySelector("#etat-depot").textContent = message;
        announce(message);
        if (confirmed.prefill && confirmed.prefill.source !== "none") {
          showPrefill(wizard, confirmed.prefill, confirmed.document);
        } else if (confirmed.prefill?.warnings?.length) {
          wizard.body.querySelector("#prefill").append(notice("info", confirmed.prefill.warnings.join(" ")));
        }
      } catch (error) {
        status.textContent = "";
        showErrors(upload, { ...error, message: error.message, details: [{ field: "_file", message: error.message }] });
        try {
          const claim = await api(`/v1/claims/${encodeURIComponent(state.claimId)}`);
          state.claim = claim;
          state.version = claim.version; // a refused upload still moved the draft's version
        } catch {
          /* keep the version we have */
        }
      }
    });
  });
  const hasInvoice = documents.some((d) => d.kind === "invoice" && d.status === "accepted");
  stepForm(
    wizard,
    [
      h("p", { class: "wide" }, "Déposez la facture et les pièces qui prouvent la créance (bon de commande, contrat, preuve de livraison, échanges). Chaque fichier est vérifié et son empreinte SHA-256 est inscrite dans l'historique."),
      hasInvoice ? null : notice("info", "Au moins une facture parmi les pièces est nécessaire pour envoyer la créance."),
      h("div", { class: "wide" }, list),
    ],
    { back: "factures", next: { step: "faits", save: false }, saveButton: false },
  );
  const form = wizard.body.querySelector("form");
  form.before(upload, prefillArea);
}

async function uploadFile(claimId, file, contentType, kind, title) {
  const base = `/v1/claims/${encodeURIComponent(claimId)}/documents`;
  const slot = await api(base, { method: "POST", body: { filename: file.name, kind, content_type: contentType, title } });
  const data = new FormData();
  for (const [name, value] of Object.entries(slot.upload.fields)) data.append(name, value);
  data.append("file", file);
  let stored;
  try {
    stored = await fetch(slot.upload.url, { method: "POST", body: data });
  } catch {
    stored = null;
  }
  if (!stored || !stored.ok) {
    throw new ApiError(422, { error: { code: "upload_failed", message: "Le fichier n'a pas pu être envoyé au stockage : réessayez." } });
  }
  return api(`${base}/${encodeURIComponent(slot.document.document_id)}/confirm`, { method: "POST" });
}

/** What the invoice says next to what was typed; the creditor takes it (invoice, debtor) or not. */
function showPrefill(wizard, prefill, document) {
  const { state } = wizard;
  const read = prefill.invoice || {};
  const buyer = prefill.buyer || {};
  const invoices = state.content.invoices;
  const targetIndex = (() => {
    const same = invoices.findIndex((inv) => inv.number && inv.number === read.number);
    if (same >= 0) return same;
    if (invoices.length === 1) return 0;
    return -1;
  })();
  const typed = targetIndex >= 0 ? invoices[targetIndex] : {};
  const debtor = state.content.debtor;
  const rows = [
    ["Numéro de facture", read.number, typed.number, "text"],
    ["Date de la facture", read.issue_date, typed.issue_date, "date"],
    ["Échéance", read.due_date, typed.due_date, "date"],
    ["Livraison ou exécution", read.performance_date, typed.performance_date, "date"],
    ["Montant TTC", read.amount_ttc, typed.amount_ttc, "money"],
    ["Débiteur", buyer.legal_name, debtor.legal_name, "text"],
    ["SIREN du débiteur", buyer.siren, debtor.siren, "text"],
    ["Adresse du débiteur", buyer.address ? [buyer.address.line1, buyer.address.postal_code, buyer.address.city].filter(Boolean).join(", ") : "", [debtor.address.line1, debtor.address.postal_code, debtor.address.city].filter(Boolean).join(", "), "text"],
    ["E-mail du débiteur", buyer.email, debtor.email, "text"],
  ].filter((row) => row[1]);
  const show = (value, kind) => (kind === "date" ? dateShort(value) : kind === "money" ? euros(value) : value || "");
  const same = (a, b, kind) => (kind === "money" ? Number(String(a).replace(",", ".").replace(/\s/g, "")) === Number(String(b || "").replace(",", ".").replace(/\s/g, "")) : String(a || "") === String(b || ""));
  const source = prefill.source === "factur-x" || prefill.source === "zugferd" ? `facture électronique ${prefill.source === "factur-x" ? "Factur-X" : "ZUGFeRD"}` : "texte du PDF (à vérifier)";
  const panel = h(
    "section",
    { class: "card prefill", "aria-labelledby": "titre-prefill" },
    h("h3", { id: "titre-prefill", tabindex: "-1" }, `Données lues dans « ${document.filename} »`),
    h("p", {}, `Source : ${source}. Vérifiez-les : rien n'est repris sans votre accord.`),
    (prefill.warnings || []).length ? notice("warning", prefill.warnings.join(" ")) : null,
    table(
      [
        { label: "Information", value: (r) => r[0] },
        { label: "Lu dans la facture", value: (r) => show(r[1], r[3]) },
        { label: "Votre saisie", value: (r) => show(r[2], r[3]) || "—" },
        { label: "", value: (r) => (same(r[1], r[2], r[3]) ? h("span", { class: "ok" }, "identique") : h("span", { class: "bad" }, "différent")) },
      ],
      rows,
      { caption: "Comparaison", attrs: { id: "comparaison-prefill" } },
    ),
  );
  const apply = async (what, event) => {
    if (what.includes("invoice")) {
      const index = targetIndex >= 0 ? targetIndex : invoices.push(emptyInvoice()) - 1;
      for (const key of ["number", "issue_date", "due_date", "performance_date", "amount_ttc"]) {
        if (read[key]) invoices[index][key] = read[key];
      }
    }
    if (what.includes("debtor")) {
      if (buyer.legal_name) debtor.legal_name = buyer.legal_name;
      if (buyer.siren) debtor.siren = buyer.siren;
      if (buyer.siret) debtor.siret = buyer.siret;
      if (buyer.email) debtor.email = buyer.email;
      if (buyer.address) Object.assign(debtor.address, Object.fromEntries(Object.entries(buyer.address).filter(([, v]) => v)));
    }
    state.dirty = true;
    writeLocal(state);
    const saved = await busy(event.currentTarget, "Enregistrement…", () => save(wizard, panel));
    if (saved) {
      showStep(wizard, "pieces", { focus: false });
      const done = notice("success", "Données de la facture reprises et enregistrées dans le brouillon.");
      wizard.body.querySelector("#prefill").append(done);
      announce(done.textContent);
    }
  };
  add(
    panel,
    h(
      "div",
      { class: "actions" },
      read.number || read.amount_ttc ? button("Reprendre les données de la facture", (e) => apply(["invoice"], e), { class: "primary" }) : null,
      buyer.legal_name ? button("Reprendre aussi le débiteur", (e) => apply(["invoice", "debtor"], e)) : null,
      button("Garder ma saisie", () => {
        panel.remove();
        announce("Saisie conservée.");
      }, { class: "secondary" }),
    ),
  );
  clear(wizard.body.querySelector("#prefill")).append(panel);
  panel.querySelector("h3").focus();
}

// --- step 4: payments and facts ----------------------------------------------------------------------------
function listBlock(wizard, key, legend, empty, fieldsOf, addLabel) {
  const { state } = wizard;
  const items = state.content[key];
  return h(
    "fieldset",
    { class: "wide list-block" },
    h("legend", {}, legend),
    items.length ? null : h("p", { class: "hint" }, empty),
    items.map((item, index) =>
      h(
        "div",
        { class: "grid-form list-item" },
        fieldsOf(index),
        h(
          "div",
          { class: "actions wide" },
          button(`Retirer (${legend.toLowerCase()} ${index + 1})`, () => {
            items.splice(index, 1);
            state.dirty = true;
            writeLocal(state);
            showStep(wizard, "faits", { focus: false });
          }, { class: "secondary small" }),
        ),
      ),
    ),
    h(
      "div",
      { class: "actions" },
      button(addLabel, () => {
        items.push(key === "payments" ? { date: "", amount: "", invoice: "" } : key === "reminders" ? { date: "", channel: "email", description: "" } : { date: "", description: "" });
        state.dirty = true;
        writeLocal(state);
        showStep(wizard, "faits", { focus: false });
        wizard.body.querySelector(`[name="${key}[${items.length - 1}].date"]`)?.focus();
      }, { class: "secondary" }),
    ),
  );
}

function factsStep(wizard) {
  const { state } = wizard;
  const invoiceNumbers = state.content.invoices.map((inv) => inv.number).filter(Boolean);
  stepForm(
    wizard,
    [
      listBlock(wizard, "payments", "Paiements partiels reçus", "Aucun paiement reçu.", (i) => [
        f(state, `payments[${i}].date`, "Date du paiement", { type: "date", required: true }),
        f(state, `payments[${i}].amount`, "Montant (€)", { required: true, inputmode: "decimal" }),
        f(state, `payments[${i}].invoice`, "Facture désignée par le débiteur", { type: "select", options: [["", "Aucune en particulier"], ...invoiceNumbers.map((n) => [n, n])] }),
      ], "Ajouter un paiement"),
      h(
        "fieldset",
        { class: "wide grid-form" },
        h("legend", {}, "Le contrat"),
        f(state, "contract.nature", "Nature de la créance", { type: "select", options: NATURES }),
        f(state, "contract.contractual_rate", "Taux de pénalités prévu au contrat ou aux CGV (% par an)", { inputmode: "decimal", hint: "Vide : taux légal (BCE + 10 points entre professionnels)." }),
        f(state, "contract.jurisdiction_clause", "Clause attributive de juridiction", { type: "textarea", wide: true, hint: "Recopiez la clause si le contrat en contient une." }),
        f(state, "contract.disputed", "Le débiteur a contesté la créance par écrit", { type: "checkbox", wide: true }),
        state.content.contract.disputed ? f(state, "contract.dispute_details", "Motif de la contestation", { type: "textarea", wide: true }) : null,
      ),
      listBlock(wizard, "reminders", "Relances déjà faites", "Aucune relance enregistrée.", (i) => [
        f(state, `reminders[${i}].date`, "Date", { type: "date", required: true }),
        f(state, `reminders[${i}].channel`, "Moyen", { type: "select", options: CHANNELS }),
        f(state, `reminders[${i}].description`, "Précisions"),
      ], "Ajouter une relance"),
      listBlock(wizard, "acknowledgements", "Reconnaissances de dette", "Aucune reconnaissance de dette.", (i) => [
        f(state, `acknowledgements[${i}].date`, "Date", { type: "date", required: true }),
        f(state, `acknowledgements[${i}].description`, "Précisions", { wide: true }),
      ], "Ajouter une reconnaissance"),
      f(state, "reminder_first", "Envoyer d'abord une relance amiable ?", {
        type: "select",
        options: [["", "Par défaut (oui pour un particulier, non pour un professionnel)"], ["true", "Oui, une relance amiable d'abord"], ["false", "Non, directement la mise en demeure"]],
        wide: true,
      }),
    ],
    { back: "pieces", next: { step: "recapitulatif", save: true }, nextLabel: "Vérifier la créance" },
  );
}

// --- step 5: the pre-check, the price, the payment --------------------------------------------------------
async function summaryStep(wizard) {
  const { state, body } = wizard;
  const area = h("div", { class: "summary", "aria-busy": "true" }, h("p", { role: "status" }, "Pré-contrôle en cours…"));
  body.append(area);
  if (state.dirty && !(await save(wizard, area))) return;
  let precheck;
  let price;
  let terms;
  try {
    [precheck, price, terms] = await Promise.all([api(`/v1/claims/${encodeURIComponent(state.claimId)}/precheck`, { method: "POST" }), priceOf("notice"), cgvState()]);
  } catch (error) {
    clear(area).removeAttribute("aria-busy");
    if (error.code === "profile_incomplete") {
      area.append(notice("error", error.message, " ", h("a", { href: "#/profil" }, "Compléter mon profil")));
    } else {
      serverErrors(wizard, area, error);
    }
    return;
  }
  clear(area).removeAttribute("aria-busy");
  if ((precheck.findings || []).some((f) => f.code === "bodacc_in_proceedings")) {
    // The platform wrote the BODACC's judgment into the draft: take its new version and content.
    try {
      adopt(state, await api(`/v1/claims/${encodeURIComponent(state.claimId)}`));
      writeLocal(state);
    } catch {
      /* the next save will say so */
    }
  }
  const content = state.content;
  const amounts = precheck.amounts || {};
  const route = precheck.route || {};
  const prescription = precheck.prescription || {};
  const consent = cgvConsent(terms);
  const payButton = h(
    "button",
    { type: "button", class: "primary large", id: "payer", disabled: !precheck.can_submit },
    price ? `Payer ${euros(price.amount)} et envoyer la mise en demeure` : "Payer et envoyer la mise en demeure",
  );
  add(
    area,
    precheck.can_submit && precheck.review
      ? notice(
          "warning",
          h("strong", {}, "Pré-contrôle favorable sous réserve de l'avis d'un avocat : "),
          "après paiement, un avocat partenaire examine la créance avant tout envoi. S'il donne son accord, la mise en demeure part ; sinon, vous êtes remboursé et informé de son motif.",
          h("ul", { id: "motifs-revue" }, precheck.review.reasons.map((r) => h("li", {}, r.message, r.article ? h("span", { class: "article" }, ` (${r.article})`) : null))),
        )
      : precheck.can_submit
      ? notice("success", h("strong", {}, "Pré-contrôle favorable : "), "la créance peut être envoyée.")
      : notice(
          "error",
          h("strong", {}, "La créance ne peut pas être envoyée en l'état : "),
          h(
            "ul",
            { id: "blocages" },
            precheck.blockers.map((b) =>
              h(
                "li",
                {},
                b.message,
                b.article ? h("span", { class: "article" }, ` (${b.article})`) : null,
                b.invoice && content.invoices.length > 1 && content.invoices.some((inv) => inv.number === b.invoice)
                  ? h("span", {}, " ", button("Retirer cette facture", (event) => removeInvoice(wizard, area, b.invoice, event.currentTarget), { class: "secondary small", "aria-label": `Retirer cette facture (n° ${b.invoice})` }))
                  : null,
              ),
            ),
          ),
        ),
    route.alternative === "declaration_de_creance" && content.debtor.collective_proceedings
      ? declarationCard(state.claimId, content.debtor.collective_proceedings, route)
      : null,
    h(
      "section",
      { class: "card", "aria-labelledby": "recap-creance" },
      h("h3", { id: "recap-creance" }, "Votre créance"),
      facts([
        ["Débiteur", `${content.debtor.legal_name} — ${[content.debtor.address.line1, content.debtor.address.postal_code, content.debtor.address.city].filter(Boolean).join(", ")}`],
        ["SIREN", content.debtor.siren],
        ["Factures", content.invoices.map((inv) => `n° ${inv.number} du ${dateShort(inv.issue_date)}${inv.due_date ? `, échéance ${dateShort(inv.due_date)}` : ""} : ${euros(inv.amount_ttc)}`).join(" ; ")],
        ["Pièces", count((state.claim?.documents || []).filter((d) => d.status === "accepted").length, "pièce vérifiée", "pièces vérifiées")],
      ]),
      button("Modifier", () => goTo(wizard, "debiteur"), { class: "secondary small" }),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "recap-sommes" },
      h("h3", { id: "recap-sommes" }, `Sommes dues au ${dateLong(precheck.as_of)}`),
      h(
        "table",
        { class: "amounts", id: "sommes" },
        h(
          "tbody",
          {},
          h("tr", {}, h("th", { scope: "row" }, "Principal restant dû"), h("td", { class: "num" }, euros(amounts.principal_outstanding))),
          h("tr", {}, h("th", { scope: "row" }, interestLabel(amounts)), h("td", { class: "num" }, euros(amounts.interest))),
          h("tr", {}, h("th", { scope: "row" }, "Indemnité forfaitaire de recouvrement"), h("td", { class: "num" }, euros(amounts.indemnity))),
          h("tr", { class: "total" }, h("th", { scope: "row" }, "Total réclamé"), h("td", { class: "num" }, euros(amounts.total))),
        ),
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "recap-route" },
      h("h3", { id: "recap-route" }, "Prescription et tribunal"),
      facts([
        ["Prescription", `${PRESCRIPTION[prescription.status] || prescription.status || ""}${prescription.last_day ? ` — dernier jour pour agir : ${dateLong(prescription.last_day)}` : ""}${prescription.urgent ? " (URGENT)" : ""}`],
        ["Délai applicable", prescription.regime ? `${prescription.regime.duration} (${prescription.regime.article})` : ""],
        ["Injonction de payer", ROUTE[route.injonction_de_payer] || route.injonction_de_payer],
        ["Tribunal compétent", [route.court_name, route.court_address].filter(Boolean).join(" — ")],
        ["Type de juridiction", COURT_KINDS[route.court_kind] || route.court_kind],
        ["Formulaire", route.cerfa ? `Cerfa n° ${route.cerfa}` : ""],
      ]),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "recap-constats" },
      h("h3", { id: "recap-constats" }, "Constats du contrôle"),
      h(
        "ul",
        { class: "findings", id: "constats" },
        (precheck.findings || []).map((finding) =>
          h(
            "li",
            { class: `finding finding-${finding.level || "info"}` },
            h("span", {}, finding.message),
            finding.article ? h("span", { class: "article" }, ` — ${finding.article}`) : null,
          ),
        ),
      ),
    ),
    decompteView(precheck.decompte),
    h(
      "section",
      { class: "card pay", "aria-labelledby": "recap-prix" },
      h("h3", { id: "recap-prix" }, "Prix"),
      price ? h("p", { id: "prix" }, h("strong", {}, `${price.label} : ${euros(price.amount)} TTC`), ` — ${price.description}.`) : null,
      h("p", { class: "hint" }, "Le paiement se fait sur la page sécurisée de notre prestataire ; la mise en demeure part dès sa confirmation."),
      precheck.can_submit ? consent.element : null,
      payButton,
    ),
  );
  payButton.addEventListener("click", async () => {
    // The conditions générales de vente in force are accepted before any payment (unless already accepted).
    if (!consent.confirm(area)) return;
    await busy(payButton, "Préparation du paiement…", async () => {
      try {
        const result = await api(`/v1/claims/${encodeURIComponent(state.claimId)}/submit`, { method: "POST", body: { version: state.version, ...consent.body() } });
        dropLocal(state.claimId);
        if (result.checkout?.url) {
          location.assign(result.checkout.url);
        } else {
          location.hash = `#/creances/${encodeURIComponent(state.claimId)}`;
        }
      } catch (error) {
        serverErrors(wizard, area, error);
      }
    });
  });
  const nav = h("div", { class: "actions wizard-actions" }, button("Retour", () => goTo(wizard, "faits"), { class: "secondary" }));
  body.append(nav);
}

/** « Retirer cette facture »: the invoice (and the payments designating it) leave the draft, saved with the
 * version read (PUT), and the pre-check runs again. */
async function removeInvoice(wizard, area, number, control) {
  const { state } = wizard;
  await busy(control, "Retrait…", async () => {
    state.content.invoices = state.content.invoices.filter((invoice) => invoice.number !== number);
    state.content.payments = state.content.payments.filter((payment) => payment.invoice !== number);
    state.dirty = true;
    writeLocal(state);
    if (!(await save(wizard, area))) return;
    announce(`Facture n° ${number} retirée de la créance.`);
    showStep(wizard, "recapitulatif");
  });
}

export function decompteView(decompte) {
  if (!decompte || !decompte.invoices?.length) return null;
  const segments = decompte.invoices.flatMap((invoice) => invoice.segments || []);
  return h(
    "section",
    { class: "card", "aria-labelledby": "recap-decompte" },
    h("h3", { id: "recap-decompte" }, "Décompte des intérêts"),
    table(
      [
        { label: "Facture", value: (s) => s.invoice },
        { label: "Période", value: (s) => `du ${dateShort(s.start)} au ${dateShort(s.end)}` },
        { label: "Jours", value: (s) => String(s.days), class: "num" },
        { label: "Base", value: (s) => euros(s.base), class: "num" },
        { label: "Taux annuel", value: (s) => `${String(s.rate).replace(".", ",")} %`, class: "num" },
        { label: "Montant", value: (s) => euros(s.amount), class: "num" },
      ],
      segments,
      { caption: `Intérêts calculés jusqu'au ${dateShort(decompte.interest_until)}`, empty: "Aucun intérêt à ce jour.", attrs: { id: "decompte" } },
    ),
    segments.length ? h("p", { class: "hint" }, segments[0].rate_source) : null,
  );
}

/** « Pénalités de retard arrêtées au 30 juin 2026, à parfaire » when a rate is not yet published. */
export function interestLabel(amounts) {
  const penalties = amounts.regime === "b2b_penalties";
  const label = penalties ? "Pénalités de retard" : "Intérêts";
  if (!amounts.a_parfaire || !amounts.interest_until) return label;
  return `${label} arrêté${penalties ? "e" : ""}s au ${dateLong(amounts.interest_until)}, à parfaire (taux du semestre ${amounts.missing_semester} non encore publié)`;
}
