/** Reading a search space from JSON: schema first (zod), then the shape checks; errors name the field. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { SearchSpaceError } from '../errors.js';
import { spaceLayout } from './layout.js';
import { spaceSchema, type SearchSpace } from './schema.js';

/** `stages[1].width` from zod's path ['stages', 1, 'width']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

/** The first issue, with an unknown key named as the field itself. */
export function firstIssue(err: z.ZodError): { field: string; message: string } {
  const i = err.issues[0];
  if (i.code === 'unrecognized_keys') return { field: fieldPath([...i.path, i.keys[0]]), message: `unknown field (${i.message})` };
  return { field: fieldPath(i.path), message: i.message };
}

/** Validates a parsed space (a SearchSpaceError names the first bad field). `source` names it in messages. */
export function parseSpace(json: unknown, source = 'search space'): SearchSpace {
  const r = spaceSchema.safeParse(json);
  if (!r.success) {
    const { field, message } = firstIssue(r.error);
    throw new SearchSpaceError(message, field, source);
  }
  try {
    spaceLayout(r.data);
  } catch (err) {
    if (err instanceof SearchSpaceError) throw new SearchSpaceError(err.detail, err.field, source);
    throw err;
  }
  return r.data;
}

/** Reads a search space file. */
export function readSpace(file: string): SearchSpace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SearchSpaceError(`cannot read the file (${(err as Error).message})`, '', file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SearchSpaceError(`not valid JSON (${(err as Error).message})`, '', file);
  }
  return parseSpace(json, file);
}
