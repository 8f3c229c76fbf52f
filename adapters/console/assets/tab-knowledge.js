// 知识与通知: entries and when they were last checked, staff notices, the change history with rollback.
import { $, REGION, api, beijing, clear, el, entryTitle, fmtTime, showError, state } from "./console-common.js";
import { figureLine, rollback } from "./console-changes.js";

export async function loadEntries() {
  const list = await api("GET", "/api/console/entries");
  state.entries = list;
  const sel = clear($("notice-topics"));
  sel.append(el("option", { value: "*" }, "全部答复"));
  for (const e of list) sel.append(el("option", { value: e.id }, `${e.title}（${e.id}）`));
  const out = clear($("entry-list"));
  out.append(
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["条目", "标题", "最近确认", "问法数", "地区差异", "生效通知", ""].map((h) => el("th", { scope: "col" }, h)),
        ),
      ),
      el(
        "tbody",
        {},
        list.map((e) =>
          el(
            "tr",
            { "data-entry": e.id },
            el("td", {}, el("code", {}, e.id)),
            el("td", {}, e.title),
            el("td", { class: e.daysSinceConfirmed > 180 ? "stale" : "" }, `${e.confirmed}（${e.daysSinceConfirmed} 天前）`),
            el("td", { class: "num" }, e.phrasings),
            el("td", {}, e.regions.map((r) => REGION[r]).join("、")),
            el("td", { class: "num" }, e.notices || ""),
            el(
              "td",
              {},
              el(
                "button",
                {
                  type: "button",
                  class: "secondary",
                  "aria-label": `确认“${e.title}”的答案仍然有效`,
                  onclick: async () => {
                    try {
                      await api("POST", `/api/console/entries/${encodeURIComponent(e.id)}/confirm`);
                      await loadEntries();
                      await loadHistory();
                    } catch (err) {
                      $("history-status").textContent = err.message;
                    }
                  },
                },
                "今天已核对",
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
export async function loadNotices() {
  const list = await api("GET", "/api/console/notices");
  const out = clear($("notice-list"));
  if (!list.length) {
    out.append(el("p", { class: "muted" }, "还没有通知。"));
    return;
  }
  const STATE = { active: "生效中", scheduled: "未开始", expired: "已到期", withdrawn: "已撤下" };
  out.append(
    el(
      "ul",
      { id: "notices" },
      list.map((n) =>
        el(
          "li",
          { "data-notice": n.id },
          el("span", { class: `badge ${n.state}` }, STATE[n.state]),
          " ",
          n.text,
          " ",
          el(
            "span",
            { class: "muted" },
            `（${n.topics.map((t) => (t === "*" ? "全部" : entryTitle(t))).join("、")}；${fmtTime(n.startsAt)} 至 ${fmtTime(n.expiresAt)}；${n.createdBy}）`,
          ),
          n.state === "active" || n.state === "scheduled"
            ? el(
                "button",
                {
                  type: "button",
                  class: "secondary",
                  onclick: async () => {
                    try {
                      await api("POST", `/api/console/notices/${encodeURIComponent(n.id)}/withdraw`);
                      loadNotices();
                    } catch (err) {
                      showError("notice-error", err);
                    }
                  },
                },
                "撤下",
              )
            : null,
        ),
      ),
    ),
  );
}
$("notice-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError("notice-error");
  const topics = [...$("notice-topics").selectedOptions].map((o) => o.value);
  try {
    await api("POST", "/api/console/notices", {
      text: $("notice-text").value,
      topics,
      startsAt: beijing($("notice-starts").value),
      expiresAt: beijing($("notice-expires").value),
    });
    $("notice-text").value = "";
    await loadNotices();
  } catch (err) {
    showError("notice-error", err);
  }
});
export async function loadHistory() {
  const list = await api("GET", "/api/console/history");
  const out = clear($("history-list"));
  if (!list.length) {
    out.append(el("p", { class: "muted" }, "还没有通过工作台修改过知识。"));
    return;
  }
  out.append(
    el(
      "table",
      { id: "history" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["时间", "账号", "内容", "准确率变化", ""].map((h) => el("th", { scope: "col" }, h)),
        ),
      ),
      el(
        "tbody",
        {},
        list.map((c) =>
          el(
            "tr",
            { "data-change": c.id },
            el("td", {}, fmtTime(c.at)),
            el("td", {}, c.who),
            el("td", {}, c.summary),
            el("td", {}, figureLine(c.figures)),
            el(
              "td",
              {},
              c.rolledBackAt
                ? `已由 ${c.rolledBackBy} 回滚`
                : c.action === "rollback"
                  ? ""
                  : c.who === state.me.name || state.me.role === "admin"
                    ? el("button", { type: "button", class: "secondary rollback", onclick: () => rollback(c.id, $("history-status"), loadHistory) }, "回滚")
                    : "",
            ),
          ),
        ),
      ),
    ),
  );
}
$("figures-now").addEventListener("click", async () => {
  $("figures-now-result").textContent = "计算中（需要几秒）…";
  try {
    const { figures: f } = await api("GET", "/api/console/knowledge/figures");
    $("figures-now-result").textContent = f
      ? `留一法答对率 ${f.loo.rightPct}%（${f.loo.right}/${f.loo.total}，答错 ${f.loo.wrong}）；回归集答对 ${f.regression.right}/${f.regression.total}（答错 ${f.regression.wrong}）`
      : "知识文件有错误";
  } catch (err) {
    $("figures-now-result").textContent = err.message;
  }
});
$("knowledge-reload").addEventListener("click", async () => {
  try {
    const r = await api("POST", "/api/console/knowledge/reload");
    $("figures-now-result").textContent = `已重新加载 ${r.entries} 个条目`;
    loadEntries();
  } catch (err) {
    $("figures-now-result").textContent = `${err.message}${err.data && err.data.problems ? `：${err.data.problems.slice(0, 3).join("；")}` : ""}`;
  }
});
