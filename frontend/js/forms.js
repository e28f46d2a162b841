// Form fields with their label, hint and error message wired for assistive technologies
// (label for=, aria-describedby, aria-invalid), and the API's per-field French errors shown next to them.
import { h, add, announce } from "./dom.js";
import { dateLong, todayIso } from "./format.js";

/** "invoices[0].amount_ttc" → ["invoices", 0, "amount_ttc"]. */
export function pathParts(path) {
  const parts = [];
  for (const piece of String(path).split(".")) {
    const match = piece.match(/^([^[]*)((?:\[\d+\])*)$/);
    if (!match) {
      parts.push(piece);
      continue;
    }
    if (match[1]) parts.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

export function getPath(object, path) {
  let value = object;
  for (const part of pathParts(path)) {
    if (value === null || value === undefined) return undefined;
    value = value[part];
  }
  return value;
}

export function setPath(object, path, value) {
  const parts = pathParts(path);
  let target = object;
  parts.slice(0, -1).forEach((part, index) => {
    if (target[part] === null || target[part] === undefined || typeof target[part] !== "object") {
      target[part] = typeof parts[index + 1] === "number" ? [] : {};
    }
    target = target[part];
  });
  target[parts[parts.length - 1]] = value;
}

export function fieldId(name) {
  return `champ-${String(name).replace(/[^a-zA-Z0-9_-]/g, "-")}`;
}

/**
 * One labelled field. opts: name, label, type (text, email, date, password, select, textarea, checkbox),
 * value, required, hint, options ([[value, label]]), autocomplete, inputmode, attrs (extra attributes), id.
 */
export function field(opts) {
  // ``opts.id``: when the same form is on the page several times (one per row), each needs its own ids.
  const id = opts.id || fieldId(opts.name);
  const hintId = `${id}-aide`;
  const errorId = `${id}-erreur`;
  const describedBy = [opts.hint ? hintId : null, errorId].filter(Boolean).join(" ");
  const common = {
    id,
    name: opts.name,
    "aria-describedby": describedBy,
    required: opts.required || undefined,
    "aria-required": opts.required ? "true" : undefined,
    autocomplete: opts.autocomplete,
    inputmode: opts.inputmode,
    ...(opts.attrs || {}),
  };
  let control;
  const type = opts.type || "text";
  if (type === "select") {
    control = h(
      "select",
      common,
      (opts.options || []).map(([value, label]) => h("option", { value }, label)),
    );
    control.value = opts.value ?? (opts.options?.[0]?.[0] || "");
  } else if (type === "textarea") {
    control = h("textarea", { ...common, rows: opts.rows || 3 });
    control.value = opts.value ?? "";
  } else if (type === "checkbox") {
    control = h("input", { ...common, type: "checkbox" });
    control.checked = Boolean(opts.value);
  } else {
    control = h("input", { ...common, type });
    control.value = opts.value ?? "";
  }
  const label = h("label", { for: id, class: opts.required ? "is-required" : undefined }, opts.label);
  const hint = opts.hint ? h("p", { class: "hint", id: hintId }, opts.hint) : null;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const wrapper = h("div", { class: `field field-${type}${opts.wide ? " wide" : ""}` });
  if (type === "checkbox") add(wrapper, h("div", { class: "check" }, control, label), hint, error);
  else add(wrapper, label, hint, error, control);
  return wrapper;
}

/** The value of a control as the API wants it ("" stays "", checkboxes are booleans). */
export function controlValue(control) {
  if (control.type === "checkbox") return control.checked;
  return control.value.trim();
}

export function clearErrors(container) {
  for (const control of container.querySelectorAll("[aria-invalid='true']")) {
    control.removeAttribute("aria-invalid");
  }
  for (const error of container.querySelectorAll(".field-error")) {
    error.textContent = "";
    error.hidden = true;
  }
  for (const summary of container.querySelectorAll(".error-summary")) summary.remove();
}

function labelOf(control) {
  const label = control.id ? document.querySelector(`label[for="${control.id}"]`) : null;
  return label ? label.textContent.replace(/\s*\*$/, "").trim() : control.name;
}

/** Put one message next to its field; returns false when the field is not on this page. */
export function showFieldError(container, name, message) {
  const control = container.querySelector(`[name="${CSS.escape(name)}"]`);
  if (!control) return false;
  const error = document.getElementById(`${control.id}-erreur`);
  control.setAttribute("aria-invalid", "true");
  if (error) {
    error.textContent = message;
    error.hidden = false;
  }
  return true;
}

/**
 * Show an ApiError's details next to their fields (``prefix`` is stripped from the API's field paths,
 * e.g. "content."), plus a summary at the top of ``form`` that links to each field and is announced.
 * The technical path in a message (« content.debtor.siren ») is replaced by the field's label.
 * Returns the details that matched no field on the page.
 */
export function showErrors(form, error, { prefix = "", title } = {}) {
  clearErrors(form);
  const details = error.details && error.details.length ? error.details : [];
  const unmatched = [];
  const items = [];
  for (const detail of details) {
    const name = prefix && detail.field.startsWith(prefix) ? detail.field.slice(prefix.length) : detail.field;
    const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
    let message = detail.message;
    if (control) {
      message = message.split(`« ${detail.field} »`).join(`« ${labelOf(control)} »`);
      showFieldError(form, name, message);
      items.push(h("li", {}, h("a", { href: `#${control.id}`, "data-focus": control.id }, message)));
    } else {
      unmatched.push({ ...detail, name });
      items.push(h("li", {}, message));
    }
  }
  const summary = h(
    "div",
    { class: "error-summary", role: "alert", tabindex: "-1" },
    h("h2", {}, title || (items.length ? "Corrigez les champs signalés" : "La demande n'a pas abouti")),
    items.length ? h("ul", {}, items) : h("p", {}, error.message),
  );
  summary.addEventListener("click", (event) => {
    const target = event.target.closest("a[data-focus]");
    if (!target) return;
    event.preventDefault();
    document.getElementById(target.dataset.focus)?.focus();
  });
  form.prepend(summary);
  summary.focus();
  announce(error.message);
  return unmatched;
}

/** Required fields left empty, and dates after the platform's today (fields made with todayAttrs) → French
 * messages next to them (before calling the API). */
export function checkRequired(container) {
  clearErrors(container);
  const missing = [];
  for (const control of container.querySelectorAll("[required]")) {
    if (control.closest("[hidden]")) continue;
    if (control.type === "checkbox" ? !control.checked : !control.value.trim()) {
      missing.push({ field: control.name, message: `Le champ « ${labelOf(control)} » est obligatoire.` });
    }
  }
  const today = todayIso();
  const future = [...container.querySelectorAll("input[data-not-after-today]")]
    .filter((control) => !control.closest("[hidden]") && control.value && control.value > today)
    .map((control) => ({
      field: control.name,
      message: `La date « ${labelOf(control)} » ne peut pas être dans le futur (nous sommes le ${dateLong(today)}).`,
    }));
  if (!missing.length && !future.length) return true;
  const message = missing.length ? "Des champs obligatoires sont vides." : "Une date est dans le futur.";
  showErrors(container, { message, details: [...missing, ...future] });
  return false;
}

/** Disable a submit button while ``task`` runs, with a busy label. */
export async function busy(buttonEl, label, task) {
  const previous = buttonEl.textContent;
  buttonEl.disabled = true;
  buttonEl.setAttribute("aria-busy", "true");
  buttonEl.textContent = label;
  try {
    return await task();
  } finally {
    buttonEl.disabled = false;
    buttonEl.removeAttribute("aria-busy");
    buttonEl.textContent = previous;
  }
}
