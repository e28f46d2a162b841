// French formatting of the API's values (amounts are strings with two decimals, dates ISO).

const money = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const longDate = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" });
const shortDate = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "UTC" });
// A timestamp's day is the day in Paris (a claim filed at 0:30 in Paris is filed that day, not the day before).
const longDateParis = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });
const shortDateParis = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" });
const isDay = (iso) => /^\d{4}-\d{2}-\d{2}$/.test(String(iso));
const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});

/** "1234.5" → "1 234,50 €" (empty for a missing value). */
export function euros(amount) {
  if (amount === null || amount === undefined || amount === "") return "";
  const value = Number(String(amount).replace(/\s/g, "").replace(",", "."));
  return Number.isFinite(value) ? money.format(value) : String(amount);
}

/** Cents → "29,00 €". */
export function eurosFromCents(cents) {
  return money.format(Number(cents || 0) / 100);
}

function asDate(iso) {
  if (!iso) return null;
  const text = String(iso);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2025-01-31" → "31 janvier 2025". */
export function dateLong(iso) {
  const date = asDate(iso);
  return date ? (isDay(iso) ? longDate : longDateParis).format(date) : "";
}

/** "2025-01-31" → "31/01/2025". */
export function dateShort(iso) {
  const date = asDate(iso);
  return date ? (isDay(iso) ? shortDate : shortDateParis).format(date) : "";
}

/** An ISO timestamp → "2 déc. 2026, 07:05" (Paris time). */
export function when(iso) {
  const date = asDate(iso);
  return date ? dateTime.format(date) : "";
}

// The platform's business date (YYYY-MM-DD): the local platform's CLAIMS_TODAY, read from /health by
// local-mode.js; empty until then, and always on AWS (the browser's day is the real one).
let businessDay = "";
let settle;
/** Resolves once the platform said whether it has a business date (local-mode.js), at most after 2 s. */
export const businessDateKnown = new Promise((resolve) => {
  settle = resolve;
  setTimeout(resolve, 2000);
});

/** Today as YYYY-MM-DD: the platform's business date when it gave one, else the browser's day. */
export function todayIso() {
  if (businessDay) return businessDay;
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

/** Attributes of a date field that defaults to today (``fill``) and refuses a later day (checkRequired). */
export function todayAttrs({ fill = true } = {}) {
  return { "data-today": fill || undefined, "data-not-after-today": true, max: todayIso() };
}

/** The business date is known: date fields still showing the browser's day take it, and their maximum. */
export function setBusinessToday(iso) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso || "")) {
    settle();
    return;
  }
  const previous = todayIso();
  businessDay = iso;
  for (const input of document.querySelectorAll("input[data-not-after-today]")) {
    input.max = iso;
    if (input.hasAttribute("data-today") && input.value === previous) input.value = iso;
  }
  settle();
}

/** Whole days from ``fromIso`` to ``toIso`` (positive when ``toIso`` is later). */
export function daysBetween(fromIso, toIso) {
  const from = asDate(fromIso);
  const to = asDate(toIso);
  if (!from || !to) return null;
  return Math.round((to.getTime() - from.getTime()) / 86400000);
}

export function bytes(size) {
  const value = Number(size || 0);
  if (value < 1024) return `${value} o`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(0)} Ko`;
  return `${(value / 1024 / 1024).toFixed(1).replace(".", ",")} Mo`;
}

const FRENCH_PLURAL = new Intl.PluralRules("fr-FR");

/** ``count(1, "créance", "créances")`` → « 1 créance »; 0 and 1 singular, as CLDR's French rules say (the
 * server uses the same rules through babel). ``other`` defaults to ``one`` + « s ». */
export function count(n, one, other = `${one}s`) {
  const number = Number(n || 0);
  return `${number.toLocaleString("fr-FR")} ${FRENCH_PLURAL.select(number) === "one" ? one : other}`;
}
