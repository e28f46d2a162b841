// Landing page: what the service does, where to start, and whether the platform answers (GET /health:
// ok or degraded; the details are for operators).
import { h, add } from "../dom.js";
import * as session from "../session.js";

export async function render({ main }) {
  const role = session.role();
  const start = role
    ? h("p", {}, h("a", { class: "button primary", href: session.homeFor(role) }, "Accéder à mon espace"))
    : h(
        "p",
        { class: "actions" },
        h("a", { class: "button primary", href: "#/inscription" }, "Créer un compte créancier"),
        h("a", { class: "button", href: "#/connexion" }, "Se connecter"),
      );
  const summary = h("p", { id: "health-summary", role: "status" }, "Vérification en cours…");
  add(
    main,
    h("h1", {}, "Recouvrement de créances en ligne"),
    h(
      "p",
      { class: "lead" },
      "Une facture impayée ? Déposez-la en ligne : nous vérifions qu'elle est recevable et non prescrite, " +
        "calculons les intérêts de retard et l'indemnité forfaitaire de 40 €, envoyons la mise en demeure, " +
        "puis préparons le dossier d'injonction de payer pour un avocat partenaire.",
    ),
    start,
    h(
      "ol",
      { class: "steps-overview" },
      h("li", {}, h("strong", {}, "Déposez"), " la facture et les informations sur le débiteur."),
      h("li", {}, h("strong", {}, "Vérifiez"), " le pré-contrôle : prescription, décompte, tribunal, prix."),
      h("li", {}, h("strong", {}, "Payez"), " : la mise en demeure part en recommandé."),
      h("li", {}, h("strong", {}, "Suivez"), " chaque étape jusqu'à l'injonction de payer."),
    ),
    h("section", { "aria-labelledby": "etat" }, h("h2", { id: "etat" }, "État de la plateforme"), summary),
  );
  try {
    const response = await fetch("/health", { headers: { Accept: "application/json" } });
    const body = await response.json();
    const ok = body.status === "ok";
    summary.textContent = ok ? "Tous les services répondent." : "Certains services ne répondent pas.";
    summary.className = ok ? "ok" : "bad";
  } catch {
    summary.textContent = "La plateforme ne répond pas.";
    summary.className = "bad";
  }
}
