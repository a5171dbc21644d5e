#!/usr/bin/env node
/** The `quadra` command line: one command per file under commands/, registered here. */
import { checkEnv } from '@quadranet/lib';
import { Command, CommanderError } from 'commander';
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
import { ERROR_JSON_HELP, printError } from './report-error.js';
import { versionLines } from './version.js';

const program = new Command('quadra')
  .description('QuadraNet.ts command line')
  .option('--verbose', 'on error, print the stack trace too (default: one line)')
  // commander's own errors (unknown option, missing argument) are thrown, not printed, so that
  // they are reported like every other error (one line, or a JSON object with --json); set
  // before the commands are added, which inherit it
  .exitOverride()
  .configureOutput({ outputError: () => {} })
  .addHelpText('after', ERROR_JSON_HELP)
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

/** Help and version output are not errors: commander throws them too under exitOverride. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

function fail(err: unknown): never {
  if (err instanceof CommanderError && NOT_ERRORS.has(err.code)) process.exit(err.exitCode);
  printError(err, process.argv);
  process.exit(1);
}

// an error thrown outside the command's promise (an event handler, a timer) is reported the same way
process.on('uncaughtException', fail);
program.parseAsync(process.argv).catch(fail);
