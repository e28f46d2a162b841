// Shows whether the platform and each of its services answer (GET /health).
(async function () {
  const summary = document.getElementById("health-summary");
  const list = document.getElementById("health-services");
  const names = { dynamodb: "Base de données", s3: "Stockage des documents", ses: "Envoi des e-mails",
                  stepfunctions: "Orchestration des relances" };
  try {
    const response = await fetch("/health", { headers: { Accept: "application/json" } });
    const body = await response.json();
    summary.textContent = body.status === "ok" ? "Tous les services répondent." : "Certains services ne répondent pas.";
    summary.className = body.status === "ok" ? "ok" : "bad";
    for (const [key, value] of Object.entries(body.services || {})) {
      const item = document.createElement("li");
      const state = document.createElement("span");
      state.className = value.ok ? "ok" : "bad";
      state.textContent = value.ok ? "opérationnel" : "indisponible";
      item.append(`${names[key] || key} : `, state);
      list.append(item);
    }
  } catch (error) {
    summary.textContent = "La plateforme ne répond pas.";
    summary.className = "bad";
  }
})();
