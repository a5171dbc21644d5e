/** The `--space FILE|NAME` flag of profile and search: a search-space JSON file, or a default space's name. */
import { DEFAULT_SPACES, readSpace, type SearchSpace } from '@quadranet/nas';

export const SPACE_HELP = `search space: a JSON file, or a default (${Object.keys(DEFAULT_SPACES).join(', ')})`;

export function spaceFromFlag(value: string | undefined, fallback = 'fashion-mnist'): SearchSpace {
  const v = value ?? fallback;
  return DEFAULT_SPACES[v] ?? readSpace(v);
}
