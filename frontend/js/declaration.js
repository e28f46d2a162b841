// The déclaration de créance, for a debtor in collective proceedings (RULEBOOK 2.9): what the BODACC published,
// the mandataire or liquidateur to write to, the deadline, and the pre-filled letter to download.
import { h, add, clear, notice, announce, facts } from "./dom.js";
import { api } from "./api.js";
import { busy } from "./forms.js";
import { dateLong, when } from "./format.js";

const KINDS = {
  sauvegarde: "Procédure de sauvegarde",
  redressement: "Redressement judiciaire",
  liquidation: "Liquidation judiciaire",
};
const POLL_MS = 1000;
const WAIT_MS = 90000;

/** The card: ``proceedings`` is the content's debtor.collective_proceedings, ``route`` the engine's route. */
export function declarationCard(claimId, proceedings, route) {
  const path = `/v1/claims/${encodeURIComponent(claimId)}/declaration`;
  const status = h("div", { id: "declaration-etat", "aria-live": "polite" });
  const prepare = h("button", { type: "button", class: "primary", id: "preparer-declaration" }, "Préparer la déclaration de créance (PDF)");
  const role = proceedings.kind === "liquidation" ? "Liquidateur" : "Mandataire judiciaire";
  const passed = route.declaration_deadline && route.declaration_deadline < new Date().toISOString().slice(0, 10);
  const card = h(
    "section",
    { class: "card", id: "declaration", "aria-labelledby": "declaration-titre" },
    h("h3", { id: "declaration-titre" }, "Déclaration de créance"),
    notice(
      passed ? "error" : "warning",
      h("strong", {}, `${KINDS[proceedings.kind] || proceedings.kind} : `),
      "toute action en paiement est interdite (C. com. L622-21). La créance doit être déclarée ",
      proceedings.kind === "liquidation" ? "au liquidateur" : "au mandataire judiciaire",
      route.declaration_deadline ? [" au plus tard le ", h("strong", { id: "delai-declaration" }, dateLong(route.declaration_deadline))] : "",
      " (C. com. R622-24 : deux mois après la publication au BODACC ; la date d'envoi fait foi).",
      passed && route.relief_deadline ? ` Le délai est expiré : une demande en relevé de forclusion reste possible jusqu'au ${dateLong(route.relief_deadline)} (C. com. L622-26) ; confiez-la à un avocat.` : "",
    ),
    facts([
      ["Jugement d'ouverture", `${dateLong(proceedings.opened_on)}${proceedings.court ? ` — ${proceedings.court}` : ""}`],
      ["Publication au BODACC", proceedings.published_on ? `${dateLong(proceedings.published_on)}${proceedings.announcement ? ` (annonce ${proceedings.announcement})` : ""}` : "à vérifier"],
      [role, proceedings.mandataire || "non indiqué : voir l'annonce au BODACC"],
      ["Source", proceedings.source === "bodacc" ? "BODACC (vérifié par la plateforme)" : "votre déclaration"],
    ]),
    h("p", { class: "hint" }, "La lettre est pré-remplie avec les sommes arrêtées au jour du jugement d'ouverture (C. com. L622-28). Vérifiez-la, signez-la et envoyez-la en recommandé avec avis de réception, avec vos factures."),
    prepare,
    status,
  );
  const showReady = (found) => {
    add(
      clear(status),
      h(
        "p",
        {},
        h("a", { href: found.url, id: "telecharger-declaration", download: "" }, "Télécharger la déclaration de créance (PDF)"),
        found.prepared_at ? h("span", { class: "hint" }, ` — préparée le ${when(found.prepared_at)}`) : "",
      ),
    );
  };
  api(path)
    .then((found) => {
      if (found.status === "ready") showReady(found);
    })
    .catch(() => {});
  prepare.addEventListener("click", async () => {
    await busy(prepare, "Préparation de la lettre…", async () => {
      add(clear(status), h("p", { role: "status" }, "Préparation de la lettre en cours…"));
      try {
        const before = await api(path);
        await api(path, { method: "POST" });
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
          const found = await api(path);
          if (found.status === "ready" && found.prepared_at !== before.prepared_at) {
            showReady(found);
            announce("La déclaration de créance est prête.");
            return;
          }
          if (Date.now() > deadline) throw new Error("La préparation prend plus de temps que prévu : réessayez dans un instant.");
          await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
        }
      } catch (error) {
        add(clear(status), notice("error", error.message));
      }
    });
  });
  return card;
}
