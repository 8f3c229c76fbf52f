// Sign-in page: fetch a pre-session CSRF token, post the name and password, reload into the console.
"use strict";
(function () {
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  const button = document.getElementById("login-submit");
  let token = null;

  async function csrf() {
    const r = await fetch("/api/console/csrf", { credentials: "same-origin" });
    token = (await r.json()).token;
  }
  csrf().catch(() => {
    error.textContent = "无法连接服务器，请稍后刷新页面。";
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const name = form.elements.namedItem("name").value.trim();
    const password = form.elements.namedItem("password").value;
    if (!name || !password) {
      error.textContent = "请输入账号和密码。";
      return;
    }
    button.disabled = true;
    try {
      if (!token) await csrf();
      const r = await fetch("/api/console/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": token },
        body: JSON.stringify({ name, password }),
      });
      if (r.ok) {
        location.reload();
        return;
      }
      const body = await r.json().catch(() => ({}));
      if (r.status === 403) await csrf();
      error.textContent = body.error || `登录失败（${r.status}）`;
      form.elements.namedItem("password").value = "";
    } catch {
      error.textContent = "无法连接服务器，请稍后再试。";
    } finally {
      button.disabled = false;
    }
  });
})();
