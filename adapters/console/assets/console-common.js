// What every tab of the console shares: the state, DOM helpers (text set with textContent only:
// user and knowledge text never becomes markup), the API client, time formats, copy buttons.
export const state = { me: null, csrf: null, skew: 0, ticketId: null, ticket: null, entries: [], oosGroups: [] };
export const $ = (id) => document.getElementById(id);
export const CHANNEL = { web: "网页", wechat: "微信", botframework: "Bot Framework", cli: "命令行" };
export const REGION = { zaozhuang: "枣庄市", taian: "泰安市", none: "未知", other: "其他城市" };
export const LEVEL = { high: "高", medium: "中", low: "低" };
export const BAND = { answer: "直接回答", clarify: "反问澄清", decline: "拒答" };
export const STATUS = { waiting: "等待接手", taken: "处理中", closed: "已结束" };
export const ROLE = { user: "用户", bot: "机器人", agent: "客服", system: "系统" };

/** Builds an element; strings become text nodes, never HTML. */
export function el(tag, attrs, ...children) {
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
export const clear = (node) => {
  node.replaceChildren();
  return node;
};

export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = state.csrf;
  const res = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    location.reload();
    throw new Error("登录已过期");
  }
  const isJson = (res.headers.get("content-type") || "").includes("json");
  const data = isJson ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error((data && data.error) || `请求失败（${res.status}）`);
    err.status = res.status;
    err.data = data;
    throw err;
  }
  return data;
}

export const tz = "Asia/Shanghai";
export const fmt = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
export const fmtTime = (ms) => (ms ? fmt.format(new Date(ms)) : "");
export const serverNow = () => Date.now() + state.skew;
export function fmtDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}分${s % 60}秒`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}小时${m % 60}分`;
  return `${Math.floor(h / 24)}天${h % 24}小时`;
}
/** "YYYY-MM-DDTHH:MM" typed as Beijing time → an ISO instant. */
export const beijing = (v) => (v ? `${v}:00+08:00` : undefined);

export async function copy(text, button) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    const t = el("textarea", { class: "sr-only", "aria-hidden": "true" });
    t.value = text;
    document.body.append(t);
    t.select();
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    t.remove();
  }
  const old = button.textContent;
  button.textContent = ok ? "已复制" : "复制失败，请手动选择";
  button.dataset.copied = ok ? "1" : "0";
  setTimeout(() => {
    button.textContent = old;
  }, 1500);
}
export function answerBlock(label, text) {
  const pre = el("pre", { class: "answer", tabindex: "0" }, text);
  const btn = el("button", { type: "button", class: "secondary copy" }, label);
  btn.addEventListener("click", () => copy(text, btn));
  return el("div", {}, pre, btn);
}
export function showError(id, err) {
  $(id).textContent = err ? err.message || String(err) : "";
}
export const entryTitle = (id) => (state.entries.find((e) => e.id === id) || {}).title || id;
/** Whether a tab's panel is the one shown. */
export const active = (name) => !$(`panel-${name}`).hidden;
