// 我的账号: change one's password, sign out.
import { $, api, state } from "./console-common.js";

$("password-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const r = await api("POST", "/api/console/password", { current: $("pw-current").value, next: $("pw-next").value });
    state.csrf = r.csrf;
    $("password-result").textContent = "密码已修改，其他设备上的登录已退出。";
    $("pw-current").value = "";
    $("pw-next").value = "";
  } catch (err) {
    $("password-result").textContent = err.message;
  }
});
$("logout").addEventListener("click", async () => {
  try {
    await api("POST", "/api/console/logout");
  } finally {
    location.reload();
  }
});
