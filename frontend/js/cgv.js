// The creditor accepts the conditions générales de vente in force before any payment (the API refuses a
// checkout otherwise: 409 « cgv_not_accepted »). cgvConsent() is the box to tick before a « Payer » button —
// or, when the account already accepted the version in force (GET /v1/me « cgv_accepted »), a plain line.
//
//   const consent = cgvConsent(await cgvState());
//   form.append(consent.element, payButton);
//   payButton.onclick = () => { if (!consent.confirm(container)) return; api(…, { body: { ...consent.body() } }); };
import { h } from "./dom.js";
import { api } from "./api.js";
import { showErrors } from "./forms.js";

const BOX_ID = "accepter-cgv";
const MISSING = "Cochez la case pour accepter les conditions générales de vente avant de payer.";

/** { version, label, accepted } — the version in force (GET /v1/legal) and whether this account accepted it.
 * Never throws: { version: null } when the platform could not say (the API will then explain). */
export async function cgvState() {
  try {
    const [legal, me] = await Promise.all([api("/v1/legal"), api("/v1/me")]);
    const version = legal.cgv.version;
    return { version, label: legal.cgv.label, accepted: me.cgv_accepted?.version === version };
  } catch {
    return { version: null, label: "", accepted: false };
  }
}

function readLink() {
  return h("a", { href: "#/cgv", target: "_blank", rel: "noopener" }, "Lire les conditions générales de vente (nouvel onglet)");
}

export function cgvConsent(state) {
  const versionText = state.label ? ` (version du ${state.label})` : "";
  if (state.accepted) {
    return {
      element: h("p", { class: "hint cgv-accepted", id: "cgv-acceptees" }, `Vous avez accepté les conditions générales de vente${versionText}. `, readLink()),
      confirm: () => true,
      body: () => ({}),
    };
  }
  const box = h("input", {
    type: "checkbox",
    id: BOX_ID,
    name: "cgv_version",
    required: true,
    "aria-required": "true",
    "aria-describedby": `${BOX_ID}-aide ${BOX_ID}-erreur`,
  });
  const element = h(
    "div",
    { class: "field field-checkbox cgv-consent" },
    h("div", { class: "check" }, box, h("label", { for: BOX_ID, class: "is-required" }, `J'ai lu et j'accepte les conditions générales de vente${versionText}`)),
    h("p", { class: "hint", id: `${BOX_ID}-aide` }, readLink()),
    h("p", { class: "field-error", id: `${BOX_ID}-erreur`, hidden: true }),
  );
  box.addEventListener("change", () => {
    if (!box.checked) return;
    box.removeAttribute("aria-invalid");
    const error = document.getElementById(`${BOX_ID}-erreur`);
    if (error) error.hidden = true;
  });
  return {
    element,
    /** True when the box is ticked; else the French message next to it and at the top of ``container``. */
    confirm(container) {
      if (box.checked) return true;
      showErrors(container, { message: MISSING, details: [{ field: "cgv_version", message: MISSING }] }, { title: "Avant de payer" });
      return false;
    },
    /** What the API call carries: the version the creditor accepted. */
    body: () => (box.checked && state.version ? { cgv_version: state.version } : {}),
  };
}
