// One finding about the knowledge files, reported as `file:line: message` so an editor can jump to it.

export type Severity = "error" | "warning";

export interface Problem {
  file: string;
  line: number;
  message: string;
  /** Absent means "error". A warning fails only `kb check --strict` (CI), never start-up. */
  severity?: Severity;
}

export const isError = (p: Problem) => p.severity !== "warning";

export const formatProblem = (p: Problem) => `${p.file}:${p.line}: ${isError(p) ? "" : "warning: "}${p.message}`;

export class KnowledgeError extends Error {
  constructor(public problems: Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "KnowledgeError";
  }
}
