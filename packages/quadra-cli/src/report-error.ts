/**
 * How the CLI prints an error: the library's typed errors carry messages in the user's terms, so
 * the default is the message alone (one line; a native-load failure adds its indented causes and
 * fixes); `--verbose` prints the stack trace instead, and the cause's when there is one.
 */
export function reportError(err: unknown, verbose: boolean): string {
  if (!(err instanceof Error)) return String(err);
  if (!verbose) return err.message;
  const cause = (err as { cause?: unknown }).cause;
  return [err.stack ?? err.message, ...(cause instanceof Error ? [`caused by: ${cause.stack ?? cause.message}`] : [])].join('\n');
}
