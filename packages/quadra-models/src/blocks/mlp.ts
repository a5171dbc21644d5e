/** The inverted-bottleneck MLP shared by every block: Linear(C→rC) → GELU → Linear(rC→C). */
import { linear, linearGelu, nn, type Tensor } from '@quadranet/core';

export class Mlp extends nn.Module {
  pwconv1: nn.Linear;
  pwconv2: nn.Linear;
  constructor(dim: number, expansion = 4) {
    super();
    this.pwconv1 = new nn.Linear(dim, expansion * dim);
    this.pwconv2 = new nn.Linear(expansion * dim, dim);
  }
  forward(x: Tensor): Tensor {
    const a = linearGelu(x, this.pwconv1.weight, this.pwconv1.bias);
    const y = linear(a, this.pwconv2.weight, this.pwconv2.bias);
    a.dispose();
    return y;
  }
}
