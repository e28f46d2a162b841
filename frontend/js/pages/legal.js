// The legal pages, linked from the footer of every page: « Conditions générales de vente » (#/cgv),
// « Mentions légales » (#/mentions-legales), « Politique de confidentialité » (#/confidentialite) and
// « Contact » (#/contact). The operator's identity, the CGV version in force and the prices come from
// GET /v1/legal (public), so the pages say what the platform's settings say.
import { h, add, notice } from "../dom.js";
import { api } from "../api.js";
import { eurosFromCents } from "../format.js";

let legal = null;
/** GET /v1/legal, once per page load (a failure is asked again next time). */
export function loadLegal() {
  if (!legal) {
    legal = api("/v1/legal").catch((error) => {
      legal = null;
      throw error;
    });
  }
  return legal;
}

/** « 29,00 € TTC (24,17 € HT + 4,83 € de TVA à 20 %) ». */
export function priceText(price) {
  return (
    `${eurosFromCents(price.ttc_cents)} TTC (${eurosFromCents(price.ht_cents)} HT + ` +
    `${eurosFromCents(price.vat_cents)} de TVA à ${price.vat_rate_percent} %)`
  );
}

/** What each payable step includes, in the words of the landing page and of the terms. */
export const STEP_INCLUDES = {
  notice: [
    "le pré-contrôle de la créance : recevabilité, prescription, tribunal compétent ;",
    "le calcul des intérêts de retard et de l'indemnité forfaitaire de 40 € ;",
    "la mise en demeure à votre nom, envoyée en recommandé (papier ou électronique), frais d'envoi compris ;",
    "la page du débiteur pour déclarer un paiement, contester ou demander un délai, et le suivi jusqu'à l'échéance.",
  ],
  dossier: [
    "la requête en injonction de payer, le décompte et le bordereau de pièces ;",
    "la transmission du dossier à un avocat partenaire, qui le vérifie et le dépose au tribunal compétent ;",
    "le suivi de la procédure (ordonnance, signification, opposition) dans votre espace.",
  ],
};

function sellerName(seller) {
  return seller.legal_name || "L'exploitant de la plateforme";
}

function demoNotice(seller) {
  if (!seller.demo) return null;
  return notice(
    "warning",
    h("strong", {}, "Société fictive de démonstration : "),
    `${seller.legal_name} n'existe pas. Cette plateforme locale sert à la démonstration ; ` +
      "ses pages légales montrent la forme des textes, qui ne lient personne.",
  );
}

function identityLine(seller) {
  return [
    sellerName(seller),
    seller.legal_form,
    seller.share_capital ? `au capital de ${seller.share_capital}` : null,
    seller.address ? `siège : ${seller.address}` : null,
    seller.siren ? `SIREN ${seller.siren}${seller.rcs ? ` (${seller.rcs})` : ""}` : null,
  ]
    .filter(Boolean)
    .join(", ");
}

function mail(address) {
  return address ? h("a", { href: `mailto:${address}` }, address) : "l'adresse indiquée sur la page Contact";
}

function article(number, title, ...content) {
  const id = `article-${number}`;
  return h("section", { class: "legal-article", "aria-labelledby": id }, h("h2", { id }, `${number}. ${title}`), content);
}

function list(items) {
  return h("ul", {}, items.map((item) => h("li", {}, item)));
}

// --- Conditions générales de vente ------------------------------------------------------------------------
function cgv(info) {
  const { seller, cgv: version } = info;
  const name = sellerName(seller);
  const court = seller.rcs ? seller.rcs.replace(/^RCS\s+/i, "") : "";
  return [
    h("h1", {}, "Conditions générales de vente"),
    h("p", { class: "lead", id: "cgv-version" }, `Version du ${version.label}.`),
    demoNotice(seller),
    article(
      1,
      "Objet et champ d'application",
      h(
        "p",
        {},
        `Les présentes conditions générales de vente (CGV) régissent le service de recouvrement de créances en ligne ` +
          `fourni par ${identityLine(seller)} (« l'exploitant ») aux professionnels créanciers (« le client ») : sociétés, ` +
          "commerçants, artisans, professions libérales et autres professionnels agissant pour les besoins de leur activité.",
      ),
      h(
        "p",
        {},
        "Le client les accepte en cochant la case prévue avant son premier paiement ; chaque nouvelle version doit être " +
          "acceptée avant le paiement suivant. La version applicable à une commande est celle acceptée lors de son paiement. " +
          "Ces CGV prévalent sur tout autre document du client, sauf accord écrit de l'exploitant.",
      ),
    ),
    article(
      2,
      "Ce que fait le service",
      h("p", {}, "Pour chaque créance déposée par le client, la plateforme :"),
      list([
        "vérifie, à partir des informations et des pièces fournies, que la créance est recevable, exigible et non prescrite, et indique le tribunal compétent (pré-contrôle automatique) ;",
        "calcule les sommes dues : principal, intérêts ou pénalités de retard et indemnité forfaitaire de recouvrement ;",
        "rédige la mise en demeure au nom du client, signée par lui et portant ses coordonnées bancaires, et l'expédie pour son compte en lettre recommandée (papier ou électronique) en qualité de simple service d'envoi ;",
        "met à la disposition du débiteur une page lui permettant de déclarer un paiement, de contester ou de demander un délai ; ces déclarations sont transmises au client, qui décide de leur suite ;",
        "après l'échéance et à la demande du client, constitue le dossier de requête en injonction de payer (requête, décompte, bordereau de pièces) et le transmet à un avocat partenaire qui, s'il accepte le dossier, le vérifie et le dépose au nom du client auprès du tribunal compétent.",
      ]),
    ),
    article(
      3,
      "Ce que le service ne fait pas",
      list([
        "L'exploitant n'est pas une société de recouvrement agissant pour le compte d'autrui au sens des articles L124-1 et R124-1 et suivants du code des procédures civiles d'exécution : il n'écrit pas au débiteur en son propre nom, ne le relance pas par téléphone, ne négocie pas avec lui et ne reçoit aucun fonds. Le débiteur paie directement le client, sur le compte de celui-ci.",
        "L'exploitant ne donne pas de consultation juridique personnalisée et ne représente pas le client en justice. Seul l'avocat partenaire, dans le cadre de sa propre relation avec le client, peut le faire ; ses honoraires éventuels, les frais de greffe et les frais de commissaire de justice ne sont pas compris dans les prix ci-dessous.",
        "Le pré-contrôle ne garantit ni le paiement par le débiteur, ni la décision du juge. L'exploitant n'engage aucune mesure d'exécution forcée.",
      ]),
    ),
    article(
      4,
      "Prix",
      h("p", {}, "Le service est payé par créance et par étape, sans abonnement ni engagement de durée :"),
      h(
        "ul",
        { class: "legal-prices" },
        info.prices.map((price) =>
          h("li", {}, h("strong", {}, `${price.label} : ${priceText(price)}`), ` — ${price.description}.`),
        ),
      ),
      h(
        "p",
        {},
        `Les prix sont indiqués hors taxes et toutes taxes comprises, TVA au taux de ${info.vat_rate_percent} %. ` +
          "Le prix d'une étape est celui affiché au moment de son paiement. Le renvoi d'une mise en demeure après correction d'une adresse erronée n'est pas facturé à nouveau.",
      ),
    ),
    article(
      5,
      "Commande et paiement",
      h(
        "p",
        {},
        "Chaque étape est commandée et payée en ligne, par carte bancaire ou par virement, sur la page sécurisée du prestataire de paiement Stripe ; l'exploitant ne connaît ni ne conserve les numéros de carte. " +
          "L'étape est exécutée dès la confirmation du paiement. Une facture est émise pour chaque paiement et mise à disposition dans l'espace du client.",
      ),
    ),
    article(
      6,
      "Remboursement",
      h(
        "p",
        {},
        "Si une créance payée ne peut finalement pas être traitée — parce que le contrôle effectué après le paiement révèle un obstacle (par exemple une procédure collective ouverte contre le débiteur), ou parce que l'avocat chargé de la revue ou l'exploitant la refuse —, le prix de l'étape est intégralement remboursé sur le moyen de paiement utilisé et le client en est informé par e-mail, motifs à l'appui. Un avoir est émis.",
      ),
      h(
        "p",
        {},
        "Une étape exécutée (mise en demeure expédiée, dossier constitué) n'est pas remboursable. Le client étant un professionnel, le droit de rétractation prévu par le code de la consommation ne s'applique pas.",
      ),
    ),
    article(
      7,
      "Obligations du client",
      list([
        "fournir des informations exactes et complètes et des pièces authentiques, dont il a le droit de faire usage ;",
        "ne déposer que des créances certaines, liquides et exigibles, nées de son activité professionnelle et qu'il n'a pas cédées ;",
        "vérifier, avant de payer, le récapitulatif de la créance et les sommes réclamées : la mise en demeure part à son nom, dès le paiement confirmé ;",
        "signaler sans délai, depuis la page de la créance, tout paiement ou toute contestation du débiteur dont il a connaissance ;",
        "garder confidentiels ses identifiants de connexion.",
      ]),
    ),
    article(
      8,
      "Responsabilité",
      h(
        "p",
        {},
        "L'exploitant est tenu d'une obligation de moyens. Il ne répond ni du défaut de paiement du débiteur, ni des décisions de justice, ni des conséquences d'informations inexactes ou incomplètes fournies par le client, ni des retards des opérateurs postaux ou des cas de force majeure (article 1218 du code civil).",
      ),
      h(
        "p",
        {},
        "Sauf faute lourde ou dolosive, la responsabilité de l'exploitant est limitée, pour une créance donnée, au montant payé par le client pour cette créance.",
      ),
    ),
    article(
      9,
      "Données personnelles",
      h(
        "p",
        {},
        "Pour les données du débiteur qu'il fournit, le client est responsable du traitement et l'exploitant agit en qualité de sous-traitant, sur ses instructions (article 28 du RGPD) : il n'utilise ces données que pour exécuter le service, les protège, ne les communique qu'aux destinataires nécessaires (prestataires d'envoi, avocat partenaire) et les efface au terme de leur durée de conservation. Chaque lettre comporte l'information due au débiteur (article 14 du RGPD). ",
        "Pour les données du compte du client et la facturation, l'exploitant est responsable du traitement : voir la ",
        h("a", { href: "#/confidentialite" }, "politique de confidentialité"),
        ".",
      ),
    ),
    article(
      10,
      "Modification des conditions",
      h(
        "p",
        {},
        "L'exploitant peut modifier les présentes CGV. La nouvelle version, datée, est publiée sur cette page ; elle s'applique aux étapes payées après son acceptation par le client, qui lui est demandée avant le paiement suivant. Les étapes déjà payées restent régies par la version alors acceptée.",
      ),
    ),
    article(
      11,
      "Droit applicable et juridiction compétente",
      h(
        "p",
        {},
        "Les présentes CGV sont soumises au droit français. En cas de différend, les parties recherchent d'abord une solution amiable ; le client peut écrire à ",
        mail(info.support_email),
        ". À défaut d'accord dans un délai d'un mois, tout litige entre professionnels relatif à leur formation, leur exécution ou leur interprétation est de la compétence exclusive " +
          (court
            ? `du tribunal des activités économiques (ou tribunal de commerce) de ${court}`
            : "du tribunal des activités économiques (ou tribunal de commerce) du ressort du siège de l'exploitant") +
          ", y compris en cas de pluralité de défendeurs ou d'appel en garantie.",
      ),
    ),
    h("p", { class: "hint" }, `Conditions générales de vente, version du ${version.label}.`),
  ];
}

// --- Mentions légales -------------------------------------------------------------------------------------
function facts(pairs) {
  const dl = h("dl", { class: "facts" });
  for (const [label, value] of pairs) if (value) add(dl, h("dt", {}, label), h("dd", {}, value));
  return dl;
}

function mentions(info) {
  const { seller } = info;
  return [
    h("h1", {}, "Mentions légales"),
    demoNotice(seller),
    h(
      "section",
      { "aria-labelledby": "editeur" },
      h("h2", { id: "editeur" }, "Éditeur du site"),
      facts([
        ["Dénomination", seller.demo ? `${sellerName(seller)} (société fictive de démonstration)` : sellerName(seller)],
        ["Forme juridique", seller.legal_form],
        ["Capital social", seller.share_capital],
        ["Siège social", seller.address],
        ["SIREN", seller.siren ? `${seller.siren}${seller.rcs ? ` — ${seller.rcs}` : ""}` : ""],
        ["N° de TVA intracommunautaire", seller.vat_number],
        ["E-mail", seller.email ? mail(seller.email) : ""],
        ["Téléphone", seller.phone],
      ]),
    ),
    h(
      "section",
      { "aria-labelledby": "publication" },
      h("h2", { id: "publication" }, "Directeur de la publication"),
      h("p", {}, seller.publication_director || sellerName(seller)),
    ),
    h(
      "section",
      { "aria-labelledby": "hebergeur" },
      h("h2", { id: "hebergeur" }, "Hébergeur"),
      h("p", {}, seller.host),
    ),
    h(
      "section",
      { "aria-labelledby": "prestataires" },
      h("h2", { id: "prestataires" }, "Prestataires"),
      h(
        "p",
        {},
        "Paiements : Stripe (page de paiement sécurisée ; les numéros de carte ne transitent pas par la plateforme). " +
          "Lettres recommandées : un prestataire d'envoi de courrier recommandé, papier ou électronique.",
      ),
    ),
    h(
      "p",
      {},
      "Voir aussi les ",
      h("a", { href: "#/cgv" }, "conditions générales de vente"),
      " et la ",
      h("a", { href: "#/confidentialite" }, "politique de confidentialité"),
      ".",
    ),
  ];
}

// --- Politique de confidentialité ----------------------------------------------------------------------
function confidentialite(info) {
  const { seller } = info;
  const name = sellerName(seller);
  return [
    h("h1", {}, "Politique de confidentialité"),
    demoNotice(seller),
    h(
      "p",
      { class: "lead" },
      "Cette page explique quelles données la plateforme traite, pourquoi, combien de temps, et comment exercer vos droits (règlement général sur la protection des données, RGPD, et loi Informatique et libertés).",
    ),
    article(
      1,
      "Qui est responsable",
      h(
        "p",
        {},
        `${identityLine(seller)} est responsable du traitement des données des comptes (créanciers, avocats partenaires), de la facturation et de la sécurité du site. ` +
          "Pour les données des débiteurs, le créancier qui dépose la créance est responsable du traitement ; la plateforme agit pour son compte, en qualité de sous-traitant (article 28 du RGPD).",
      ),
    ),
    article(
      2,
      "Les données traitées",
      list([
        "Créanciers : adresse e-mail, mot de passe (conservé sous forme chiffrée par le service d'identité Amazon Cognito, jamais lisible par l'exploitant), profil de l'entreprise (raison sociale, SIREN, SIRET, adresse, contact, téléphone, IBAN, signataire), créances déposées et leurs pièces, paiements, factures, acceptation des conditions générales de vente.",
        "Débiteurs : les informations fournies par le créancier (nom ou raison sociale, adresse, e-mail, SIREN), les factures, les sommes dues, les paiements, les lettres envoyées, ce que le débiteur déclare sur sa page (paiement, contestation, demande de délai, pièces jointes) et les dates de première et de dernière ouverture de cette page.",
        "Avocats partenaires : nom, barreau, cabinet, téléphone, juridictions couvertes, dossiers reçus et leurs suites.",
        "Données techniques : adresse IP (pour limiter les abus : tentatives de connexion, liens de débiteurs), journaux techniques, qui ne contiennent ni e-mail, ni mot de passe, ni jeton.",
      ]),
    ),
    article(
      3,
      "Pourquoi, et sur quelle base légale",
      list([
        "Fournir le service aux créanciers et gérer leur compte : exécution du contrat (article 6.1.b du RGPD).",
        "Facturer et tenir la comptabilité : obligation légale (article 6.1.c).",
        "Recouvrer la créance pour le compte du créancier (lettres, page du débiteur, dossier d'injonction de payer) : intérêt légitime du créancier à obtenir le paiement de sa créance (article 6.1.f), le créancier étant responsable de ce traitement.",
        "Assurer la sécurité de la plateforme et prévenir les abus : intérêt légitime de l'exploitant (article 6.1.f).",
      ]),
      h("p", {}, "Aucune donnée n'est vendue, ni utilisée à des fins publicitaires. Aucun fichier de débiteurs n'est partagé entre créanciers."),
    ),
    article(
      4,
      "Destinataires",
      h(
        "p",
        {},
        "Selon le besoin : le créancier concerné ; l'avocat partenaire à qui le dossier est confié ; et les prestataires de l'exploitant, chacun pour sa tâche — Amazon Web Services (hébergement, dans l'Union européenne), Stripe (paiements), le prestataire d'envoi des lettres recommandées. ",
        "Les pièces et documents sont accessibles par des liens temporaires ; toute action sur une créance est inscrite dans un historique inaltérable.",
      ),
    ),
    article(
      5,
      "Durées de conservation",
      list([
        "Dossier d'une créance (identité du débiteur, factures, lettres, preuves) : en base active jusqu'au paiement ou à la clôture ; puis archivé jusqu'à la plus tardive de deux dates — la fin du délai de prescription de la créance, et, si une procédure a pu aboutir à un titre exécutoire, dix ans après la clôture ; puis anonymisé (un traitement quotidien efface les fichiers et remplace les textes qui nomment le débiteur).",
        "Factures et données de paiement de la plateforme : dix ans (code de commerce).",
        "Compte du créancier : pendant la relation contractuelle, puis cinq ans.",
        "Fichiers d'import (CSV) : quatre-vingt-dix jours.",
        "Exports de ses données demandés par un créancier : sept jours.",
      ]),
    ),
    article(
      6,
      "Vos droits",
      h(
        "p",
        {},
        "Vous disposez d'un droit d'accès, de rectification, d'effacement, de limitation, d'opposition et de portabilité (articles 15 à 21 du RGPD). " +
          "Un créancier peut obtenir à tout moment l'export complet de ses données, au format JSON, depuis son profil (rubrique « Mes données ») : le fichier est préparé en quelques minutes, un e-mail le signale, et il reste téléchargeable sept jours. ",
        "Pour exercer vos droits, écrivez à ",
        mail(info.support_email),
        seller.address ? ` ou par courrier à ${name}, ${seller.address}` : "",
        ". Une réponse vous est apportée dans un délai d'un mois. Vous pouvez aussi introduire une réclamation auprès de la CNIL (",
        h("a", { href: "https://www.cnil.fr", rel: "noopener" }, "www.cnil.fr"),
        ", 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07).",
      ),
    ),
    article(
      7,
      "Vous êtes débiteur",
      h(
        "p",
        {},
        "Vos données n'ont pas été collectées auprès de vous (article 14 du RGPD) : elles proviennent du créancier, de votre relation contractuelle avec lui et de ses documents de facturation. " +
          "Chaque lettre que vous recevez indique le créancier responsable du traitement, la finalité (recouvrer sa créance et, le cas échéant, en poursuivre le paiement en justice), les destinataires, la durée de conservation et vos droits. " +
          "Vous pouvez les exercer auprès du créancier, à l'adresse indiquée dans la lettre, ou auprès de la plateforme, qui transmet votre demande au créancier. " +
          "La plateforme ne reçoit aucun paiement : payez le créancier directement, sur le compte indiqué dans la lettre.",
      ),
    ),
    article(
      8,
      "Cookies et stockage sur votre appareil",
      h(
        "p",
        {},
        "Le site n'utilise ni cookie, ni traceur, ni outil de mesure d'audience. Votre session est conservée dans l'onglet ouvert et s'efface à sa fermeture ; un formulaire de créance en cours de saisie est gardé sur votre appareil jusqu'à son envoi.",
      ),
    ),
  ];
}

// --- Contact --------------------------------------------------------------------------------------------
function contact(info) {
  const { seller } = info;
  return [
    h("h1", {}, "Contact"),
    demoNotice(seller),
    h(
      "section",
      { "aria-labelledby": "support" },
      h("h2", { id: "support" }, "Support"),
      h("p", {}, "Une question sur une créance, un paiement, une facture ou vos données personnelles : écrivez-nous."),
      facts([
        ["E-mail", info.support_email ? mail(info.support_email) : ""],
        ["Téléphone", seller.phone],
        ["Adresse postale", seller.address ? `${sellerName(seller)}, ${seller.address}` : ""],
      ]),
      h("p", { class: "hint" }, "Indiquez la référence de la créance concernée (elle commence par « clm »), sans joindre de mot de passe."),
    ),
    h(
      "section",
      { "aria-labelledby": "debiteurs" },
      h("h2", { id: "debiteurs" }, "Vous avez reçu une mise en demeure"),
      h(
        "p",
        {},
        "Le courrier a été rédigé et signé par le créancier ; la plateforme l'a seulement expédié pour son compte et ne reçoit aucun paiement. " +
          "Utilisez le lien ou le QR code imprimé sur la lettre pour déclarer un paiement, contester la créance ou demander un délai : le créancier en est informé aussitôt.",
      ),
    ),
  ];
}

const VIEWS = { cgv, mentions, confidentialite, contact };

export async function render({ main, options, alive }) {
  let info;
  try {
    info = await loadLegal();
  } catch (error) {
    add(
      main,
      h("h1", {}, "Informations légales"),
      notice("error", error.message || "Ces informations n'ont pas pu être chargées ; réessayez dans un instant."),
    );
    return;
  }
  if (!alive()) return;
  const page = VIEWS[options.view] || VIEWS.mentions;
  add(main, h("div", { class: "legal-page" }, page(info)));
}
