#!/usr/bin/env node
/** The `quadra` command line: one command per file under commands/, registered here. */
import { checkEnv } from '@quadranet/lib';
import { Command } from 'commander';
import { addEvalCommand } from './commands/eval.js';
import { addExportCommand } from './commands/export.js';
import { addInferCommand } from './commands/infer.js';
import { addLrFindCommand } from './commands/lr-find.js';
import { addInfoCommand } from './commands/info.js';
import { addModelsCommand } from './commands/models.js';
import { addProfileCommand } from './commands/profile.js';
import { addSearchCommand } from './commands/search.js';
import { addTrainCommand } from './commands/train.js';
import { addXorCommand } from './commands/xor.js';
import { reportError } from './report-error.js';
import { versionLines } from './version.js';

const program = new Command('quadra')
  .description('QuadraNet.ts command line')
  .option('--verbose', 'on error, print the stack trace too (default: one line)')
  // A bad QUADRA_* variable stops every command before it starts, naming the variable.
  .hook('preAction', () => checkEnv());
program.option('-V, --version', 'print the versions of quadra and the packages under it').on('option:version', () => {
  console.log(versionLines());
  process.exit(0);
});

addInfoCommand(program);
addTrainCommand(program);
addEvalCommand(program);
addLrFindCommand(program);
addInferCommand(program);
addExportCommand(program);
addModelsCommand(program);
addXorCommand(program);
addProfileCommand(program);
addSearchCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(reportError(err, process.argv.includes('--verbose')));
  process.exit(1);
});
