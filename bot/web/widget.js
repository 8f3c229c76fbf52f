/* 山东省专业技术人员继续教育公共服务平台 · 在线客服 widget.
 * One script tag adds it to any page:
 *   <script src="https://HOST/widget.js" data-login-role="专业技术人员" data-login-error="…" defer></script>
 * It finds its API from its own src, renders into an open shadow root, and never puts text from
 * users, agents or knowledge into HTML: every node is built with textContent, links with <a>.
 */
(function () {
  "use strict";
  var W = /*__WORDING__*/ null;
  if (!W || typeof document === "undefined") return;
  if (window.__sdHelpdeskWidget) return; // loaded twice
  window.__sdHelpdeskWidget = true;

  var script =
    document.currentScript ||
    (function () {
      var all = document.querySelectorAll("script[src]");
      for (var i = all.length - 1; i >= 0; i--) if (/widget\.js(\?|#|$)/.test(all[i].src)) return all[i];
      return null;
    })();
  var base = new URL(".", script && script.src ? script.src : location.href);
  var API = new URL("api/chat", base).href;
  var FEEDBACK_API = new URL("api/feedback", base).href;
  var MAX = Number(W.maxChars) || 1000;
  var KEY_ID = "sd-helpdesk:conversation";
  var KEY_OPEN = "sd-helpdesk:open";

  var store = {
    get: function (k) {
      try {
        return window.localStorage.getItem(k);
      } catch (e) {
        return null;
      }
    },
    set: function (k, v) {
      try {
        if (v === null) window.localStorage.removeItem(k);
        else window.localStorage.setItem(k, v);
      } catch (e) {
        /* private mode */
      }
    },
  };

  var state = {
    id: store.get(KEY_ID),
    lastEventId: 0,
    open: false,
    busy: false,
    loaded: false,
    source: null,
    seen: {},
  };

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    if (attrs)
      for (var k in attrs)
        if (Object.prototype.hasOwnProperty.call(attrs, k)) {
          if (k === "className") n.className = attrs[k];
          else n.setAttribute(k, attrs[k]);
        }
    if (text != null) n.textContent = String(text);
    return n;
  }

  /* ---------- DOM ---------- */
  var host = el("div", { id: "sd-helpdesk-widget" });
  var root = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = [
    ':host{all:initial;position:fixed;z-index:2147483000;right:20px;bottom:20px;font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Heiti SC",sans-serif;font-size:15px;line-height:1.6;color:#1f2328}',
    "*{box-sizing:border-box;font-family:inherit}",
    ".sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}",
    "button{font:inherit;cursor:pointer}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible,.rated:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}",
    ".launcher{display:flex;align-items:center;gap:8px;border:0;border-radius:999px;background:#0d47a1;color:#fff;padding:12px 20px;font-size:16px;font-weight:600;box-shadow:0 6px 20px rgba(13,71,161,.35)}",
    ".launcher:hover{background:#0a3880}",
    ".launcher .dot{display:none;width:10px;height:10px;border-radius:50%;background:#ffb300}",
    ".launcher.unread .dot{display:inline-block}",
    ".launcher[aria-expanded=true]{display:none}",
    ".panel{display:flex;flex-direction:column;width:380px;max-width:calc(100vw - 24px);height:600px;max-height:calc(100vh - 40px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.22);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:flex-start;gap:8px;padding:14px 16px;background:#0d47a1;color:#fff}",
    "header h2{margin:0;font-size:17px;line-height:1.4}",
    "header p{margin:2px 0 0;font-size:12px;color:#e3ecff}",
    "header .titles{flex:1;min-width:0}",
    ".close{border:0;background:transparent;color:#fff;font-size:24px;line-height:1;padding:4px 8px;border-radius:6px}",
    ".close:hover{background:rgba(255,255,255,.15)}",
    ".log{flex:1;overflow-y:auto;padding:12px 12px 4px;background:#f6f8fb;overscroll-behavior:contain}",
    ".log ol.msgs{list-style:none;margin:0;padding:0}",
    ".msg{display:flex;flex-direction:column;margin:0 0 12px}",
    ".msg.user{align-items:flex-end}",
    ".bubble{max-width:88%;padding:9px 12px;border-radius:12px;background:#fff;border:1px solid #dfe3ea;word-break:break-word;overflow-wrap:anywhere}",
    ".msg.user .bubble{background:#0d47a1;color:#fff;border-color:#0d47a1;white-space:pre-wrap}",
    ".msg.agent .bubble{border-color:#2e7d32;background:#f1f8f1}",
    ".msg.note .bubble{background:#fff8e1;border-color:#f0d48a;color:#5d4300}",
    ".who{font-size:12px;color:#4a5361;margin:0 4px 2px}",
    ".bubble p{margin:0 0 6px}.bubble p:last-child{margin-bottom:0}",
    ".bubble ol{margin:4px 0 6px;padding-left:1.6em}.bubble li{margin:2px 0}",
    ".bubble a{color:#0b4fb3;text-decoration:underline;word-break:break-all}",
    ".choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px;max-width:88%}",
    ".choice{border:1px solid #0d47a1;background:#fff;color:#0d47a1;border-radius:16px;padding:5px 12px;font-size:14px;text-align:left}",
    ".choice:hover{background:#e8f0fe}",
    ".choice[disabled]{border-color:#b8c0cc;color:#4a5361;background:#f0f2f5;cursor:default}",
    ".rate{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px;max-width:88%}",
    ".rate button{display:inline-flex;align-items:center;gap:4px;border:1px solid #8a94a3;background:#fff;color:#1f2328;border-radius:14px;padding:2px 10px;font-size:13px;line-height:1.5}",
    ".rate button:hover{background:#eef2f7}",
    ".rate svg{flex:none}",
    ".rated{max-width:88%;margin:6px 4px 0;font-size:13px;color:#4a5361}",
    ".rated p{margin:0}",
    ".typing{min-height:26px;padding:2px 16px;font-size:13px;color:#4a5361;background:#f6f8fb}",
    ".typing .dots{display:inline-block;margin-left:6px}",
    ".typing .dots i{display:inline-block;width:6px;height:6px;margin:0 2px;border-radius:50%;background:#4a5361;animation:b 1.2s infinite ease-in-out}",
    ".typing .dots i:nth-child(2){animation-delay:.2s}.typing .dots i:nth-child(3){animation-delay:.4s}",
    "@keyframes b{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.typing .dots i{animation:none}}",
    "form{display:flex;gap:8px;align-items:flex-end;padding:10px 12px 6px;border-top:1px solid #dfe3ea;background:#fff}",
    "textarea{flex:1;resize:none;min-height:42px;max-height:120px;padding:9px 10px;border:1px solid #8a94a3;border-radius:8px;font-size:16px;line-height:1.4;color:#1f2328;background:#fff}",
    ".send{border:0;border-radius:8px;background:#0d47a1;color:#fff;padding:0 16px;height:42px;font-size:15px;font-weight:600}",
    ".send[disabled]{background:#5c6b80}",
    ".attach{display:inline-flex;align-items:center;justify-content:center;border:1px solid #8a94a3;border-radius:8px;background:#fff;color:#0d47a1;width:42px;height:42px;padding:0}",
    ".attach:hover{background:#eef2f7}.attach[disabled]{color:#8a94a3}",
    ".tools{display:flex;justify-content:space-between;align-items:center;padding:4px 12px 10px;background:#fff;font-size:12px;color:#4a5361}",
    ".human{border:1px solid #2e7d32;background:#fff;color:#1b5e20;border-radius:16px;padding:3px 12px;font-size:13px}",
    ".human:hover{background:#eef7ee}",
    "@media (max-width:480px){:host{right:12px;bottom:12px}.panel.open{position:fixed;inset:0;width:100vw;max-width:100vw;height:100vh;height:100dvh;max-height:none;border-radius:0}header{padding-top:max(14px,env(safe-area-inset-top))}.tools{padding-bottom:max(10px,env(safe-area-inset-bottom))}}",
  ].join("\n");
  root.appendChild(style);

  var launcher = el("button", {
    type: "button",
    className: "launcher",
    "aria-expanded": "false",
    "aria-controls": "sd-panel",
    "aria-describedby": "sd-unread",
  });
  // An SVG bubble: emoji fonts are often missing on office PCs and show as a box.
  var svgNs = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(svgNs, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("width", "18");
  icon.setAttribute("height", "18");
  icon.setAttribute("aria-hidden", "true");
  var bubble = document.createElementNS(svgNs, "path");
  bubble.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  bubble.setAttribute("fill", "currentColor");
  icon.appendChild(bubble);
  launcher.appendChild(icon);
  launcher.appendChild(el("span", null, W.launcher));
  launcher.appendChild(el("span", { className: "dot", "aria-hidden": "true" }));
  var unread = el("span", { id: "sd-unread", className: "sr" }, "");
  root.appendChild(launcher);
  root.appendChild(unread);

  var panel = el("section", { id: "sd-panel", className: "panel", role: "dialog", "aria-labelledby": "sd-title", "aria-describedby": "sd-sub" });
  panel.hidden = true;
  var header = el("header");
  var titles = el("div", { className: "titles" });
  titles.appendChild(el("h2", { id: "sd-title" }, W.title));
  titles.appendChild(el("p", { id: "sd-sub" }, W.subtitle));
  var closeBtn = el("button", { type: "button", className: "close", "aria-label": W.close }, "×");
  header.appendChild(titles);
  header.appendChild(closeBtn);

  var logBox = el("div", { className: "log", role: "log", "aria-label": W.log, "aria-live": "polite", tabindex: "0" });
  var list = el("ol", { className: "msgs", role: "list" });
  logBox.appendChild(list);
  var typing = el("div", { className: "typing", role: "status", "aria-live": "polite" });

  var form = el("form", { novalidate: "" });
  var input = el("textarea", {
    rows: "1",
    "aria-label": W.input,
    placeholder: W.placeholder,
    maxlength: String(MAX),
    autocomplete: "off",
    enterkeyhint: "send",
  });
  var sendBtn = el("button", { type: "submit", className: "send" }, W.send);
  // Pictures: a screenshot of the platform's message, by the attach button or pasted.
  var attachBtn = el("button", { type: "button", className: "attach", "aria-label": W.image, title: W.image });
  attachBtn.appendChild(svgIcon("M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2zM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5l3.5-4.5z", 20));
  var fileInput = el("input", { type: "file", accept: "image/png,image/jpeg,image/webp", hidden: "", tabindex: "-1", "aria-hidden": "true" });
  form.appendChild(attachBtn);
  form.appendChild(fileInput);
  form.appendChild(input);
  form.appendChild(sendBtn);
  var tools = el("div", { className: "tools" });
  tools.appendChild(el("span", null, "Enter 发送，Shift+Enter 换行"));
  var humanBtn = el("button", { type: "button", className: "human" }, W.human);
  tools.appendChild(humanBtn);

  panel.appendChild(header);
  panel.appendChild(logBox);
  panel.appendChild(typing);
  panel.appendChild(form);
  panel.appendChild(tools);
  root.appendChild(panel);

  /* ---------- rendering (textContent only) ---------- */
  var URL_RE = /https?:\/\/[^\s<>"'“”‘’，。；;、（）()【】[\]{}]+/g;

  function appendLinkified(parent, text) {
    var last = 0;
    var m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      var raw = m[0].replace(/[.,:!?！？：]+$/, "");
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var ok = false;
      try {
        var u = new URL(raw);
        ok = u.protocol === "http:" || u.protocol === "https:";
      } catch (e) {
        ok = false;
      }
      if (ok) {
        var a = el("a", { href: raw, target: "_blank", rel: "noopener noreferrer nofollow" }, raw);
        parent.appendChild(a);
      } else parent.appendChild(document.createTextNode(raw));
      last = m.index + raw.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Numbered lines become a list, other lines paragraphs; links become <a>. */
  function renderRich(parent, text) {
    var lines = String(text).split(/\r?\n/);
    var ol = null;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].replace(/\s+$/, "");
      var m = /^\s*(\d{1,2})[.、．)]\s*(.*)$/.exec(line);
      if (m) {
        var n = Number(m[1]);
        if (!ol) {
          ol = el("ol");
          if (n !== 1) ol.setAttribute("start", String(n));
          parent.appendChild(ol);
        }
        var li = el("li");
        li.value = n;
        appendLinkified(li, m[2]);
        ol.appendChild(li);
        continue;
      }
      ol = null;
      if (!line.trim()) continue;
      var p = el("p");
      appendLinkified(p, line);
      parent.appendChild(p);
    }
  }

  function disableOldChoices() {
    var olds = list.querySelectorAll(".choice");
    for (var i = 0; i < olds.length; i++) olds[i].disabled = true;
  }

  /** An inline SVG icon (emoji fonts are often missing); decorative, hidden from screen readers. */
  function svgIcon(d, size) {
    var svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(svgNs, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }
  var THUMB_UP =
    "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
  var THUMB_DOWN =
    "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z";

  /* ---------- 👍 / 👎 under the latest answer ----------
   * The server rates a conversation's latest answer, so only the latest answer has the buttons:
   * they go when the next question is sent. One click posts once; failures stay silent. */
  function addRating(item) {
    var group = el("div", { className: "rate", role: "group", "aria-label": W.rate });
    var done = false;
    function pick(helpful) {
      if (done) return;
      done = true;
      var refocus = group.contains(root.activeElement);
      var thanks = el("div", { className: "rated", tabindex: "-1" });
      thanks.appendChild(el("p", null, W.thanks));
      if (!helpful) thanks.appendChild(el("p", null, W.notHelpfulHint));
      if (group.parentNode) group.parentNode.replaceChild(thanks, group);
      if (refocus) thanks.focus();
      if (!state.id) return;
      try {
        fetch(FEEDBACK_API, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ conversationId: state.id, helpful: helpful }),
        }).catch(function () {
          /* silent */
        });
      } catch (e) {
        /* silent */
      }
    }
    [
      [true, W.helpful, THUMB_UP],
      [false, W.notHelpful, THUMB_DOWN],
    ].forEach(function (x) {
      var b = el("button", { type: "button", "aria-label": x[1] });
      b.appendChild(svgIcon(x[2], 14));
      b.appendChild(el("span", null, x[1]));
      b.addEventListener("click", function () {
        pick(x[0]);
      });
      group.appendChild(b);
    });
    item.appendChild(group);
  }

  function clearRatings() {
    var olds = list.querySelectorAll(".rate");
    for (var i = 0; i < olds.length; i++) olds[i].parentNode.removeChild(olds[i]);
  }

  /** Which of a turn's replies gets the buttons: the last one about the turn's topic that asks
   * nothing back (a flow's follow-up question with choices is not the answer); none for
   * clarify, decline (no topic) or hand-off. */
  function rateIndex(body) {
    var reps = body.replies || [];
    if (!body.topic) return -1;
    var at = -1;
    for (var i = 0; i < reps.length; i++) {
      if (reps[i].handoff) return -1;
      if (reps[i].topic === body.topic && !(reps[i].choices && reps[i].choices.length)) at = i;
    }
    return at;
  }

  function addMessage(role, text, choices, rateable) {
    var item = el("li", { role: "listitem", className: "msg " + role });
    if (role === "user") item.appendChild(el("span", { className: "sr" }, W.you));
    else if (role === "bot" || role === "agent") {
      var label = el("span", { className: "who" }, (role === "agent" ? W.agent : W.bot).replace(/：$/, ""));
      label.appendChild(el("span", { className: "sr" }, "："));
      item.appendChild(label);
    }
    var bubble = el("div", { className: "bubble" });
    if (role === "user") bubble.textContent = text;
    else renderRich(bubble, text);
    item.appendChild(bubble);
    if (choices && choices.length) {
      var group = el("div", { className: "choices", role: "group", "aria-label": W.choices });
      choices.forEach(function (c) {
        var b = el("button", { type: "button", className: "choice" }, c);
        b.addEventListener("click", function () {
          if (!b.disabled) send({ choice: c }, c);
        });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    if (rateable && role === "bot") addRating(item);
    list.appendChild(item);
    logBox.scrollTop = logBox.scrollHeight;
    return item;
  }

  function setTyping(on) {
    while (typing.firstChild) typing.removeChild(typing.firstChild);
    if (!on) return;
    typing.appendChild(document.createTextNode(W.typing));
    var dots = el("span", { className: "dots", "aria-hidden": "true" });
    dots.appendChild(el("i"));
    dots.appendChild(el("i"));
    dots.appendChild(el("i"));
    typing.appendChild(dots);
  }

  function clearLog() {
    while (list.firstChild) list.removeChild(list.firstChild);
  }

  /* ---------- page context ---------- */
  function context() {
    var ctx = {};
    if (script) {
      var e = script.getAttribute("data-login-error");
      var r = script.getAttribute("data-login-role");
      if (e && e.trim()) ctx.loginError = e.trim().slice(0, 200);
      if (r && r.trim()) ctx.loginRole = r.trim().slice(0, 200);
    }
    return ctx;
  }

  /* ---------- conversation ---------- */
  function setId(id) {
    if (id === state.id) return;
    state.id = id;
    state.lastEventId = 0;
    state.seen = {};
    store.set(KEY_ID, id);
    connect();
  }

  function json(res) {
    return res.text().then(function (t) {
      var body = null;
      try {
        body = t ? JSON.parse(t) : null;
      } catch (e) {
        body = null;
      }
      return { status: res.status, body: body };
    });
  }

  function welcome() {
    addMessage("bot", W.welcome);
  }

  function loadHistory() {
    if (state.loaded) return Promise.resolve();
    state.loaded = true;
    if (!state.id) {
      welcome();
      return Promise.resolve();
    }
    return fetch(API + "/" + encodeURIComponent(state.id) + "/history", { headers: { accept: "application/json" } })
      .then(json)
      .then(function (r) {
        var h = r.body;
        if (r.status !== 200 || !h || !h.conversationId || !h.messages || !h.messages.length) {
          // Unknown or expired: a fresh conversation, silently.
          state.id = null;
          store.set(KEY_ID, null);
          clearLog();
          welcome();
          return;
        }
        clearLog();
        welcome();
        h.messages.forEach(function (m, i) {
          if (m.eventId) state.seen[m.eventId] = true;
          var role = m.role === "user" ? "user" : m.role === "agent" ? "agent" : "bot";
          addMessage(role, m.text, i === h.messages.length - 1 ? m.choices : null);
        });
        state.lastEventId = h.lastEventId || 0;
        connect();
      })
      .catch(function () {
        state.loaded = false;
        if (!list.firstChild) welcome();
      });
  }

  function connect() {
    if (state.source) {
      state.source.close();
      state.source = null;
    }
    if (!state.id || typeof EventSource === "undefined") return;
    var src = new EventSource(API + "/" + encodeURIComponent(state.id) + "/events?after=" + state.lastEventId);
    state.source = src;
    src.addEventListener("message", function (ev) {
      var m;
      try {
        m = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (!m || typeof m.text !== "string") return;
      if (m.eventId) {
        if (state.seen[m.eventId]) return;
        state.seen[m.eventId] = true;
        state.lastEventId = Math.max(state.lastEventId, m.eventId);
      }
      disableOldChoices();
      addMessage(m.role === "agent" ? "agent" : "bot", m.text, m.choices);
      if (!state.open) {
        launcher.classList.add("unread");
        unread.textContent = W.unread;
      }
    });
    src.addEventListener("error", function () {
      // 404 (expired) closes the stream for good; the browser retries other failures itself.
      if (src.readyState === 2 && state.source === src) state.source = null;
    });
  }

  function send(payload, shown) {
    if (state.busy) return;
    var text = (shown || "").trim();
    if (!text) return;
    if ([...text].length > MAX) {
      addMessage("note", W.tooLong.replace("{n}", String(MAX)));
      return;
    }
    state.busy = true;
    sendBtn.disabled = true;
    disableOldChoices();
    clearRatings();
    addMessage("user", text);
    setTyping(true);
    var body = { conversationId: state.id || undefined, context: context() };
    if (payload.choice) body.choice = payload.choice;
    else body.text = payload.text;
    fetch(API, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) })
      .then(json)
      .then(function (r) {
        if (r.status === 200 && r.body && r.body.conversationId) {
          setId(r.body.conversationId);
          if (typeof r.body.lastEventId === "number" && !state.source) state.lastEventId = r.body.lastEventId;
          var rateAt = rateIndex(r.body);
          (r.body.replies || []).forEach(function (rep, i) {
            addMessage("bot", rep.text, rep.choices, i === rateAt);
          });
        } else if (r.status === 429) addMessage("note", W.tooFast);
        else if (r.status === 400 && r.body && r.body.max) addMessage("note", W.tooLong.replace("{n}", String(r.body.max)));
        else addMessage("note", W.busy);
      })
      .catch(function () {
        addMessage("note", W.offline);
      })
      .then(function () {
        state.busy = false;
        sendBtn.disabled = false;
        setTyping(false);
      });
  }

  var IMAGE_TYPES = { "image/png": 1, "image/jpeg": 1, "image/webp": 1 };
  function sendImage(file) {
    if (state.busy || !file) return;
    if (file.type && !IMAGE_TYPES[file.type]) {
      addMessage("note", W.imageType);
      return;
    }
    if (file.size > (Number(W.imageMaxBytes) || 5242880)) {
      addMessage("note", W.imageTooBig);
      return;
    }
    state.busy = true;
    sendBtn.disabled = true;
    attachBtn.disabled = true;
    disableOldChoices();
    clearRatings();
    addMessage("user", W.imageSent);
    setTyping(true);
    var url = API + "/image" + (state.id ? "?conversationId=" + encodeURIComponent(state.id) : "");
    fetch(url, {
      method: "POST",
      headers: { "content-type": IMAGE_TYPES[file.type] ? file.type : "application/octet-stream", accept: "application/json" },
      body: file,
    })
      .then(json)
      .then(function (r) {
        if (r.status === 200 && r.body && r.body.conversationId) {
          setId(r.body.conversationId);
          if (typeof r.body.lastEventId === "number" && !state.source) state.lastEventId = r.body.lastEventId;
          var rateAt = rateIndex(r.body);
          (r.body.replies || []).forEach(function (rep, i) {
            addMessage("bot", rep.text, rep.choices, i === rateAt);
          });
        } else if (r.status === 429) addMessage("note", W.tooFast);
        else if (r.status === 413) addMessage("note", W.imageTooBig);
        else if (r.status === 415) addMessage("note", W.imageType);
        else if (r.status >= 400 && r.status < 500) addMessage("note", W.imageBad);
        else addMessage("note", W.busy);
      })
      .catch(function () {
        addMessage("note", W.offline);
      })
      .then(function () {
        state.busy = false;
        sendBtn.disabled = false;
        attachBtn.disabled = false;
        setTyping(false);
      });
  }
  attachBtn.addEventListener("click", function () {
    if (!state.busy) fileInput.click();
  });
  fileInput.addEventListener("change", function () {
    var f = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (f) sendImage(f);
  });
  input.addEventListener("paste", function (e) {
    var items = (e.clipboardData && e.clipboardData.items) || [];
    for (var i = 0; i < items.length; i++) {
      if (items[i].kind === "file" && /^image\//.test(items[i].type)) {
        var f = items[i].getAsFile();
        if (f) {
          e.preventDefault();
          sendImage(f);
          return;
        }
      }
    }
  });

  /* ---------- open / close, keyboard ---------- */
  function open(focus) {
    state.open = true;
    store.set(KEY_OPEN, "1");
    panel.hidden = false;
    panel.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.classList.remove("unread");
    unread.textContent = "";
    loadHistory();
    if (focus !== false)
      setTimeout(function () {
        input.focus();
      }, 0);
  }
  function close() {
    state.open = false;
    store.set(KEY_OPEN, null);
    panel.hidden = true;
    panel.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    open(true);
  });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var t = input.value;
    if (!t.trim() || state.busy) return;
    input.value = "";
    autosize();
    send({ text: t }, t);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else sendBtn.click();
    }
  });
  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 120) + "px";
  }
  input.addEventListener("input", autosize);
  humanBtn.addEventListener("click", function () {
    send({ text: W.humanText }, W.humanText);
  });

  function mount() {
    document.body.appendChild(host);
    if (store.get(KEY_OPEN) === "1") open(false);
    else if (state.id) loadHistory(); // pushed messages reach a closed widget too
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
