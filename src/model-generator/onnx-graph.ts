/**
 * A minimal in-memory ONNX graph: just what the BERT builder needs, kept
 * independent of protobuf so weights can stay lazy until the writer streams them.
 */

export type ElementType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64';

/** onnx.TensorProto.DataType values. */
export const ONNX_DATA_TYPE: Record<ElementType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
};

export const BYTES_PER_ELEMENT: Record<ElementType, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
};

export type TensorData = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

/** A symbolic dimension is a name such as "batch_size". */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  elementType: ElementType;
  dims: Dim[];
}

export interface Initializer {
  name: string;
  elementType: ElementType;
  dims: number[];
  /**
   * Produces the tensor's values. Called once, when the writer reaches this
   * tensor, so a 1 GB model never holds all its weights in memory at once.
   */
  data: () => TensorData;
}

export type Attribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'float'; value: number };

export const intAttr = (name: string, value: number): Attribute => ({ name, kind: 'int', value });
export const intsAttr = (name: string, value: number[]): Attribute => ({ name, kind: 'ints', value });
export const floatAttr = (name: string, value: number): Attribute => ({ name, kind: 'float', value });

export interface GraphNode {
  name: string;
  opType: string;
  /** "" is the default ONNX domain; "com.microsoft" holds onnxruntime's contrib ops. */
  domain: string;
  /** "" marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Attribute[];
}

export interface OpOptions {
  /** Node name; also the prefix of generated output names. */
  name?: string;
  attrs?: Attribute[];
  domain?: string;
  /** Explicit output names, or how many generated ones. Default: one generated output. */
  outputs?: string[] | number;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private anonymousNodes = 0;

  constructor(readonly name: string) {}

  addInput(name: string, elementType: ElementType, dims: Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, elementType, dims });
    return name;
  }

  /** Declares an existing value (usually a node output) as a graph output. */
  addOutput(name: string, elementType: ElementType, dims: Dim[]): void {
    this.outputs.push({ name, elementType, dims });
  }

  addInitializer(initializer: Initializer): string {
    this.claim(initializer.name);
    this.initializers.push(initializer);
    return initializer.name;
  }

  /** A small constant whose values are known now (shapes, axes, scalars). */
  constant(name: string, elementType: ElementType, dims: number[], values: TensorData): string {
    if (values.length !== elementCount(dims)) {
      throw new Error(`constant ${name}: ${values.length} values for dims [${dims}]`);
    }
    return this.addInitializer({ name, elementType, dims, data: () => values });
  }

  scalarFloat(name: string, value: number): string {
    return this.constant(name, 'float32', [], Float32Array.of(value));
  }

  int64s(name: string, values: number[]): string {
    return this.constant(name, 'int64', [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node and returns its output names. */
  op(opType: string, inputs: string[], options: OpOptions = {}): string[] {
    const name = options.name ?? `${opType}_${this.anonymousNodes++}`;
    const outputs =
      typeof options.outputs === 'object'
        ? options.outputs
        : Array.from({ length: options.outputs ?? 1 }, (_, i) => `${name}_output_${i}`);
    for (const output of outputs) this.claim(output);
    this.nodes.push({
      name,
      opType,
      domain: options.domain ?? '',
      inputs,
      outputs,
      attributes: options.attrs ?? [],
    });
    return outputs;
  }

  /** Adds a single-output node and returns that output's name. */
  op1(opType: string, inputs: string[], options: Omit<OpOptions, 'outputs'> & { output?: string } = {}): string {
    const { output, ...rest } = options;
    return this.op(opType, inputs, { ...rest, outputs: output ? [output] : 1 })[0];
  }

  // Every value in an ONNX graph must have exactly one producer.
  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`duplicate ONNX value name: ${name}`);
    this.names.add(name);
  }
}
