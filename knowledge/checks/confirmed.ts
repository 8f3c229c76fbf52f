import type { Check } from "./check.ts";
import type { Problem } from "../problem.ts";

/** Whether YYYY-MM-DD names a day of the calendar (the schema only checks the shape). */
const realDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const confirmed: Check = {
  name: "confirmed",
  about: "confirmed is a real date and not after today",
  run(k) {
    const out: Problem[] = [];
    for (const e of k.entries) {
      const line = k.entryFiles.find((s) => s.file === e.file)?.lineAt(["confirmed"]) ?? 1;
      if (!realDate(e.confirmed)) out.push({ file: e.file, line, message: `confirmed: ${e.confirmed} is not a date` });
      // A warning: a clock set ahead (HELPDESK_NOW in a console) may write one, and it misleads only reviewers.
      else if (e.confirmed > k.today) out.push({ file: e.file, line, message: `confirmed: ${e.confirmed} is after today (${k.today})`, severity: "warning" });
    }
    return out;
  },
};
