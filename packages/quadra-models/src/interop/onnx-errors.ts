/** Why a model could not be written as ONNX: a block or option the exporter cannot express. */
import { QuadraError } from '@quadranet/core';

/** A block (named by its path, e.g. stages.2.3) or setting that ONNX export does not support. */
export class ExportError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_EXPORT', message);
  }
}
