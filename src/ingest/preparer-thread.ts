/** The ingest's preparation thread: loads the vocabularies and the tokenizer once, then prepares batches. */
import { loadTokenizer } from '../pipeline/tokenizers/load-tokenizer.js';
import { serveWorkerRequests } from '../worker-rpc.js';
import type { PreparerOptions } from './article-preparer.js';
import { BatchPreparation } from './batch-preparation.js';
import { lexiconFromVocabularies } from './concept-lexicon.js';
import { loadVocabulary } from './vocabulary.js';

await serveWorkerRequests(async ({ vocabularies = [], modelDir }: PreparerOptions) => {
  const [lexicon, tokenizer] = await Promise.all([
    vocabularies.length > 0 ? Promise.all(vocabularies.map((path) => loadVocabulary(path))).then(lexiconFromVocabularies) : null,
    modelDir ? loadTokenizer(modelDir) : undefined,
  ]);
  const batch = new BatchPreparation(lexicon, tokenizer);
  return {
    ready: { fingerprint: batch.fingerprint, corpusConcepts: lexicon === null },
    handlers: {
      classify: batch.classify.bind(batch),
      begin: batch.begin.bind(batch),
      next: batch.prepareNext.bind(batch),
      end: batch.end.bind(batch),
    },
  };
});
