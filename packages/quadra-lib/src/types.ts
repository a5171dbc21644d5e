/** A float buffer of the reference kernels: float32, or float64 for gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** NHWC activation shape of a depthwise conv call (stride 1, "same" padding). */
export interface ConvShape {
  n: number;
  h: number;
  w: number;
  c: number;
}

/** The three depthwise weight sets [k, k, C] of the quadratic conv, each with an optional bias [C]. */
export interface QuadWeights<T = Float32Array> {
  wa: T;
  ba?: T;
  wb: T;
  bb?: T;
  wc: T;
  bc?: T;
}

/** Gradients of the quadratic conv. Bias gradients are returned even when a bias is absent. */
export interface QuadGrads<T = Float32Array> {
  dx: T;
  dwa: T;
  dba: T;
  dwb: T;
  dbb: T;
  dwc: T;
  dbc: T;
}

/** A = Wa*x + ba and B = Wb*x + bb as saved by the forward for the saved-intermediates backward. */
export interface SavedAB {
  a: Float32Array;
  b: Float32Array;
}

/** Plain depthwise conv weights [k, k, C] and optional bias [C]. */
export interface DwWeights<T = Float32Array> {
  w: T;
  b?: T;
}

export interface DwGrads<T = Float32Array> {
  dx: T;
  dw: T;
  db: T;
}

export interface QuadConvOptions {
  /** Output buffer to write y into (reuse it across calls to avoid page faults). */
  out?: Float32Array;
  /** Buffers that receive A and B, for `quadconv2dBackward(..., { saved })`. */
  save?: SavedAB;
}

export interface QuadConvBackwardOptions {
  /** A and B saved by the forward; without them A and B are recomputed from x (the default). */
  saved?: SavedAB;
  /** Output buffers to reuse; any missing one is allocated. */
  out?: Partial<QuadGrads>;
}

export interface DwConvOptions {
  out?: Float32Array;
}

export interface DwConvBackwardOptions {
  out?: Partial<DwGrads>;
}
