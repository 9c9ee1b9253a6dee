import type { Services } from '../resolvers/request-context.js';
import { runOperation } from '../server/in-process.js';

/** The server's `ask`, so the terminal gets its argument checks, error codes and answers. */
const ASK_QUERY = `query Ask($question: String!, $limit: Int) { ask(question: $question, limit: $limit) {
  answers { text score cached
    sentence { key text }
    spans { start end sentence { key } }
    passage { article { id title } } } } }`;

interface AskData {
  ask: {
    answers: {
      text: string;
      score: number;
      cached: boolean;
      sentence: { key: string; text: string };
      spans: { start: number; end: number; sentence: { key: string } }[];
      passage: { article: { id: string; title: string } };
    }[];
  };
}

/** One answer as `kgqa ask --json` prints it: offsets are in the sentence's text. */
export interface CliAnswer {
  text: string;
  score: number;
  cached: boolean;
  sentence: { key: string; text: string; start: number; end: number };
  article: { id: string; title: string };
}

export class AskError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export async function askQuestion(services: Services, question: string, limit: number): Promise<CliAnswer[]> {
  const result = await runOperation<AskData>(services, ASK_QUERY, { question, limit });
  const error = result.errors?.[0];
  if (error) throw new AskError(error.message, String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  return result.data!.ask.answers.map(({ text, score, cached, sentence, spans, passage }) => {
    const span = spans.find((s) => s.sentence.key === sentence.key)!;
    return { text, score, cached, sentence: { ...sentence, start: span.start, end: span.end }, article: passage.article };
  });
}

/** Answers for a person: the answer, then its sentence with the answer in «», then its article. */
export function formatAnswers(question: string, answers: readonly CliAnswer[]): string {
  if (answers.length === 0) return `No answer found for "${question}".`;
  return answers
    .map(({ text, score, cached, sentence, article }, i) => {
      const marked = `${sentence.text.slice(0, sentence.start)}«${sentence.text.slice(sentence.start, sentence.end)}»${sentence.text.slice(sentence.end)}`;
      return [
        `${i + 1}. ${text}  (score ${score.toFixed(3)}${cached ? ', cached' : ''})`,
        `   sentence: ${marked}`,
        `   article:  ${article.title} (${article.id})`,
      ].join('\n');
    })
    .join('\n');
}
