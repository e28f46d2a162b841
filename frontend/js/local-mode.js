// The "mode local" banner: shown only when the page is served by the local platform (make run), whose
// /health says stage "local" and whose web server answers /_local/api/mailbox with JSON. Never on AWS.
// The local /health also gives the platform's business date (CLAIMS_TODAY): forms default to it.
import { h, add } from "./dom.js";
import { dateLong, setBusinessToday } from "./format.js";

async function probe(path, method = "HEAD") {
  try {
    const response = await fetch(path, { method, cache: "no-store" });
    return response.ok ? response : null;
  } catch {
    return null;
  }
}

export async function showLocalBanner() {
  const banner = document.getElementById("mode-local");
  if (!banner) return false;
  const health = await probe("/health", "GET");
  const body = health ? await health.json().catch(() => null) : null;
  setBusinessToday(body?.stage === "local" ? body.today : ""); // none: the browser's day is the real one
  if (!body || body.stage !== "local") return false;
  const mailbox = await probe("/_local/api/mailbox");
  if (!mailbox || !(mailbox.headers.get("Content-Type") || "").includes("application/json")) return false;
  const stripe = await probe("/_local/stripe");
  add(
    banner,
    h("strong", {}, "Mode local"),
    body.today
      ? [" — ", h("span", { id: "date-plateforme" }, `${body.today_simulated ? "date simulée" : "date du jour"} : ${dateLong(body.today)}`)]
      : null,
    " — plateforme de démonstration sur votre poste : aucun courrier, e-mail ni paiement réel. ",
    h("a", { href: "/_local/mailbox", target: "_blank", rel: "noopener" }, "Boîte mail locale"),
    stripe ? " · " : null,
    stripe ? h("a", { href: "/_local/stripe", target: "_blank", rel: "noopener" }, "Console Stripe simulée") : null,
  );
  banner.hidden = false;
  return true;
}
