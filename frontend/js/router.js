// A small hash router: "#/creances/clm_1?etape=pieces" → the page registered for "/creances/:id", with
// params {id} and query {etape}. Pages load on demand (dynamic import) and render into <main>.
import { clear, h, notice } from "./dom.js";

const routes = [];
let generation = 0;
let cleanups = [];

/** route("/creances/:id", () => import("./pages/creance.js"), {roles: ["creditor"], page: "claim"}) */
export function route(pattern, loader, options = {}) {
  const names = [];
  const source = pattern
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        names.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  routes.push({ regex: new RegExp(`^${source}/?$`), names, loader, options });
}

export function current() {
  const raw = decodeURI(location.hash.replace(/^#/, "")) || "/";
  const [path, search = ""] = raw.split("?");
  return { path: path || "/", query: Object.fromEntries(new URLSearchParams(search)) };
}

export function navigate(hash, { replace = false } = {}) {
  const target = hash.startsWith("#") ? hash : `#${hash}`;
  if (replace) {
    history.replaceState(null, "", target);
    render();
  } else if (location.hash === target) {
    render();
  } else {
    location.hash = target;
  }
}

/** Update the query of the current URL without rendering again (e.g. the wizard's step). */
export function setQuery(query) {
  const { path } = current();
  const search = new URLSearchParams(query).toString();
  history.replaceState(null, "", `#${path}${search ? `?${search}` : ""}`);
}

export async function render(hooks = {}) {
  generation += 1;
  const mine = generation;
  for (const cleanup of cleanups.splice(0)) {
    try {
      cleanup();
    } catch {
      /* a page's cleanup never blocks the next page */
    }
  }
  const { path, query } = current();
  const main = document.getElementById("contenu");
  const found = routes
    .map((candidate) => ({ candidate, match: path.match(candidate.regex) }))
    .find((item) => item.match);
  if (!found) {
    clear(main).append(
      h("h1", { tabindex: "-1" }, "Page introuvable"),
      h("p", {}, "Cette adresse ne correspond à aucune page. ", h("a", { href: "#/" }, "Retour à l'accueil")),
    );
    focusTitle(main);
    return;
  }
  const { candidate, match } = found;
  const params = Object.fromEntries(candidate.names.map((name, index) => [name, decodeURIComponent(match[index + 1])]));
  if (hooks.guard && !hooks.guard(candidate.options, path)) return;
  if (hooks.before) hooks.before(candidate.options, path);
  const ctx = {
    params,
    query,
    path,
    main,
    options: candidate.options,
    alive: () => mine === generation,
    onLeave: (fn) => cleanups.push(fn),
    navigate,
  };
  main.setAttribute("aria-busy", "true");
  try {
    const page = await candidate.loader();
    if (!ctx.alive()) return;
    clear(main);
    await page.render(ctx);
  } catch (error) {
    if (!ctx.alive()) return;
    clear(main).append(
      h("h1", { tabindex: "-1" }, "Une erreur est survenue"),
      notice("error", error.message || "La page n'a pas pu être affichée."),
    );
  } finally {
    if (ctx.alive()) main.removeAttribute("aria-busy");
  }
  if (ctx.alive()) focusTitle(main);
}

/** After a page change, move focus to its title so screen readers announce the new page. */
function focusTitle(main) {
  const title = main.querySelector("h1");
  if (!title) return;
  title.setAttribute("tabindex", "-1");
  document.title = `${title.textContent} — Recouvrement de créances en ligne`;
  if (!main.dataset.firstRender) {
    main.dataset.firstRender = "1";
    return; // first load: leave focus at the top of the document
  }
  title.focus({ preventScroll: false });
}

export function start(hooks) {
  window.addEventListener("hashchange", () => render(hooks));
  render(hooks);
}
