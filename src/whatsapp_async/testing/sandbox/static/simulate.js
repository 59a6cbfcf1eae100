// The webhooks panel: other webhook fields posted to the bot through
// POST /_sandbox/simulate/{kind}. The kinds and their fields come from
// GET /_sandbox/simulate; the bodies below are starting points to edit.
(() => {
  const $ = (id) => document.getElementById(id);
  const EXAMPLES = {
    template_status: {name: "order_update", status: "APPROVED", language: "en_US"},
    template_quality: {name: "order_update", new_score: "YELLOW", previous_score: "GREEN"},
    account_update: {event: "ACCOUNT_VIOLATION", details: {violation_info: {violation_type: "SCAM"}}},
    phone_number_quality: {event: "UPGRADE", current_limit: "TIER_10K"},
    call: {from: "15551234567", event: "connect"},
    user_preference: {from: "15551234567", value: "stop"},
    group: {event_type: "group_create", group_id: "Z3JvdXAtMQ", details: {subject: "Team"}},
    revoke: {from: "15551234567", message_id: "wamid.ID"},
    edit: {from: "15551234567", message_id: "wamid.ID", text: "the edited text"},
    request_welcome: {from: "15551234567"},
    change: {field: "history", value: {history: []}},
  };
  const form = $("simulate-form"), result = $("simulate-result");
  const show = (kind) => { form.elements.body.value = JSON.stringify(EXAMPLES[kind] || {}, null, 2); };

  async function load() {
    const resp = await fetch("/_sandbox/simulate");
    const kinds = await resp.json();
    form.elements.kind.replaceChildren(...Object.keys(kinds).map((kind) => {
      const option = document.createElement("option");
      option.value = kind;
      option.textContent = kinds[kind].field ? `${kind} (${kinds[kind].field})` : `${kind} (any field)`;
      return option;
    }));
    show(form.elements.kind.value);
  }
  form.elements.kind.addEventListener("change", () => show(form.elements.kind.value));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    let body;
    try { body = JSON.parse(form.elements.body.value || "{}"); }
    catch (err) { result.textContent = `not JSON: ${err.message}`; result.dataset.ok = "false"; return; }
    const resp = await fetch(`/_sandbox/simulate/${encodeURIComponent(form.elements.kind.value)}`,
      {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      result.textContent = (data.error && `${data.error.field}: ${data.error.message}`) || `HTTP ${resp.status}`;
      result.dataset.ok = "false";
      return;
    }
    const hook = data.webhook;
    result.dataset.ok = hook.status === 200 ? "true" : "false";
    result.dataset.webhookStatus = String(hook.status);
    result.textContent = `${data.field}: the webhook answered ${hook.status ?? "nothing"}` +
      `${hook.error ? ` (${hook.error})` : ""}${hook.signed ? ", signed" : ""}\n` +
      JSON.stringify(data.value, null, 2);
  });
  load();
})();
