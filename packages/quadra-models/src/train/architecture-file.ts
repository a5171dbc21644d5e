/**
 * Architecture files: the QuadraNet options as JSON (`architectureOf`'s ArchitectureSpec, the same
 * JSON `quadra export` writes beside its weights and `quadra search` writes as arch.json), read back
 * with errors that name the file and the field. `quadra train --arch FILE` trains one.
 */
import { readFileSync } from 'node:fs';
import { FileFormatError, nn } from '@quadranet/core';
import { QuadraNet } from '../model/quadranet.js';
import type { ArchitectureSpec } from './model-spec.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a parsed architecture (the fields QuadraNet needs; the model's own checks cover the rest,
 * by building it without initialising weights). `source` names the file in messages.
 */
export function parseArchitecture(json: unknown, source = 'architecture'): ArchitectureSpec {
  const fail = (what: string, cause?: unknown): never => {
    throw new FileFormatError(`${source}: ${what}`, { file: source }, cause === undefined ? undefined : { cause });
  };
  if (!isObject(json)) fail(`expected a JSON object of QuadraNet options (depths, dims, ...), got ${Array.isArray(json) ? 'an array' : typeof json}`);
  const o = json as Record<string, unknown>;
  const intList = (k: string, min: number) => {
    const v = o[k];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && (x as number) >= min)) {
      fail(`'${k}' must be a non-empty list of integers >= ${min}, got ${JSON.stringify(v)}`);
    }
  };
  intList('depths', 0);
  intList('dims', 1);
  for (const k of ['numClasses', 'inChannels'] as const) {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 1) fail(`'${k}' must be a positive integer, got ${JSON.stringify(o[k])}`);
  }
  const { numClasses, inChannels, ...rest } = o as unknown as ArchitectureSpec;
  try {
    nn.withoutInit(() => new QuadraNet({ ...rest, numClasses, inChannels })).dispose();
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err), err);
  }
  return json as unknown as ArchitectureSpec;
}

/** Reads and parses a JSON file; a FileFormatError names the file (`what` it should be) and the fault. */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileFormatError(`${file}: cannot read the ${what} file (${(err as Error).message})`, { file }, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FileFormatError(`${file}: not valid JSON (${(err as Error).message.replace(/\s*\n\s*/g, ' ')})`, { file }, { cause: err });
  }
}

/** Reads and checks an architecture JSON file (a FileFormatError names the file and what is wrong). */
export function readArchitecture(file: string): ArchitectureSpec {
  return parseArchitecture(readJsonFile(file, 'architecture'), file);
}
