import type { Resolvers } from './generated-types.js';
import {
  Article,
  Concept,
  Edge,
  EdgeConnection,
  EdgeConnectionEdge,
  Mention,
  Passage,
  SearchResult,
  Sentence,
  SentenceConnection,
  SentenceConnectionEdge,
} from './graph-types.js';
import { Answer, ask } from './ask.js';
import { ModelInfo } from './model-info.js';
import { IngestResult, Mutation } from './mutation.js';
import { Node } from './node.js';
import { Query } from './query.js';

export const resolvers: Resolvers = {
  Query: { ...Query, ask },
  Mutation,
  Node,
  Answer,
  SearchResult,
  Concept,
  EdgeConnection,
  EdgeConnectionEdge,
  Edge,
  Passage,
  Sentence,
  Mention,
  Article,
  SentenceConnection,
  SentenceConnectionEdge,
  IngestResult,
  ModelInfo,
};
