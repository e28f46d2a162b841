// The creditor's profile: what the letters print (legal name, SIREN, address, IBAN, signatory).
import { h, add, notice, announce } from "../dom.js";
import { api } from "../api.js";
import { field, showErrors, checkRequired, busy, getPath, setPath, controlValue } from "../forms.js";
import * as session from "../session.js";
import { accountInvoicesSection } from "../invoices.js";

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

export async function render({ main, query }) {
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
  add(main, accountInvoicesSection());
}
