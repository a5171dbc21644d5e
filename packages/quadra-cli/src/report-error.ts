/**
 * How the CLI reports an error. Every failing command exits 1 with one line on stderr: the typed
 * error's message, which names the flag, argument or file and what was expected. With `--json` it
 * prints instead one JSON object on stdout, `{"error":{"code","name","message"}}` (ERROR_JSON_HELP).
 * `--verbose` adds the stack trace (and the cause's), in text or as `error.stack`.
 *
 * Errors that are not the library's typed ones are put in the same terms: commander's usage errors
 * (unknown option, missing argument) get the code QUADRA_USAGE, Node's file-system errors (ENOENT,
 * EISDIR, ...) QUADRA_IO with the path and what it means, anything else QUADRA_INTERNAL.
 */
import { NativeLoadError, QuadraError } from '@quadranet/lib';
import { CommanderError } from 'commander';
import { errnoCause } from '@quadranet/core';

export const ERROR_JSON_HELP = `
Errors: a failing command exits 1 with one line on stderr naming the flag, argument or file at fault
(--verbose adds the stack trace). With --json it prints one JSON object on stdout instead:
  {"error":{"code":"QUADRA_INVALID_ARGUMENT","name":"ArgumentError","message":"--epochs must be ≥ 1, got 0"}}
code is the library's stable error code (QUADRA_INVALID_ARGUMENT, QUADRA_FILE_FORMAT, QUADRA_STATE_DICT, ...),
QUADRA_USAGE for an unknown option or command or a missing argument, QUADRA_IO for a file-system error.`;

/** The JSON form of a reported error. */
export interface ErrorObject {
  error: { code: string; name: string; message: string; stack?: string };
}

/** Where reading a file says more than the shared table (core's errnoCause). */
const READ_CONTEXT = { EISDIR: 'is a directory, expected a file', EEXIST: 'already exists and is not a directory' };

interface SystemError extends Error {
  code: string;
  path?: string;
  syscall?: string;
}

const isSystemError = (err: Error): err is SystemError =>
  typeof (err as { code?: unknown }).code === 'string' && typeof (err as { syscall?: unknown }).syscall === 'string';

/** One line: commander's `error: ` prefix dropped, line breaks (a JSON.parse excerpt, a suggestion) folded. */
function oneLine(message: string): string {
  return message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim();
}

/** The error's code, name and one-line message (a native-load failure keeps its indented causes and fixes). */
export function describeError(err: unknown): { code: string; name: string; message: string } {
  if (!(err instanceof Error)) return { code: 'QUADRA_INTERNAL', name: 'Error', message: oneLine(String(err)) };
  if (err instanceof NativeLoadError) return { code: err.code, name: err.name, message: err.message };
  if (err instanceof QuadraError) return { code: err.code, name: err.name, message: oneLine(err.message) };
  if (err instanceof CommanderError) return { code: 'QUADRA_USAGE', name: 'UsageError', message: oneLine(err.message) };
  const cause = isSystemError(err) ? errnoCause(err.code, READ_CONTEXT) : undefined;
  if (cause !== undefined) {
    const e = err as SystemError;
    const where = e.path !== undefined ? `${e.path}: ` : '';
    return { code: 'QUADRA_IO', name: 'IOError', message: `${where}${cause} (${e.code}, ${e.syscall})` };
  }
  if (err instanceof RangeError && /allocation failed|Invalid array length|Invalid typed array length/.test(err.message)) {
    return { code: 'QUADRA_OUT_OF_MEMORY', name: err.name, message: `out of memory: ${oneLine(err.message)} (are the sizes given plausible?)` };
  }
  return { code: 'QUADRA_INTERNAL', name: err.name, message: oneLine(err.message) };
}

function stackOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause = (err as { cause?: unknown }).cause;
  return [err.stack ?? err.message, ...(cause instanceof Error ? [`caused by: ${cause.stack ?? cause.message}`] : [])].join('\n');
}

/** The text form: the message alone, or with `verbose` the stack trace (and the cause's). */
export function reportError(err: unknown, verbose: boolean): string {
  const d = describeError(err);
  return verbose ? stackOf(err) ?? d.message : d.message;
}

/** The JSON form (`--json`): one object; with `verbose`, the stack trace in `error.stack`. */
export function errorObject(err: unknown, verbose: boolean): ErrorObject {
  const d = describeError(err);
  const stack = verbose ? stackOf(err) : undefined;
  return { error: { ...d, ...(stack !== undefined ? { stack } : {}) } };
}

/** True when `flag` was given on the command line (before a `--` that ends the options). */
export function argvHas(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes(flag);
}

/** Prints `err` as the command line asked (--json: JSON on stdout; else one line on stderr). */
export function printError(err: unknown, argv: readonly string[]): void {
  const verbose = argvHas(argv, '--verbose');
  if (argvHas(argv, '--json')) console.log(JSON.stringify(errorObject(err, verbose)));
  else console.error(reportError(err, verbose));
}
