/** `quadra --version`: this CLI's version and those of the packages under it. */
import { createRequire } from 'node:module';
import { VERSION as CORE } from '@quadranet/core';
import { info } from '@quadranet/lib';
import { VERSION as MODELS } from '@quadranet/models';

export const CLI_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export function versionLines(): string {
  const lib = info();
  return [
    `quadra ${CLI_VERSION} (@quadranet/cli)`,
    `@quadranet/models ${MODELS}`,
    `@quadranet/core ${CORE}`,
    `@quadranet/lib ${lib.version} (${lib.backend}${lib.backend === 'native' ? `, ${lib.simd}` : ''})`,
    `node ${process.versions.node}`,
  ].join('\n');
}
