// Calls to the platform's API on the same origin (/v1/…). Errors become ApiError with the API's French
// message and its per-field details; a 401 on a signed-in call sends the user back to the sign-in page.
import * as session from "./session.js";

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `Erreur ${status} : la plateforme n'a pas pu traiter la demande.`);
    this.status = status;
    this.code = error.code || "error";
    this.field = error.field || null;
    this.details = error.details || (error.field ? [{ field: error.field, message: this.message }] : []);
  }
}

/** api("/v1/claims", {method: "POST", body: {...}}) → the JSON answer, or throws ApiError. */
export async function api(path, { method = "GET", body, raw, contentType } = {}) {
  const headers = { Accept: "application/json" };
  const bearer = session.token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let payload;
  if (raw !== undefined) {
    payload = raw;
    if (contentType) headers["Content-Type"] = contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, {
      error: { code: "network", message: "La plateforme ne répond pas : vérifiez votre connexion et réessayez." },
    });
  }
  const data = await response.json().catch(() => null);
  if (response.status === 401 && bearer) {
    session.clear();
    const back = encodeURIComponent(location.hash.slice(1) || "/creances");
    location.hash = `#/connexion?expire=1&retour=${back}`;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Prices of the payable steps (public), cached for the page's life. */
let prices = null;
export async function priceOf(step) {
  if (!prices) prices = api("/v1/prices").then((answer) => answer.prices);
  try {
    return (await prices).find((price) => price.step === step) || null;
  } catch {
    prices = null;
    return null;
  }
}
