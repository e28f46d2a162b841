// What each claim status means for the creditor: its group, the next step and when it falls due.
// (The labels themselves come from the API: status_label.)

export const GROUPS = {
  todo: "À traiter par vous",
  running: "En cours",
  done: "Terminées",
};

const STEPS = {
  draft: ["todo", "Compléter le dépôt, vérifier et payer"],
  awaiting_payment: ["todo", "Régler la mise en demeure"],
  assessing: ["running", "Vérification de la créance en cours"],
  lawyer_review: ["running", "Un avocat partenaire examine la créance avant tout envoi"],
  notice_sent: ["running", "Attendre le paiement du débiteur"],
  escalation_offered: ["todo", "Décider de l'injonction de payer"],
  dossier_ready: ["running", "Attribution à un avocat partenaire"],
  with_lawyer: ["running", "L'avocat dépose la requête"],
  filed: ["running", "Décision du juge"],
  order_granted: ["running", "Signification de l'ordonnance au débiteur"],
  served: ["running", "Délai d'opposition du débiteur (un mois)"],
  opposed: ["running", "Procédure au fond devant le tribunal"],
  enforcement: ["running", "Exécution forcée par le commissaire de justice"],
  disputed: ["todo", "Examiner la contestation du débiteur"],
  needs_attention: ["running", "Notre équipe examine la créance"],
  order_rejected: ["done", "Requête rejetée : voir avec l'avocat"],
  settled: ["done", "Aucune : créance réglée"],
  closed: ["done", "Aucune : dossier clôturé"],
  withdrawn: ["done", "Aucune : créance retirée"],
  rejected: ["done", "Aucune : créance refusée et remboursée"],
};

/** The statuses of a group (``todo``, ``running``, ``done``): what the API filters a list by. */
export function statusesOf(group) {
  return Object.entries(STEPS)
    .filter(([, [key]]) => key === group)
    .map(([status]) => status);
}

export function groupOf(status) {
  return (STEPS[status] || ["running"])[0];
}

/** {label, date} of the claim's next step (date may be null). */
export function nextStep(claim) {
  const [, label] = STEPS[claim.status] || ["running", "—"];
  const procedure = claim.lawyer?.next_deadline;
  if (procedure) return { label, date: procedure.date, dateLabel: "Dernier jour" };
  const date = claim.status === "notice_sent" ? claim.notice_deadline || claim.notice?.deadline || null : null;
  return { label, date, dateLabel: date ? "Fin du délai de paiement" : "" };
}

export function isOpen(status) {
  return groupOf(status) !== "done";
}

/** Statuses in which the creditor may still withdraw the claim (before the lawyer files it). */
export const WITHDRAWABLE = new Set([
  "draft",
  "awaiting_payment",
  "assessing",
  "lawyer_review",
  "notice_sent",
  "escalation_offered",
  "disputed",
  "needs_attention",
  "dossier_ready",
  "with_lawyer",
]);

/** Statuses in which the creditor may record a debtor's payment or declare the claim paid in full. */
export const AFTER_NOTICE = new Set([
  "notice_sent",
  "disputed",
  "escalation_offered",
  "dossier_ready",
  "with_lawyer",
  "filed",
  "order_granted",
  "order_rejected",
  "served",
  "opposed",
  "enforcement",
]);

/** Statuses after which nothing more is recorded on the registered letter. */
export const ENDED = new Set(["withdrawn", "closed", "rejected"]);
