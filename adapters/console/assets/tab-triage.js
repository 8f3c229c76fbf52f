// 工单分诊: paste a message or ticket, see the topics, what to ask, the answers to copy.
import { $, LEVEL, REGION, answerBlock, api, clear, el, showError } from "./console-common.js";

$("triage-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError("triage-error");
  const text = $("triage-text").value;
  if (!text.trim()) {
    showError("triage-error", new Error("请先粘贴用户的消息或工单。"));
    return;
  }
  const out = clear($("triage-result"));
  out.append(el("p", { class: "muted" }, "分析中…"));
  try {
    const r = await api("POST", "/api/console/triage", { text, region: $("triage-region").value || null });
    renderTriage(r);
  } catch (err) {
    clear(out);
    showError("triage-error", err);
  }
});

function renderTriage(r) {
  const out = clear($("triage-result"));
  const where = r.region
    ? `${REGION[r.region]}${r.place ? `（依据“${r.place.name}”）` : ""}`
    : r.place
      ? `${r.place.name}（${REGION[r.place.region]}）`
      : "未识别";
  out.append(el("p", { id: "triage-region-result" }, el("strong", {}, "地区："), where));
  if (r.missing.length) {
    out.append(
      el(
        "div",
        { class: "card needs", id: "triage-missing" },
        el("h3", {}, "回答前还需要问清楚"),
        el(
          "ul",
          {},
          r.missing.map((m) => el("li", { "data-key": m.key }, m.question)),
        ),
      ),
    );
  }
  for (const w of r.warnings || []) out.append(el("p", { class: "muted" }, `注意：${w}`));
  if (r.outOfScope) out.append(el("p", { class: "card" }, `超出范围（${r.outOfScope.group}）${r.outOfScope.hint ? `：${r.outOfScope.hint}` : ""}`));
  if (!r.topics.length) out.append(el("p", { class: "muted" }, "没有找到对应的知识条目。"));
  for (const t of r.topics) {
    const card = el(
      "article",
      { class: "card topic-card", "data-topic": t.id },
      el(
        "header",
        {},
        el("h3", {}, t.title),
        el("code", {}, t.id),
        el("span", { class: `badge ${t.level}` }, `置信度 ${(t.confidence * 100).toFixed(0)}% · ${LEVEL[t.level]}`),
      ),
      el("p", { class: "muted" }, `依据：${t.matchedOn}`),
      t.platformMessage ? el("p", {}, `平台提示：“${t.platformMessage}”`) : null,
    );
    if (t.variants && t.variants.length) {
      card.append(el("p", { class: "muted" }, "用户所在城市未知，各城市的答复如下："));
      for (const v of t.variants) card.append(el("h4", {}, v.city), answerBlock(`复制${v.city}答复`, v.answer));
      card.append(el("details", {}, el("summary", {}, "不区分城市的答复（含追问城市）"), answerBlock("复制答复", t.answer)));
    } else {
      card.append(answerBlock("复制答复", t.answer));
    }
    out.append(card);
  }
}
