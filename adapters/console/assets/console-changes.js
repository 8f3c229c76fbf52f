// A knowledge change's verdict (accepted with its figures, or refused with what it would
// break) and its rollback: shown by the learning tab and the knowledge tab's history.
import { api, clear, el } from "./console-common.js";

/** after: what to reload once a change is rolled back (the tab that showed it). */
export function figureLine(f) {
  if (!f) return "（不影响匹配，未重新计算准确率）";
  const b = f.before,
    a = f.after;
  return `留一法答对率 ${b.loo.rightPct}% → ${a.loo.rightPct}%（答错 ${b.loo.wrong} → ${a.loo.wrong}）；回归集答对 ${b.regression.right}/${b.regression.total} → ${a.regression.right}/${a.regression.total}（答错 ${b.regression.wrong} → ${a.regression.wrong}）`;
}
// New phrasings are not counted against a change: compared over the phrasings that were there.
const existingLine = (v) =>
  `原有问法（留一法）：答对 ${v.existing.before.right} → ${v.existing.after.right}，答错 ${v.existing.before.wrong} → ${v.existing.after.wrong}`;
export function renderVerdict(target, r, after) {
  const out = clear(target);
  if (r.ok) {
    const c = r.change;
    out.append(
      el(
        "div",
        { class: "card ok", id: "change-accepted", "data-change": c.id },
        el("p", {}, `已采纳并立即生效：${c.summary}`),
        el("p", {}, figureLine(c.figures)),
        r.verdict && c.figures ? el("p", { class: "muted" }, existingLine(r.verdict)) : null,
        el("button", { type: "button", class: "secondary", onclick: () => rollback(c.id, target, after) }, "撤销这次修改"),
      ),
    );
    return;
  }
  const d = r.data || {};
  out.append(
    el(
      "div",
      { class: "card", id: "change-refused" },
      el("p", { class: "error" }, r.message),
      d.figures ? el("p", {}, figureLine(d.figures)) : null,
      d.verdict ? el("p", { class: "muted" }, existingLine(d.verdict)) : null,
      d.verdict && d.verdict.reasons.length
        ? el(
            "ul",
            {},
            d.verdict.reasons.map((x) => el("li", {}, x)),
          )
        : null,
      d.verdict && d.verdict.broken.length
        ? el(
            "details",
            {},
            el("summary", {}, `受影响的问法（${d.verdict.broken.length}）`),
            el(
              "ul",
              {},
              d.verdict.broken.map((x) =>
                el(
                  "li",
                  {},
                  `${x.kind === "regression" ? "回归集" : "问法"}“${x.text}”（应为 ${x.expect || "拒答"}）：${x.was} → ${x.now}${x.got ? `，现在答成 ${x.got}` : ""}`,
                ),
              ),
            ),
          )
        : null,
      d.problems && d.problems.length
        ? el(
            "ul",
            {},
            d.problems.map((p) => el("li", { class: "mono" }, p)),
          )
        : null,
    ),
  );
}
export async function rollback(id, target, after) {
  try {
    const r = await api("POST", `/api/console/history/${encodeURIComponent(id)}/rollback`);
    const out = clear(target);
    out.append(el("p", { class: "card ok", id: "rollback-done" }, `已回滚：${r.change.summary}`));
    if (after) after();
  } catch (err) {
    renderVerdict(target, err, after);
  }
}
