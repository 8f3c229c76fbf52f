// Text normalisation and tokenisation shared by the matcher, the index and the checker.
// Order matters: width and script first, then typo variants, then synonyms, then tokens.
import * as OpenCC from "opencc-js";
import { createRequire } from "node:module";
import { cut, load, insertWord } from "nodejs-jieba";
import { dirname, join } from "node:path";
import type { Lexicon } from "../../knowledge/lexicon.ts";

const toSimplified = OpenCC.Converter({ from: "tw", to: "cn" });

// Anything that is not a letter, digit or CJK ideograph is a separator (punctuation, emoji).
const SEPARATORS = /[^\p{L}\p{N}\u3400-\u9fff]+/gu;

/** For each two-character domain word, the characters that sound like its first and its second
 * character (pinyin without tones). Built with pinyin-pro, or taken from the knowledge snapshot so
 * a process that has one never loads the pinyin dictionary. */
export type SoundTable = Record<string, [string, string]>;

export function buildSoundTable(words: string[]): SoundTable {
  const { pinyin } = createRequire(import.meta.url)("pinyin-pro") as typeof import("pinyin-pro");
  const bySyllable = new Map<string, string>();
  for (let c = 0x4e00; c <= 0x9fa5; c++) {
    const ch = String.fromCharCode(c);
    const s = pinyin(ch, { toneType: "none" });
    bySyllable.set(s, (bySyllable.get(s) ?? "") + ch);
  }
  const table: SoundTable = {};
  for (const w of words) {
    const [s0, s1] = pinyin(w, { toneType: "none", type: "array" });
    table[w] = [bySyllable.get(s0) ?? w[0], bySyllable.get(s1) ?? w[1]];
  }
  return table;
}

export interface Normalizer {
  /** The homophone table in use (saved in the knowledge snapshot). */
  sounds: SoundTable;
  /** Width, script, case, typos, synonyms; punctuation and emoji become single spaces. */
  normalize(text: string): string;
  /** normalize() and then strip polite openers and filler; never returns "" for a non-empty input. */
  clean(text: string): string;
  tokens(normalized: string): string[];
  /** English words of the lexicon's variants put into Chinese (for the semantic model). */
  mapEnglish(text: string): string;
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

export function createNormalizer(lexicon: Lexicon, dictPath: string, sounds?: SoundTable): Normalizer {
  // Surface form → canonical word; canonical words map to themselves so a longer canonical
  // word ("专技人员") is not rewritten through a shorter surface form ("专技").
  const surface = new Map<string, string>();
  for (const [from, to] of Object.entries(lexicon.variants)) surface.set(from.toLowerCase(), to);
  // English words are rewritten as whole words only ("unit" must not fire inside "community").
  const asVariant = (k: string) => (/^[a-z][a-z .-]*$/.test(k) ? `(?<![a-z])${escapeRe(k)}(?![a-z])` : escapeRe(k));
  const variantRe = new RegExp(
    [...surface.keys()]
      .sort((a, b) => b.length - a.length)
      .map(asVariant)
      .join("|"),
    "g",
  );
  const english = [...surface.keys()].filter((k) => /^[a-z][a-z .-]*$/.test(k)).sort((a, b) => b.length - a.length);
  const englishRe = english.length ? new RegExp(english.map(asVariant).join("|"), "gi") : undefined;

  const synonym = new Map<string, string>();
  for (const [canon, forms] of Object.entries(lexicon.synonyms)) {
    synonym.set(canon, canon);
    for (const f of forms) if (!synonym.has(f)) synonym.set(f, canon);
  }
  const synonymRe = new RegExp(
    [...synonym.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRe)
      .join("|"),
    "g",
  );

  // Pinyin repair of homophone typos: a 2-character window that is not a domain word but
  // sounds like one (审合 → 审核) is rewritten. Only domain words are targets, so ordinary
  // words are left alone.
  const domain = new Set(lexicon.domain_words.filter((w) => w.length === 2 && /^[\u4e00-\u9fa5]{2}$/.test(w)));
  const table = sounds ?? buildSoundTable([...domain]);
  // Domain words by their first and by their second character, with the homophones of the other one.
  const byFirst = new Map<string, { w: string; others: Set<string> }[]>();
  const bySecond = new Map<string, { w: string; others: Set<string> }[]>();
  for (const w of domain) {
    const t = table[w];
    if (!t) continue;
    const push = (m: typeof byFirst, k: string, v: { w: string; others: Set<string> }) => {
      const l = m.get(k);
      if (l) l.push(v);
      else m.set(k, [v]);
    };
    push(byFirst, w[0], { w, others: new Set(t[1]) });
    push(bySecond, w[1], { w, others: new Set(t[0]) });
  }
  const cjk = /[\u4e00-\u9fff]/;
  function repairHomophones(s: string): string {
    const chars = [...s];
    for (let i = 0; i + 1 < chars.length; i++) {
      const a = chars[i],
        b = chars[i + 1];
      if (!cjk.test(a) || !cjk.test(b)) continue;
      const pair = a + b;
      if (domain.has(pair)) {
        i++;
        continue;
      }
      // One character written right, the other sounding right: only a single mistyped
      // character is repaired.
      const hit = byFirst.get(a)?.find((x) => x.others.has(b))?.w ?? bySecond.get(b)?.find((x) => x.others.has(a))?.w;
      if (hit) {
        chars[i] = hit[0];
        chars[i + 1] = hit[1];
        i++;
      }
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

  /** English words of the lexicon put into Chinese, nothing else changed (what the semantic model reads). */
  function mapEnglish(text: string): string {
    if (!englishRe || !/[a-z]/i.test(text)) return text;
    return (
      text
        .replace(englishRe, (m) => surface.get(m.toLowerCase().replace(/\s+/g, " ")) ?? m)
        // Question words into Chinese; the other function words go (a sentence in English reads as its topic words).
        .replace(/(?<![a-z'])[a-z']+(?![a-z'])/gi, (w) => QUESTION_WORDS[w.toLowerCase()] ?? (STOP.has(w.toLowerCase()) ? " " : w))
        .replace(/\s+/g, " ")
        .trim()
    );
  }

  return { normalize, clean, tokens, lexicon, sounds: table, mapEnglish };
}

// Function words that carry no topic.
const STOP = new Set(
  "的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 我 你 您 他 她 我们 你们 在 和 与 及 或 就 都 也 还 又 把 被 给 让 这 那 这个 那个 一个 一下 下 个 有 没 不 要 能 会 可以 怎么 如何 什么 怎样 为什么 为啥 怎么办 哪 谁 多少 吗 请 问 一 上 中 里 去 来 说 到 对 着 过 得 地 很 太 已经 现在 时候 时 后 前".split(
    /\s+/,
  ),
);
// English function words carry no topic either (the lexicon maps the content words).
for (const w of "a an the i me my we our you your it its is are was be been am do does did can could would should will to of in on at for from with and or not no how what where when why which who please hi hello there this that have has had get got just still any some says said under about after before up out but if so then than too very now already again because need want know tell let use using me there doesn't don't can't cannot won't isn't i'm it's".split(
  " ",
))
  STOP.add(w);

const QUESTION_WORDS: Record<string, string> = {
  how: "怎么",
  where: "在哪",
  what: "什么",
  why: "为什么",
  when: "什么时候",
  "can't": "不能",
  cannot: "不能",
  "don't": "不",
  not: "不",
  no: "没有",
};

/** A function word (Chinese or English) that carries no topic. */
export const isStopWord = (w: string): boolean => STOP.has(w);
