// The demo login page: role tabs, a login form that sends nothing, and buttons that show each of
// the platform's four login messages and pass it to the widget (data-login-error).
(function () {
  "use strict";
  function widgetScript() {
    return document.getElementById("helpdesk-widget-script");
  }
  var errorBox = document.getElementById("login-error");
  var panel = document.getElementById("login-panel");
  var tabs = Array.prototype.slice.call(document.querySelectorAll("[role=tab]"));

  function selectTab(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
    });
    panel.setAttribute("aria-labelledby", tab.id);
    var s = widgetScript();
    if (s) s.setAttribute("data-login-role", tab.getAttribute("data-role") || "");
    if (focus) tab.focus();
  }
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () {
      selectTab(tab, false);
    });
    tab.addEventListener("keydown", function (e) {
      var next = null;
      if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
      else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (e.key === "Home") next = tabs[0];
      else if (e.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        e.preventDefault();
        selectTab(next, true);
      }
    });
  });

  function showError(msg) {
    errorBox.textContent = msg;
    var s = widgetScript();
    if (s) s.setAttribute("data-login-error", msg);
    Array.prototype.forEach.call(document.querySelectorAll(".demo-buttons button"), function (b) {
      b.setAttribute("aria-pressed", msg && b.getAttribute("data-error") === msg ? "true" : "false");
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".demo-buttons button"), function (b) {
    b.setAttribute("aria-pressed", "false");
    b.addEventListener("click", function () {
      showError(b.getAttribute("data-error") || "");
    });
  });

  document.getElementById("login-form").addEventListener("submit", function (e) {
    e.preventDefault(); // a demo: nothing is sent, the password is never read
    if (!document.getElementById("id-number").value.trim()) {
      errorBox.textContent = "请输入身份证号";
      return;
    }
    showError("密码错误请重新输入，若忘记登录密码，可点此找回密码。");
  });
  ["forgot", "register"].forEach(function (id) {
    document.getElementById(id).addEventListener("click", function (e) {
      e.preventDefault();
    });
  });
})();
