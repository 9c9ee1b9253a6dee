import { luaScript } from './connection.js';

/*
 * Graph-level scripts never add to a count: each one replaces one article's recorded contribution to one
 * concept or edge (removing what the record says the article added before, then adding the new part) and
 * derives ranks from what remains. Running one twice, or after a crash, or racing another article's write,
 * therefore leaves the same state. Lua `unpack` is avoided on long lists (it has a stack limit).
 */

/**
 * Start of an article write, on the article's slot. Takes the article's lease (one writer per article),
 * answers 'unchanged' when the stored version is complete and current, else adds the entities this write
 * will touch to the article's journal and returns what an earlier version or an unfinished write touched.
 * KEYS: record, sentences, journal, lease, terms. ARGV: lease token, lease ms, content hash, journal entries…
 * Returns {'busy', pttl} | {'unchanged'} |
 * {'begun', stored content hash or '', {journal…}, {stored sentences…}, {stored index-term strings…}}.
 */
export const BEGIN_ARTICLE = luaScript(`
local holder = redis.call('GET', KEYS[4])
if holder and holder ~= ARGV[1] then return {'busy', redis.call('PTTL', KEYS[4])} end
local stored = redis.call('HGET', KEYS[1], 'contentHash') or ''
if stored == ARGV[3] and redis.call('EXISTS', KEYS[3]) == 0 then return {'unchanged'} end
redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
local journal = redis.call('SMEMBERS', KEYS[3])
for i = 4, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
return {'begun', stored, journal, redis.call('HVALS', KEYS[2]), redis.call('HVALS', KEYS[5])}
`);

/**
 * End of an article write: the new version replaces the old one in one step, the journal goes.
 * KEYS: record, sentences, tokens, journal, lease, terms.
 * ARGV: lease token, title, year, sentence count, content hash, n, n sentence values, n index-term strings,
 * then (position, tokens) pairs.
 */
export const COMMIT_ARTICLE = luaScript(`
if redis.call('GET', KEYS[5]) ~= ARGV[1] then
  return redis.error_reply('LEASELOST the article write lease expired and another writer took it')
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('HSET', KEYS[1], 'title', ARGV[2], 'year', ARGV[3], 'sentenceCount', ARGV[4], 'contentHash', ARGV[5])
local n = tonumber(ARGV[6])
for i = 1, n do
  redis.call('HSET', KEYS[2], i - 1, ARGV[6 + i])
  redis.call('HSET', KEYS[6], i - 1, ARGV[6 + n + i])
end
for i = 7 + 2 * n, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
return 1
`);

/**
 * End of an article's deletion: its keys go in one step, the journal and lease with them.
 * KEYS: record, sentences, tokens, journal, lease, terms. ARGV: lease token.
 */
export const COMMIT_DELETE = luaScript(`
if redis.call('GET', KEYS[5]) ~= ARGV[1] then
  return redis.error_reply('LEASELOST the article write lease expired and another writer took it')
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return 1
`);

/** KEYS: lease. ARGV: token. Frees the lease only if it is still this writer's. */
export const RELEASE_LEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

/**
 * Sets one article's contribution to one concept: the sentences that mention it and, per neighbour, how
 * many of those sentences also mention the neighbour (the concept's share of each edge's rank).
 * KEYS: record, sentences, articles, edges.
 * ARGV: article id, sentence key prefix, positions ("0,4"; "" when none), name, origin, forms JSON ("" when
 * the article does not name the concept), then (neighbour id, sentence count) pairs.
 * Returns {rank, degree, forms added}.
 */
export const SET_CONCEPT_CONTRIBUTION = luaScript(`
local article, prefix = ARGV[1], ARGV[2]
local previous = redis.call('HGET', KEYS[3], article)
if previous then
  previous = cjson.decode(previous)
  for position in string.gmatch(previous.p, '[^,]+') do redis.call('ZREM', KEYS[2], prefix .. position) end
  for i = 1, #previous.n, 2 do
    if tonumber(redis.call('ZINCRBY', KEYS[4], previous.n[i + 1], previous.n[i])) >= 0 then
      redis.call('ZREM', KEYS[4], previous.n[i])
    end
  end
  redis.call('HDEL', KEYS[3], article)
end
if ARGV[3] ~= '' or #ARGV > 6 then
  local neighbours = {}
  for position in string.gmatch(ARGV[3], '[^,]+') do redis.call('ZADD', KEYS[2], 0, prefix .. position) end
  for i = 7, #ARGV, 2 do
    redis.call('ZINCRBY', KEYS[4], -tonumber(ARGV[i + 1]), ARGV[i])
    neighbours[#neighbours + 1] = ARGV[i]
    neighbours[#neighbours + 1] = tonumber(ARGV[i + 1])
  end
  redis.call('HSET', KEYS[3], article, cjson.encode({p = ARGV[3], n = neighbours}))
end
local added = 0
if ARGV[4] ~= '' then
  redis.call('HSETNX', KEYS[1], 'name', ARGV[4])
  redis.call('HSETNX', KEYS[1], 'origin', ARGV[5])
  local forms = cjson.decode(redis.call('HGET', KEYS[1], 'forms') or '[]')
  local known = {}
  for _, form in ipairs(forms) do known[form] = true end
  for _, form in ipairs(cjson.decode(ARGV[6])) do
    if not known[form] then known[form] = true; forms[#forms + 1] = form; added = added + 1 end
  end
  redis.call('HSET', KEYS[1], 'forms', cjson.encode(forms))
end
local rank, degree = redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[4])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'rank', rank, 'degree', degree) end
return {rank, degree, added}
`);

/**
 * Sets one article's contribution to one edge: its sentences mentioning both concepts, scored by proximity
 * (stored negated, so ascending order is best first with ties by key), and the article's year.
 * KEYS: record, sentences, articles. ARGV: article id, sentence key prefix, year ("" when unknown), then
 * (position, negated score) pairs. Returns the edge's rank; an edge left without sentences is deleted.
 */
export const SET_EDGE_CONTRIBUTION = luaScript(`
local article, prefix = ARGV[1], ARGV[2]
local previous = redis.call('HGET', KEYS[3], article)
if previous then
  local year, positions = string.match(previous, '^([^|]*)|(.*)$')
  for position in string.gmatch(positions, '[^,]+') do redis.call('ZREM', KEYS[2], prefix .. position) end
  if year ~= '' and redis.call('HINCRBY', KEYS[1], 'y:' .. year, -1) <= 0 then redis.call('HDEL', KEYS[1], 'y:' .. year) end
  redis.call('HDEL', KEYS[3], article)
end
if #ARGV > 3 then
  local positions = {}
  for i = 4, #ARGV, 2 do
    redis.call('ZADD', KEYS[2], ARGV[i + 1], prefix .. ARGV[i])
    positions[#positions + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[3], article, ARGV[3] .. '|' .. table.concat(positions, ','))
  if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[1], 'y:' .. ARGV[3], 1) end
end
local rank = redis.call('ZCARD', KEYS[2])
if rank == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) else redis.call('HSET', KEYS[1], 'rank', rank) end
return rank
`);

/**
 * Sets one article's contribution to one term's posting list: its sentences containing the term, each scored
 * by its negated impact (ascending order is best first, ties by key), and which positions those were.
 * KEYS: postings, articles. ARGV: article id, sentence key prefix, then (position, negated impact) pairs.
 * Returns the term's document frequency.
 */
export const SET_TERM_CONTRIBUTION = luaScript(`
local article, prefix = ARGV[1], ARGV[2]
local previous = redis.call('HGET', KEYS[2], article)
if previous then
  for position in string.gmatch(previous, '[^,]+') do redis.call('ZREM', KEYS[1], prefix .. position) end
  redis.call('HDEL', KEYS[2], article)
end
if #ARGV > 2 then
  local positions = {}
  for i = 3, #ARGV, 2 do
    redis.call('ZADD', KEYS[1], ARGV[i + 1], prefix .. ARGV[i])
    positions[#positions + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[2], article, table.concat(positions, ','))
end
return redis.call('ZCARD', KEYS[1])
`);

/**
 * Records one concept's rank and degree in the corpus index (present only while its rank is above 0) and
 * keeps the sum of degrees, so stats() reads the number of edges in O(1); bumps the lexicon version when the
 * concept appears or goes. Setting, not adding, makes a replay harmless.
 * KEYS: corpus concepts, corpus edge ends, corpus lexicon version. ARGV: concept id, rank, degree.
 */
export const SET_CORPUS_CONCEPT = luaScript(`
local present = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if present ~= (tonumber(ARGV[2]) > 0) then redis.call('INCR', KEYS[3]) end
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local degree = 0
if tonumber(ARGV[2]) > 0 then
  degree = tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], ARGV[1], degree)
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
redis.call('INCRBY', KEYS[2], degree - previous)
return 1
`);

/**
 * Records an article's sentence and index-term counts in the corpus index and keeps the totals; bumps the
 * corpus version. Setting, not adding, makes a replay harmless.
 * KEYS: corpus articles, corpus sentences, corpus version, corpus article-terms, corpus terms.
 * ARGV: article id, sentence count, index-term count.
 */
export const SET_CORPUS_ARTICLE = luaScript(`
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], tonumber(ARGV[2]) - previous)
local previousTerms = tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0')
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('INCRBY', KEYS[5], tonumber(ARGV[3]) - previousTerms)
redis.call('INCR', KEYS[3])
return 1
`);

/**
 * Removes an article from the corpus index and its counts from the totals; bumps the corpus version. A replay finds
 * nothing to remove. KEYS and ARGV[1] as SET_CORPUS_ARTICLE.
 */
export const REMOVE_CORPUS_ARTICLE = luaScript(`
redis.call('DECRBY', KEYS[2], tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0'))
redis.call('DECRBY', KEYS[5], tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0'))
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('INCR', KEYS[3])
return 1
`);

/**
 * Stores re-tokenized sentences of one article, skipping positions that have no sentence (any more).
 * KEYS: sentences, tokens. ARGV: (position, tokens) pairs.
 */
export const PUT_TOKENS = luaScript(`
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return 1
`);

export const STORE_SCRIPTS = [
  BEGIN_ARTICLE,
  COMMIT_ARTICLE,
  COMMIT_DELETE,
  RELEASE_LEASE,
  SET_CONCEPT_CONTRIBUTION,
  SET_EDGE_CONTRIBUTION,
  SET_TERM_CONTRIBUTION,
  SET_CORPUS_CONCEPT,
  SET_CORPUS_ARTICLE,
  REMOVE_CORPUS_ARTICLE,
  PUT_TOKENS,
];
