import type { GraphQLResolveInfo } from 'graphql';
import type { ConceptRecord, EdgeRecord, SentenceRecord, ArticleRecord, MentionRecord, PassageRecord } from '../domain.js';
import type { SearchResultParent, ConnectionParent, ConnectionEdgeParent, AskResultParent, AnswerParent } from './parents.js';
import type { IngestSummary } from '../ingest/ingest.js';
import type { QaReader } from '../pipeline/reader.js';
import type { RequestContext } from './request-context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

export type AcceptedDocument = {
  __typename?: 'AcceptedDocument';
  id: Scalars['ID']['output'];
  /** CREATED, REPLACED, or UNCHANGED when the same content was already stored. */
  outcome: IngestOutcome;
  sentences: Scalars['Int']['output'];
};

export type Answer = {
  __typename?: 'Answer';
  /** True when the answer came from the answer cache rather than a model run. */
  cached: Scalars['Boolean']['output'];
  /** The edge among the question's concepts that led retrieval to the passage; null when its words alone did. */
  edge?: Maybe<Edge>;
  end: Scalars['Int']['output'];
  /**
   * The passage's no-answer score: the first token's ([CLS]) start probability times its end probability, lowest
   * over the passage's windows, as Hugging Face scores the null answer of a SQuAD 2.0 model.
   */
  nullScore: Scalars['Float']['output'];
  /** The passage the answer was read in. */
  passage: Passage;
  /**
   * Start probability times end probability, as transformers.js scores a span. A passage longer than the model
   * reads at once is read in overlapping windows (Hugging Face's doc_stride) and scored in the window of its span.
   */
  score: Scalars['Float']['output'];
  /** The sentence the answer starts in. */
  sentence: Sentence;
  /** The answer in each sentence it spans (an answer may cross a sentence boundary), with offsets in that sentence. */
  spans: Array<AnswerSpan>;
  /** Character offsets of the answer in the passage text. */
  start: Scalars['Int']['output'];
  /** The answer, cut from the passage text by character offsets. */
  text: Scalars['String']['output'];
};

/** Part of an answer inside one sentence. */
export type AnswerSpan = {
  __typename?: 'AnswerSpan';
  end: Scalars['Int']['output'];
  sentence: Sentence;
  /** Character offsets in the sentence text. */
  start: Scalars['Int']['output'];
};

export type Article = Node & {
  __typename?: 'Article';
  id: Scalars['ID']['output'];
  sentenceCount: Scalars['Int']['output'];
  sentences: SentenceConnection;
  title: Scalars['String']['output'];
  year?: Maybe<Scalars['Int']['output']>;
};


export type ArticleSentencesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type AskResult = {
  __typename?: 'AskResult';
  /**
   * Best span per candidate passage, highest score first, at most `limit`. With a model that can say "no answer"
   * (ModelInfo.noAnswer), a passage whose null score beats its best span (by more than the server's
   * --null-threshold) gives none.
   */
  answers: Array<Answer>;
  /** Every passage the reader considered, in retrieval order: the provenance of the answers. */
  candidates: Array<Passage>;
  /** Concepts matched in the question. */
  concepts: Array<Concept>;
  /**
   * True when the model can say "no answer" (ModelInfo.noAnswer) and found no answer in any candidate passage it
   * read; `answers` is then empty.
   */
  noAnswer: Scalars['Boolean']['output'];
  /** The lowest no-answer score among the passages read (see Answer.nullScore); null when no passage was read. */
  nullScore?: Maybe<Scalars['Float']['output']>;
  question: Scalars['String']['output'];
  tookMs: Scalars['Float']['output'];
};

export type Concept = Node & {
  __typename?: 'Concept';
  /** Edges to other concepts, highest rank first; none to the concepts in `exclude` (nor counted in `totalCount`). */
  edges: EdgeConnection;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** Where the concept comes from: VOCABULARY or CORPUS (keyphrases extracted from the documents). */
  origin: ConceptOrigin;
  /** Number of sentences that mention the concept. */
  rank: Scalars['Int']['output'];
};


export type ConceptEdgesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  exclude?: InputMaybe<Array<Scalars['ID']['input']>>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ConceptOrigin =
  | 'CORPUS'
  | 'VOCABULARY';

export type DeleteResult = {
  __typename?: 'DeleteResult';
  deleted: Array<Scalars['ID']['output']>;
  notFound: Array<Scalars['ID']['output']>;
  stats: Stats;
};

export type DocumentInput = {
  id: Scalars['ID']['input'];
  text: Scalars['String']['input'];
  title?: InputMaybe<Scalars['String']['input']>;
  year?: InputMaybe<Scalars['Int']['input']>;
};

export type Edge = Node & {
  __typename?: 'Edge';
  /** The two concept ids in id order, joined by a tab: the same whichever way the edge was reached. */
  id: Scalars['ID']['output'];
  /** Number of sentences that mention both concepts. */
  rank: Scalars['Int']['output'];
  /** The edge's sentences, most closely co-mentioned first. */
  sentences: Array<Sentence>;
  source: Concept;
  target: Concept;
  /** Rank weighted by the specificity of both concepts; the order of search links. */
  weight: Scalars['Float']['output'];
  /** Years of the articles whose sentences form the edge. */
  years: Array<Scalars['Int']['output']>;
};


export type EdgeSentencesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type EdgeConnection = {
  __typename?: 'EdgeConnection';
  edges: Array<EdgeConnectionEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type EdgeConnectionEdge = {
  __typename?: 'EdgeConnectionEdge';
  cursor: Scalars['String']['output'];
  node: Edge;
};

export type IngestOutcome =
  | 'CREATED'
  | 'REPLACED'
  | 'UNCHANGED';

export type IngestResult = {
  __typename?: 'IngestResult';
  accepted: Array<AcceptedDocument>;
  rejected: Array<RejectedDocument>;
  stats: Stats;
};

/** Where a concept is mentioned, as character offsets in the sentence text. */
export type Mention = {
  __typename?: 'Mention';
  concept: Concept;
  end: Scalars['Int']['output'];
  start: Scalars['Int']['output'];
};

export type ModelInfo = {
  __typename?: 'ModelInfo';
  description: Scalars['String']['output'];
  /** True for models generated with random weights: the opposite of `meaningful`. */
  generated: Scalars['Boolean']['output'];
  /**
   * False for a model generated with random weights (config.json says "kgqa_generated": true): its answers are
   * arbitrary stretches of text, not what the documents say.
   */
  meaningful: Scalars['Boolean']['output'];
  /** What answers: the Hub id (owner/name[@revision]) or the name of the model's folder; never a path on the server. */
  name: Scalars['String']['output'];
  /**
   * Whether the model can say a passage holds no answer (trained on SQuAD 2.0; the server's --no-answer), and so
   * whether `ask` reports noAnswer.
   */
  noAnswer: Scalars['Boolean']['output'];
  /** fp32 or int8 weights. */
  variant: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Deletes articles as if they had never been ingested: concept and edge ranks, the text index and cached answers
   * follow. Ids of articles that are not stored come back in `notFound`. Needs the API key, as `ingest` does.
   */
  deleteArticles: DeleteResult;
  /** Ingests documents exactly as the CLI does; each document is accepted or rejected on its own. */
  ingest: IngestResult;
};


export type MutationDeleteArticlesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type MutationIngestArgs = {
  documents: Array<DocumentInput>;
};

/**
 * An object that `node(id:)` fetches again by its id (Relay's Global Object Identification). Ids are stable and
 * unique across types: a concept's and an article's id are their own ids (article ids hold no whitespace or "#"),
 * a sentence's is its key, a passage's its key, an edge's its two concept ids (in id order) joined by a tab.
 */
export type Node = {
  id: Scalars['ID']['output'];
};

/** Relay's cursor connection page info; pages go forward (`first`, `after`). */
export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  /** True when items come before this page (it was asked for with `after`). */
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A stretch of adjacent sentences of one article, read by the QA model as one text: the sentences joined by a space. */
export type Passage = Node & {
  __typename?: 'Passage';
  article: Article;
  /** Its key. */
  id: Scalars['ID']['output'];
  /** `<articleId>#<first>-<last>`: the positions of its first and last sentence. An ID, as Sentence.key is, so both can be selected together. */
  key: Scalars['ID']['output'];
  sentences: Array<Sentence>;
  text: Scalars['String']['output'];
};

/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type Query = {
  __typename?: 'Query';
  article?: Maybe<Article>;
  /**
   * Answers a question: the text index and the concept graph find candidate passages (a few adjacent sentences),
   * and an extractive QA model reads them in batches. Errors: BAD_USER_INPUT (empty or too long question, bad
   * limit), MODEL_UNAVAILABLE (the server runs without a model).
   */
  ask: AskResult;
  concept?: Maybe<Concept>;
  /** The edge between two concepts, in either order. */
  edge?: Maybe<Edge>;
  /** The QA model the server runs, if any. */
  model?: Maybe<ModelInfo>;
  /** The concept, edge, sentence, passage or article with this id; null when there is none. */
  node?: Maybe<Node>;
  /**
   * Concepts matched in the text and the top-ranked links among and around them.
   * Links are ordered by rank weighted by how specific both concepts are, so very common concepts do not dominate.
   */
  search: SearchResult;
  sentence?: Maybe<Sentence>;
  stats: Stats;
};


/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type QueryArticleArgs = {
  id: Scalars['ID']['input'];
};


/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type QueryAskArgs = {
  exclude?: InputMaybe<Array<Scalars['ID']['input']>>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  question: Scalars['String']['input'];
  years?: InputMaybe<Array<Scalars['Int']['input']>>;
};


/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type QueryConceptArgs = {
  id: Scalars['ID']['input'];
};


/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type QueryEdgeArgs = {
  source: Scalars['ID']['input'];
  target: Scalars['ID']['input'];
};


/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type QuerySearchArgs = {
  exclude?: InputMaybe<Array<Scalars['ID']['input']>>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  text: Scalars['String']['input'];
  years?: InputMaybe<Array<Scalars['Int']['input']>>;
};


/**
 * kgqa: a concept graph built from documents. Concepts co-occurring in a sentence form ranked edges;
 * each edge keeps its sentences ranked by how closely the two concepts are mentioned.
 */
export type QuerySentenceArgs = {
  key: Scalars['ID']['input'];
};

export type RejectedDocument = {
  __typename?: 'RejectedDocument';
  /** The document's id when it could be read. */
  id?: Maybe<Scalars['ID']['output']>;
  /** Where the document came from, e.g. documents[3] or a file path and line. */
  origin: Scalars['String']['output'];
  reason: Scalars['String']['output'];
};

export type SearchResult = {
  __typename?: 'SearchResult';
  concepts: Array<Concept>;
  links: Array<Edge>;
  /** Years of the articles behind the links, ascending. */
  years: Array<Scalars['Int']['output']>;
};

export type Sentence = Node & {
  __typename?: 'Sentence';
  article: Article;
  concepts: Array<Concept>;
  end: Scalars['Int']['output'];
  /** Its key. */
  id: Scalars['ID']['output'];
  /** `<articleId>#<position>`. */
  key: Scalars['ID']['output'];
  mentions: Array<Mention>;
  /** Position of the sentence in its article, from 0. */
  position: Scalars['Int']['output'];
  /** Character offsets of the sentence in its article's text (paragraphs joined by a blank line). */
  start: Scalars['Int']['output'];
  text: Scalars['String']['output'];
};

export type SentenceConnection = {
  __typename?: 'SentenceConnection';
  edges: Array<SentenceConnectionEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type SentenceConnectionEdge = {
  __typename?: 'SentenceConnectionEdge';
  cursor: Scalars['String']['output'];
  node: Sentence;
};

export type Stats = {
  __typename?: 'Stats';
  articles: Scalars['Int']['output'];
  concepts: Scalars['Int']['output'];
  edges: Scalars['Int']['output'];
  sentences: Scalars['Int']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;




/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = {
  Node:
    | ( ArticleRecord )
    | ( ConceptRecord )
    | ( EdgeRecord )
    | ( PassageRecord )
    | ( SentenceRecord )
  ;
};

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AcceptedDocument: ResolverTypeWrapper<AcceptedDocument>;
  Answer: ResolverTypeWrapper<AnswerParent>;
  AnswerSpan: ResolverTypeWrapper<Omit<AnswerSpan, 'sentence'> & { sentence: ResolversTypes['Sentence'] }>;
  Article: ResolverTypeWrapper<ArticleRecord>;
  AskResult: ResolverTypeWrapper<AskResultParent>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Concept: ResolverTypeWrapper<ConceptRecord>;
  ConceptOrigin: ConceptOrigin;
  DeleteResult: ResolverTypeWrapper<DeleteResult>;
  DocumentInput: DocumentInput;
  Edge: ResolverTypeWrapper<EdgeRecord>;
  EdgeConnection: ResolverTypeWrapper<ConnectionParent<EdgeRecord>>;
  EdgeConnectionEdge: ResolverTypeWrapper<ConnectionEdgeParent<EdgeRecord>>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  IngestOutcome: IngestOutcome;
  IngestResult: ResolverTypeWrapper<IngestSummary>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Mention: ResolverTypeWrapper<MentionRecord>;
  ModelInfo: ResolverTypeWrapper<QaReader>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Node: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Node']>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Passage: ResolverTypeWrapper<PassageRecord>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RejectedDocument: ResolverTypeWrapper<RejectedDocument>;
  SearchResult: ResolverTypeWrapper<SearchResultParent>;
  Sentence: ResolverTypeWrapper<SentenceRecord>;
  SentenceConnection: ResolverTypeWrapper<ConnectionParent<string>>;
  SentenceConnectionEdge: ResolverTypeWrapper<ConnectionEdgeParent<string>>;
  Stats: ResolverTypeWrapper<Stats>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AcceptedDocument: AcceptedDocument;
  Answer: AnswerParent;
  AnswerSpan: Omit<AnswerSpan, 'sentence'> & { sentence: ResolversParentTypes['Sentence'] };
  Article: ArticleRecord;
  AskResult: AskResultParent;
  Boolean: Scalars['Boolean']['output'];
  Concept: ConceptRecord;
  DeleteResult: DeleteResult;
  DocumentInput: DocumentInput;
  Edge: EdgeRecord;
  EdgeConnection: ConnectionParent<EdgeRecord>;
  EdgeConnectionEdge: ConnectionEdgeParent<EdgeRecord>;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  IngestResult: IngestSummary;
  Int: Scalars['Int']['output'];
  Mention: MentionRecord;
  ModelInfo: QaReader;
  Mutation: Record<PropertyKey, never>;
  Node: ResolversInterfaceTypes<ResolversParentTypes>['Node'];
  PageInfo: PageInfo;
  Passage: PassageRecord;
  Query: Record<PropertyKey, never>;
  RejectedDocument: RejectedDocument;
  SearchResult: SearchResultParent;
  Sentence: SentenceRecord;
  SentenceConnection: ConnectionParent<string>;
  SentenceConnectionEdge: ConnectionEdgeParent<string>;
  Stats: Stats;
  String: Scalars['String']['output'];
};

export type AcceptedDocumentResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AcceptedDocument'] = ResolversParentTypes['AcceptedDocument']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['IngestOutcome'], ParentType, ContextType>;
  sentences?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AnswerResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Answer'] = ResolversParentTypes['Answer']> = {
  cached?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  edge?: Resolver<Maybe<ResolversTypes['Edge']>, ParentType, ContextType>;
  end?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  nullScore?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  passage?: Resolver<ResolversTypes['Passage'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  sentence?: Resolver<ResolversTypes['Sentence'], ParentType, ContextType>;
  spans?: Resolver<Array<ResolversTypes['AnswerSpan']>, ParentType, ContextType>;
  start?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AnswerSpanResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AnswerSpan'] = ResolversParentTypes['AnswerSpan']> = {
  end?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sentence?: Resolver<ResolversTypes['Sentence'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ArticleResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Article'] = ResolversParentTypes['Article']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sentenceCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sentences?: Resolver<ResolversTypes['SentenceConnection'], ParentType, ContextType, RequireFields<ArticleSentencesArgs, 'first'>>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  year?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type AskResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AskResult'] = ResolversParentTypes['AskResult']> = {
  answers?: Resolver<Array<ResolversTypes['Answer']>, ParentType, ContextType>;
  candidates?: Resolver<Array<ResolversTypes['Passage']>, ParentType, ContextType>;
  concepts?: Resolver<Array<ResolversTypes['Concept']>, ParentType, ContextType>;
  noAnswer?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nullScore?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  question?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tookMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type ConceptResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Concept'] = ResolversParentTypes['Concept']> = {
  edges?: Resolver<ResolversTypes['EdgeConnection'], ParentType, ContextType, RequireFields<ConceptEdgesArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  origin?: Resolver<ResolversTypes['ConceptOrigin'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type DeleteResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DeleteResult'] = ResolversParentTypes['DeleteResult']> = {
  deleted?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  notFound?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  stats?: Resolver<ResolversTypes['Stats'], ParentType, ContextType>;
};

export type EdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Edge'] = ResolversParentTypes['Edge']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sentences?: Resolver<Array<ResolversTypes['Sentence']>, ParentType, ContextType, RequireFields<EdgeSentencesArgs, 'first'>>;
  source?: Resolver<ResolversTypes['Concept'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['Concept'], ParentType, ContextType>;
  weight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  years?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EdgeConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['EdgeConnection'] = ResolversParentTypes['EdgeConnection']> = {
  edges?: Resolver<Array<ResolversTypes['EdgeConnectionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EdgeConnectionEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['EdgeConnectionEdge'] = ResolversParentTypes['EdgeConnectionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Edge'], ParentType, ContextType>;
};

export type IngestResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['IngestResult'] = ResolversParentTypes['IngestResult']> = {
  accepted?: Resolver<Array<ResolversTypes['AcceptedDocument']>, ParentType, ContextType>;
  rejected?: Resolver<Array<ResolversTypes['RejectedDocument']>, ParentType, ContextType>;
  stats?: Resolver<ResolversTypes['Stats'], ParentType, ContextType>;
};

export type MentionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Mention'] = ResolversParentTypes['Mention']> = {
  concept?: Resolver<ResolversTypes['Concept'], ParentType, ContextType>;
  end?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ModelInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ModelInfo'] = ResolversParentTypes['ModelInfo']> = {
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  generated?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  meaningful?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  noAnswer?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  variant?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  deleteArticles?: Resolver<ResolversTypes['DeleteResult'], ParentType, ContextType, RequireFields<MutationDeleteArticlesArgs, 'ids'>>;
  ingest?: Resolver<ResolversTypes['IngestResult'], ParentType, ContextType, RequireFields<MutationIngestArgs, 'documents'>>;
};

export type NodeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Node'] = ResolversParentTypes['Node']> = {
  __resolveType: TypeResolveFn<'Article' | 'Concept' | 'Edge' | 'Passage' | 'Sentence', ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PassageResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Passage'] = ResolversParentTypes['Passage']> = {
  article?: Resolver<ResolversTypes['Article'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sentences?: Resolver<Array<ResolversTypes['Sentence']>, ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  article?: Resolver<Maybe<ResolversTypes['Article']>, ParentType, ContextType, RequireFields<QueryArticleArgs, 'id'>>;
  ask?: Resolver<ResolversTypes['AskResult'], ParentType, ContextType, RequireFields<QueryAskArgs, 'limit' | 'question'>>;
  concept?: Resolver<Maybe<ResolversTypes['Concept']>, ParentType, ContextType, RequireFields<QueryConceptArgs, 'id'>>;
  edge?: Resolver<Maybe<ResolversTypes['Edge']>, ParentType, ContextType, RequireFields<QueryEdgeArgs, 'source' | 'target'>>;
  model?: Resolver<Maybe<ResolversTypes['ModelInfo']>, ParentType, ContextType>;
  node?: Resolver<Maybe<ResolversTypes['Node']>, ParentType, ContextType, RequireFields<QueryNodeArgs, 'id'>>;
  search?: Resolver<ResolversTypes['SearchResult'], ParentType, ContextType, RequireFields<QuerySearchArgs, 'limit' | 'text'>>;
  sentence?: Resolver<Maybe<ResolversTypes['Sentence']>, ParentType, ContextType, RequireFields<QuerySentenceArgs, 'key'>>;
  stats?: Resolver<ResolversTypes['Stats'], ParentType, ContextType>;
};

export type RejectedDocumentResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RejectedDocument'] = ResolversParentTypes['RejectedDocument']> = {
  id?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  origin?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SearchResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SearchResult'] = ResolversParentTypes['SearchResult']> = {
  concepts?: Resolver<Array<ResolversTypes['Concept']>, ParentType, ContextType>;
  links?: Resolver<Array<ResolversTypes['Edge']>, ParentType, ContextType>;
  years?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type SentenceResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Sentence'] = ResolversParentTypes['Sentence']> = {
  article?: Resolver<ResolversTypes['Article'], ParentType, ContextType>;
  concepts?: Resolver<Array<ResolversTypes['Concept']>, ParentType, ContextType>;
  end?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  mentions?: Resolver<Array<ResolversTypes['Mention']>, ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SentenceConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SentenceConnection'] = ResolversParentTypes['SentenceConnection']> = {
  edges?: Resolver<Array<ResolversTypes['SentenceConnectionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SentenceConnectionEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SentenceConnectionEdge'] = ResolversParentTypes['SentenceConnectionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Sentence'], ParentType, ContextType>;
};

export type StatsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Stats'] = ResolversParentTypes['Stats']> = {
  articles?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  concepts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  edges?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sentences?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type Resolvers<ContextType = RequestContext> = {
  AcceptedDocument?: AcceptedDocumentResolvers<ContextType>;
  Answer?: AnswerResolvers<ContextType>;
  AnswerSpan?: AnswerSpanResolvers<ContextType>;
  Article?: ArticleResolvers<ContextType>;
  AskResult?: AskResultResolvers<ContextType>;
  Concept?: ConceptResolvers<ContextType>;
  DeleteResult?: DeleteResultResolvers<ContextType>;
  Edge?: EdgeResolvers<ContextType>;
  EdgeConnection?: EdgeConnectionResolvers<ContextType>;
  EdgeConnectionEdge?: EdgeConnectionEdgeResolvers<ContextType>;
  IngestResult?: IngestResultResolvers<ContextType>;
  Mention?: MentionResolvers<ContextType>;
  ModelInfo?: ModelInfoResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Node?: NodeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Passage?: PassageResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RejectedDocument?: RejectedDocumentResolvers<ContextType>;
  SearchResult?: SearchResultResolvers<ContextType>;
  Sentence?: SentenceResolvers<ContextType>;
  SentenceConnection?: SentenceConnectionResolvers<ContextType>;
  SentenceConnectionEdge?: SentenceConnectionEdgeResolvers<ContextType>;
  Stats?: StatsResolvers<ContextType>;
};

