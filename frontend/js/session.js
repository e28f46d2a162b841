// The signed-in user's tokens, kept for this tab only (sessionStorage): closing the tab signs out.

const KEY = "recouvrement.session";

export function current() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

export function token() {
  const session = current();
  if (!session) return null;
  if (session.expires_at && Date.now() > session.expires_at) {
    clear();
    return null;
  }
  return session.id_token;
}

export function role() {
  return current()?.role || null;
}

export function save(tokens, account) {
  const session = {
    id_token: tokens.id_token,
    expires_at: Date.now() + Number(tokens.expires_in || 3600) * 1000 - 30000,
    email: account.email,
    role: account.role,
    user_id: account.user_id,
    has_profile: Boolean(account.profile),
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function update(changes) {
  const session = current();
  if (session) sessionStorage.setItem(KEY, JSON.stringify({ ...session, ...changes }));
}

export function clear() {
  sessionStorage.removeItem(KEY);
}

/** Where each role lands after signing in. */
export function homeFor(role) {
  return { creditor: "#/creances", lawyer: "#/avocat", operator: "#/operateur" }[role] || "#/";
}
