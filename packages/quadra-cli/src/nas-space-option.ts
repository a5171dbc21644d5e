/** The `--space FILE|NAME` flag of profile and search: a search-space JSON file, or a default space's name. */
import { existsSync } from 'node:fs';
import { ArgumentError } from '@quadranet/core';
import { DEFAULT_SPACES, readSpace, type SearchSpace } from '@quadranet/nas';

export const SPACE_HELP = `search space: a JSON file, or a default (${Object.keys(DEFAULT_SPACES).join(', ')})`;

export function spaceFromFlag(value: string | undefined, fallback = 'fashion-mnist'): SearchSpace {
  const v = value ?? fallback;
  const known = DEFAULT_SPACES[v];
  if (known) return known;
  if (!existsSync(v)) throw new ArgumentError(`--space ${v}: neither a default space (${Object.keys(DEFAULT_SPACES).join(', ')}) nor an existing file`);
  return readSpace(v);
}
