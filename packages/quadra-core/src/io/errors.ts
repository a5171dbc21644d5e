import { QuadraError } from '@quadranet/lib';

/** Where a format error was found, for callers that want more than the message. */
export interface FileFormatDetails {
  /** The file path (or the `source` label given to the parser). */
  file?: string;
  /** The tensor entry at fault, when the error concerns one. */
  tensor?: string;
}

/**
 * A file (or byte buffer) is not a valid safetensors file, or holds something this reader
 * cannot decode. The message names the file, the tensor and what was expected versus found.
 */
export class FileFormatError extends QuadraError {
  readonly file: string | undefined;
  readonly tensor: string | undefined;
  constructor(message: string, details: FileFormatDetails = {}, options?: { cause?: unknown }) {
    super('QUADRA_FILE_FORMAT', message);
    this.file = details.file;
    this.tensor = details.tensor;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
