/**
 * Streams a GraphBuilder to an .onnx file.
 *
 * protobufjs encodes everything except the initializers' raw bytes (a few
 * hundred KB of graph structure); the weights are then written field by field
 * straight from their typed arrays. Protobuf allows a message's fields in any
 * order, and a length-delimited field only needs its length up front, which we
 * know from the tensor dims before any weight exists. So memory peaks at the
 * largest single tensor instead of twice the model size (one protobufjs buffer
 * plus the tensors it was built from).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import {
  BYTES_PER_ELEMENT,
  ONNX_DATA_TYPE,
  elementCount,
  type Attribute,
  type GraphBuilder,
  type Initializer,
  type ValueInfo,
} from './onnx-graph.js';

const { onnx } = onnxProto;

export interface OnnxModelInfo {
  irVersion: number;
  opsetImports: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Record<string, string>;
}

// Protobuf (and so onnxruntime) cannot parse a single message of 2 GiB or more.
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

// Field keys, (field_number << 3) | wire_type 2 (length-delimited), from onnx.proto.
const MODEL_GRAPH_KEY = (7 << 3) | 2;
const GRAPH_INITIALIZER_KEY = (5 << 3) | 2;
const TENSOR_RAW_DATA_KEY = (9 << 3) | 2;

/** Writes the model and returns its size in bytes. */
export function writeOnnxModel(path: string, graph: GraphBuilder, info: OnnxModelInfo): number {
  // raw_data is little-endian by the ONNX spec; typed arrays use the host's order.
  if (endianness() !== 'LE') throw new Error('writing ONNX raw_data requires a little-endian host');

  const modelHeader = onnx.ModelProto.encode({
    irVersion: info.irVersion,
    opsetImport: info.opsetImports,
    producerName: info.producerName,
    producerVersion: info.producerVersion,
    docString: info.docString ?? '',
    metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
  }).finish();

  const graphHeader = onnx.GraphProto.encode({
    name: graph.name,
    node: graph.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      input: n.inputs,
      output: n.outputs,
      attribute: n.attributes.map(encodeAttribute),
    })),
    input: graph.inputs.map(encodeValueInfo),
    output: graph.outputs.map(encodeValueInfo),
  }).finish();

  const tensors = graph.initializers.map((init) => {
    const header = onnx.TensorProto.encode({
      name: init.name,
      dims: init.dims,
      dataType: ONNX_DATA_TYPE[init.elementType],
    }).finish();
    const rawBytes = elementCount(init.dims) * BYTES_PER_ELEMENT[init.elementType];
    const tensorBytes = header.length + fieldPrefixLength(rawBytes) + rawBytes;
    return { init, header, rawBytes, tensorBytes };
  });

  const graphBytes =
    graphHeader.length + tensors.reduce((n, t) => n + fieldPrefixLength(t.tensorBytes) + t.tensorBytes, 0);
  const modelBytes = modelHeader.length + fieldPrefixLength(graphBytes) + graphBytes;
  if (modelBytes > MAX_PROTOBUF_BYTES) {
    throw new Error(`ONNX model would be ${modelBytes} bytes; protobuf cannot hold 2 GiB or more`);
  }

  const fd = openSync(path, 'w');
  try {
    writeAll(fd, modelHeader);
    writeAll(fd, fieldPrefix(MODEL_GRAPH_KEY, graphBytes));
    writeAll(fd, graphHeader);
    for (const t of tensors) {
      writeAll(fd, fieldPrefix(GRAPH_INITIALIZER_KEY, t.tensorBytes));
      writeAll(fd, t.header);
      writeAll(fd, fieldPrefix(TENSOR_RAW_DATA_KEY, t.rawBytes));
      writeAll(fd, tensorBytesOf(t.init, t.rawBytes));
    }
  } finally {
    closeSync(fd);
  }
  return modelBytes;
}

function tensorBytesOf(init: Initializer, expectedBytes: number): Uint8Array {
  const data = init.data();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length !== expectedBytes) {
    throw new Error(`initializer ${init.name}: ${bytes.length} bytes, dims [${init.dims}] need ${expectedBytes}`);
  }
  return bytes;
}

function encodeValueInfo(v: ValueInfo) {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ONNX_DATA_TYPE[v.elementType],
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function encodeAttribute(a: Attribute) {
  const { AttributeType } = onnx.AttributeProto;
  switch (a.kind) {
    case 'int':
      return { name: a.name, type: AttributeType.INT, i: a.value };
    case 'ints':
      return { name: a.name, type: AttributeType.INTS, ints: a.value };
    case 'float':
      return { name: a.name, type: AttributeType.FLOAT, f: a.value };
  }
}

function varint(value: number): number[] {
  const out: number[] = [];
  // Plain arithmetic, not bit ops: lengths here can exceed 2^31.
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

function fieldPrefix(key: number, length: number): Uint8Array {
  return Uint8Array.from([key, ...varint(length)]);
}

function fieldPrefixLength(length: number): number {
  return 1 + varint(length).length;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    offset += writeSync(fd, bytes, offset, bytes.length - offset);
  }
}
