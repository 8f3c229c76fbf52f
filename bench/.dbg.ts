import { sharedMatcher } from "/work/wt-nlu/bot/assistant.ts";
import { Understander } from "/work/wt-nlu/bot/nlu/understand.ts";
const u = new Understander(sharedMatcher());
for (const q of process.argv.slice(2)) {
  const m = await u.understand(q);
  console.log(q, m.band, m.id, m.offered, m.act, m.focus, m.path, JSON.stringify(m.scored?.map(s=>[s.id, +s.p.toFixed(3)])));
}
