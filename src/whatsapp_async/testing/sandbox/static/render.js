// Draws one chat message the way a phone shows it. Written for the sandbox;
// every value comes from the bot, so text is only ever set as text.
"use strict";

const Render = (() => {
  // h("div", {class: "x"}, child, "text") -> an element.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const URL_RE = /(https?:\/\/[^\s<>"]+)/g;

  // Text with its links made clickable (opened in a new tab, never in the page).
  function linkify(text) {
    const span = h("span", {class: "text"});
    String(text || "").split(URL_RE).forEach((part, i) => {
      if (i % 2 === 1) span.append(h("a", {href: part, target: "_blank", rel: "noopener noreferrer"}, part));
      else if (part) span.append(document.createTextNode(part));
    });
    return span;
  }

  function mediaUrl(obj) {
    return obj && obj.id ? `/_sandbox/media/${encodeURIComponent(obj.id)}` : null;
  }

  // Media sent by id is previewed from the sandbox; a link is shown, not fetched
  // (the page never reaches beyond the sandbox).
  function media(kind, obj) {
    obj = obj || {};
    const src = mediaUrl(obj);
    const box = h("div", {class: `media media-${kind}`});
    if (src && (kind === "image" || kind === "sticker")) box.append(h("img", {src, alt: obj.caption || kind}));
    else if (src && kind === "video") box.append(h("video", {src, controls: true}));
    else if (src && kind === "audio") box.append(h("audio", {src, controls: true}));
    else if (kind === "document") {
      box.append(h("div", {class: "doc"}, "\u{1F4C4} ", obj.filename || "document",
        src ? h("a", {href: src, target: "_blank", rel: "noopener"}, " open") : null));
    } else {
      box.append(h("div", {class: "placeholder"}, h("div", {class: "kind"}, kind), h("div", {class: "mono small"}, obj.link || obj.id || "")));
    }
    if (kind === "document" && obj.link) box.append(h("div", {class: "mono small"}, obj.link));
    if (obj.caption) box.append(linkify(obj.caption));
    return box;
  }

  function location(loc) {
    loc = loc || {};
    return h("div", {class: "card location"},
      h("div", {class: "map"}, "\u{1F4CD}"),
      h("div", {}, h("b", {}, loc.name || "Location"),
        loc.address ? h("div", {}, loc.address) : null,
        h("div", {class: "mono small"}, `${loc.latitude}, ${loc.longitude}`)));
  }

  function contacts(list) {
    return h("div", {class: "contacts"}, (list || []).map((c) => h("div", {class: "card"},
      h("b", {}, "\u{1F464} ", (c.name && c.name.formatted_name) || "Contact"),
      (c.phones || []).map((p) => h("div", {class: "small"}, p.phone || p.wa_id || "")))));
  }

  function header(hdr) {
    if (!hdr) return null;
    if (hdr.type === "text") return h("div", {class: "msg-header"}, hdr.text);
    return media(hdr.type, hdr[hdr.type]);
  }

  // Interactive messages: their buttons are what the customer taps.
  function interactive(msg, actions) {
    const it = msg.interactive || {};
    const action = it.action || {};
    const parts = [header(it.header)];
    if (it.body) parts.push(linkify(it.body.text));
    if (it.footer) parts.push(h("div", {class: "footer"}, it.footer.text));
    const buttons = h("div", {class: "buttons"});
    if (it.type === "button") {
      for (const b of action.buttons || []) {
        const reply = b.reply || {};
        buttons.append(h("button", {class: "wa-button", "data-testid": "reply-button",
          "data-reply-id": reply.id, onclick: () => actions.buttonReply(reply.id, reply.title)}, reply.title));
      }
    } else if (it.type === "list") {
      const rows = h("div", {class: "list-rows", hidden: true});
      for (const section of action.sections || []) {
        if (section.title) rows.append(h("div", {class: "section-title"}, section.title));
        for (const row of section.rows || []) {
          rows.append(h("button", {class: "list-row", "data-testid": "list-row", "data-row-id": row.id,
            onclick: () => actions.listReply(row.id, row.title, row.description)},
            h("b", {}, row.title), row.description ? h("div", {class: "small"}, row.description) : null));
        }
      }
      buttons.append(h("button", {class: "wa-button", "data-testid": "list-open",
        onclick: () => { rows.hidden = !rows.hidden; }}, "\u2630 ", action.button || "Menu"));
      parts.push(buttons, rows);
      return parts;
    } else if (it.type === "cta_url") {
      const p = action.parameters || {};
      buttons.append(h("a", {class: "wa-button", href: p.url, target: "_blank", rel: "noopener"}, "\u2197 ", p.display_text));
    } else if (it.type === "flow") {
      const p = action.parameters || {};
      buttons.append(h("button", {class: "wa-button", disabled: true, title: `Flow ${p.flow_id || p.flow_name || ""}`}, p.flow_cta || "Open"));
    } else if (it.type === "location_request_message") {
      buttons.append(h("button", {class: "wa-button", onclick: () => actions.openLocation()}, "\u{1F4CD} Send location"));
    } else if (it.type === "product") {
      parts.splice(1, 0, h("div", {class: "card"}, "\u{1F6CD} ", h("b", {}, action.product_retailer_id),
        h("div", {class: "small"}, `catalog ${action.catalog_id}`)));
    } else if (it.type === "product_list") {
      for (const section of action.sections || []) {
        parts.push(h("div", {class: "section-title"}, section.title),
          h("div", {class: "products"}, (section.product_items || []).map((p) =>
            h("div", {class: "card small"}, "\u{1F6CD} ", p.product_retailer_id))));
      }
      buttons.append(h("button", {class: "wa-button", disabled: true}, "View items"));
    }
    parts.push(buttons);
    return parts;
  }

  // A parameter as the phone shows it.
  function paramText(p) {
    if (!p) return "";
    if (p.type === "text") return p.text;
    if (p.type === "currency") return (p.currency || {}).fallback_value;
    if (p.type === "date_time") return (p.date_time || {}).fallback_value;
    return `[${p.type}]`;
  }

  function fill(text, params) {
    const byName = {};
    params.forEach((p) => { if (p.parameter_name) byName[p.parameter_name] = paramText(p); });
    return String(text || "").replace(/\{\{\s*([\w]+)\s*\}\}/g, (whole, key) => {
      if (/^\d+$/.test(key)) return params[Number(key) - 1] ? paramText(params[Number(key) - 1]) : whole;
      return key in byName ? byName[key] : whole;
    });
  }

  // A template drawn from its definition, with the parameters filled in.
  function template(msg, definitions, actions) {
    const t = msg.template || {};
    const lang = (t.language || {}).code;
    const sent = {};
    const buttonParams = {};
    for (const c of t.components || []) {
      if (c.type === "button") buttonParams[Number(c.index)] = c.parameters || [];
      else sent[c.type] = c.parameters || [];
    }
    const def = (definitions || []).find((d) => d.name === t.name && (d.language === lang || !lang))
      || (definitions || []).find((d) => d.name === t.name);
    const parts = [h("div", {class: "template-name small"}, "\u{1F4CB} ", t.name, lang ? ` \u00b7 ${lang}` : "")];
    if (!def) {
      for (const [type, params] of Object.entries(sent)) {
        parts.push(h("div", {class: "small"}, `${type}: `, params.map(paramText).join(", ")));
      }
      return parts;
    }
    const buttons = h("div", {class: "buttons"});
    for (const c of def.components) {
      const type = String(c.type).toUpperCase();
      if (type === "HEADER") {
        if ((c.format || "TEXT").toUpperCase() === "TEXT") parts.push(h("div", {class: "msg-header"}, fill(c.text, sent.header || [])));
        else {
          const p = (sent.header || [])[0] || {};
          const kind = String(c.format).toLowerCase();
          parts.push(media(kind, p[kind]));
        }
      } else if (type === "BODY") parts.push(linkify(fill(c.text, sent.body || [])));
      else if (type === "FOOTER") parts.push(h("div", {class: "footer"}, c.text));
      else if (type === "BUTTONS") {
        (c.buttons || []).forEach((b, i) => {
          const kind = String(b.type).toUpperCase();
          if (kind === "QUICK_REPLY") {
            const payload = ((buttonParams[i] || [])[0] || {}).payload || b.text;
            buttons.append(h("button", {class: "wa-button", "data-testid": "quick-reply",
              onclick: () => actions.quickReply(payload, b.text)}, b.text));
          } else {
            buttons.append(h("a", {class: "wa-button", href: b.url || "#", target: "_blank", rel: "noopener"}, b.text));
          }
        });
      }
    }
    parts.push(buttons);
    return parts;
  }

  // The content of a message the business sent (its request body).
  function outgoing(body, ctx) {
    const type = body.type;
    if (type === "text") return [linkify((body.text || {}).body)];
    if (["image", "video", "audio", "document", "sticker"].includes(type)) return [media(type, body[type])];
    if (type === "location") return [location(body.location)];
    if (type === "contacts") return [contacts(body.contacts)];
    if (type === "interactive") return interactive(body, ctx.actions);
    if (type === "template") return template(body, ctx.templates, ctx.actions);
    return [h("div", {class: "mono small"}, JSON.stringify(body[type] || body))];
  }

  // The content of a message the customer sent (the webhook's message object).
  function incoming(message) {
    const type = message.type;
    if (type === "text") return [linkify((message.text || {}).body)];
    if (type === "interactive") {
      const it = message.interactive || {};
      const reply = it.button_reply || it.list_reply || {};
      return [h("div", {class: "reply-chip"}, "\u21a9 ", reply.title), reply.description ? h("div", {class: "small"}, reply.description) : null];
    }
    if (type === "button") return [h("div", {class: "reply-chip"}, "\u21a9 ", (message.button || {}).text)];
    if (type === "location") return [location(message.location)];
    if (["image", "video", "audio", "document", "sticker"].includes(type)) return [media(type, message[type])];
    return [h("div", {class: "mono small"}, JSON.stringify(message[type] || message))];
  }

  function snippet(item) {
    if (!item) return "";
    if (item.direction === "out") {
      const b = item.body;
      if (b.type === "text") return b.text.body;
      if (b.type === "interactive") return ((b.interactive || {}).body || {}).text || b.interactive.type;
      if (b.type === "template") return `\u{1F4CB} ${b.template.name}`;
      if (b.type === "reaction") return `reacted ${b.reaction.emoji || "(removed)"}`;
      return b.type;
    }
    const m = item.message;
    if (m.type === "text") return m.text.body;
    if (m.type === "interactive") return ((m.interactive.button_reply || m.interactive.list_reply) || {}).title;
    if (m.type === "reaction") return `reacted ${m.reaction.emoji || "(removed)"}`;
    return m.type;
  }

  function time(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit"});
  }

  return {h, linkify, outgoing, incoming, snippet, time, fill};
})();
