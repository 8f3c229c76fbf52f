// The page the user is on: the widget tells which login message is on screen. A generic
// "can't log in" question then becomes that message, so the answer is the message's own.
import type { MatchResult } from "./nlu/matcher.ts";
import { IDS } from "../knowledge/ids.ts";

const GENERIC_LOGIN =
  /(登不上|登录不上|登陆不上|登不进|登录不进|登陆不进|登录不了|登陆不了|登不了|无法登录|无法登陆|不能登录|不能登陆|进不去|登录失败|登陆失败|怎么办|咋办|咋整|怎么回事|咋回事|什么意思|啥意思|怎么弄|怎么解决|为什么|为啥)/;
const chars = (s: string) => [...s].length;

/** A short question that only says logging in fails (or asks what to do about it). */
export async function isGenericLoginQuestion(matcher: { match(text: string): MatchResult | Promise<MatchResult> }, text: string): Promise<boolean> {
  if (!text || chars(text) > 30) return false;
  const m = await matcher.match(text);
  if (m.band === "answer" && m.id === IDS.cannotLogin) return true;
  return m.band !== "answer" && !m.outOfScope && GENERIC_LOGIN.test(text) && chars(text) <= 20;
}

/** What a generic can't-log-in question becomes when the page shows a login message. */
export const loginErrorQuestion = (loginError: string) => `登录时提示“${loginError}”`;
