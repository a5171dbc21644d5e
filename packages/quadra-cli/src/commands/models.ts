/** `quadra models`: the zoo with parameters and MACs; `quadra models <name>`: one model's layer table. */
import { nn, ArgumentError } from '@quadranet/core';
import { createModel, formatSummary, formatZooTable, zooTable } from '@quadranet/models';
import type { Command } from 'commander';
import { LIMITS, positiveInt } from '../arg-parsers.js';

/** Runs `f`; an input too small for the model becomes an error naming --size. */
function atSize<T>(size: number, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ArgumentError && /leaves no pixels/.test(err.message)) throw new ArgumentError(`--size ${size} is too small: ${err.message}`);
    throw err;
  }
}

interface ModelsFlags {
  size: number; numClasses: number; inChannels: number; json?: boolean; modules?: boolean;
}

export function addModelsCommand(program: Command): void {
  program
    .command('models')
    .argument('[name]', 'one zoo model: its per-layer summary table instead of the list (a substring filters the list)')
    .description('the model zoo with parameters and MACs (at 224x224, 3 channels, 1000 classes unless told)')
    .option('--size <px>', 'input height and width for the MACs', positiveInt('--size', LIMITS.imageSize), 224)
    .option('--num-classes <n>', 'classes of the head', positiveInt('--num-classes', LIMITS.numClasses), 1000)
    .option('--in-channels <n>', 'input channels', positiveInt('--in-channels', LIMITS.inChannels), 3)
    .option('--modules', 'with a name: print the module tree (toString) instead of the layer table')
    .option('--json', 'print JSON')
    .action((name: string | undefined, o: ModelsFlags) => {
      const exact = name !== undefined && /^[a-z]+(36|25)_(xxs|xs|t|s|b)$/.test(name);
      if (!exact) {
        const rows = atSize(o.size, () => zooTable({ size: o.size, numClasses: o.numClasses, inChannels: o.inChannels, filter: name }));
        if (rows.length === 0) throw new ArgumentError(`no zoo model name contains '${name}'; \`quadra models\` lists them`);
        console.log(o.json ? JSON.stringify(rows) : formatZooTable(rows));
        return;
      }
      const m = nn.withoutInit(() => createModel(name, { numClasses: o.numClasses, inChannels: o.inChannels }));
      try {
        if (o.modules) console.log(m.toString());
        else {
          const summary = atSize(o.size, () => m.summary(o.size));
          if (o.json) console.log(JSON.stringify({ name, ...summary }));
          else console.log(`${name} at ${o.size}x${o.size}x${o.inChannels}, ${o.numClasses} classes\n${formatSummary(summary)}`);
        }
      } finally {
        m.dispose();
      }
    });
}
