// The agents' console in the browser: plain DOM, text set with textContent only (user and
// knowledge text never becomes markup).
"use strict";
(function () {
  const state = { me: null, csrf: null, skew: 0, ticketId: null, ticket: null, entries: [], oosGroups: [], timers: {} };
  const $ = (id) => document.getElementById(id);
  const CHANNEL = { web: "网页", wechat: "微信", botframework: "Bot Framework", cli: "命令行" };
  const REGION = { zaozhuang: "枣庄市", taian: "泰安市", none: "未知", other: "其他城市" };
  const LEVEL = { high: "高", medium: "中", low: "低" };
  const BAND = { answer: "直接回答", clarify: "反问澄清", decline: "拒答" };
  const STATUS = { waiting: "等待接手", taken: "处理中", closed: "已结束" };
  const ROLE = { user: "用户", bot: "机器人", agent: "客服", system: "系统" };

  /** Builds an element; strings become text nodes, never HTML. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const clear = (node) => { node.replaceChildren(); return node; };

  async function api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET") headers["x-csrf-token"] = state.csrf;
    const res = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) { location.reload(); throw new Error("登录已过期"); }
    const isJson = (res.headers.get("content-type") || "").includes("json");
    const data = isJson ? await res.json() : await res.text();
    if (!res.ok) {
      const err = new Error((data && data.error) || `请求失败（${res.status}）`);
      err.status = res.status; err.data = data;
      throw err;
    }
    return data;
  }

  const tz = "Asia/Shanghai";
  const fmt = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  const fmtTime = (ms) => (ms ? fmt.format(new Date(ms)) : "");
  const serverNow = () => Date.now() + state.skew;
  function fmtDuration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return `${s}秒`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m}分${s % 60}秒`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h}小时${m % 60}分`;
    return `${Math.floor(h / 24)}天${h % 24}小时`;
  }
  /** "YYYY-MM-DDTHH:MM" typed as Beijing time → an ISO instant. */
  const beijing = (v) => (v ? `${v}:00+08:00` : undefined);

  async function copy(text, button) {
    let ok = false;
    try { await navigator.clipboard.writeText(text); ok = true; } catch {
      const t = el("textarea", { class: "sr-only", "aria-hidden": "true" });
      t.value = text; document.body.append(t); t.select();
      try { ok = document.execCommand("copy"); } catch { ok = false; }
      t.remove();
    }
    const old = button.textContent;
    button.textContent = ok ? "已复制" : "复制失败，请手动选择";
    button.dataset.copied = ok ? "1" : "0";
    setTimeout(() => { button.textContent = old; }, 1500);
  }
  function answerBlock(label, text) {
    const pre = el("pre", { class: "answer", tabindex: "0" }, text);
    const btn = el("button", { type: "button", class: "secondary copy" }, label);
    btn.addEventListener("click", () => copy(text, btn));
    return el("div", {}, pre, btn);
  }
  function showError(id, err) { $(id).textContent = err ? (err.message || String(err)) : ""; }
  const entryTitle = (id) => (state.entries.find((e) => e.id === id) || {}).title || id;

  // ---------- tabs ----------
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const loaders = {};
  function select(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    const name = tab.id.replace("tab-", "");
    if (loaders[name]) loaders[name]();
  }
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => select(t));
    t.addEventListener("keydown", (ev) => {
      const visible = tabs.filter((x) => !x.hidden);
      const at = visible.indexOf(t);
      if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        const next = visible[(at + (ev.key === "ArrowRight" ? 1 : visible.length - 1)) % visible.length];
        next.focus(); select(next); ev.preventDefault();
      }
    });
    void i;
  });
  const active = (name) => !$(`panel-${name}`).hidden;

  // ---------- triage ----------
  $("triage-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("triage-error");
    const text = $("triage-text").value;
    if (!text.trim()) { showError("triage-error", new Error("请先粘贴用户的消息或工单。")); return; }
    const out = clear($("triage-result"));
    out.append(el("p", { class: "muted" }, "分析中…"));
    try {
      const r = await api("POST", "/api/console/triage", { text, region: $("triage-region").value || null });
      renderTriage(r);
    } catch (err) { clear(out); showError("triage-error", err); }
  });

  function renderTriage(r) {
    const out = clear($("triage-result"));
    const where = r.region ? `${REGION[r.region]}${r.place ? `（依据“${r.place.name}”）` : ""}` : r.place ? `${r.place.name}（${REGION[r.place.region]}）` : "未识别";
    out.append(el("p", { id: "triage-region-result" }, el("strong", {}, "地区："), where));
    if (r.missing.length) {
      out.append(el("div", { class: "card needs", id: "triage-missing" }, el("h3", {}, "回答前还需要问清楚"), el("ul", {}, r.missing.map((m) => el("li", { "data-key": m.key }, m.question)))));
    }
    for (const w of r.warnings || []) out.append(el("p", { class: "muted" }, `注意：${w}`));
    if (r.outOfScope) out.append(el("p", { class: "card" }, `超出范围（${r.outOfScope.group}）${r.outOfScope.hint ? `：${r.outOfScope.hint}` : ""}`));
    if (!r.topics.length) out.append(el("p", { class: "muted" }, "没有找到对应的知识条目。"));
    for (const t of r.topics) {
      const card = el("article", { class: "card topic-card", "data-topic": t.id },
        el("header", {},
          el("h3", {}, t.title),
          el("code", {}, t.id),
          el("span", { class: `badge ${t.level}` }, `置信度 ${(t.confidence * 100).toFixed(0)}% · ${LEVEL[t.level]}`)),
        el("p", { class: "muted" }, `依据：${t.matchedOn}`),
        t.platformMessage ? el("p", {}, `平台提示：“${t.platformMessage}”`) : null);
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

  // ---------- queue ----------
  function hoursLine(h) {
    return `人工客服工作时间：${h.description}（${h.timeZone}）。现在${h.open ? "在工作时间内" : `不在工作时间，下次上班：${h.nextOpeningText || "未定"}`}。`;
  }
  async function loadQueue() {
    try {
      const q = await api("GET", "/api/console/queue");
      state.skew = q.now - Date.now();
      $("hours-line").textContent = hoursLine(q.hours);
      const waiting = q.tickets.filter((t) => t.status === "waiting").length;
      $("queue-badge").textContent = waiting ? String(waiting) : "";
      $("queue-badge").setAttribute("aria-label", waiting ? `${waiting} 个等待接手` : "");
      const list = clear($("queue-list"));
      $("queue-empty").hidden = q.tickets.length > 0;
      for (const t of q.tickets) {
        const mine = t.takenBy === state.me.name;
        const b = el("button", { type: "button", "data-ticket": t.id, "aria-current": t.id === state.ticketId ? "true" : null },
          el("strong", {}, t.id), " ",
          el("span", { class: `badge ${t.status}` }, t.status === "taken" ? (mine ? "我在处理" : `${t.takenBy} 处理中`) : STATUS[t.status]), " ",
          t.unread ? el("span", { class: "badge medium" }, `${t.unread} 条新消息`) : null,
          el("br"),
          el("span", { class: "muted" }, `${CHANNEL[t.channel] || t.channel} · ${REGION[t.region || "none"]} · 已等待 `),
          el("span", { class: "muted waited", "data-opened": String(t.openedAt) }, fmtDuration(serverNow() - t.openedAt)),
          t.offHours ? el("span", { class: "muted" }, " · 非工作时间转入") : null,
          t.lastUserText ? el("span", { class: "muted" }, el("br"), `“${t.lastUserText}”`) : null);
        b.addEventListener("click", () => openTicket(t.id));
        list.append(el("li", {}, b));
      }
      if (state.ticketId) await loadTicket();
    } catch (err) { $("hours-line").textContent = `队列加载失败：${err.message}`; }
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
    } catch (err) { showError("ticket-error", err); }
  }
  function renderTicket(t) {
    state.ticket = t;
    $("ticket").hidden = false;
    $("ticket-title").textContent = `工单 ${t.id}`;
    $("ticket-meta").textContent = `${CHANNEL[t.channel] || t.channel} · ${REGION[t.region || "none"]} · ${STATUS[t.status]}${t.takenBy ? `（${t.takenBy}）` : ""} · 转入时间 ${fmtTime(t.openedAt)} · 原因：${t.reason}`
      + (t.promisedAt ? ` · 已告知用户 ${fmtTime(t.promisedAt)} 后回复` : "");
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
    try { renderTicket(await api("POST", `/api/console/tickets/${encodeURIComponent(state.ticketId)}/${action}`)); await loadQueue(); }
    catch (err) { showError("ticket-error", err); }
  }
  $("ticket-take").addEventListener("click", () => ticketAction("take"));
  $("ticket-handback").addEventListener("click", () => ticketAction("handback"));
  $("ticket-close").addEventListener("click", () => { if (confirm("结束这次对话？用户会收到结束提示，之后由机器人继续服务。")) ticketAction("close"); });
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
    } catch (err) { showError("ticket-error", err); }
    finally { $("reply-send").disabled = false; }
  });
  $("reply-text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); $("reply-form").requestSubmit(); }
  });

  // ---------- learning ----------
  function figureLine(f) {
    if (!f) return "（不影响匹配，未重新计算准确率）";
    const b = f.before, a = f.after;
    return `留一法答对率 ${b.loo.rightPct}% → ${a.loo.rightPct}%（答错 ${b.loo.wrong} → ${a.loo.wrong}）；回归集答对 ${b.regression.right}/${b.regression.total} → ${a.regression.right}/${a.regression.total}（答错 ${b.regression.wrong} → ${a.regression.wrong}）`;
  }
  // New phrasings are not counted against a change: compared over the phrasings that were there.
  const existingLine = (v) => `原有问法（留一法）：答对 ${v.existing.before.right} → ${v.existing.after.right}，答错 ${v.existing.before.wrong} → ${v.existing.after.wrong}`;
  function renderVerdict(target, r) {
    const out = clear(target);
    if (r.ok) {
      const c = r.change;
      out.append(el("div", { class: "card ok", id: "change-accepted", "data-change": c.id },
        el("p", {}, `已采纳并立即生效：${c.summary}`),
        el("p", {}, figureLine(c.figures)),
        r.verdict && c.figures ? el("p", { class: "muted" }, existingLine(r.verdict)) : null,
        el("button", { type: "button", class: "secondary", onclick: () => rollback(c.id, target) }, "撤销这次修改")));
      return;
    }
    const d = r.data || {};
    out.append(el("div", { class: "card", id: "change-refused" },
      el("p", { class: "error" }, r.message),
      d.figures ? el("p", {}, figureLine(d.figures)) : null,
      d.verdict ? el("p", { class: "muted" }, existingLine(d.verdict)) : null,
      d.verdict && d.verdict.reasons.length ? el("ul", {}, d.verdict.reasons.map((x) => el("li", {}, x))) : null,
      d.verdict && d.verdict.broken.length ? el("details", {}, el("summary", {}, `受影响的问法（${d.verdict.broken.length}）`),
        el("ul", {}, d.verdict.broken.map((x) => el("li", {}, `${x.kind === "regression" ? "回归集" : "问法"}“${x.text}”（应为 ${x.expect || "拒答"}）：${x.was} → ${x.now}${x.got ? `，现在答成 ${x.got}` : ""}`)))) : null,
      d.problems && d.problems.length ? el("ul", {}, d.problems.map((p) => el("li", { class: "mono" }, p))) : null));
  }
  async function rollback(id, target) {
    try {
      const r = await api("POST", `/api/console/history/${encodeURIComponent(id)}/rollback`);
      const out = clear(target);
      out.append(el("p", { class: "card ok", id: "rollback-done" }, `已回滚：${r.change.summary}`));
      if (active("learning")) loadLearning(); else loadHistory();
    } catch (err) { renderVerdict(target, err); }
  }
  function topicSelect(id, selected) {
    const s = el("select", { id });
    for (const e of state.entries) s.append(el("option", { value: e.id, selected: e.id === selected ? true : null }, `${e.title}（${e.id}）`));
    return s;
  }
  async function loadLearning() {
    try {
      const r = await api("GET", "/api/console/learning");
      state.entries = r.entries; state.oosGroups = r.outOfScopeGroups;
      let dl = $("oos-groups");
      if (!dl) { dl = el("datalist", { id: "oos-groups" }); document.body.append(dl); }
      clear(dl).append(...state.oosGroups.map((g) => el("option", { value: g.name })));
      $("learning-count").textContent = r.groups.length ? `共 ${r.groups.length} 组` : "";
      const list = clear($("learning-list"));
      if (!r.groups.length) list.append(el("p", { class: "muted" }, "目前没有待学习的问题。"));
      r.groups.forEach((g, gi) => list.append(groupCard(g, gi)));
    } catch (err) { clear($("learning-list")).append(el("p", { class: "error" }, err.message)); }
  }
  function groupCard(g, gi) {
    const sid = `g${gi}`;
    const src = [g.sources.declined ? `拒答 ${g.sources.declined}` : "", g.sources.clarified ? `反问 ${g.sources.clarified}` : "", g.sources.negative ? `差评 ${g.sources.negative}` : ""].filter(Boolean).join(" · ");
    const items = el("ul", { class: "phrasings" });
    g.phrasings.forEach((p, i) => {
      const masked = /\*{3,}/.test(p.text);
      const cb = el("input", { type: "checkbox", id: `${sid}-p${i}`, checked: masked ? null : true, "aria-label": `选用问法 ${p.text}` });
      const input = el("input", { type: "text", id: `${sid}-t${i}`, value: p.text, "aria-label": "问法文字（可修改）", maxlength: "200" });
      items.append(el("li", {}, cb, input, el("span", { class: "muted" }, `×${p.count}`), masked ? el("span", { class: "muted" }, "含遮蔽号码，请改写") : null));
    });
    const chosen = () => g.phrasings.map((_, i) => ({ on: $(`${sid}-p${i}`).checked, text: $(`${sid}-t${i}`).value.trim() })).filter((x) => x.on && x.text).map((x) => x.text);
    const suggested = g.suggestions[0] ? g.suggestions[0].id : state.entries[0] && state.entries[0].id;
    const select = topicSelect(`${sid}-topic`, suggested);
    const oosName = el("input", { id: `${sid}-oos`, list: "oos-groups", size: "14", value: state.oosGroups[0] ? state.oosGroups[0].name : "" });
    const result = el("div", { class: "verdict", "aria-live": "polite" });
    const busy = (on) => { for (const b of card.querySelectorAll("button")) b.disabled = on; if (on) clear(result).append(el("p", { class: "muted" }, "正在检验修改（留一法和回归集），请稍候…")); };
    const assign = el("button", { type: "button", class: "assign" }, "加入该条目的问法");
    assign.addEventListener("click", async () => {
      busy(true);
      try { const r = await api("POST", "/api/console/learning/assign", { groupId: g.id, topic: select.value, phrasings: chosen() }); renderVerdict($("learning-result"), r); await loadLearning(); }
      catch (err) { renderVerdict(result, err); }
      finally { busy(false); }
    });
    const oos = el("button", { type: "button", class: "secondary" }, "标记为超出范围");
    oos.addEventListener("click", async () => {
      busy(true);
      try { const r = await api("POST", "/api/console/learning/out-of-scope", { groupId: g.id, group: oosName.value.trim(), phrasings: chosen() }); renderVerdict($("learning-result"), r); await loadLearning(); }
      catch (err) { renderVerdict(result, err); }
      finally { busy(false); }
    });
    const dismiss = el("button", { type: "button", class: "secondary" }, "忽略");
    dismiss.addEventListener("click", async () => {
      try { await api("POST", "/api/console/learning/dismiss", { groupId: g.id }); await loadLearning(); } catch (err) { renderVerdict(result, err); }
    });
    const card = el("article", { class: "card group", "data-group": g.id },
      el("h3", {}, g.representative),
      el("p", { class: "muted" }, `共 ${g.count} 次 · ${src} · 最近 ${fmtTime(g.lastAt)} · ${Object.keys(g.channels).map((c) => CHANNEL[c] || c).join("、")}`),
      g.ratedTopics.length ? el("p", { class: "muted" }, `被点“没帮助”的答复：${g.ratedTopics.map(entryTitle).join("、")}`) : null,
      g.suggestions.length ? el("p", {}, "最接近的条目：", g.suggestions.map((s) => {
        const b = el("button", { type: "button", class: "secondary" }, `${s.title} ${s.score.toFixed(2)}`);
        b.addEventListener("click", () => { select.value = s.id; });
        return [b, " "];
      })) : null,
      items,
      el("div", { class: "row" }, el("label", { for: `${sid}-topic` }, "知识条目"), select, assign),
      el("div", { class: "row" }, el("label", { for: `${sid}-oos` }, "超出范围分组"), oosName, oos, dismiss),
      result);
    return card;
  }
  $("learning-refresh").addEventListener("click", loadLearning);

  // ---------- hit test ----------
  $("hit-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("hit-error");
    const q = $("hit-q").value.trim();
    if (!q) return;
    try {
      const r = await api("GET", `/api/console/hit?q=${encodeURIComponent(q)}&region=${encodeURIComponent($("hit-region").value)}`);
      renderHit(r);
    } catch (err) { showError("hit-error", err); }
  });
  function renderHit(r) {
    const out = clear($("hit-result"));
    out.append(el("p", {}, el("span", { class: `badge ${r.band}`, id: "hit-band" }, BAND[r.band]), " ",
      r.id ? el("strong", { id: "hit-entry" }, `${r.title}（${r.id}）`) : null,
      r.offered.length ? `可选：${r.offered.map((o) => o.title).join(" / ")}` : null,
      r.outOfScope ? `超出范围：${r.outOfScope}` : null));
    out.append(el("p", {}, el("strong", {}, "原因："), r.why));
    out.append(el("p", {}, el("strong", {}, "规范化文本："), el("code", { id: "hit-normalized" }, r.normalized)));
    out.append(el("p", {}, el("strong", {}, "分词："), r.tokens.map((t) => [el("code", { class: "badge" }, t), " "])));
    if (r.place) out.append(el("p", {}, el("strong", {}, "地名："), `${r.place.name}（${REGION[r.place.region]}）`));
    if (r.secondary) out.append(el("p", {}, el("strong", {}, "第二个问题："), r.secondary.title));
    const keys = r.candidates.length ? Object.keys(r.candidates[0]).filter((k) => k !== "id" && k !== "title") : [];
    const names = { score: "总分", bm25: "词匹配", char: "字匹配", profile: "条目整体", answer: "答案文本", message: "平台提示" };
    out.append(el("table", { id: "hit-candidates" },
      el("caption", { class: "sr-only" }, "候选条目得分"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "条目"), keys.map((k) => el("th", { scope: "col", class: "num" }, names[k] || k)))),
      el("tbody", {}, r.candidates.map((c) => el("tr", {}, el("td", {}, `${c.title} `, el("code", {}, c.id)), keys.map((k) => el("td", { class: "num" }, c[k].toFixed(3))))))));
    out.append(el("p", { class: "hint" }, `阈值：回答 ≥ ${r.thresholds.answerMin}，领先 ≥ ${r.thresholds.answerMargin}；澄清 ≥ ${r.thresholds.clarifyMin}`));
    if (r.answer) out.append(el("h3", {}, "机器人会这样回答"), answerBlock("复制答复", r.answer));
    if (r.flow) out.append(el("p", { class: "muted" }, `这个主题随后进入引导流程（${r.flow}），会继续追问细节。`));
  }

  // ---------- knowledge, notices, history ----------
  async function loadEntries() {
    const list = await api("GET", "/api/console/entries");
    state.entries = list;
    const sel = clear($("notice-topics"));
    sel.append(el("option", { value: "*" }, "全部答复"));
    for (const e of list) sel.append(el("option", { value: e.id }, `${e.title}（${e.id}）`));
    const out = clear($("entry-list"));
    out.append(el("table", {},
      el("thead", {}, el("tr", {}, ["条目", "标题", "最近确认", "问法数", "地区差异", "生效通知", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.map((e) => el("tr", { "data-entry": e.id },
        el("td", {}, el("code", {}, e.id)), el("td", {}, e.title),
        el("td", { class: e.daysSinceConfirmed > 180 ? "stale" : "" }, `${e.confirmed}（${e.daysSinceConfirmed} 天前）`),
        el("td", { class: "num" }, e.phrasings), el("td", {}, e.regions.map((r) => REGION[r]).join("、")), el("td", { class: "num" }, e.notices || ""),
        el("td", {}, el("button", { type: "button", class: "secondary", "aria-label": `确认“${e.title}”的答案仍然有效`, onclick: async () => {
          try { await api("POST", `/api/console/entries/${encodeURIComponent(e.id)}/confirm`); await loadEntries(); await loadHistory(); }
          catch (err) { $("history-status").textContent = err.message; }
        } }, "今天已核对")))))));
  }
  async function loadNotices() {
    const list = await api("GET", "/api/console/notices");
    const out = clear($("notice-list"));
    if (!list.length) { out.append(el("p", { class: "muted" }, "还没有通知。")); return; }
    const STATE = { active: "生效中", scheduled: "未开始", expired: "已到期", withdrawn: "已撤下" };
    out.append(el("ul", { id: "notices" }, list.map((n) => el("li", { "data-notice": n.id },
      el("span", { class: `badge ${n.state}` }, STATE[n.state]), " ", n.text, " ",
      el("span", { class: "muted" }, `（${n.topics.map((t) => (t === "*" ? "全部" : entryTitle(t))).join("、")}；${fmtTime(n.startsAt)} 至 ${fmtTime(n.expiresAt)}；${n.createdBy}）`),
      n.state === "active" || n.state === "scheduled" ? el("button", { type: "button", class: "secondary", onclick: async () => { try { await api("POST", `/api/console/notices/${encodeURIComponent(n.id)}/withdraw`); loadNotices(); } catch (err) { showError("notice-error", err); } } }, "撤下") : null))));
  }
  $("notice-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("notice-error");
    const topics = [...$("notice-topics").selectedOptions].map((o) => o.value);
    try {
      await api("POST", "/api/console/notices", { text: $("notice-text").value, topics, startsAt: beijing($("notice-starts").value), expiresAt: beijing($("notice-expires").value) });
      $("notice-text").value = "";
      await loadNotices();
    } catch (err) { showError("notice-error", err); }
  });
  async function loadHistory() {
    const list = await api("GET", "/api/console/history");
    const out = clear($("history-list"));
    if (!list.length) { out.append(el("p", { class: "muted" }, "还没有通过工作台修改过知识。")); return; }
    out.append(el("table", { id: "history" },
      el("thead", {}, el("tr", {}, ["时间", "账号", "内容", "准确率变化", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.map((c) => el("tr", { "data-change": c.id },
        el("td", {}, fmtTime(c.at)), el("td", {}, c.who), el("td", {}, c.summary),
        el("td", {}, figureLine(c.figures)),
        el("td", {}, c.rolledBackAt ? `已由 ${c.rolledBackBy} 回滚` : c.action === "rollback" ? "" :
          (c.who === state.me.name || state.me.role === "admin") ? el("button", { type: "button", class: "secondary rollback", onclick: () => rollback(c.id, $("history-status")) }, "回滚") : ""))))));
  }
  $("figures-now").addEventListener("click", async () => {
    $("figures-now-result").textContent = "计算中（需要几秒）…";
    try {
      const { figures: f } = await api("GET", "/api/console/knowledge/figures");
      $("figures-now-result").textContent = f ? `留一法答对率 ${f.loo.rightPct}%（${f.loo.right}/${f.loo.total}，答错 ${f.loo.wrong}）；回归集答对 ${f.regression.right}/${f.regression.total}（答错 ${f.regression.wrong}）` : "知识文件有错误";
    } catch (err) { $("figures-now-result").textContent = err.message; }
  });
  $("knowledge-reload").addEventListener("click", async () => {
    try { const r = await api("POST", "/api/console/knowledge/reload"); $("figures-now-result").textContent = `已重新加载 ${r.entries} 个条目`; loadEntries(); }
    catch (err) { $("figures-now-result").textContent = `${err.message}${err.data && err.data.problems ? `：${err.data.problems.slice(0, 3).join("；")}` : ""}`; }
  });

  // ---------- figures ----------
  const SERIES = [["answered", "#2da44e", "已解答"], ["clarified", "#d4a72c", "反问澄清"], ["declined", "#cf222e", "拒答"], ["handedOff", "#0969da", "转人工"]];
  const svgEl = (tag, attrs, ...children) => {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };
  function chart(days) {
    const W = Math.max(480, days.length * 44 + 60), H = 240, left = 40, bottom = 40, top = 10;
    const max = Math.max(1, ...days.map((d) => SERIES.reduce((s, [k]) => s + d[k], 0)), ...days.map((d) => d.negative));
    const y = (v) => H - bottom - ((H - bottom - top) * v) / max;
    const svg = svgEl("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", id: "figures-svg",
      "aria-label": `每日提问数：${days.map((d) => `${d.day} ${d.questions}`).join("，")}` });
    for (let i = 0; i <= 4; i++) {
      const v = Math.round((max * i) / 4);
      svg.append(svgEl("line", { x1: left, x2: W - 5, y1: y(v), y2: y(v), stroke: "#d0d7de" }), svgEl("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#57606a" }, v));
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
    const cols = [["questions", "提问"], ["answered", "已解答"], ["clarified", "反问"], ["declined", "拒答"], ["handedOff", "转人工"], ["negative", "差评"]];
    return el("table", { id },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, label), cols.map(([, h]) => el("th", { scope: "col", class: "num" }, h)))),
      el("tbody", {}, rows.map(([name, c]) => el("tr", {}, el("td", {}, name), cols.map(([k]) => el("td", { class: "num" }, c[k]))))));
  }
  async function loadFigures() {
    const from = $("figures-from").value, to = $("figures-to").value;
    const qs = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    try {
      const f = await api("GET", `/api/console/figures?${qs}`);
      $("figures-from").value = f.from; $("figures-to").value = f.to;
      $("figures-csv").setAttribute("href", `/api/console/figures.csv?from=${f.from}&to=${f.to}`);
      const tot = clear($("figures-totals"));
      for (const [k, name] of [["questions", "提问"], ["answered", "已解答"], ["clarified", "反问澄清"], ["declined", "拒答"], ["handedOff", "转人工"], ["negative", "差评"]]) {
        tot.append(el("div", { "data-total": k }, el("strong", {}, f.total[k]), name));
      }
      clear($("figures-chart")).append(chart(f.days));
      clear($("figures-channels")).append(countsTable("by-channel", Object.entries(f.byChannel).map(([k, c]) => [CHANNEL[k] || k, c]), "渠道"));
      clear($("figures-regions")).append(countsTable("by-region", Object.entries(f.byRegion).map(([k, c]) => [REGION[k] || k, c]), "地区"));
      clear($("figures-topics")).append(el("table", { id: "top-topics" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "主题"), el("th", { scope: "col", class: "num" }, "次数"))),
        el("tbody", {}, f.topTopics.map((t) => el("tr", {}, el("td", {}, t.title), el("td", { class: "num" }, t.count))))));
    } catch (err) { clear($("figures-chart")).append(el("p", { class: "error" }, err.message)); }
  }
  $("figures-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadFigures(); });

  // ---------- admin ----------
  async function loadAgents() {
    const list = await api("GET", "/api/console/admin/agents");
    const out = clear($("agent-list"));
    out.append(el("table", { id: "agents" },
      el("thead", {}, el("tr", {}, ["账号", "显示名", "角色", "状态", "创建", "操作"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.map((a) => {
        const act = async (path, body) => { showError("agent-error"); try { await api("POST", `/api/console/admin/agents/${encodeURIComponent(a.name)}/${path}`, body); loadAgents(); } catch (err) { showError("agent-error", err); } };
        const reset = el("button", { type: "button", class: "secondary", onclick: () => { const p = prompt(`为 ${a.name} 设置新密码（至少 10 个字符）`); if (p) act("password", { password: p }); } }, "重置密码");
        return el("tr", {}, el("td", {}, a.name), el("td", {}, a.displayName || ""), el("td", {}, a.role === "admin" ? "管理员" : "客服"),
          el("td", {}, a.active ? "启用" : "已停用"), el("td", {}, `${fmtTime(a.createdAt)} ${a.createdBy}`),
          el("td", {},
            el("button", { type: "button", class: "secondary", onclick: () => act("update", { active: !a.active }) }, a.active ? "停用" : "启用"), " ",
            el("button", { type: "button", class: "secondary", onclick: () => act("update", { role: a.role === "admin" ? "agent" : "admin" }) }, a.role === "admin" ? "设为客服" : "设为管理员"), " ",
            reset));
      }))));
  }
  $("agent-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("agent-error");
    try {
      await api("POST", "/api/console/admin/agents", { name: $("agent-name").value.trim(), displayName: $("agent-display").value.trim() || undefined, role: $("agent-role").value, password: $("agent-password").value });
      $("agent-name").value = ""; $("agent-password").value = ""; $("agent-display").value = "";
      loadAgents();
    } catch (err) { showError("agent-error", err); }
  });
  function eraseSelector() {
    const v = (id) => $(id).value.trim() || undefined;
    return { sessionKey: v("erase-key"), channel: v("erase-channel"), userId: v("erase-user"), conversationId: v("erase-conversation") };
  }
  async function erase(dryRun) {
    try {
      const r = await api("POST", "/api/console/admin/erase", { ...eraseSelector(), dryRun });
      $("erase-result").textContent = `${dryRun ? "将删除" : "已删除"}：会话 ${r.sessions} 个，工单 ${r.tickets} 个，记录 ${r.events} 条${r.keys.length ? `（${r.keys.join("、")}）` : ""}`;
    } catch (err) { $("erase-result").textContent = err.message; }
  }
  $("erase-form").addEventListener("submit", (ev) => { ev.preventDefault(); erase(true); });
  $("erase-do").addEventListener("click", () => { if (confirm("确定删除这个人的全部对话记录？删除后无法恢复。")) erase(false); });
  $("sweep").addEventListener("click", async () => {
    try { const r = await api("POST", "/api/console/admin/sweep"); $("sweep-result").textContent = `已清理：工单 ${r.tickets}，会话 ${r.sessions}，记录 ${r.events}`; }
    catch (err) { $("sweep-result").textContent = err.message; }
  });
  async function loadAudit() {
    const who = $("audit-who").value.trim();
    const list = await api("GET", `/api/console/admin/audit?limit=200${who ? `&who=${encodeURIComponent(who)}` : ""}`);
    clear($("audit-list")).append(el("table", { id: "audit" },
      el("thead", {}, el("tr", {}, ["时间", "账号", "操作", "对象", "详情", "地址", "结果"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.map((r) => el("tr", {}, el("td", {}, fmtTime(r.at)), el("td", {}, r.who), el("td", {}, r.action), el("td", {}, r.target || ""), el("td", {}, r.detail || ""), el("td", {}, r.ip || ""), el("td", {}, r.ok ? "成功" : "拒绝"))))));
  }
  $("audit-load").addEventListener("click", loadAudit);
  async function loadAdmin() {
    try {
      const s = await api("GET", "/api/console/admin/settings");
      $("retention-line").textContent = `转人工工单、对话记录和未解答问题保留 ${s.retentionDays} 天，之后自动删除。`;
      await Promise.all([loadAgents(), loadAudit()]);
    } catch (err) { showError("agent-error", err); }
  }

  // ---------- account ----------
  $("password-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await api("POST", "/api/console/password", { current: $("pw-current").value, next: $("pw-next").value });
      state.csrf = r.csrf;
      $("password-result").textContent = "密码已修改，其他设备上的登录已退出。";
      $("pw-current").value = ""; $("pw-next").value = "";
    } catch (err) { $("password-result").textContent = err.message; }
  });
  $("logout").addEventListener("click", async () => {
    try { await api("POST", "/api/console/logout"); } finally { location.reload(); }
  });

  // ---------- start ----------
  function poll(name, fn, ms) {
    clearInterval(state.timers[name]);
    state.timers[name] = setInterval(() => { if (!document.hidden) fn(); }, ms);
  }
  loaders.queue = () => { loadQueue(); poll("queue", loadQueue, 2000); };
  loaders.learning = loadLearning;
  loaders.knowledge = () => { loadEntries().then(() => Promise.all([loadNotices(), loadHistory()])).catch((err) => showError("notice-error", err)); };
  loaders.figures = loadFigures;
  loaders.admin = loadAdmin;
  for (const name of ["triage", "learning", "hit", "knowledge", "figures", "admin", "account"]) {
    const orig = loaders[name];
    // Leaving the queue tab slows its polling down to refresh the badge only.
    loaders[name] = () => { poll("queue", loadQueue, 10000); if (orig) orig(); };
  }

  (async function start() {
    const me = await api("GET", "/api/console/me");
    state.me = me; state.csrf = me.csrf;
    $("me").textContent = `${me.name}（${me.role === "admin" ? "管理员" : "客服"}）`;
    $("tab-admin").hidden = me.role !== "admin";
    $("knowledge-reload").hidden = me.role !== "admin";
    try { state.entries = await api("GET", "/api/console/entries"); } catch { /* shown when a tab needs them */ }
    loadQueue();
    poll("queue", loadQueue, 10000);
  })().catch((err) => { $("me").textContent = err.message; });
})();
