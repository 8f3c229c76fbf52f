// 数据统计: counts per day (a chart), per channel, region and topic; CSV export.
import { $, CHANNEL, REGION, api, clear, el } from "./console-common.js";

const SERIES = [
  ["answered", "#2da44e", "已解答"],
  ["clarified", "#d4a72c", "反问澄清"],
  ["declined", "#cf222e", "拒答"],
  ["handedOff", "#0969da", "转人工"],
];
const svgEl = (tag, attrs, ...children) => {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};
function chart(days) {
  const W = Math.max(480, days.length * 44 + 60),
    H = 240,
    left = 40,
    bottom = 40,
    top = 10;
  const max = Math.max(1, ...days.map((d) => SERIES.reduce((s, [k]) => s + d[k], 0)), ...days.map((d) => d.negative));
  const y = (v) => H - bottom - ((H - bottom - top) * v) / max;
  const svg = svgEl("svg", {
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    id: "figures-svg",
    "aria-label": `每日提问数：${days.map((d) => `${d.day} ${d.questions}`).join("，")}`,
  });
  for (let i = 0; i <= 4; i++) {
    const v = Math.round((max * i) / 4);
    svg.append(
      svgEl("line", { x1: left, x2: W - 5, y1: y(v), y2: y(v), stroke: "#d0d7de" }),
      svgEl("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#57606a" }, v),
    );
  }
  const bw = Math.min(30, (W - left - 10) / days.length - 8);
  const points = [];
  days.forEach((d, i) => {
    const x = left + 8 + i * ((W - left - 10) / days.length);
    let acc = 0;
    for (const [k, color, name] of SERIES) {
      if (!d[k]) continue;
      const r = svgEl("rect", { x, y: y(acc + d[k]), width: bw, height: y(acc) - y(acc + d[k]), fill: color, "data-series": k });
      r.append(svgEl("title", {}, `${d.day} ${name} ${d[k]}`));
      svg.append(r);
      acc += d[k];
    }
    points.push(`${x + bw / 2},${y(d.negative)}`);
    svg.append(svgEl("text", { x: x + bw / 2, y: H - bottom + 14, "text-anchor": "middle", "font-size": 10, fill: "#57606a" }, d.day.slice(5)));
  });
  svg.append(svgEl("polyline", { points: points.join(" "), fill: "none", stroke: "#8250df", "stroke-width": 2 }));
  return svg;
}
function countsTable(id, rows, label) {
  const cols = [
    ["questions", "提问"],
    ["answered", "已解答"],
    ["clarified", "反问"],
    ["declined", "拒答"],
    ["handedOff", "转人工"],
    ["negative", "差评"],
  ];
  return el(
    "table",
    { id },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "col" }, label),
        cols.map(([, h]) => el("th", { scope: "col", class: "num" }, h)),
      ),
    ),
    el(
      "tbody",
      {},
      rows.map(([name, c]) =>
        el(
          "tr",
          {},
          el("td", {}, name),
          cols.map(([k]) => el("td", { class: "num" }, c[k])),
        ),
      ),
    ),
  );
}
export async function loadFigures() {
  const from = $("figures-from").value,
    to = $("figures-to").value;
  const qs = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  try {
    const f = await api("GET", `/api/console/figures?${qs}`);
    $("figures-from").value = f.from;
    $("figures-to").value = f.to;
    $("figures-csv").setAttribute("href", `/api/console/figures.csv?from=${f.from}&to=${f.to}`);
    const tot = clear($("figures-totals"));
    for (const [k, name] of [
      ["questions", "提问"],
      ["answered", "已解答"],
      ["clarified", "反问澄清"],
      ["declined", "拒答"],
      ["handedOff", "转人工"],
      ["negative", "差评"],
    ]) {
      tot.append(el("div", { "data-total": k }, el("strong", {}, f.total[k]), name));
    }
    clear($("figures-chart")).append(chart(f.days));
    clear($("figures-channels")).append(
      countsTable(
        "by-channel",
        Object.entries(f.byChannel).map(([k, c]) => [CHANNEL[k] || k, c]),
        "渠道",
      ),
    );
    clear($("figures-regions")).append(
      countsTable(
        "by-region",
        Object.entries(f.byRegion).map(([k, c]) => [REGION[k] || k, c]),
        "地区",
      ),
    );
    clear($("figures-topics")).append(
      el(
        "table",
        { id: "top-topics" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "主题"), el("th", { scope: "col", class: "num" }, "次数"))),
        el(
          "tbody",
          {},
          f.topTopics.map((t) => el("tr", {}, el("td", {}, t.title), el("td", { class: "num" }, t.count))),
        ),
      ),
    );
  } catch (err) {
    clear($("figures-chart")).append(el("p", { class: "error" }, err.message));
  }
}
$("figures-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  loadFigures();
});
