// Landing page: what the service does, where to start, and what it costs (GET /v1/legal: each step's price
// before VAT, VAT and VAT included, and what it includes). The platform's health is for operators (their
// page, and the local platform's banner), not for prospects.
import { h, add, clear, notice } from "../dom.js";
import * as session from "../session.js";
import { loadLegal, priceText, STEP_INCLUDES } from "./legal.js";

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
  const prices = h("div", { id: "tarifs-liste", class: "price-cards" }, h("p", { role: "status" }, "Chargement des tarifs…"));
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
    h(
      "section",
      { "aria-labelledby": "tarifs" },
      h("h2", { id: "tarifs" }, "Tarifs"),
      h("p", {}, "Vous payez par créance et par étape, sans abonnement : rien n'est dû avant que vous décidiez d'envoyer la mise en demeure."),
      prices,
      h(
        "p",
        { class: "hint" },
        "Les honoraires éventuels de l'avocat et les frais de justice ne sont pas compris. Voir les ",
        h("a", { href: "#/cgv" }, "conditions générales de vente"),
        ", les ",
        h("a", { href: "#/mentions-legales" }, "mentions légales"),
        " et la ",
        h("a", { href: "#/confidentialite" }, "politique de confidentialité"),
        ".",
      ),
    ),
  );
  let legal;
  try {
    legal = await loadLegal();
  } catch (error) {
    clear(prices).append(notice("error", "Les tarifs n'ont pas pu être chargés : ", error.message));
    return;
  }
  clear(prices).append(
    ...legal.prices.map((price) =>
      h(
        "article",
        { class: "card price-card", "aria-labelledby": `tarif-${price.step}` },
        h("h3", { id: `tarif-${price.step}` }, price.label),
        h("p", { class: "price" }, priceText(price)),
        h("ul", {}, (STEP_INCLUDES[price.step] || [price.description]).map((item) => h("li", {}, item))),
      ),
    ),
  );
}
