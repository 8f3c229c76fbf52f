// 管理 (admins): agent accounts, erasure on request, the retention sweep, the audit log.
import { $, api, clear, el, fmtTime, showError } from "./console-common.js";

async function loadAgents() {
  const list = await api("GET", "/api/console/admin/agents");
  const out = clear($("agent-list"));
  out.append(
    el(
      "table",
      { id: "agents" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["账号", "显示名", "角色", "状态", "创建", "操作"].map((h) => el("th", { scope: "col" }, h)),
        ),
      ),
      el(
        "tbody",
        {},
        list.map((a) => {
          const act = async (path, body) => {
            showError("agent-error");
            try {
              await api("POST", `/api/console/admin/agents/${encodeURIComponent(a.name)}/${path}`, body);
              loadAgents();
            } catch (err) {
              showError("agent-error", err);
            }
          };
          const reset = el(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => {
                const p = prompt(`为 ${a.name} 设置新密码（至少 10 个字符）`);
                if (p) act("password", { password: p });
              },
            },
            "重置密码",
          );
          return el(
            "tr",
            {},
            el("td", {}, a.name),
            el("td", {}, a.displayName || ""),
            el("td", {}, a.role === "admin" ? "管理员" : "客服"),
            el("td", {}, a.active ? "启用" : "已停用"),
            el("td", {}, `${fmtTime(a.createdAt)} ${a.createdBy}`),
            el(
              "td",
              {},
              el("button", { type: "button", class: "secondary", onclick: () => act("update", { active: !a.active }) }, a.active ? "停用" : "启用"),
              " ",
              el(
                "button",
                { type: "button", class: "secondary", onclick: () => act("update", { role: a.role === "admin" ? "agent" : "admin" }) },
                a.role === "admin" ? "设为客服" : "设为管理员",
              ),
              " ",
              reset,
            ),
          );
        }),
      ),
    ),
  );
}
$("agent-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError("agent-error");
  try {
    await api("POST", "/api/console/admin/agents", {
      name: $("agent-name").value.trim(),
      displayName: $("agent-display").value.trim() || undefined,
      role: $("agent-role").value,
      password: $("agent-password").value,
    });
    $("agent-name").value = "";
    $("agent-password").value = "";
    $("agent-display").value = "";
    loadAgents();
  } catch (err) {
    showError("agent-error", err);
  }
});
function eraseSelector() {
  const v = (id) => $(id).value.trim() || undefined;
  return { sessionKey: v("erase-key"), channel: v("erase-channel"), userId: v("erase-user"), conversationId: v("erase-conversation") };
}
async function erase(dryRun) {
  try {
    const r = await api("POST", "/api/console/admin/erase", { ...eraseSelector(), dryRun });
    $("erase-result").textContent =
      `${dryRun ? "将删除" : "已删除"}：会话 ${r.sessions} 个，工单 ${r.tickets} 个，记录 ${r.events} 条${r.keys.length ? `（${r.keys.join("、")}）` : ""}`;
  } catch (err) {
    $("erase-result").textContent = err.message;
  }
}
$("erase-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  erase(true);
});
$("erase-do").addEventListener("click", () => {
  if (confirm("确定删除这个人的全部对话记录？删除后无法恢复。")) erase(false);
});
$("sweep").addEventListener("click", async () => {
  try {
    const r = await api("POST", "/api/console/admin/sweep");
    $("sweep-result").textContent = `已清理：工单 ${r.tickets}，会话 ${r.sessions}，记录 ${r.events}`;
  } catch (err) {
    $("sweep-result").textContent = err.message;
  }
});
async function loadAudit() {
  const who = $("audit-who").value.trim();
  const list = await api("GET", `/api/console/admin/audit?limit=200${who ? `&who=${encodeURIComponent(who)}` : ""}`);
  clear($("audit-list")).append(
    el(
      "table",
      { id: "audit" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["时间", "账号", "操作", "对象", "详情", "地址", "结果"].map((h) => el("th", { scope: "col" }, h)),
        ),
      ),
      el(
        "tbody",
        {},
        list.map((r) =>
          el(
            "tr",
            {},
            el("td", {}, fmtTime(r.at)),
            el("td", {}, r.who),
            el("td", {}, r.action),
            el("td", {}, r.target || ""),
            el("td", {}, r.detail || ""),
            el("td", {}, r.ip || ""),
            el("td", {}, r.ok ? "成功" : "拒绝"),
          ),
        ),
      ),
    ),
  );
}
$("audit-load").addEventListener("click", loadAudit);
export async function loadAdmin() {
  try {
    const s = await api("GET", "/api/console/admin/settings");
    $("retention-line").textContent = `转人工工单、对话记录和未解答问题保留 ${s.retentionDays} 天，之后自动删除。`;
    await Promise.all([loadAgents(), loadAudit()]);
  } catch (err) {
    showError("agent-error", err);
  }
}
