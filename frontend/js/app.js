// Entry point: the routes, the navigation for the signed-in role, the sign-in guard, the local banner.
import { h, clear, announce } from "./dom.js";
import * as router from "./router.js";
import * as session from "./session.js";
import { showLocalBanner } from "./local-mode.js";

const auth = () => import("./pages/auth.js");
const PUBLIC = { public: true };
const CREDITOR = { roles: ["creditor"] };

router.route("/", () => import("./pages/accueil.js"), PUBLIC);
// The legal pages (footer of every page): terms of sale, legal notice, privacy policy, contact.
const legal = () => import("./pages/legal.js");
router.route("/cgv", legal, { ...PUBLIC, view: "cgv" });
router.route("/mentions-legales", legal, { ...PUBLIC, view: "mentions" });
router.route("/confidentialite", legal, { ...PUBLIC, view: "confidentialite" });
router.route("/contact", legal, { ...PUBLIC, view: "contact" });
router.route("/d/:token", () => import("./pages/debiteur.js"), { ...PUBLIC, debtor: true });
router.route("/connexion", auth, { ...PUBLIC, view: "signin" });
router.route("/inscription", auth, { ...PUBLIC, view: "signup" });
router.route("/verification", auth, { ...PUBLIC, view: "confirm" });
router.route("/mot-de-passe-oublie", auth, { ...PUBLIC, view: "forgot" });
router.route("/reinitialisation", auth, { ...PUBLIC, view: "reset" });
router.route("/premiere-connexion", auth, { ...PUBLIC, view: "newPassword" });
router.route("/profil", () => import("./pages/profil.js"), CREDITOR);
router.route("/creances", () => import("./pages/tableau.js"), CREDITOR);
router.route("/creances/nouvelle", () => import("./pages/depot.js"), CREDITOR);
router.route("/creances/:id", () => import("./pages/creance.js"), CREDITOR);
router.route("/imports", () => import("./pages/imports.js"), CREDITOR);
router.route("/imports/:id", () => import("./pages/imports.js"), CREDITOR);
router.route("/avocat", () => import("./pages/avocat.js"), { roles: ["lawyer"] });
router.route("/avocat/dossiers/:id", () => import("./pages/avocat.js"), { roles: ["lawyer"] });
router.route("/operateur", () => import("./pages/operateur.js"), { roles: ["operator"] });
router.route("/operateur/creances/:id", () => import("./pages/operateur-creance.js"), { roles: ["operator"] });

const MENUS = {
  creditor: [
    ["#/creances", "Mes créances"],
    ["#/creances/nouvelle", "Déposer une créance"],
    ["#/imports", "Import"],
    ["#/profil", "Mon profil"],
  ],
  lawyer: [["#/avocat", "Mes dossiers"]],
  operator: [["#/operateur", "Exploitation"]],
};

function buildNav(path, options = {}) {
  const nav = document.getElementById("navigation");
  const role = session.role();
  // The debtor's page speaks to the debtor: no creditor's menu there.
  const items = options.debtor
    ? []
    : role
    ? MENUS[role] || []
    : [
        ["#/connexion", "Se connecter"],
        ["#/inscription", "Créer un compte"],
      ];
  const list = h(
    "ul",
    {},
    items.map(([href, label]) => {
      const here = `#${path}` === href;
      return h("li", {}, h("a", { href, "aria-current": here ? "page" : undefined }, label));
    }),
  );
  clear(nav).append(list);
  document.getElementById("menu-toggle").hidden = Boolean(options.debtor);
  if (options.debtor) return;
  if (role) {
    const who = session.current();
    nav.append(
      h(
        "div",
        { class: "account" },
        h("span", { class: "who" }, who.email),
        h("button", { type: "button", class: "link-button", onclick: signOut }, "Se déconnecter"),
      ),
    );
  }
  document.getElementById("menu-toggle").setAttribute("aria-expanded", "false");
  nav.classList.remove("open");
}

function signOut() {
  session.clear();
  announce("Vous êtes déconnecté.");
  router.navigate("#/connexion?sortie=1");
}

function guard(options, path) {
  if (options.public) return true;
  const role = session.role();
  if (!session.token() || !role) {
    router.navigate(`#/connexion?retour=${encodeURIComponent(location.hash.slice(1) || path)}`, { replace: true });
    return false;
  }
  if (options.roles && !options.roles.includes(role)) {
    router.navigate(session.homeFor(role), { replace: true });
    return false;
  }
  return true;
}

document.getElementById("menu-toggle").addEventListener("click", (event) => {
  const nav = document.getElementById("navigation");
  const open = nav.classList.toggle("open");
  event.currentTarget.setAttribute("aria-expanded", String(open));
});

router.start({ guard, before: (options, path) => buildNav(path, options) });
showLocalBanner();
