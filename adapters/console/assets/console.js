// The agents' console in the browser: this entry module wires the tabs; each tab's code is its
// own module (tab-*.js), what they share is in console-common.js. Served from /console/assets/
// only to a signed-in agent; the page's CSP allows scripts from this site only.
import { $, api, showError, state } from "./console-common.js";
import "./tab-triage.js";
import { refreshQueue } from "./tab-queue.js";
import { loadLearning } from "./tab-learning.js";
import "./tab-hit.js";
import { loadEntries, loadHistory, loadNotices } from "./tab-knowledge.js";
import { loadFigures } from "./tab-figures.js";
import { loadAdmin } from "./tab-admin.js";
import "./tab-account.js";

/** What opening a tab loads. */
const loaders = {
  queue: refreshQueue,
  learning: loadLearning,
  knowledge: () => {
    loadEntries()
      .then(() => Promise.all([loadNotices(), loadHistory()]))
      .catch((err) => showError("notice-error", err));
  },
  figures: loadFigures,
  admin: loadAdmin,
};

const tabs = [...document.querySelectorAll('[role="tab"]')];
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", on ? "true" : "false");
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
  const load = loaders[tab.id.replace("tab-", "")];
  if (load) load();
}
for (const t of tabs) {
  t.addEventListener("click", () => select(t));
  t.addEventListener("keydown", (ev) => {
    const visible = tabs.filter((x) => !x.hidden);
    const at = visible.indexOf(t);
    if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      const next = visible[(at + (ev.key === "ArrowRight" ? 1 : visible.length - 1)) % visible.length];
      next.focus();
      select(next);
      ev.preventDefault();
    }
  });
}

(async function start() {
  const me = await api("GET", "/api/console/me");
  state.me = me;
  state.csrf = me.csrf;
  $("me").textContent = `${me.name}（${me.role === "admin" ? "管理员" : "客服"}）`;
  $("tab-admin").hidden = me.role !== "admin";
  $("knowledge-reload").hidden = me.role !== "admin";
  try {
    state.entries = await api("GET", "/api/console/entries");
  } catch {
    /* shown when a tab needs them */
  }
  // The queue badge stays current on every tab.
  void refreshQueue();
})().catch((err) => {
  $("me").textContent = err.message;
});
