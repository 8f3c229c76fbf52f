// 工单分诊: a pasted message or ticket → topics, what is missing, the answers to copy.
import { z } from "zod";
import { parseBody } from "../http.ts";
import { excerpt } from "../audit.ts";
import { triage } from "../triage.ts";
import { regionSchema, type TabRoutes } from "./context.ts";

const triageBody = z.object({ text: z.string().max(20000, "最多 20000 字"), region: regionSchema });

export const triageRoutes: TabRoutes = (app, { svc, audit }) => {
  app.post("/api/console/triage", { bodyLimit: 256 * 1024 }, async (req) => {
    const b = parseBody(triageBody, req.body);
    const r = triage(b.text, svc.understanding.current, { region: b.region ?? null });
    void audit(req, "triage", undefined, `${r.topics.map((t) => t.id).join(",") || "无匹配"} · ${excerpt(b.text, 40)}`);
    return r;
  });
};
