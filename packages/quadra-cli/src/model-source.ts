/**
 * Where a command's model comes from: a self-describing `quadra train` checkpoint, or a zoo
 * name / config JSON with PyTorch-layout weights (infer and export take the same flags).
 */
import { ArgumentError } from '@quadranet/core';
import type { Command } from 'commander';
import { inputFile, LIMITS, positiveInt } from './arg-parsers.js';

export interface ModelSourceFlags {
  checkpoint?: string;
  model?: string;
  weights?: string;
  numClasses?: number;
  inChannels?: number;
}

/** Adds --checkpoint, --model, --weights, --num-classes and --in-channels to `cmd`. */
export function modelSourceOptions(cmd: Command, help: { checkpoint: string; model: string }): Command {
  return cmd
    .option('--checkpoint <file>', help.checkpoint, inputFile('--checkpoint'))
    .option('--model <name|config.json>', help.model)
    .option('--weights <file>', 'with --model: safetensors with the reference parameter names, PyTorch layouts', inputFile('--weights'))
    .option('--num-classes <n>', 'with --model: classes of the head', positiveInt('--num-classes', LIMITS.numClasses))
    .option('--in-channels <n>', 'with --model: input channels', positiveInt('--in-channels', LIMITS.inChannels));
}

/** The flags among `keys` given on the command line, as the user spelled them (--num-classes). */
export function givenFlags<K extends string>(cmd: Command, keys: readonly K[]): string[] {
  return keys.filter((k) => cmd.getOptionValueSource(k) === 'cli').map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

/** With --checkpoint, the model flags are an error naming them (the checkpoint carries the model). */
export function checkCheckpointAlone(o: ModelSourceFlags, cmd: Command): void {
  if (o.checkpoint === undefined) return;
  const modelFlags = givenFlags(cmd, ['model', 'weights', 'numClasses', 'inChannels'] as const);
  if (modelFlags.length) throw new ArgumentError(`--checkpoint carries the model: drop ${modelFlags.join(', ')}`);
}
