// Sign-up, email verification, sign-in, forgotten password, reset, and the invited user's first password.
// The ID token is kept for this tab (sessionStorage) and sent as "Authorization: Bearer".
import { h, add, notice, announce } from "../dom.js";
import { api } from "../api.js";
import { field, showErrors, checkRequired, busy, clearErrors } from "../forms.js";
import * as session from "../session.js";

const PASSWORD_HINT = "Au moins 10 caractères, dont une majuscule, une minuscule et un chiffre.";

function form(fields, submitLabel, onSubmit) {
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const el = h("form", { class: "stack narrow", novalidate: true }, fields, h("div", { class: "actions" }, submit));
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(el)) return;
    const values = Object.fromEntries(new FormData(el).entries());
    for (const key of Object.keys(values)) values[key] = String(values[key]).trim();
    try {
      await busy(submit, "Patientez…", () => onSubmit(values, el));
    } catch (error) {
      showErrors(el, error);
    }
  });
  return el;
}

async function signedIn(tokens, query) {
  session.save(tokens, { email: "", role: "" });
  const me = await api("/v1/me");
  session.save(tokens, me);
  announce("Vous êtes connecté.");
  const back = query.retour && !query.retour.startsWith("/connexion") ? `#${query.retour}` : null;
  if (me.role === "creditor" && !me.profile) {
    location.hash = "#/profil?bienvenue=1";
  } else {
    location.hash = back || session.homeFor(me.role);
  }
}

const VIEWS = {
  signin({ main, query }) {
    const messages = [];
    if (query.expire) messages.push(notice("warning", "Votre session a expiré : reconnectez-vous."));
    if (query.sortie) messages.push(notice("info", "Vous êtes déconnecté."));
    if (query.verifie) messages.push(notice("success", "Adresse e-mail vérifiée. Vous pouvez vous connecter."));
    if (query.modifie) messages.push(notice("success", "Mot de passe modifié. Vous pouvez vous connecter."));
    add(
      main,
      h("h1", {}, "Se connecter"),
      messages,
      form(
        [
          field({ name: "email", label: "Adresse e-mail", type: "email", required: true, autocomplete: "username", value: query.email || "" }),
          field({ name: "password", label: "Mot de passe", type: "password", required: true, autocomplete: "current-password" }),
        ],
        "Se connecter",
        async (values, el) => {
          let answer;
          try {
            answer = await api("/v1/auth/signin", { method: "POST", body: values });
          } catch (error) {
            if (error.code === "email_not_verified") {
              location.hash = `#/verification?email=${encodeURIComponent(values.email)}`;
              return;
            }
            throw error;
          }
          if (answer.challenge === "NEW_PASSWORD_REQUIRED") {
            sessionStorage.setItem("recouvrement.challenge", JSON.stringify({ email: values.email, session: answer.session }));
            location.hash = "#/premiere-connexion";
            return;
          }
          clearErrors(el);
          await signedIn(answer, query);
        },
      ),
      h(
        "p",
        { class: "links" },
        h("a", { href: "#/mot-de-passe-oublie" }, "Mot de passe oublié ?"),
        " · ",
        h("a", { href: "#/inscription" }, "Créer un compte créancier"),
      ),
    );
  },

  signup({ main }) {
    add(
      main,
      h("h1", {}, "Créer un compte créancier"),
      h("p", {}, "Un code de vérification vous sera envoyé par e-mail."),
      form(
        [
          field({ name: "email", label: "Adresse e-mail professionnelle", type: "email", required: true, autocomplete: "email" }),
          field({ name: "password", label: "Mot de passe", type: "password", required: true, autocomplete: "new-password", hint: PASSWORD_HINT }),
        ],
        "Créer mon compte",
        async (values) => {
          await api("/v1/auth/signup", { method: "POST", body: values });
          location.hash = `#/verification?email=${encodeURIComponent(values.email)}&nouveau=1`;
        },
      ),
      h("p", { class: "links" }, "Déjà inscrit ? ", h("a", { href: "#/connexion" }, "Se connecter")),
    );
  },

  confirm({ main, query }) {
    const resend = h("button", { type: "button", class: "link-button" }, "Recevoir un nouveau code");
    const status = h("p", { role: "status", class: "status-line" });
    const confirmForm = form(
      [
        field({ name: "email", label: "Adresse e-mail", type: "email", required: true, value: query.email || "", autocomplete: "username" }),
        field({ name: "code", label: "Code de vérification", required: true, inputmode: "numeric", autocomplete: "one-time-code", hint: "Le code à 6 chiffres reçu par e-mail." }),
      ],
      "Vérifier mon adresse",
      async (values) => {
        await api("/v1/auth/confirm", { method: "POST", body: values });
        location.hash = `#/connexion?verifie=1&email=${encodeURIComponent(values.email)}`;
      },
    );
    resend.addEventListener("click", async () => {
      const email = confirmForm.querySelector("[name=email]").value.trim();
      if (!email) return checkRequired(confirmForm);
      try {
        const answer = await api("/v1/auth/resend-code", { method: "POST", body: { email } });
        status.textContent = answer.message;
      } catch (error) {
        showErrors(confirmForm, error);
      }
    });
    add(
      main,
      h("h1", {}, "Vérifier votre adresse e-mail"),
      query.nouveau ? notice("success", "Si cette adresse peut être inscrite, un code vous a été envoyé : saisissez-le ci-dessous. Si elle a déjà un compte, un e-mail vous l'indique.") : null,
      confirmForm,
      h("p", { class: "links" }, resend),
      status,
    );
  },

  forgot({ main }) {
    add(
      main,
      h("h1", {}, "Mot de passe oublié"),
      h("p", {}, "Indiquez votre adresse : si un compte existe, un code de réinitialisation vous est envoyé."),
      form(
        [field({ name: "email", label: "Adresse e-mail", type: "email", required: true, autocomplete: "username" })],
        "Recevoir un code",
        async (values) => {
          await api("/v1/auth/forgot-password", { method: "POST", body: values });
          location.hash = `#/reinitialisation?email=${encodeURIComponent(values.email)}`;
        },
      ),
    );
  },

  reset({ main, query }) {
    add(
      main,
      h("h1", {}, "Choisir un nouveau mot de passe"),
      notice("info", "Si un compte existe à cette adresse, un code de réinitialisation vient d'être envoyé."),
      form(
        [
          field({ name: "email", label: "Adresse e-mail", type: "email", required: true, value: query.email || "", autocomplete: "username" }),
          field({ name: "code", label: "Code reçu par e-mail", required: true, inputmode: "numeric", autocomplete: "one-time-code" }),
          field({ name: "new_password", label: "Nouveau mot de passe", type: "password", required: true, autocomplete: "new-password", hint: PASSWORD_HINT }),
        ],
        "Modifier le mot de passe",
        async (values) => {
          await api("/v1/auth/reset-password", { method: "POST", body: values });
          location.hash = `#/connexion?modifie=1&email=${encodeURIComponent(values.email)}`;
        },
      ),
    );
  },

  newPassword({ main, query }) {
    const challenge = JSON.parse(sessionStorage.getItem("recouvrement.challenge") || "null");
    if (!challenge) {
      location.hash = "#/connexion";
      return;
    }
    add(
      main,
      h("h1", {}, "Première connexion"),
      h("p", {}, "Choisissez votre mot de passe pour remplacer le mot de passe provisoire de l'invitation."),
      form(
        [field({ name: "new_password", label: "Nouveau mot de passe", type: "password", required: true, autocomplete: "new-password", hint: PASSWORD_HINT })],
        "Enregistrer et me connecter",
        async (values) => {
          const tokens = await api("/v1/auth/new-password", {
            method: "POST",
            body: { email: challenge.email, session: challenge.session, new_password: values.new_password },
          });
          sessionStorage.removeItem("recouvrement.challenge");
          await signedIn(tokens, query);
        },
      ),
    );
  },
};

export function render(ctx) {
  return VIEWS[ctx.options.view](ctx);
}
