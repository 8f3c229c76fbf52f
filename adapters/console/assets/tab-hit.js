// 命中测试: how the bot understands one question, with the scores and the reason.
import { $, BAND, REGION, answerBlock, api, clear, el, showError } from "./console-common.js";

$("hit-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError("hit-error");
  const q = $("hit-q").value.trim();
  if (!q) return;
  try {
    const r = await api("GET", `/api/console/hit?q=${encodeURIComponent(q)}&region=${encodeURIComponent($("hit-region").value)}`);
    renderHit(r);
  } catch (err) {
    showError("hit-error", err);
  }
});
function renderHit(r) {
  const out = clear($("hit-result"));
  out.append(
    el(
      "p",
      {},
      el("span", { class: `badge ${r.band}`, id: "hit-band" }, BAND[r.band]),
      " ",
      r.id ? el("strong", { id: "hit-entry" }, `${r.title}（${r.id}）`) : null,
      r.offered.length ? `可选：${r.offered.map((o) => o.title).join(" / ")}` : null,
      r.outOfScope ? `超出范围：${r.outOfScope}` : null,
    ),
  );
  out.append(el("p", {}, el("strong", {}, "原因："), r.why));
  out.append(el("p", {}, el("strong", {}, "规范化文本："), el("code", { id: "hit-normalized" }, r.normalized)));
  out.append(
    el(
      "p",
      {},
      el("strong", {}, "分词："),
      r.tokens.map((t) => [el("code", { class: "badge" }, t), " "]),
    ),
  );
  if (r.place) out.append(el("p", {}, el("strong", {}, "地名："), `${r.place.name}（${REGION[r.place.region]}）`));
  if (r.secondary) out.append(el("p", {}, el("strong", {}, "第二个问题："), r.secondary.title));
  const keys = r.candidates.length ? Object.keys(r.candidates[0]).filter((k) => k !== "id" && k !== "title") : [];
  const names = { score: "总分", bm25: "词匹配", char: "字匹配", profile: "条目整体", answer: "答案文本", message: "平台提示" };
  out.append(
    el(
      "table",
      { id: "hit-candidates" },
      el("caption", { class: "sr-only" }, "候选条目得分"),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col" }, "条目"),
          keys.map((k) => el("th", { scope: "col", class: "num" }, names[k] || k)),
        ),
      ),
      el(
        "tbody",
        {},
        r.candidates.map((c) =>
          el(
            "tr",
            {},
            el("td", {}, `${c.title} `, el("code", {}, c.id)),
            keys.map((k) => el("td", { class: "num" }, c[k].toFixed(3))),
          ),
        ),
      ),
    ),
  );
  out.append(el("p", { class: "hint" }, `阈值：回答 ≥ ${r.thresholds.answerMin}，领先 ≥ ${r.thresholds.answerMargin}；澄清 ≥ ${r.thresholds.clarifyMin}`));
  if (r.answer) out.append(el("h3", {}, "机器人会这样回答"), answerBlock("复制答复", r.answer));
  if (r.flow) out.append(el("p", { class: "muted" }, `这个主题随后进入引导流程（${r.flow}），会继续追问细节。`));
}
