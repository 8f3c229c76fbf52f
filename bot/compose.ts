// Builds an entry's answer for a region, following the region rules of knowledge-ids.md.
import type { LoadedEntry } from "../knowledge/loader.ts";
import type { Region } from "./message.ts";
import { CITY_NAME, W } from "./wording.ts";

export interface RegionContext {
  region: Region | null;
  /** Leave out the closing question which city (a flow asks its own question). */
  noCityQuestion?: boolean;
  /** Another Shandong city the user named (province-wide answer + pointer). */
  otherCity?: string;
}

export interface Composed {
  text: string;
  /** True when the answer shows several cities' variants and asks which applies. */
  asksCity: boolean;
}

export function composeAnswer(entry: LoadedEntry, ctx: RegionContext): Composed {
  const v = entry.variants ?? {};
  const cities = (Object.keys(v) as Region[]).filter((r) => v[r]);
  const variant = (r: Region) => (v[r] ?? "").trim();
  const parts = [entry.answer.trim()];
  if (!cities.length) return { text: parts.join("\n\n"), asksCity: false };

  const labelled = (r: Region) => `${W.oneEditionLabel(CITY_NAME[r])}\n${variant(r)}`;
  if (cities.length === 1) {
    // Content of one edition only: everyone gets it, labelled with its source for other cities.
    const only = cities[0];
    if (ctx.region === only) parts.push(`${W.cityLabel(CITY_NAME[only])}\n${variant(only)}`);
    else parts.push(labelled(only), W.oneEditionNote(CITY_NAME[only]));
    if (ctx.otherCity) parts.push(W.otherCityNote(ctx.otherCity));
    return { text: parts.join("\n\n"), asksCity: false };
  }
  if (ctx.region) {
    parts.push(`${W.cityLabel(CITY_NAME[ctx.region])}\n${variant(ctx.region)}`);
    return { text: parts.join("\n\n"), asksCity: false };
  }
  if (ctx.otherCity) {
    parts.push(W.otherCityNote(ctx.otherCity), W.otherCityExamples, ...cities.map(labelled));
    return { text: parts.join("\n\n"), asksCity: false };
  }
  parts.push(...cities.map(labelled));
  if (ctx.noCityQuestion) return { text: parts.join("\n\n"), asksCity: false };
  parts.push(W.askCity);
  return { text: parts.join("\n\n"), asksCity: true };
}
