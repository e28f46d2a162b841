// The creditor's view of the debtor's page (issue 22): the link printed on the letters, whether it works,
// when the debtor first and last opened it (nothing more is tracked), and turning it off.
import { h, add, clear, notice, announce, facts } from "./dom.js";
import { api } from "./api.js";
import { busy } from "./forms.js";
import { when } from "./format.js";

export function debtorLinkSection(claimId) {
  const path = `/v1/claims/${encodeURIComponent(claimId)}/debtor-link`;
  const body = h("div", { id: "lien-debiteur-contenu" }, h("p", { role: "status" }, "Chargement…"));
  const section = h(
    "section",
    { class: "card", id: "lien-debiteur", "aria-labelledby": "titre-lien-debiteur" },
    h("h2", { id: "titre-lien-debiteur" }, "Page du débiteur"),
    body,
  );
  const show = (link) => {
    clear(body);
    if (link.status === "none") {
      add(body, h("p", {}, "Le lien vers la page du débiteur figurera sur la relance et la mise en demeure."));
      return;
    }
    add(
      body,
      h("p", { class: "hint" }, "Le débiteur consulte les sommes dues et paie par virement depuis cette page, sans compte. Elle n'est jamais indexée."),
      facts([
        ["État", link.status === "active" ? "actif" : "désactivé"],
        ["Adresse", link.url ? h("a", { href: link.url, id: "url-lien-debiteur", rel: "noreferrer" }, link.url) : ""],
        ["Première consultation", link.first_seen_at ? when(link.first_seen_at) : "pas encore consultée"],
        ["Dernière consultation", link.last_seen_at ? when(link.last_seen_at) : ""],
      ]),
    );
    if (link.status === "active") {
      const revoke = h("button", { type: "button", class: "secondary small", id: "desactiver-lien" }, "Désactiver ce lien");
      revoke.addEventListener("click", async () => {
        await busy(revoke, "Désactivation…", async () => {
          try {
            show(await api(`${path}/revoke`, { method: "POST" }));
            announce("Le lien de la page du débiteur est désactivé.");
          } catch (error) {
            add(body, notice("error", error.message));
          }
        });
      });
      add(body, h("p", {}, revoke, h("span", { class: "hint" }, " Le prochain courrier en portera un nouveau.")));
    }
  };
  api(path)
    .then(show)
    .catch((error) => add(clear(body), notice("error", error.message)));
  return section;
}

/** What the debtor declared from their page; a declared payment is confirmed (or not) in one click. */
export function debtorDeclarationsSection(claimId, onDecided) {
  const path = `/v1/claims/${encodeURIComponent(claimId)}/debtor-declarations`;
  const body = h("div", {});
  const section = h(
    "section",
    { class: "card", id: "declarations-debiteur", "aria-labelledby": "titre-declarations", hidden: true },
    h("h2", { id: "titre-declarations" }, "Réponses du débiteur"),
    body,
  );
  const decide = (declaration, action, label) => {
    const control = h("button", { type: "button", class: action === "confirm" ? "primary small" : "secondary small" }, label);
    control.addEventListener("click", async () => {
      await busy(control, "Enregistrement…", async () => {
        try {
          await api(`${path}/${encodeURIComponent(declaration.declaration_id)}/${action}`, { method: "POST" });
          const messages = {
            payment: ["Paiement confirmé : les sommes dues sont recalculées.", "Paiement noté comme non reçu."],
            plan: ["Échéancier accepté : le débiteur le voit sur sa page.", "Échéancier refusé."],
          };
          onDecided(messages[declaration.kind][action === "confirm" ? 0 : 1]);
        } catch (error) {
          add(body, notice("error", error.message));
        }
      });
    });
    return control;
  };
  api(path)
    .then(({ declarations }) => {
      if (!declarations.length) return;
      section.hidden = false;
      const pending = declarations.filter((d) => d.kind === "payment" && d.status === "pending");
      if (pending.length) {
        add(body, notice("warning", h("strong", {}, "Paiement déclaré par le débiteur, à confirmer : "), "vérifiez votre compte avant toute étape payante."));
      }
      add(
        body,
        h(
          "ul",
          { class: "declarations" },
          declarations.map((d) =>
            h(
              "li",
              { id: `declaration-${d.declaration_id}` },
              h("strong", {}, `${d.kind_label} — ${when(d.declared_at)}`),
              describe(d),
              ` (${d.status_label})`,
              (d.details.files || []).map((f) => h("span", {}, " · ", fileLink(path, d, f))),
              d.kind === "payment" && d.status === "pending"
                ? h("span", { class: "actions" }, " ", decide(d, "confirm", "Confirmer la réception"), " ", decide(d, "refuse", "Non reçu"))
                : null,
              d.kind === "plan" && d.status === "pending"
                ? h("span", { class: "actions" }, " ", decide(d, "confirm", "Accepter l'échéancier"), " ", decide(d, "refuse", "Refuser"))
                : null,
            ),
          ),
        ),
      );
    })
    .catch(() => {});
  return section;
}

function fileLink(path, declaration, file) {
  const link = h("a", { href: "#", class: "debtor-file" }, file.filename);
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    try {
      const { url } = await api(`${path}/${encodeURIComponent(declaration.declaration_id)}/files/${encodeURIComponent(file.file_id)}`);
      window.location.assign(url);
    } catch (error) {
      link.after(notice("error", error.message));
    }
  });
  return link;
}

function describe(d) {
  const day = (iso) => iso.split("-").reverse().join("/");
  const euro = (value) => `${String(value).replace(".", ",")} €`;
  if (d.kind === "payment") return ` : ${euro(d.details.amount)} le ${day(d.details.paid_on)}`;
  if (d.kind === "plan") return ` : ${d.details.instalments} mensualités à partir du ${day(d.details.first_date)} (${euro(d.details.total)})`;
  return ` : ${d.details.reason_label}${d.details.text ? ` — « ${d.details.text} »` : ""}`;
}
