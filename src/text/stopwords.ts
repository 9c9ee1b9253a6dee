/**
 * Words that never name a concept, shared by the concept matcher and the keyphrase extractor. Curated
 * here rather than taken from a package: none of the installed packages exports a word list (wink-nlp
 * only flags stop words on the tokens of a parsed document), and the generic words are specific to
 * scientific prose.
 */

/** English function words: articles, pronouns, prepositions, conjunctions, auxiliaries, common adverbs. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'about', 'above', 'across', 'after', 'again', 'against', 'all', 'almost', 'along', 'already', 'also',
  'although', 'always', 'am', 'among', 'amongst', 'an', 'and', 'another', 'any', 'anyone', 'anything', 'are',
  'around', 'as', 'at', 'be', 'became', 'because', 'become', 'becomes', 'been', 'before', 'being', 'below',
  'beside', 'besides', 'between', 'beyond', 'both', 'but', 'by', 'can', 'cannot', 'could', 'did', 'do',
  'does', 'doing', 'done', 'down', 'due', 'during', 'each', 'either', 'else', 'enough', 'even', 'ever',
  'every', 'few', 'for', 'from', 'further', 'had', 'has', 'have', 'having', 'he', 'hence', 'her', 'here',
  'hers', 'herself', 'him', 'himself', 'his', 'how', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'itself',
  'just', 'least', 'less', 'many', 'may', 'me', 'might', 'more', 'most', 'much', 'must', 'my', 'myself',
  'neither', 'never', 'no', 'nor', 'not', 'now', 'of', 'off', 'often', 'on', 'once', 'one', 'only', 'onto',
  'or', 'other', 'others', 'otherwise', 'our', 'ours', 'ourselves', 'out', 'over', 'own', 'per', 'perhaps',
  'quite', 'rather', 'same', 'several', 'she', 'should', 'since', 'so', 'some', 'still', 'such', 'than',
  'that', 'the', 'their', 'theirs', 'them', 'themselves', 'then', 'there', 'thereby', 'therefore', 'these',
  'they', 'this', 'those', 'though', 'through', 'throughout', 'thus', 'to', 'together', 'too', 'toward',
  'towards', 'under', 'unless', 'until', 'up', 'upon', 'us', 'very', 'via', 'was', 'we', 'were', 'what',
  'whatever', 'when', 'whenever', 'where', 'whereas', 'whether', 'which', 'while', 'who', 'whom', 'whose',
  'why', 'will', 'with', 'within', 'without', 'would', 'yet', 'you', 'your', 'yours', 'yourself',
]);

/**
 * Words of scientific prose that say nothing about its subject: the paper and its parts, reporting verbs,
 * discourse markers, vague quantities and units of time, lowercase. Alone they are no concept, even where
 * a vocabulary lists them (NCIT's "study", MeSH's "Tables" and "Time"); a keyphrase may not start or end
 * with one, so neither "results" nor "these results" nor "et al" becomes a concept.
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  // the paper and its parts
  'study', 'studies', 'paper', 'article', 'manuscript', 'work', 'report', 'reports', 'review', 'figure',
  'figures', 'fig', 'figs', 'table', 'tables', 'panel', 'panels', 'section', 'supplementary', 'et', 'al',
  'ref', 'refs', 'data', 'result', 'results', 'finding', 'findings', 'method', 'methods', 'materials',
  'conclusion', 'conclusions', 'introduction', 'discussion', 'abstract', 'background', 'author', 'authors',
  'colleagues', 'limitation', 'limitations',
  // reporting and discourse
  'using', 'use', 'used', 'however', 'respectively', 'furthermore', 'moreover', 'addition',
  'additionally', 'indeed', 'finally', 'first', 'firstly', 'second', 'secondly', 'third', 'shown',
  'described', 'previously', 'show', 'shows', 'showed', 'suggest', 'suggests', 'indicate', 'indicates',
  'demonstrate', 'demonstrates', 'reveal', 'reveals', 'observed', 'found', 'example', 'examples',
  'instance', 'case', 'fact', 'approach', 'respect', 'order', 'way', 'ways', 'possible', 'likely', 'well',
  'like', 'aspect', 'aspects', 'kind', 'part', 'parts', 'type', 'types', 'term', 'terms', 'role', 'roles',
  'form', 'forms', 'effect', 'effects', 'presence', 'absence', 'basis', 'manner', 'extent', 'degree',
  'purpose',
  // vague quantities and qualities
  'number', 'numbers', 'amount', 'amounts', 'level', 'levels', 'total', 'different', 'difference',
  'differences', 'similar', 'various', 'important', 'significant', 'high', 'higher', 'low', 'lower',
  'large', 'larger', 'small', 'smaller', 'new', 'novel', 'specific', 'following', 'general', 'relative',
  'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'single', 'multiple', 'whole',
  // units of time
  'time', 'times', 'min', 'minute', 'minutes', 'hour', 'hours', 'day', 'days', 'week', 'weeks', 'month',
  'months', 'year', 'years',
]);
