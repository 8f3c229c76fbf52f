// 待学习问题: groups of questions the bot could not answer; an agent adds them to an entry as
// new phrasings, marks them out of scope, or dismisses them.
import { $, CHANNEL, api, clear, el, entryTitle, fmtTime, state } from "./console-common.js";
import { renderVerdict } from "./console-changes.js";

function topicSelect(id, selected) {
  const s = el("select", { id });
  for (const e of state.entries) s.append(el("option", { value: e.id, selected: e.id === selected ? true : null }, `${e.title}（${e.id}）`));
  return s;
}
export async function loadLearning() {
  try {
    const r = await api("GET", "/api/console/learning");
    state.entries = r.entries;
    state.oosGroups = r.outOfScopeGroups;
    let dl = $("oos-groups");
    if (!dl) {
      dl = el("datalist", { id: "oos-groups" });
      document.body.append(dl);
    }
    clear(dl).append(...state.oosGroups.map((g) => el("option", { value: g.name })));
    $("learning-count").textContent = r.groups.length ? `共 ${r.groups.length} 组` : "";
    const list = clear($("learning-list"));
    if (!r.groups.length) list.append(el("p", { class: "muted" }, "目前没有待学习的问题。"));
    r.groups.forEach((g, gi) => list.append(groupCard(g, gi)));
  } catch (err) {
    clear($("learning-list")).append(el("p", { class: "error" }, err.message));
  }
}
function groupCard(g, gi) {
  const sid = `g${gi}`;
  const src = [
    g.sources.declined ? `拒答 ${g.sources.declined}` : "",
    g.sources.clarified ? `反问 ${g.sources.clarified}` : "",
    g.sources.negative ? `差评 ${g.sources.negative}` : "",
  ]
    .filter(Boolean)
    .join(" · ");
  const items = el("ul", { class: "phrasings" });
  g.phrasings.forEach((p, i) => {
    const masked = /\*{3,}|[[［【]/.test(p.text);
    const cb = el("input", { type: "checkbox", id: `${sid}-p${i}`, checked: masked ? null : true, "aria-label": `选用问法 ${p.text}` });
    const input = el("input", { type: "text", id: `${sid}-t${i}`, value: p.text, "aria-label": "问法文字（可修改）", maxlength: "200" });
    items.append(el("li", {}, cb, input, el("span", { class: "muted" }, `×${p.count}`), masked ? el("span", { class: "muted" }, "含遮蔽号码，请改写") : null));
  });
  const chosen = () =>
    g.phrasings
      .map((_, i) => ({ on: $(`${sid}-p${i}`).checked, text: $(`${sid}-t${i}`).value.trim() }))
      .filter((x) => x.on && x.text)
      .map((x) => x.text);
  const suggested = g.suggestions[0] ? g.suggestions[0].id : state.entries[0] && state.entries[0].id;
  const select = topicSelect(`${sid}-topic`, suggested);
  const oosName = el("input", { id: `${sid}-oos`, list: "oos-groups", size: "14", value: state.oosGroups[0] ? state.oosGroups[0].name : "" });
  const result = el("div", { class: "verdict", "aria-live": "polite" });
  const busy = (on) => {
    for (const b of card.querySelectorAll("button")) b.disabled = on;
    if (on) clear(result).append(el("p", { class: "muted" }, "正在检验修改（留一法和回归集），请稍候…"));
  };
  const assign = el("button", { type: "button", class: "assign" }, "加入该条目的问法");
  assign.addEventListener("click", async () => {
    busy(true);
    try {
      const r = await api("POST", "/api/console/learning/assign", { groupId: g.id, topic: select.value, phrasings: chosen() });
      renderVerdict($("learning-result"), r, loadLearning);
      await loadLearning();
    } catch (err) {
      renderVerdict(result, err, loadLearning);
    } finally {
      busy(false);
    }
  });
  const oos = el("button", { type: "button", class: "secondary" }, "标记为超出范围");
  oos.addEventListener("click", async () => {
    busy(true);
    try {
      const r = await api("POST", "/api/console/learning/out-of-scope", { groupId: g.id, group: oosName.value.trim(), phrasings: chosen() });
      renderVerdict($("learning-result"), r, loadLearning);
      await loadLearning();
    } catch (err) {
      renderVerdict(result, err, loadLearning);
    } finally {
      busy(false);
    }
  });
  const dismiss = el("button", { type: "button", class: "secondary" }, "忽略");
  dismiss.addEventListener("click", async () => {
    try {
      await api("POST", "/api/console/learning/dismiss", { groupId: g.id });
      await loadLearning();
    } catch (err) {
      renderVerdict(result, err, loadLearning);
    }
  });
  const card = el(
    "article",
    { class: "card group", "data-group": g.id },
    el("h3", {}, g.representative),
    el(
      "p",
      { class: "muted" },
      `共 ${g.count} 次 · ${src} · 最近 ${fmtTime(g.lastAt)} · ${Object.keys(g.channels)
        .map((c) => CHANNEL[c] || c)
        .join("、")}`,
    ),
    g.ratedTopics.length ? el("p", { class: "muted" }, `被点“没帮助”的答复：${g.ratedTopics.map(entryTitle).join("、")}`) : null,
    g.suggestions.length
      ? el(
          "p",
          {},
          "最接近的条目：",
          g.suggestions.map((s) => {
            const b = el("button", { type: "button", class: "secondary" }, `${s.title} ${s.score.toFixed(2)}`);
            b.addEventListener("click", () => {
              select.value = s.id;
            });
            return [b, " "];
          }),
        )
      : null,
    items,
    el("div", { class: "row" }, el("label", { for: `${sid}-topic` }, "知识条目"), select, assign),
    el("div", { class: "row" }, el("label", { for: `${sid}-oos` }, "超出范围分组"), oosName, oos, dismiss),
    result,
  );
  return card;
}
$("learning-refresh").addEventListener("click", loadLearning);
