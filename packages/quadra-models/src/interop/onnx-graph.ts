/**
 * A small builder over the ONNX schema (`onnx-buf`: the official onnx.proto compiled for
 * @bufbuild/protobuf): nodes with unique output names, float and int64 initializers, and the model
 * proto around them. Encoding and decoding are @bufbuild/protobuf's; nothing here writes protobuf
 * bytes by hand.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AT, AttributeProtoSchema, ModelProtoSchema, NodeProtoSchema, TensorProto_DataType as DT,
  TensorProtoSchema, ValueInfoProtoSchema, type AttributeProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto,
} from 'onnx-buf';

export type { ModelProto };

type AttrValue = number | number[] | string;
/** Attributes: integers as INT/INTS, `{ f: x }` for a FLOAT, strings as STRING. */
export type Attrs = Record<string, AttrValue | { f: number }>;

/** The IR version written (ONNX 1.12+, the first with opset 17). */
export const IR_VERSION = 8;

function attribute(name: string, v: AttrValue | { f: number }): AttributeProto {
  if (typeof v === 'object' && !Array.isArray(v)) return create(AttributeProtoSchema, { name, type: AT.FLOAT, f: v.f });
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: AT.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: AT.INTS, ints: v.map(BigInt) });
  return create(AttributeProtoSchema, { name, type: AT.INT, i: BigInt(v) });
}

/** A dimension: a fixed size or a symbolic name (dynamic batch). */
export type Dim = number | string;

function valueInfo(name: string, dims: Dim[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: DT.FLOAT,
          shape: { dim: dims.map((d) => ({ value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d } })) },
        },
      },
    },
  });
}

function bytesOf(a: Float32Array | BigInt64Array): Uint8Array<ArrayBuffer> {
  // raw_data is little-endian, as every platform Node runs on stores it
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer);
}

export class OnnxGraph {
  private readonly nodes: NodeProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly scalars = new Map<number, string>();

  /** A fresh value name built from `hint` (a module path or op). */
  fresh(hint: string): string {
    let name = hint;
    for (let i = 1; this.names.has(name); i++) name = `${hint}_${i}`;
    this.names.add(name);
    return name;
  }

  /** A float32 initializer under exactly `name` (a state dict key). */
  float(name: string, data: Float32Array, dims: readonly number[]): string {
    const n = this.fresh(name);
    this.inits.push(create(TensorProtoSchema, { name: n, dataType: DT.FLOAT, dims: dims.map(BigInt), rawData: bytesOf(data) }));
    return n;
  }

  /** An int64 initializer (shapes, axes, indices). */
  int64(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const n = this.fresh(hint);
    this.inits.push(create(TensorProtoSchema, { name: n, dataType: DT.INT64, dims: dims.map(BigInt), rawData: bytesOf(BigInt64Array.from(values, (v) => BigInt(v))) }));
    return n;
  }

  /** A float scalar constant, shared between uses of the same value. */
  scalar(v: number): string {
    let n = this.scalars.get(v);
    if (!n) this.scalars.set(v, (n = this.float(`const_${v}`, Float32Array.of(v), [])));
    return n;
  }

  /** Appends a node; returns its (first) output name. */
  op(opType: string, inputs: string[], hint: string, attrs: Attrs = {}, outputs = 1): string {
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? hint : `${hint}_${i}`));
    this.nodes.push(create(NodeProtoSchema, {
      name: outs[0], opType, input: inputs, output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    }));
    return outs[0];
  }

  /** The model around the graph: one float input and one float output. */
  model(o: {
    input: { name: string; dims: Dim[] };
    output: { name: string; dims: Dim[] };
    opset: number;
    graphName: string;
    metadata?: Record<string, string>;
    producerVersion: string;
  }): ModelProto {
    // the output node must write the graph output's name: rename the last node's output
    const last = this.nodes[this.nodes.length - 1];
    const from = last.output[0];
    last.output[0] = o.output.name;
    for (const n of this.nodes) n.input = n.input.map((i) => (i === from ? o.output.name : i));
    return create(ModelProtoSchema, {
      irVersion: BigInt(IR_VERSION),
      opsetImport: [{ domain: '', version: BigInt(o.opset) }],
      producerName: 'quadranet',
      producerVersion: o.producerVersion,
      graph: {
        name: o.graphName,
        node: this.nodes,
        initializer: this.inits,
        input: [valueInfo(o.input.name, o.input.dims)],
        output: [valueInfo(o.output.name, o.output.dims)],
      },
      metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
  }
}

export function encodeModel(m: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, m);
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return fromBinary(ModelProtoSchema, bytes);
}
