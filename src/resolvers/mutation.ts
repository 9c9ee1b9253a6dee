import { GraphQLError } from 'graphql';
import { toDocument } from '../ingest/documents.js';
import { IngestAborted } from '../ingest/ingest.js';
import { badInput } from './arguments.js';
import type { IngestOutcome, IngestResultResolvers, MutationResolvers } from './generated-types.js';

export const MAX_DOCUMENTS_PER_INGEST = 1_000;

const OUTCOMES = { created: 'CREATED', replaced: 'REPLACED', unchanged: 'UNCHANGED' } as const satisfies Record<
  string,
  IngestOutcome
>;

export const Mutation: MutationResolvers = {
  ingest: async (_, { documents }, { services }) => {
    if (documents.length > MAX_DOCUMENTS_PER_INGEST) {
      throw badInput(`at most ${MAX_DOCUMENTS_PER_INGEST} documents per request (got ${documents.length})`, 'documents');
    }
    const results = documents.map((input, index) =>
      toDocument({ id: input.id, title: input.title, year: input.year, paragraphs: [input.text] }, `documents[${index}]`),
    );
    try {
      return await services.ingest(results);
    } catch (error) {
      // The store failed or the server is stopping: the code says which, `saved` how many documents are stored.
      if (error instanceof IngestAborted) throw new GraphQLError(error.message, { extensions: { code: error.code, saved: error.saved } });
      throw error;
    }
  },
  deleteArticles: async (_, { ids }, { services }) => {
    if (ids.length > MAX_DOCUMENTS_PER_INGEST) throw badInput(`at most ${MAX_DOCUMENTS_PER_INGEST} ids per request (got ${ids.length})`, 'ids');
    const deleted = new Set(await services.deleteArticles(ids));
    return { deleted: [...deleted], notFound: [...new Set(ids)].filter((id) => !deleted.has(id)), stats: await services.store.stats() };
  },
};

export const IngestResult: IngestResultResolvers = {
  accepted: (summary) => summary.accepted.map(({ id, outcome, sentences }) => ({ id, outcome: OUTCOMES[outcome], sentences })),
  rejected: (summary) => summary.rejected.map(({ id, origin, reason }) => ({ id, origin, reason })),
  stats: (summary) => summary.stats,
};
