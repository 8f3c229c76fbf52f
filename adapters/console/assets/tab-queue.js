// 转人工队列: the waiting and taken conversations, one ticket's transcript, take / reply / hand back / close.
import { $, CHANNEL, active, REGION, ROLE, STATUS, api, clear, el, fmtDuration, fmtTime, serverNow, showError, state } from "./console-common.js";

function hoursLine(h) {
  return `人工客服工作时间：${h.description}（${h.timeZone}）。现在${h.open ? "在工作时间内" : `不在工作时间，下次上班：${h.nextOpeningText || "未定"}`}。`;
}
/** One look at the queue; false when it could not be loaded. */
async function loadQueue() {
  try {
    const q = await api("GET", "/api/console/queue");
    state.skew = q.now - Date.now();
    $("hours-line").textContent = hoursLine(q.hours);
    const waiting = q.tickets.filter((t) => t.status === "waiting").length;
    $("queue-badge").textContent = waiting ? String(waiting) : "";
    $("queue-badge").setAttribute("aria-label", waiting ? `${waiting} 个等待接手` : "");
    document.title = waiting ? `（${waiting}）客服工作台` : "客服工作台";
    const list = clear($("queue-list"));
    $("queue-empty").hidden = q.tickets.length > 0;
    for (const t of q.tickets) {
      const mine = t.takenBy === state.me.name;
      const b = el(
        "button",
        { type: "button", "data-ticket": t.id, "aria-current": t.id === state.ticketId ? "true" : null },
        el("strong", {}, t.id),
        " ",
        el("span", { class: `badge ${t.status}` }, t.status === "taken" ? (mine ? "我在处理" : `${t.takenBy} 处理中`) : STATUS[t.status]),
        " ",
        t.unread ? el("span", { class: "badge medium" }, `${t.unread} 条新消息`) : null,
        el("br"),
        el("span", { class: "muted" }, `${CHANNEL[t.channel] || t.channel} · ${REGION[t.region || "none"]} · 已等待 `),
        el("span", { class: "muted waited", "data-opened": String(t.openedAt) }, fmtDuration(serverNow() - t.openedAt)),
        t.offHours ? el("span", { class: "muted" }, " · 非工作时间转入") : null,
        t.lastUserText ? el("span", { class: "muted" }, el("br"), `“${t.lastUserText}”`) : null,
      );
      b.addEventListener("click", () => openTicket(t.id));
      list.append(el("li", {}, b));
    }
    if (state.ticketId) await loadTicket();
    return true;
  } catch (err) {
    $("hours-line").textContent = `队列加载失败：${err.message}`;
    return false;
  }
}

// The queue is polled one request at a time: the next look starts a while after the previous
// answer has arrived, never on a fixed clock, so a slow server is not sent more work. Every 2 s
// while the agent watches the queue tab, 10 s on another tab, 30 s in a background tab or after
// 5 minutes without input, and backing off up to a minute while the server does not answer.
const POLL = { watching: 2000, otherTab: 10_000, idle: 30_000, maxBackoff: 60_000 };
const IDLE_MS = 5 * 60_000;
const poller = { inFlight: null, again: false, timer: 0, failures: 0, lastInput: Date.now() };

function nextDelay() {
  if (poller.failures) return Math.min(POLL.maxBackoff, POLL.watching * 2 ** poller.failures);
  if (document.hidden || Date.now() - poller.lastInput > IDLE_MS) return POLL.idle;
  return active("queue") ? POLL.watching : POLL.otherTab;
}

/** Looks at the queue now (or right after the look under way) and schedules the next look. */
export function refreshQueue() {
  if (poller.inFlight) {
    poller.again = true;
    return poller.inFlight;
  }
  clearTimeout(poller.timer);
  poller.inFlight = loadQueue()
    .then((ok) => {
      poller.failures = ok ? 0 : Math.min(poller.failures + 1, 10);
    })
    .finally(() => {
      poller.inFlight = null;
      if (poller.again) {
        poller.again = false;
        return refreshQueue();
      }
      poller.timer = setTimeout(refreshQueue, nextDelay());
    });
  return poller.inFlight;
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) void refreshQueue();
});
for (const type of ["pointerdown", "keydown", "wheel"]) {
  window.addEventListener(
    type,
    () => {
      const wasIdle = Date.now() - poller.lastInput > IDLE_MS;
      poller.lastInput = Date.now();
      if (wasIdle) void refreshQueue();
    },
    { passive: true, capture: true },
  );
}
// Waiting times tick every second between polls.
setInterval(() => {
  for (const s of document.querySelectorAll(".waited")) s.textContent = fmtDuration(serverNow() - Number(s.dataset.opened));
}, 1000);

async function openTicket(id) {
  state.ticketId = id;
  for (const b of document.querySelectorAll("#queue-list button")) b.setAttribute("aria-current", b.dataset.ticket === id ? "true" : "false");
  showError("ticket-error");
  $("reply-status").textContent = "";
  await loadTicket();
}
async function loadTicket() {
  try {
    const t = await api("GET", `/api/console/tickets/${encodeURIComponent(state.ticketId)}`);
    renderTicket(t);
  } catch (err) {
    showError("ticket-error", err);
  }
}
function renderTicket(t) {
  state.ticket = t;
  $("ticket").hidden = false;
  $("ticket-title").textContent = `工单 ${t.id}`;
  $("ticket-meta").textContent =
    `${CHANNEL[t.channel] || t.channel} · ${REGION[t.region || "none"]} · ${STATUS[t.status]}${t.takenBy ? `（${t.takenBy}）` : ""} · 转入时间 ${fmtTime(t.openedAt)} · 原因：${t.reason}` +
    (t.promisedAt ? ` · 已告知用户 ${fmtTime(t.promisedAt)} 后回复` : "");
  const box = $("ticket-log");
  const list = $("ticket-transcript");
  const switched = list.dataset.ticket !== t.id;
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  clear(list);
  list.dataset.ticket = t.id;
  for (const m of t.transcript) {
    const who = m.role === "agent" && m.by ? `客服 ${m.by}` : ROLE[m.role] || m.role;
    const flag = m.delivered === false ? " · 未送达" : "";
    list.append(el("li", { class: m.role }, el("span", { class: "meta" }, `${who} · ${fmtTime(m.at)}${flag}`), m.text));
  }
  if (atBottom || switched) box.scrollTop = box.scrollHeight;
  const mine = t.status === "taken" && (t.takenBy === state.me.name || state.me.role === "admin");
  $("ticket-take").hidden = t.status !== "waiting";
  $("ticket-handback").hidden = !mine;
  $("ticket-close").hidden = t.status === "closed" || (t.status === "taken" && !mine);
  $("reply-form").hidden = !mine;
}
async function ticketAction(action) {
  showError("ticket-error");
  try {
    renderTicket(await api("POST", `/api/console/tickets/${encodeURIComponent(state.ticketId)}/${action}`));
    await refreshQueue();
  } catch (err) {
    showError("ticket-error", err);
  }
}
$("ticket-take").addEventListener("click", () => ticketAction("take"));
$("ticket-handback").addEventListener("click", () => ticketAction("handback"));
$("ticket-close").addEventListener("click", () => {
  if (confirm("结束这次对话？用户会收到结束提示，之后由机器人继续服务。")) ticketAction("close");
});
$("reply-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("reply-text").value.trim();
  if (!text) return;
  $("reply-send").disabled = true;
  showError("ticket-error");
  try {
    const r = await api("POST", `/api/console/tickets/${encodeURIComponent(state.ticketId)}/reply`, { text });
    $("reply-text").value = "";
    $("reply-status").textContent = r.delivered ? "已发送" : "已保存，但用户所在渠道当前无法送达";
    renderTicket(r);
  } catch (err) {
    showError("ticket-error", err);
  } finally {
    $("reply-send").disabled = false;
  }
});
$("reply-text").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    $("reply-form").requestSubmit();
  }
});
