// Where the knowledge lives: the repository's folder, unless HELPDESK_KNOWLEDGE_DIR points elsewhere.
import { fileURLToPath } from "node:url";

export const KNOWLEDGE_DIR = process.env.HELPDESK_KNOWLEDGE_DIR || fileURLToPath(new URL(".", import.meta.url));
