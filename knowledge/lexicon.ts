// Lexicon file: typo variants, synonyms, domain words, fillers and place names.
import { z } from "zod";

export const lexiconSchema = z.strictObject({
  variants: z.record(z.string().min(1), z.string().min(1)),
  synonyms: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
  domain_words: z.array(z.string().min(1)),
  fillers: z.array(z.string().min(1)),
  /** Other systems and apps: a question about them is not ours, unless it also names our platform. */
  other_systems: z.array(z.string().min(1)).default([]),
  /** Words that name our platform and keep a question in scope. */
  our_platform: z.array(z.string().min(1)).default([]),
  places: z.strictObject({
    zaozhuang: z.array(z.string().min(1)).min(1),
    taian: z.array(z.string().min(1)).min(1),
    other: z.array(z.string().min(1)).default([]),
  }),
});
export type Lexicon = z.infer<typeof lexiconSchema>;
