// DOM helpers: every element is built with createElement and every text goes through text nodes, so no
// data from the API is ever parsed as HTML.

/** h("p", {class: "note"}, "texte", child) → <p class="note">texte…</p>. Event handlers: onclick: fn. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  const late = {};
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "value" || key === "checked" || key === "selected") late[key] = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  add(el, children);
  for (const [key, value] of Object.entries(late)) el[key] = value;
  return el;
}

/** Append children (nodes, strings, numbers, nested arrays; null/false skipped). */
export function add(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A link to a hash route: link("#/creances", "Mes créances"). */
export function link(href, text, attrs = {}) {
  return h("a", { href, ...attrs }, text);
}

export function button(text, onclick, attrs = {}) {
  return h("button", { type: "button", onclick, ...attrs }, text);
}

/** A definition list from [label, value] pairs (empty values skipped). */
export function facts(pairs, attrs = {}) {
  const list = h("dl", { class: "facts", ...attrs });
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    add(list, h("dt", {}, label), h("dd", {}, value));
  }
  return list;
}

/** A table: columns [{label, value: row => node|string, class?}], rows. */
export function table(columns, rows, { caption, empty = "Aucun élément.", attrs = {} } = {}) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption || "Tableau" },
    h(
      "table",
      attrs,
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.class }, c.label)))),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h("tr", {}, columns.map((c) => h("td", { class: c.class, "data-label": c.label }, c.value(row)))),
        ),
      ),
    ),
  );
}

/** A notice box; kind: info | success | warning | error. Errors are announced (role=alert). */
export function notice(kind, ...children) {
  const role = kind === "error" ? "alert" : "status";
  return h("div", { class: `notice notice-${kind}`, role }, ...children);
}

/** Announce a short message to screen readers (polite live region of the page shell). */
export function announce(message) {
  const region = document.getElementById("annonce");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 30);
}

let uid = 0;
/** Download a file from a short-lived link the API gave ({url, filename}): a hidden anchor, clicked. */
export function startDownload(link) {
  const anchor = h("a", { href: link.url, download: link.filename, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

export function uniqueId(prefix = "id") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * A list the API gives page by page (``{next_cursor}``): the first page on ``load()``, then one more page at
 * each click on « Afficher plus », shown while there is a next page. ``fetchPage(cursor)`` → {items,
 * next_cursor}; ``render(items)`` → the element of every item loaded so far; ``onLoaded(count, more)``.
 */
export function pagedList({ fetchPage, render, onLoaded = () => {}, moreLabel = "Afficher plus" }) {
  const body = h("div");
  const more = h("button", { type: "button", class: "button more", hidden: true }, moreLabel);
  const error = h("div", { role: "alert" });
  let items = [];
  let cursor = null;
  async function next() {
    clear(error);
    try {
      const page = await fetchPage(cursor);
      items = items.concat(page.items);
      cursor = page.next_cursor || null;
    } catch (failure) {
      error.append(notice("error", failure.message));
      return;
    }
    clear(body).append(render(items));
    more.hidden = !cursor;
    onLoaded(items.length, Boolean(cursor));
  }
  more.addEventListener("click", async () => {
    const previous = more.textContent;
    more.disabled = true;
    more.textContent = "Chargement…";
    try {
      await next();
    } finally {
      more.disabled = false;
      more.textContent = previous;
    }
  });
  return { element: h("div", { class: "paged" }, body, error, h("p", { class: "actions" }, more)), load: next };
}

/** ``?key=value&…`` of the non-empty values (for API list queries). */
export function queryString(values) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== "") params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}
