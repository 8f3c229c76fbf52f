// Text normalisation and tokenisation shared by the matcher, the index and the checker.
// Order matters: width and script first, then typo variants, then synonyms, then tokens.
import * as OpenCC from "opencc-js";
import { pinyin } from "pinyin-pro";
import { cut, load, insertWord } from "nodejs-jieba";
import { dirname, join } from "node:path";
import type { Lexicon } from "../knowledge/lexicon.ts";

const toSimplified = OpenCC.Converter({ from: "tw", to: "cn" });

// Anything that is not a letter, digit or CJK ideograph is a separator (punctuation, emoji).
const SEPARATORS = /[^\p{L}\p{N}\u3400-\u9fff]+/gu;

export interface Normalizer {
  /** Width, script, case, typos, synonyms; punctuation and emoji become single spaces. */
  normalize(text: string): string;
  /** normalize() and then strip polite openers and filler; never returns "" for a non-empty input. */
  clean(text: string): string;
  tokens(normalized: string): string[];
  lexicon: Lexicon;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let jiebaLoaded = false;
function loadJieba(dictPath: string, words: string[]): void {
  if (!jiebaLoaded) {
    // Keyword extraction is unused: tiny IDF and stop-word files keep the load fast.
    const dir = dirname(dictPath);
    load({ dict: dictPath, idfDict: join(dir, "idf.tiny.utf8"), stopWordDict: join(dir, "stop.tiny.utf8") });
    jiebaLoaded = true;
  }
  for (const w of words) insertWord(w);
}

export function createNormalizer(lexicon: Lexicon, dictPath: string): Normalizer {
  // Surface form → canonical word; canonical words map to themselves so a longer canonical
  // word ("专技人员") is not rewritten through a shorter surface form ("专技").
  const surface = new Map<string, string>();
  for (const [from, to] of Object.entries(lexicon.variants)) surface.set(from.toLowerCase(), to);
  const variantRe = new RegExp([...surface.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join("|"), "g");

  const synonym = new Map<string, string>();
  for (const [canon, forms] of Object.entries(lexicon.synonyms)) {
    synonym.set(canon, canon);
    for (const f of forms) if (!synonym.has(f)) synonym.set(f, canon);
  }
  const synonymRe = new RegExp([...synonym.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join("|"), "g");

  // Pinyin repair of homophone typos: a 2-character window that is not a domain word but
  // sounds like one (审合 → 审核) is rewritten. Only domain words are targets, so ordinary
  // words are left alone.
  const domain = new Set(lexicon.domain_words.filter((w) => w.length === 2));
  const bySound = new Map<string, string>();
  for (const w of domain) {
    const key = pinyin(w, { toneType: "none", type: "array" }).join(" ");
    if (!bySound.has(key)) bySound.set(key, w);
  }
  const soundCache = new Map<string, string>();
  const sound = (ch: string) => {
    let s = soundCache.get(ch);
    if (s === undefined) { s = pinyin(ch, { toneType: "none" }); soundCache.set(ch, s); }
    return s;
  };
  const cjk = /[\u4e00-\u9fff]/;
  function repairHomophones(s: string): string {
    const chars = [...s];
    for (let i = 0; i + 1 < chars.length; i++) {
      const a = chars[i], b = chars[i + 1];
      if (!cjk.test(a) || !cjk.test(b)) continue;
      const pair = a + b;
      if (domain.has(pair)) { i++; continue; }
      const hit = bySound.get(`${sound(a)} ${sound(b)}`);
      // Both characters must differ in writing from the target in at most one place,
      // so only a single mistyped character is repaired.
      if (hit && (hit[0] === a || hit[1] === b)) { chars[i] = hit[0]; chars[i + 1] = hit[1]; i++; }
    }
    return chars.join("");
  }

  const fillers = [...lexicon.fillers].sort((a, b) => b.length - a.length).map(escapeRe);
  const leadRe = new RegExp(`^(?:\\s*(?:${fillers.join("|")}|在吗|hello|hi|嗯|那个|就是)\\s*)+`);
  const tailRe = new RegExp(`(?:\\s*(?:${fillers.join("|")}|啊|呀|呢|吧|哈|了)\\s*)+$`);

  const domainWords = new Set<string>([...lexicon.domain_words, ...synonym.values()]);
  loadJieba(dictPath, [...domainWords]);

  function normalize(text: string): string {
    let s = text.normalize("NFKC");
    // Personal numbers carry no topic: an ID number (maybe masked) or a phone becomes its name.
    s = s.replace(/(?<![\d*])\d[\d*]{13,16}[\dxX](?![\d*])/g, " 身份证号 ").replace(/(?<!\d)1[3-9]\d[\d*]{4}\d{4}(?!\d)/g, " 手机号 ");
    s = toSimplified(s).toLowerCase();
    s = s.replace(SEPARATORS, " ");
    s = s.replace(variantRe, (m) => surface.get(m) ?? m);
    s = repairHomophones(s);
    s = s.replace(synonymRe, (m) => synonym.get(m) ?? m);
    return s.replace(/\s+/g, " ").trim();
  }

  function clean(text: string): string {
    const n = normalize(text);
    const stripped = n.replace(leadRe, "").replace(tailRe, "").trim();
    return stripped || n;
  }

  function tokens(normalized: string): string[] {
    const out: string[] = [];
    for (const t of cut(normalized)) {
      const w = t.trim();
      if (!w || STOP.has(w)) continue;
      out.push(w);
    }
    return out;
  }

  return { normalize, clean, tokens, lexicon };
}

// Function words that carry no topic.
const STOP = new Set(
  "的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 我 你 您 他 她 我们 你们 在 和 与 及 或 就 都 也 还 又 把 被 给 让 这 那 这个 那个 一个 一下 下 个 有 没 不 要 能 会 可以 怎么 如何 什么 怎样 为什么 为啥 怎么办 哪 谁 多少 吗 请 问 一 上 中 里 去 来 说 到 对 着 过 得 地 很 太 已经 现在 时候 时 后 前"
    .split(/\s+/),
);
