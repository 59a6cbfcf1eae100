// The sandbox page: live state from /_sandbox/events, the inbox and composer,
// the request log, the faults panel and the templates list.
"use strict";

(() => {
  const {h} = Render;
  const $ = (id) => document.getElementById(id);
  const MAX_LOG = 3000, MAX_LOG_ROWS = 500, MAX_CONVERSATIONS = 300;
  const TYPING_SECONDS = 25;
  // How far a business message got; a later webhook never moves it back.
  const STATUS_RANK = {sent: 1, delivered: 2, read: 3, played: 3, failed: 4};

  const state = {
    info: null,
    templates: [],
    conversations: new Map(),   // wa_id -> {wa_id, name, items: [], last}
    byId: new Map(),            // message id -> timeline item
    reads: new Map(),           // message id -> read item
    statuses: new Map(),        // business message id -> furthest status item
    reactions: new Map(),       // message id -> {out: emoji, in: emoji}
    selected: null,
    log: [],
    stats: null,
  };

  // ------------------------------------------------------------------ tabs
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => showTab(tab.dataset.tab));
  }
  function showTab(name) {
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.tab === name);
    for (const p of document.querySelectorAll(".panel")) p.classList.toggle("active", p.id === `tab-${name}`);
    if (name === "dashboard" && state.stats) Dashboard.update(state.stats);
    location.hash = name;
  }
  if (location.hash) showTab(location.hash.slice(1));

  // ---------------------------------------------------------------- control
  async function post(path, body) {
    const resp = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error((data.error && data.error.message) || `HTTP ${resp.status}`);
    return data;
  }

  function showError(message) {
    const box = $("chat-error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  // Everything the customer does goes through POST /_sandbox/inbound.
  async function sendAsCustomer(fields) {
    const conv = state.conversations.get(state.selected);
    if (!conv) return;
    try {
      const record = await post("/_sandbox/inbound", {from: conv.wa_id, name: conv.name || undefined, ...fields});
      showError(record.webhook && record.webhook.status !== 200
        ? `the webhook answered ${record.webhook.status ?? "nothing"}${record.webhook.error ? `: ${record.webhook.error}` : ""}` : "");
    } catch (err) {
      showError(err.message);
    }
  }

  const actions = {
    buttonReply: (id, title, replyTo) => sendAsCustomer({type: "button_reply", id, title, reply_to: replyTo}),
    listReply: (id, title, description, replyTo) => sendAsCustomer({type: "list_reply", id, title, description, reply_to: replyTo}),
    quickReply: (payload, text, replyTo) => sendAsCustomer({type: "quick_reply", payload, text, reply_to: replyTo}),
    openLocation: () => { $("location-form").hidden = false; },
  };

  // ------------------------------------------------------------------ inbox
  function conversation(waId, name) {
    let conv = state.conversations.get(waId);
    if (!conv) {
      conv = {wa_id: waId, name: null, items: [], last: 0};
      state.conversations.set(waId, conv);
    }
    if (name) conv.name = name;
    return conv;
  }

  function addItems(items) {
    const touched = new Set();
    for (const item of items) {
      if (item.kind === "status") {
        // Webhooks may arrive out of order: keep the furthest status; failed ends it.
        const seen = state.statuses.get(item.message_id);
        if (!seen || STATUS_RANK[item.status] > STATUS_RANK[seen.status]) state.statuses.set(item.message_id, item);
        touched.add(item.wa_id);
        continue;
      }
      if (item.kind === "read") {
        state.reads.set(item.message_id, item);
        const target = state.byId.get(item.message_id);
        if (target) touched.add(target.wa_id);
        continue;
      }
      if (item.type === "reaction") {
        const r = item.direction === "out" ? item.body.reaction : item.message.reaction;
        const entry = state.reactions.get(r.message_id) || {};
        entry[item.direction] = r.emoji;
        state.reactions.set(r.message_id, entry);
      }
      state.byId.set(item.id, item);
      const conv = conversation(item.wa_id, item.name);
      conv.items.push(item);
      conv.last = Math.max(conv.last, item.time);
      touched.add(item.wa_id);
    }
    scheduleRender(touched);
  }

  let pending = null;
  function scheduleRender(touched) {
    pending = pending || new Set();
    touched.forEach((id) => pending.add(id));
    requestAnimationFrame(() => {
      if (!pending) return;
      const redraw = pending.has(state.selected);
      pending = null;
      renderConversations();
      if (redraw) renderChat();
    });
  }

  function renderConversations() {
    const list = $("conversation-list");
    const convs = [...state.conversations.values()].sort((a, b) => b.last - a.last).slice(0, MAX_CONVERSATIONS);
    list.replaceChildren(...convs.map((conv) => {
      const last = conv.items[conv.items.length - 1];
      return h("li", {class: `conversation${conv.wa_id === state.selected ? " selected" : ""}`,
        "data-testid": "conversation", "data-wa-id": conv.wa_id, onclick: () => select(conv.wa_id)},
        h("div", {class: "avatar"}, (conv.name || "+")[0].toUpperCase()),
        h("div", {class: "conv-text"},
          h("div", {class: "conv-name"}, conv.name || `+${conv.wa_id}`,
            h("span", {class: "conv-time"}, last ? Render.time(last.time) : "")),
          h("div", {class: "conv-last"}, last ? `${last.direction === "out" ? "\u2190 " : ""}${Render.snippet(last)}` : "no messages yet")));
    }));
    if (state.conversations.size > MAX_CONVERSATIONS) {
      list.append(h("li", {class: "muted small"}, `and ${state.conversations.size - MAX_CONVERSATIONS} more`));
    }
  }

  function select(waId) {
    state.selected = waId;
    $("composer-input").disabled = false;
    $("composer-send").disabled = false;
    $("location-form").hidden = true;
    showError("");
    renderConversations();
    renderChat();
    $("composer-input").focus();
  }

  // Is the typing indicator on? The bot's last mark asked for it, and it has not answered since.
  function typing(conv) {
    let lastOut = 0, typingAt = 0;
    for (const item of conv.items) {
      if (item.direction === "out") lastOut = Math.max(lastOut, item.time);
      const read = state.reads.get(item.id);
      if (read && read.typing) typingAt = Math.max(typingAt, read.time);
    }
    return typingAt > lastOut && Date.now() / 1000 - typingAt < TYPING_SECONDS;
  }

  function outTicks(item) {
    const s = state.statuses.get(item.id);
    const status = s ? s.status : "accepted";
    const marks = {accepted: "\u{1F552}", sent: " \u2713", delivered: " \u2713\u2713", read: " \u2713\u2713", played: " \u2713\u2713", failed: " \u2717"};
    const title = status === "failed"
      ? `failed: ${s.error_code ?? ""} ${s.error_title ?? ""}`.trim()
      : status === "accepted" ? "accepted by the API (no status webhook yet)" : status;
    return h("span", {class: `ticks status-${status}${status === "read" || status === "played" ? " read" : ""}`,
      "data-testid": "status", "data-status": status, "data-error-code": s && s.error_code != null ? String(s.error_code) : null, title},
      marks[status] || status);
  }

  function bubble(item) {
    const ctx = {templates: state.templates, actions: {
      buttonReply: (id, title) => actions.buttonReply(id, title, item.id),
      listReply: (id, title, d) => actions.listReply(id, title, d, item.id),
      quickReply: (p, t) => actions.quickReply(p, t, item.id),
      openLocation: actions.openLocation,
    }};
    const out = item.direction === "out";
    const subtype = out && item.type === "interactive" ? item.body.interactive.type : null;
    const content = out ? Render.outgoing(item.body, ctx) : Render.incoming(item.message);
    const quotedId = out ? (item.body.context || {}).message_id : (item.message.context || {}).id;
    const quoted = quotedId ? state.byId.get(quotedId) : null;
    const reaction = state.reactions.get(item.id) || {};
    const read = state.reads.get(item.id);
    const meta = h("div", {class: "meta"}, Render.time(item.time),
      out ? outTicks(item) : h("span", {class: `ticks${read ? " read" : ""}`, "data-testid": "receipt", "data-read": read ? "true" : "false",
        title: read ? "read by the bot" : (item.webhook && item.webhook.status === 200 ? "delivered to the webhook" : "webhook failed")},
        item.webhook && item.webhook.status === 200 ? " \u2713\u2713" : " \u2717"));
    const el = h("div", {class: `message ${out ? "out" : "in"}`, "data-testid": "message", "data-direction": out ? "out" : "in",
      "data-type": item.type, "data-interactive": subtype, "data-id": item.id},
      quoted ? h("div", {class: "quoted"}, Render.snippet(quoted)) : null,
      content, meta,
      out ? h("div", {class: "react-bar"}, ["\u{1F44D}", "\u2764\uFE0F", "\u{1F602}", "\u{1F64F}"].map((emoji) =>
        h("button", {class: "react", "data-testid": "react", title: "react as the customer",
          onclick: () => sendAsCustomer({type: "reaction", message_id: item.id, emoji})}, emoji))) : null,
      reaction.in || reaction.out ? h("div", {class: "reaction", "data-testid": "reaction"}, reaction.out || "", reaction.in || "") : null);
    return el;
  }

  function renderChat() {
    const conv = state.conversations.get(state.selected);
    const box = $("messages");
    if (!conv) { box.replaceChildren(); return; }
    $("chat-title").textContent = conv.name ? `${conv.name} (+${conv.wa_id})` : `+${conv.wa_id}`;
    $("chat-avatar").textContent = (conv.name || "+")[0].toUpperCase();
    $("chat-sub").textContent = typing(conv) ? "the bot is typing\u2026" : "you are this customer; the bot is the business";
    // Reactions are drawn on the message they react to, not as bubbles.
    box.replaceChildren(...conv.items.filter((item) => item.type !== "reaction").map(bubble));
    box.scrollTop = box.scrollHeight;
  }
  setInterval(() => { if (state.selected) $("chat-sub").textContent = typing(state.conversations.get(state.selected) || {items: []}) ? "the bot is typing\u2026" : "you are this customer; the bot is the business"; }, 1000);

  $("new-chat").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const waId = $("new-chat-number").value.replace(/\D/g, "");
    if (waId.length < 7 || waId.length > 15) { $("new-chat-number").setCustomValidity("7 to 15 digits"); $("new-chat-number").reportValidity(); return; }
    $("new-chat-number").setCustomValidity("");
    const conv = conversation(waId, $("new-chat-name").value.trim() || null);
    conv.last = conv.last || Date.now() / 1000;
    select(waId);
  });
  $("new-chat-number").addEventListener("input", () => $("new-chat-number").setCustomValidity(""));

  $("composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    await sendAsCustomer({type: "text", text});
  });

  $("composer-location").addEventListener("click", () => { $("location-form").hidden = !$("location-form").hidden; });
  $("location-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const latitude = Number($("loc-lat").value), longitude = Number($("loc-lng").value);
    const name = $("loc-name").value.trim();
    $("location-form").hidden = true;
    await sendAsCustomer({type: "location", latitude, longitude, location_name: name || undefined});
  });

  $("composer-image").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = "";
    if (!file) return;
    const data = await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
      reader.readAsDataURL(file);
    });
    const caption = $("composer-input").value.trim();
    $("composer-input").value = "";
    await sendAsCustomer({type: "image", data_base64: data, mime_type: file.type || "image/jpeg", caption: caption || undefined});
  });

  // ------------------------------------------------------------ request log
  function filters() {
    return {status: $("log-status").value, code: $("log-code").value.trim(), path: $("log-path").value.trim()};
  }
  function passes(entry, f) {
    const shown = entry.status === null ? "dropped" : String(entry.status);
    if (f.status === "error" && entry.status !== null && entry.status < 400) return false;
    if (f.status && f.status.endsWith("xx") && shown[0] !== f.status[0]) return false;
    if (f.status && !f.status.endsWith("xx") && f.status !== "error" && shown !== f.status) return false;
    if (f.code && String(entry.code) !== f.code) return false;
    return !(f.path && !entry.path.includes(f.path));
  }
  function logRow(entry) {
    const shown = entry.status === null ? "dropped" : String(entry.status);
    return h("tr", {"data-testid": "request-row", "data-status": shown, "data-code": entry.code ?? "",
      class: entry.status === null || entry.status >= 400 ? "bad" : ""},
      h("td", {}, Render.time(entry.time)), h("td", {}, entry.method), h("td", {class: "mono path"}, entry.path),
      h("td", {}, shown), h("td", {}, `${entry.latency_ms.toFixed(1)} ms`), h("td", {}, entry.code ?? ""),
      h("td", {class: "small"}, entry.error || ""));
  }
  function renderLog() {
    const f = filters();
    const shown = state.log.filter((e) => passes(e, f));
    $("log-rows").replaceChildren(...shown.slice(-MAX_LOG_ROWS).reverse().map(logRow));
    $("log-count").textContent = `${shown.length} of ${state.log.length} calls`;
  }
  let logTimer = null;
  function addLog(entries) {
    state.log.push(...entries);
    if (state.log.length > MAX_LOG) state.log.splice(0, state.log.length - MAX_LOG);
    if (!logTimer) logTimer = setTimeout(() => { logTimer = null; renderLog(); }, 150);
  }
  for (const id of ["log-status", "log-code", "log-path"]) $(id).addEventListener("input", renderLog);
  $("log-filter").addEventListener("submit", (ev) => ev.preventDefault());

  // ----------------------------------------------------------------- faults
  function showFaults(plan) {
    $("faults-current").textContent = JSON.stringify(plan, null, 2);
    const form = $("faults-form");
    for (const name of ["error_rate", "error_code", "drop_before_rate", "drop_after_rate", "server_error_rate", "server_error_status"]) {
      form.elements[name].value = plan[name];
    }
    const latency = plan.latency;
    form.elements.latency_low.value = Array.isArray(latency) ? latency[0] : (latency || 0);
    form.elements.latency_high.value = Array.isArray(latency) ? latency[1] : (latency || 0);
    form.elements.operations.value = (plan.operations || []).includes("*") ? "*" : "sendMessage";
  }
  $("faults-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const body = {};
    for (const name of ["error_rate", "error_code", "drop_before_rate", "drop_after_rate", "server_error_rate", "server_error_status"]) {
      body[name] = Number(form.elements[name].value);
    }
    const low = Number(form.elements.latency_low.value), high = Number(form.elements.latency_high.value);
    body.latency = high > 0 ? [low, Math.max(low, high)] : null;
    body.operations = [form.elements.operations.value];
    try { showFaults(await post("/_sandbox/faults", body)); } catch (err) { $("faults-current").textContent = err.message; }
  });
  $("faults-off").addEventListener("click", async () => showFaults(await post("/_sandbox/faults", {})));

  // -------------------------------------------------------------- templates
  function renderTemplates() {
    const list = $("template-list");
    if (!state.templates.length) {
      list.replaceChildren(h("p", {class: "muted"}, "No definitions: every template name is accepted and drawn by name."));
      return;
    }
    const review = (t, status) => async () => {
      try { await post(`/_sandbox/templates/${encodeURIComponent(t.name)}/status`, {status, language: t.language}); }
      catch (err) { list.prepend(h("p", {class: "chat-error"}, err.message)); }
      await loadTemplates();
    };
    list.replaceChildren(...state.templates.map((t) => h("div", {class: "card template", "data-testid": "template", "data-name": t.name, "data-status": t.status},
      h("b", {}, t.name), ` \u00b7 ${t.language} \u00b7 `, h("span", {class: `pill ${t.status === "APPROVED" ? "on" : "bad"}`}, t.status),
      ...t.components.map((c) => h("div", {class: "small"}, `${c.type}: `, c.text || (c.buttons || []).map((b) => b.text).join(" | ") || c.format || "")),
      h("div", {class: "row"},
        h("button", {"data-testid": "template-approve", onclick: review(t, "APPROVED"), disabled: t.status === "APPROVED"}, "Approve"),
        h("button", {"data-testid": "template-reject", onclick: review(t, "REJECTED"), disabled: t.status === "REJECTED"}, "Reject"),
        h("button", {"data-testid": "template-pause", onclick: review(t, "PAUSED"), disabled: t.status === "PAUSED"}, "Pause")))));
  }
  async function loadTemplates() {
    state.templates = await (await fetch("/_sandbox/templates")).json();
    renderTemplates();
    renderChat();
  }

  // ------------------------------------------------------------- live state
  function showInfo(info) {
    state.info = info;
    $("base-url").textContent = info.base_url;
    const pill = $("webhook-status");
    const v = info.verification || {};
    if (!info.webhook_url) {
      pill.textContent = "no webhook: start with --webhook-url";
      pill.className = "pill off";
    } else {
      pill.textContent = `webhook ${v.state === "verified" ? "verified" : v.state || ""} \u00b7 ${info.signed ? "signed" : "unsigned"}`;
      pill.className = `pill ${v.state === "verified" ? "on" : v.state === "failed" ? "bad" : "off"}`;
      pill.title = `${info.webhook_url}\n${v.detail || ""}`;
    }
  }

  function resetState() {
    state.conversations.clear(); state.byId.clear(); state.reads.clear(); state.statuses.clear(); state.reactions.clear();
    state.log = []; state.selected = null;
    renderConversations(); renderChat(); renderLog();
  }

  function connect() {
    const events = new EventSource("/_sandbox/events");
    events.addEventListener("open", () => { $("live").textContent = "live"; $("live").className = "pill on"; });
    events.addEventListener("error", () => { $("live").textContent = "reconnecting"; $("live").className = "pill off"; });
    events.addEventListener("hello", (ev) => {
      // A reconnect replays everything: start from a clean slate.
      const selected = state.selected;
      resetState();
      showInfo(JSON.parse(ev.data));
      if (selected) state.selected = selected;
    });
    events.addEventListener("info", (ev) => { showInfo(JSON.parse(ev.data)); loadTemplates(); });
    events.addEventListener("reset", () => resetState());
    events.addEventListener("timeline", (ev) => addItems(JSON.parse(ev.data)));
    events.addEventListener("requests", (ev) => addLog(JSON.parse(ev.data)));
    events.addEventListener("stats", (ev) => {
      state.stats = JSON.parse(ev.data);
      if ($("tab-dashboard").classList.contains("active")) Dashboard.update(state.stats);
    });
  }

  loadTemplates();
  fetch("/_sandbox/faults").then((r) => r.json()).then(showFaults);
  connect();
  window.sandboxState = state;
})();
