import type { ModelInfoResolvers } from './generated-types.js';

/** What `{ model }` says of the reader: its name (never a server path), weights, and whether its answers mean anything. */
export const ModelInfo: ModelInfoResolvers = {
  name: (reader) => reader.model.name,
  variant: (reader) => reader.model.variant,
  meaningful: (reader) => !reader.model.generated,
  generated: (reader) => reader.model.generated,
  noAnswer: (reader) => reader.noAnswer !== null,
  description: (reader) => reader.model.description,
};
