// The debtor's page (issue 22): opened from the link or the QR code of a relance or a mise en demeure, without
// an account. What the letter shows, the sums due today, and paying by bank transfer in one scan (EPC QR code).
import { h, add, clear, notice, facts, announce } from "../dom.js";
import { api } from "../api.js";
import { field, showErrors, checkRequired, busy } from "../forms.js";
import { euros, dateLong, dateShort, todayIso } from "../format.js";

const REASONS = [
  ["already_paid", "J'ai déjà payé cette somme"],
  ["not_received", "Je n'ai pas reçu la marchandise ou la prestation"],
  ["not_conform", "La marchandise ou la prestation n'est pas conforme à la commande"],
  ["wrong_amount", "Le montant réclamé est erroné"],
  ["not_debtor", "Je ne suis pas redevable de cette somme"],
  ["other", "Autre motif"],
];

export async function render({ main, params }) {
  document.title = "Votre dossier — Recouvrement de créances en ligne";
  const status = h("p", { role: "status" }, "Chargement du dossier…");
  main.append(status);
  let page;
  try {
    page = await api(`/v1/debtor/${encodeURIComponent(params.token)}`);
  } catch (error) {
    status.remove();
    add(main, h("h1", { tabindex: "-1" }, "Dossier introuvable"), notice(error.status === 429 ? "warning" : "error", error.message));
    return;
  }
  status.remove();
  const amounts = page.amounts || {};
  const transfer = page.transfer;
  add(
    main,
    h("h1", { tabindex: "-1" }, `Votre dossier auprès de ${page.creditor.name}`),
    h(
      "p",
      { class: "lead" },
      `Montant dû au ${dateLong(page.as_of)} : `,
      h("strong", { id: "montant-du" }, euros(amounts.total)),
      page.deadline ? [" — à régler au plus tard le ", h("strong", { id: "delai" }, dateLong(page.deadline))] : "",
      ".",
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-virement" },
      h("h2", { id: "titre-virement" }, "Payer par virement"),
      transfer.qr_svg
        ? h(
            "figure",
            { class: "qr" },
            h("img", { src: transfer.qr_svg, alt: "QR code de virement SEPA : bénéficiaire, montant et référence", id: "qr-virement", width: "220", height: "220" }),
            h("figcaption", {}, "Scannez ce QR code avec l'application de votre banque : le virement est prérempli."),
          )
        : null,
      facts([
        ["Bénéficiaire", transfer.beneficiary],
        ["IBAN", transfer.iban],
        ["BIC", transfer.bic || ""],
        ["Montant", euros(transfer.amount)],
        ["Référence à indiquer", transfer.reference],
      ], { id: "virement" }),
      h("p", { class: "hint" }, "Indiquez la référence telle quelle : elle permet au créancier de rattacher votre paiement à ce dossier."),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-sommes" },
      h("h2", { id: "titre-sommes" }, `Sommes dues au ${dateLong(page.as_of)}`),
      h(
        "table",
        { class: "amounts" },
        h(
          "tbody",
          {},
          h("tr", {}, h("th", { scope: "row" }, "Principal restant dû"), h("td", { class: "num" }, euros(amounts.principal_outstanding))),
          h("tr", {}, h("th", { scope: "row" }, `Intérêts ou pénalités de retard${amounts.a_parfaire ? " (à parfaire)" : ""}`), h("td", { class: "num" }, euros(amounts.interest))),
          Number(amounts.indemnity) > 0 ? h("tr", {}, h("th", { scope: "row" }, "Indemnité forfaitaire de recouvrement"), h("td", { class: "num" }, euros(amounts.indemnity))) : null,
          h("tr", { class: "total" }, h("th", { scope: "row" }, "Total"), h("td", { class: "num" }, euros(amounts.total))),
        ),
      ),
      h("h3", {}, "Factures"),
      h(
        "ul",
        { id: "factures" },
        page.invoices.map((invoice) =>
          h("li", {}, `n° ${invoice.number} du ${dateShort(invoice.issue_date)}${invoice.due_date ? `, échéance ${dateShort(invoice.due_date)}` : ""} : ${euros(invoice.amount)}`),
        ),
      ),
    ),
    planSection(page.plan),
    answers(params.token),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-creancier" },
      h("h2", { id: "titre-creancier" }, "Le créancier"),
      facts([
        ["Nom", page.creditor.name],
        ["Adresse", page.creditor.address],
        ["E-mail", page.creditor.email],
        ["Téléphone", page.creditor.phone],
        ["Référence du dossier", page.reference || ""],
      ]),
      h("p", { class: "hint" }, "Pour toute autre question, écrivez au créancier en rappelant la référence du dossier."),
    ),
  );
}

/** « J'ai payé » and « Je conteste »: two forms, each answered in French on the spot. */
function answers(token) {
  const base = `/v1/debtor/${encodeURIComponent(token)}`;
  const paid = h(
    "form",
    { id: "form-paye", novalidate: true },
    field({ name: "date", label: "Date du paiement", type: "date", required: true, value: todayIso(), attrs: { max: todayIso() } }),
    field({ name: "amount", label: "Montant payé (€)", required: true, inputmode: "decimal" }),
    fileField("preuve", "Preuve du paiement (facultatif : PDF, PNG ou JPEG, 5 Mo au plus)"),
    h("button", { type: "submit", class: "primary" }, "Indiquer ce paiement"),
    h("div", { class: "answer", "aria-live": "polite" }),
  );
  const dispute = h(
    "form",
    { id: "form-conteste", novalidate: true },
    field({ name: "reason", label: "Motif", type: "select", required: true, options: [["", "Choisissez un motif"], ...REASONS] }),
    field({ name: "text", label: "Précisions (facultatif, sauf « Autre motif »)", type: "textarea", attrs: { maxlength: "2000" } }),
    fileField("piece", "Un document à l'appui (facultatif : PDF, PNG ou JPEG, 5 Mo au plus)"),
    h("button", { type: "submit", class: "secondary" }, "Envoyer ma contestation"),
    h("div", { class: "answer", "aria-live": "polite" }),
  );
  const submit = (form, path, body) => async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    const button = form.querySelector("button[type=submit]");
    const answer = form.querySelector(".answer");
    await busy(button, "Envoi…", async () => {
      try {
        const result = await api(path, { method: "POST", body: body() });
        clear(answer).append(notice("success", result.message));
        announce(result.message);
        const file = form.querySelector("input[type=file]")?.files?.[0];
        if (file) {
          try {
            await api(`${base}/declarations/${encodeURIComponent(result.declaration.declaration_id)}/files`, {
              method: "POST",
              body: { filename: file.name, content_base64: await base64Of(file) },
            });
            answer.append(notice("success", `Fichier « ${file.name} » transmis.`));
          } catch (error) {
            answer.append(notice("error", error.message));
          }
        }
        form.querySelectorAll("input, select, textarea, button").forEach((control) => {
          control.disabled = true;
        });
      } catch (error) {
        showErrors(form, error);
        clear(answer).append(notice("error", error.message));
      }
    });
  };
  paid.addEventListener(
    "submit",
    submit(paid, `${base}/payment`, () => ({ date: paid.elements.date.value, amount: paid.elements.amount.value.trim() })),
  );
  dispute.addEventListener(
    "submit",
    submit(dispute, `${base}/dispute`, () => ({ reason: dispute.elements.reason.value, text: dispute.elements.text.value.trim() })),
  );
  const plan = h(
    "form",
    { id: "form-delai", novalidate: true },
    field({
      name: "instalments",
      label: "Nombre de mensualités",
      type: "select",
      required: true,
      options: Array.from({ length: 11 }, (_, i) => [String(i + 2), `${i + 2} mensualités`]),
    }),
    field({ name: "first_date", label: "Date de la première mensualité", type: "date", required: true, value: todayIso(), attrs: { min: todayIso() } }),
    h("button", { type: "submit", class: "secondary" }, "Demander ce délai"),
    h("div", { class: "answer", "aria-live": "polite" }),
  );
  plan.addEventListener(
    "submit",
    submit(plan, `${base}/plan`, () => ({ instalments: Number(plan.elements.instalments.value), first_date: plan.elements.first_date.value })),
  );
  return h(
    "section",
    { class: "card", "aria-labelledby": "titre-reponses" },
    h("h2", { id: "titre-reponses" }, "Vous avez déjà payé, vous contestez ou vous demandez un délai ?"),
    h("details", { id: "j-ai-paye" }, h("summary", {}, "J'ai payé"), h("p", { class: "hint" }, "Le créancier est prévenu et confirme le paiement à sa réception."), paid),
    h("details", { id: "je-conteste" }, h("summary", {}, "Je conteste"), h("p", { class: "hint" }, "Votre contestation est transmise au créancier ; les démarches automatiques sont suspendues."), dispute),
    h(
      "details",
      { id: "je-demande-un-delai" },
      h("summary", {}, "Je demande un délai"),
      h("p", { class: "hint" }, "Le créancier accepte ou refuse votre échéancier. Demander un délai vaut reconnaissance de la dette (article 2240 du code civil)."),
      plan,
    ),
  );
}

function fileField(name, label) {
  const id = `champ-${name}`;
  return h(
    "div",
    { class: "field field-file wide" },
    h("label", { for: id }, label),
    h("input", { type: "file", id, name, accept: ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" }),
  );
}

/** The file's bytes in base64 (the API checks them before anything is stored). */
function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(new Error("Le fichier n'a pas pu être lu : choisissez-le à nouveau."));
    reader.readAsDataURL(file);
  });
}

/** The payment plan asked for, and the creditor's answer. */
function planSection(plan) {
  if (!plan) return null;
  return h(
    "section",
    { class: "card", id: "echeancier", "aria-labelledby": "titre-echeancier" },
    h("h2", { id: "titre-echeancier" }, "Votre demande de délai"),
    h("p", {}, `Réponse du créancier : ${plan.status_label}.`),
    h("ul", {}, plan.schedule.map((item) => h("li", {}, `${dateLong(item.due_on)} : ${euros(item.amount)}`))),
  );
}
