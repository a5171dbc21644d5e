/** `quadra models`: the zoo with parameters and MACs; `quadra models <name>`: one model's layer table. */
import { nn, ArgumentError } from '@quadranet/core';
import { createModel, formatSummary, formatZooTable, zooTable } from '@quadranet/models';
import type { Command } from 'commander';

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`${flag} must be a positive integer, got ${v}`);
  return n;
};

interface ModelsFlags {
  size: number; numClasses: number; inChannels: number; json?: boolean; modules?: boolean;
}

export function addModelsCommand(program: Command): void {
  program
    .command('models')
    .argument('[name]', 'one zoo model: its per-layer summary table instead of the list (a substring filters the list)')
    .description('the model zoo with parameters and MACs (at 224x224, 3 channels, 1000 classes unless told)')
    .option('--size <px>', 'input height and width for the MACs', positiveInt('--size'), 224)
    .option('--num-classes <n>', 'classes of the head', positiveInt('--num-classes'), 1000)
    .option('--in-channels <n>', 'input channels', positiveInt('--in-channels'), 3)
    .option('--modules', 'with a name: print the module tree (toString) instead of the layer table')
    .option('--json', 'print JSON')
    .action((name: string | undefined, o: ModelsFlags) => {
      const exact = name !== undefined && /^[a-z]+(36|25)_(xxs|xs|t|s|b)$/.test(name);
      if (!exact) {
        const rows = zooTable({ size: o.size, numClasses: o.numClasses, inChannels: o.inChannels, filter: name });
        if (rows.length === 0) throw new ArgumentError(`no zoo model name contains '${name}'; \`quadra models\` lists them`);
        console.log(o.json ? JSON.stringify(rows) : formatZooTable(rows));
        return;
      }
      const m = nn.withoutInit(() => createModel(name, { numClasses: o.numClasses, inChannels: o.inChannels }));
      try {
        if (o.modules) console.log(m.toString());
        else if (o.json) console.log(JSON.stringify({ name, ...m.summary(o.size) }));
        else console.log(`${name} at ${o.size}x${o.size}x${o.inChannels}, ${o.numClasses} classes\n${formatSummary(m.summary(o.size))}`);
      } finally {
        m.dispose();
      }
    });
}
