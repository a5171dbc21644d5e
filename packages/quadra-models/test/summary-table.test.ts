/** Readable model descriptions: the summary() table, the zoo table and a block's toString(). */
import { nn } from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { createModel, formatSummary, formatZooTable, humanCount, QuadraBlock, SMALL_IMAGE_STEM, zooTable } from '../src/index.js';

describe('tables', () => {
  it('humanCount rounds to K, M, G', () => {
    expect([humanCount(999), humanCount(1500), humanCount(23_598_824), humanCount(4.13e9)]).toEqual(['999', '1.50 K', '23.60 M', '4.13 G']);
  });

  it('formatSummary: one aligned line per layer and a total', () => {
    const m = createModel('quadranet25_xxs', { numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM });
    const s = m.summary(28);
    const lines = formatSummary(s).split('\n');
    m.dispose();
    expect(lines[0]).toMatch(/^layer\s+output\s+params\s+MACs$/);
    expect(lines).toHaveLength(s.layers.length + 3);
    expect(lines[2]).toMatch(/^downsample_layers\.0\s+28x28x16\s+192\s+/);
    expect(lines.at(-1)).toMatch(new RegExp(`^total\\s+${s.params.toLocaleString('en-US')}\\s+${humanCount(s.macs).replace('.', '\\.')}$`));
  });

  it('zooTable gives the reference figures for quadranet36_t without drawing weights', () => {
    const rows = zooTable({ filter: 'quadranet36_t' });
    expect(rows).toEqual([{ name: 'quadranet36_t', depths: [3, 3, 27, 3], dims: [64, 128, 256, 512], block: 'quadra', params: 23_598_824, macs: expect.any(Number) as number }]);
    expect(rows[0].macs / 1e9).toBeCloseTo(4.13, 2);
    expect(formatZooTable(rows)).toMatch(/quadranet36_t\s+quadra\s+3,3,27,3\s+64,128,256,512\s+23\.60 M\s+4\.13 G/);
  });
});

describe('toString', () => {
  it('a QuadraBlock prints its dim, kernel and children', () => {
    expect(new QuadraBlock(64, { kernelSize: 7 }).toString()).toBe([
      'QuadraBlock(dim=64, k=7',
      '  (norm1): LayerNorm(64, eps=1e-6)',
      '  (QuadraConv): QuadraConv2d(64, k=7',
      '    (conv1-conv3): 3 x DepthwiseConv2d(64, k=7)',
      '  )',
      '  (norm2): LayerNorm(64, eps=1e-6)',
      '  (pwconv1): Linear(64, 256)',
      '  (pwconv2): Linear(256, 64)',
      ')',
    ].join('\n'));
  });

  it('a zoo model folds its identical blocks', () => {
    const m = nn.withoutInit(() => createModel('quadranet25_xxs', { numClasses: 10 }));
    const s = m.toString();
    m.dispose();
    expect(s.split('\n')[0]).toBe('QuadraNet(depths=[2, 3, 18, 2], dims=[16, 32, 64, 128], classes=10');
    expect(s).toContain('  (stages.2): Sequential(\n    (0-17): 18 x QuadraBlock(dim=64, k=7\n');
    expect(s).toContain('  (head): Linear(128, 10)');
  });
});
