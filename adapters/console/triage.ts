// Triage for agents: a pasted message or ticket (several lines, a forwarded chat, an error
// message) → the likely topics with confidence, the region it implies, the ready answer for
// each (the right regional variant), and what is missing to answer well.
import type { Matcher, MatchResult } from "../../bot/nlu/matcher.ts";
import { OOS_PREFIX } from "../../bot/nlu/matcher.ts";
import { IDS } from "../../knowledge/ids.ts";
import { composeAnswer } from "../../bot/compose.ts";
import { CITY_NAME } from "../../bot/wording.ts";
import { maskPersonal } from "../../bot/mask.ts";
import type { Region } from "../../bot/message.ts";
import type { LoadedEntry } from "../../knowledge/loader.ts";

export type Level = "high" | "medium" | "low";

export interface TriageTopic {
  id: string;
  title: string;
  /** The best score this topic got on the whole text or one of its parts (0–1). */
  confidence: number;
  level: Level;
  /** The part of the ticket it was found in. */
  matchedOn: string;
  /** A platform message from the knowledge that the ticket quotes. */
  platformMessage?: string;
  /** Ready to send: for the region found, or every region's variant with a question when none. */
  answer: string;
  /** With no region known and per-city answers: each city's own ready answer. */
  variants?: { region: Region; city: string; answer: string }[];
}

export interface TriageNeed {
  key: string;
  question: string;
}

export interface TriageResult {
  /** The ticket as analysed: chat metadata removed, personal numbers masked. */
  text: string;
  region: Region | null;
  place: { name: string; region: Region | "other" } | null;
  topics: TriageTopic[];
  missing: TriageNeed[];
  outOfScope: { group: string; hint: string | null } | null;
  personal: { idNumbers: number; phones: number };
  /** Things to mind when replying. */
  warnings: string[];
}

// Lines that are chat furniture, not what the user said.
const DROP_LINE = [
  /^\s*[-=—_*]{3,}.*$/, // separators, "---- 转发的消息 ----"
  /^\s*(以下是|以下为)?(聊天记录|转发的?(聊天|消息|记录)|合并转发)[:：]?\s*$/,
  /^\s*(发件人|收件人|抄送|主题|时间|日期|from|to|subject|date|sent)\s*[:：]/i,
  /^\s*\S{1,20}\s+\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}:\d{2}(:\d{2})?\s*$/, // "张三 2026-11-20 10:31:05"
  /^\s*\S{1,20}\s+\d{1,2}:\d{2}(:\d{2})?\s*$/, // "张三 10:31"
  /^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$/,
  /^\s*(客服|坐席|工作人员|人工客服|智能客服|机器人|小助手)\s*[:：]/, // our side of the conversation
];
const STRIP_PREFIX = [
  /^\s*>+\s*/,
  /^\s*[[【(（]?\d{1,2}:\d{2}(:\d{2})?[\]】)）]?\s*/,
  /^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?\s*/,
  /^\s*(用户|客户|来访者|网友|访客|老师|提问|问题|留言|工单内容|问)\s*[:：]\s*/,
];

/** The user's words from a pasted ticket: furniture lines dropped, prefixes stripped. */
export function cleanTicket(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (DROP_LINE.some((r) => r.test(raw))) continue;
    let line = raw;
    for (let changed = true; changed;) {
      changed = false;
      for (const r of STRIP_PREFIX) {
        const next = line.replace(r, "");
        if (next !== line) {
          line = next;
          changed = true;
        }
      }
    }
    line = line.trim();
    if (line) out.push(line);
  }
  return out;
}

function countPersonal(text: string): { idNumbers: number; phones: number } {
  const s = text.normalize("NFKC");
  return {
    idNumbers: (s.match(/(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)/g) ?? []).length,
    phones: (s.match(/(?<!\d)1[3-9]\d{9}(?!\d)/g) ?? []).length,
  };
}

const hasBothCities = (e: LoadedEntry) => !!(e.variants?.zaozhuang && e.variants?.taian);
const skipTopic = (id: string) => id.startsWith(OOS_PREFIX) || id.startsWith("smalltalk.") || id === IDS.handoff;

/** What an agent should ask before answering, per topic; `satisfied` means the ticket already says. */
const NEEDS: { topics: string[]; key: string; question: string; satisfied: RegExp }[] = [
  {
    topics: [IDS.cannotLogin],
    key: "loginMessage",
    question: "登录时页面提示的是哪一句？（账号不存在 / 登录角色未注册 / 账号正在审核中 / 密码错误）",
    satisfied: /账号不存在|角色未注册|正在审核|审核中|密码错误|密码不对/,
  },
  {
    topics: [IDS.wrongUnit, IDS.editInfo, IDS.withdraw, IDS.reviewTime],
    key: "status",
    question: "注册现在是“审核中（待审核）”还是“已通过”？两种情况处理方法不同。",
    satisfied: /审核中|待审核|未审核|没审核|还没通过|没通过|已通过|审核通过|通过了|已审核|驳回|退回/,
  },
  {
    topics: [IDS.passwordForgot],
    key: "contact",
    question: "注册时填写的邮箱或手机号现在还能收到验证码吗？不能的话需要单位管理员重置密码。",
    satisfied: /邮箱|手机|短信|验证码/,
  },
  {
    topics: [IDS.wrongRole, IDS.adminAlsoStaff],
    key: "role",
    question: "注册时选的是哪个角色（专技人员 / 用人单位 / 主管部门）？",
    satisfied: /专技|专业技术人员|用人单位|单位管理员|主管部门/,
  },
  {
    topics: [IDS.transferUnit, IDS.transfer],
    key: "pendingItems",
    question: "是否还有待审核的事项（学时申报、信息变更等）？有待审核事项时不能调转。",
    satisfied: /待审核事项|没有待审核|无待审核/,
  },
];

export interface TriageOptions {
  /** A region the agent already knows (overrides what the text implies). */
  region?: Region | null;
  maxTopics?: number;
}

export function triage(input: string, matcher: Matcher, opts: TriageOptions = {}): TriageResult {
  const personal = countPersonal(input);
  const lines = cleanTicket(maskPersonal(input));
  const text = lines.join("\n");
  if (!text)
    return {
      text: "",
      region: opts.region ?? null,
      place: null,
      topics: [],
      missing: [{ key: "detail", question: "没有可分析的内容，请粘贴用户的原话或工单内容。" }],
      outOfScope: null,
      personal,
      warnings: [],
    };

  const found = matcher.findPlace(text) ?? null;
  const region: Region | null = opts.region ?? (found && found.region !== "other" ? found.region : null);
  const otherCity = !opts.region && found?.region === "other" ? found.name : undefined;

  // The whole ticket, each line, and each sentence of a long line: a topic is judged by the
  // part that states it best, so chat around it does not dilute it.
  const parts = new Set<string>([text.replace(/\n/g, "。")]);
  for (const l of lines) {
    parts.add(l);
    for (const s of l.split(/[。！？!?；;]+|另外|还有|顺便问一下|再问一下/)) {
      const p = s.trim().replace(/[，,、\s]+$/, "");
      if ([...p].length >= 4) parts.add(p);
      const clauses = s.split(/[，,]+/).map((c) => c.trim());
      if (clauses.length > 1) for (const c of clauses) if ([...c].length >= 6) parts.add(c);
    }
  }
  const best = new Map<string, { score: number; answered: boolean; part: string; message: number }>();
  let whole: MatchResult | undefined;
  for (const part of parts) {
    const m = matcher.match(part);
    whole ??= m;
    for (const c of m.candidates) {
      if (skipTopic(c.id)) continue;
      const answered = m.band === "answer" && m.id === c.id;
      const b = best.get(c.id);
      const better = !b || (answered && !b.answered) || (answered === b.answered && c.score > b.score);
      if (better) best.set(c.id, { score: c.score, answered, part, message: Math.max(c.message ?? 0, b?.message ?? 0) });
      else if (b) b.message = Math.max(b.message, c.message ?? 0);
    }
  }
  const cfg = matcher.config;
  const ranked = [...best.entries()]
    .flatMap(([id, b]) => {
      const entry = matcher.entry(id);
      return entry && b.score >= cfg.clarifyMin ? [{ id, entry, ...b, rank: b.score + (b.answered ? 0.1 : 0) + 0.1 * (b.message >= 0.8 ? 1 : 0) }] : [];
    })
    .sort((a, b) => b.rank - a.rank);
  const top = ranked[0]?.rank ?? 0;
  const chosen = ranked.filter((x, i) => i === 0 || x.answered || x.rank >= top - 0.1).slice(0, opts.maxTopics ?? 4);

  const topics: TriageTopic[] = chosen.map((x) => {
    const e = x.entry;
    const level: Level = x.answered || x.message >= 0.8 ? "high" : x.score >= cfg.answerMin ? "medium" : "low";
    const msg =
      x.message >= 0.5
        ? e.platform_messages.find((pm) => {
            const head = pm.split(/[，,！!。]/)[0].replace(/\s/g, "");
            return text.replace(/\s/g, "").includes(head.slice(0, Math.min(6, head.length)));
          })
        : undefined;
    const t: TriageTopic = {
      id: x.id,
      title: e.title,
      confidence: Number(x.score.toFixed(3)),
      level,
      matchedOn: x.part,
      answer: composeAnswer(e, { region, otherCity }).text,
    };
    if (msg) t.platformMessage = msg;
    if (!region && !otherCity && hasBothCities(e)) {
      t.variants = (["zaozhuang", "taian"] as Region[]).map((r) => ({ region: r, city: CITY_NAME[r], answer: composeAnswer(e, { region: r }).text }));
    }
    return t;
  });

  let outOfScope: TriageResult["outOfScope"] = null;
  const oosGroup = whole?.outOfScope;
  if (oosGroup && !topics.some((t) => t.level === "high")) {
    const g = matcher.knowledge.outOfScope.groups.find((x) => x.name === oosGroup);
    outOfScope = { group: oosGroup, hint: g?.hint ?? null };
    // Out of scope and nothing better than a weak guess: the guesses would only mislead.
    if (!topics.some((t) => t.level === "medium")) topics.length = 0;
  }

  const missing: TriageNeed[] = [];
  // Questions to ask are for the topics the ticket is likely about, not for weak guesses.
  const sure = topics.filter((t) => t.level === "high");
  const ids = new Set((sure.length ? sure : topics.slice(0, 1)).map((t) => t.id));
  const specificLogin = [...ids].some((id) => id.startsWith("login.") && id !== IDS.cannotLogin);
  for (const n of NEEDS) {
    if (!n.topics.some((t) => ids.has(t))) continue;
    if (n.key === "loginMessage" && specificLogin) continue;
    if (n.satisfied.test(text)) continue;
    missing.push({ key: n.key, question: n.question });
  }
  const bothCities = (id: string) => {
    const e = matcher.entry(id);
    return e !== undefined && hasBothCities(e);
  };
  if (!region && !otherCity && topics.some((t) => ids.has(t.id) && bothCities(t.id))) {
    missing.unshift({ key: "city", question: "用户是哪个城市的？（枣庄 / 泰安 / 其他城市）这个问题两市的答复不同。" });
  }

  if (!topics.length) {
    missing.push({
      key: "detail",
      question: outOfScope
        ? "这个问题不在知识库范围内，请按分组提示处理或转交相关部门。"
        : "没有找到对应的知识条目：请问清楚用户在哪一步、页面上显示了什么提示。",
    });
  }
  const warnings: string[] = [];
  if (personal.idNumbers || personal.phones) warnings.push("工单里有身份证号或手机号（已遮蔽）：回复时不要原样转述。");
  if (otherCity) warnings.push(`用户在${otherCity}：涉及城市的部分请以当地人社部门的要求为准。`);
  return { text, region, place: found, topics, missing, outOfScope, personal, warnings };
}
