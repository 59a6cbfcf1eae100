// The broadcast dashboard: accepted per second drawn on a canvas, counts by
// outcome and Graph error code, and each business number's current rate.
"use strict";

const Dashboard = (() => {
  const {h} = Render;
  const OUTCOMES = [
    ["accepted", "Accepted"],
    ["refused", "Refused (Graph error)"],
    ["server_error", "Server errors"],
    ["dropped", "Dropped connections"],
  ];

  function cards(stats) {
    const box = document.getElementById("dash-cards");
    const outcomes = stats.outcomes || {};
    const total = OUTCOMES.reduce((sum, [key]) => sum + (outcomes[key] || 0), 0);
    box.replaceChildren(
      h("div", {class: "card stat", "data-testid": "dashboard-count", "data-outcome": "total"},
        h("div", {class: "stat-value"}, total.toLocaleString()), h("div", {class: "small"}, "Sends")),
      ...OUTCOMES.map(([key, label]) => h("div", {class: `card stat stat-${key}${outcomes[key] ? "" : " zero"}`, "data-testid": "dashboard-count", "data-outcome": key},
        h("div", {class: "stat-value"}, (outcomes[key] || 0).toLocaleString()), h("div", {class: "small"}, label))),
      h("div", {class: "card stat", "data-testid": "dashboard-count", "data-outcome": "peak"},
        h("div", {class: "stat-value"}, (stats.peak || 0).toLocaleString()), h("div", {class: "small"}, "Best second")),
    );
    const codes = Object.entries(stats.codes || {});
    document.getElementById("dash-codes").replaceChildren(...(codes.length ? codes.map(([code, n]) =>
      h("tr", {"data-testid": "dashboard-code", "data-code": code}, h("td", {}, code), h("td", {}, n.toLocaleString())))
      : [h("tr", {}, h("td", {colspan: 2, class: "muted"}, "no refusals"))]));
    const numbers = Object.entries(stats.numbers || {});
    document.getElementById("dash-numbers").replaceChildren(...(numbers.length ? numbers.map(([number, s]) =>
      h("tr", {"data-testid": "dashboard-number", "data-number": number}, h("td", {class: "mono"}, number),
        h("td", {}, s.accepted.toLocaleString()), h("td", {}, s.rate.toFixed(1))))
      : [h("tr", {}, h("td", {colspan: 3, class: "muted"}, "no sends yet"))]));
  }

  // A bar per second, the newest on the right; the scale rounds up to a tidy step.
  function chart(stats) {
    const canvas = document.getElementById("rate-chart");
    const series = stats.series || [];
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, height);
    const left = 48, bottom = 22, top = 10, right = 8;
    const plotW = width - left - right, plotH = height - top - bottom;
    const highest = Math.max(1, ...series.map((p) => p[1]));
    const magnitude = Math.pow(10, Math.floor(Math.log10(highest)));
    const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s * 4 >= highest) || highest;
    const max = Math.ceil(highest / step) * step;
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#667781";
    ctx.strokeStyle = "#e3e8ea";
    ctx.lineWidth = 1;
    for (let v = 0; v <= max; v += step) {
      const y = top + plotH - (v / max) * plotH;
      ctx.beginPath(); ctx.moveTo(left, y + 0.5); ctx.lineTo(width - right, y + 0.5); ctx.stroke();
      ctx.fillText(String(v), 4, y + 4);
    }
    const n = Math.max(series.length, 1);
    const barW = plotW / n;
    ctx.fillStyle = "#25d366";
    series.forEach(([, count], i) => {
      if (!count) return;
      const barH = (count / max) * plotH;
      ctx.fillRect(left + i * barW + 0.5, top + plotH - barH, Math.max(barW - 1, 1), barH);
    });
    ctx.fillStyle = "#667781";
    ctx.fillText(`-${n}s`, left, height - 6);
    ctx.fillText("now", width - right - 22, height - 6);
    const last = series.length ? series[series.length - 2] || series[series.length - 1] : null;
    document.getElementById("dash-now").textContent = last ? `\u00b7 last second: ${last[1]}` : "";
    canvas.dataset.points = String(series.filter((p) => p[1] > 0).length);
  }

  function update(stats) {
    cards(stats);
    chart(stats);
  }

  return {update};
})();
