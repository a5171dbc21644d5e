/** The inverted-bottleneck MLP shared by every block: Linear(C→rC) → GELU → Linear(rC→C). */
import { gelu, nn, type Tensor } from '@quadranet/core';

export class Mlp extends nn.Module {
  pwconv1: nn.Linear;
  pwconv2: nn.Linear;
  constructor(dim: number, expansion = 4) {
    super();
    this.pwconv1 = new nn.Linear(dim, expansion * dim);
    this.pwconv2 = new nn.Linear(expansion * dim, dim);
  }
  forward(x: Tensor): Tensor {
    const h = this.pwconv1.forward(x);
    const a = gelu(h);
    h.dispose();
    const y = this.pwconv2.forward(a);
    a.dispose();
    return y;
  }
}
