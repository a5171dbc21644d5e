/** Module.toString(): PyTorch-style nested description; nn.withoutInit: build without random draws. */
import { describe, expect, it } from 'vitest';
import * as q from '../src/index.js';

const { nn } = q;

describe('Module.toString', () => {
  it('prints a leaf with its key hyper-parameters', () => {
    expect(new nn.Linear(64, 256).toString()).toBe('Linear(64, 256)');
    expect(new nn.Linear(8, 2, { bias: false }).toString()).toBe('Linear(8, 2, bias=false)');
    expect(new nn.Conv2d(1, 16, 2, { stride: 2 }).toString()).toBe('Conv2d(1, 16, k=2, stride=2)');
    expect(new nn.LayerNorm(32, 1e-6).toString()).toBe('LayerNorm(32, eps=1e-6)');
    expect(new nn.GELU().toString()).toBe('GELU()');
  });

  it('indents children by name and folds runs of identical ones', () => {
    const s = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.GELU(), new nn.GELU(), new nn.GELU(), new nn.QuadraConv2d(8, 5));
    expect(s.toString()).toBe([
      'Sequential(',
      '  (0): Conv2d(3, 8, k=3, padding=1)',
      '  (1-3): 3 x GELU()',
      '  (4): QuadraConv2d(8, k=5',
      '    (conv1-conv3): 3 x DepthwiseConv2d(8, k=5)',
      '  )',
      ')',
    ].join('\n'));
  });
});

describe('nn.withoutInit', () => {
  it('leaves weights at zero inside, draws again after', () => {
    const quiet = nn.withoutInit(() => new nn.Linear(4, 4));
    expect([...quiet.weight.data()].every((v) => v === 0)).toBe(true);
    const drawn = new nn.Linear(4, 4);
    expect([...drawn.weight.data()].some((v) => v !== 0)).toBe(true);
  });
});
