#!/usr/bin/env node
/** The `quadra` command line: one command per file under commands/, registered here. */
import { Command } from 'commander';
import { addEvalCommand } from './commands/eval.js';
import { addExportCommand } from './commands/export.js';
import { addInferCommand } from './commands/infer.js';
import { addInfoCommand } from './commands/info.js';
import { addModelsCommand } from './commands/models.js';
import { addTrainCommand } from './commands/train.js';
import { addXorCommand } from './commands/xor.js';
import { versionLines } from './version.js';

const program = new Command('quadra').description('QuadraNet.ts command line');
program.option('-V, --version', 'print the versions of quadra and the packages under it').on('option:version', () => {
  console.log(versionLines());
  process.exit(0);
});

addInfoCommand(program);
addTrainCommand(program);
addEvalCommand(program);
addInferCommand(program);
addExportCommand(program);
addModelsCommand(program);
addXorCommand(program);

// Errors are the library's typed errors with their messages: print the message, not a stack trace.
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
