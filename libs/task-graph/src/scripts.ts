import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * Every state transition of a graph is one of these Lua scripts, so it is atomic with respect to every other
 * executor process on the same prefix. Keys: KEYS[1] = graph hash, KEYS[2] = in-flight set,
 * KEYS[3] = attempt-record list; task hashes are `<KEYS[1]>:task:<id>` (single Redis node; see README).
 * Timestamps come from the Redis clock (TIME) so queue waits are comparable across processes.
 * Replies never contain nil/false (that would truncate the array): flags are '1'/'0', absent values ''.
 */
const COMMON = `
local G = KEYS[1]
local INFLIGHT = KEYS[2]
local ATTEMPTS = KEYS[3]
local function tkey(id) return G .. ':task:' .. id end
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local COUNTERS = { succeeded = 'nSucceeded', failed = 'nFailed', skipped = 'nSkipped', expired = 'nExpired', cancelled = 'nCancelled' }
local function settle(id, state, reason, err, now)
  redis.call('HSET', tkey(id), 'state', state, 'reason', reason, 'error', err, 'finishedAt', now, 'runToken', '')
  redis.call('HINCRBY', G, 'remaining', -1)
  redis.call('HINCRBY', G, COUNTERS[state], 1)
end
-- Settles every still-pending descendant of fromId with the same state; reason names the direct dependency.
local function cascade(fromId, state, now)
  local stack = { fromId }
  while #stack > 0 do
    local id = table.remove(stack)
    for _, d in ipairs(cjson.decode(redis.call('HGET', tkey(id), 'dependents'))) do
      if redis.call('HGET', tkey(d), 'state') == 'pending' then
        settle(d, state, 'dependency_' .. state .. ':' .. id, '', now)
        stack[#stack + 1] = d
      end
    end
  end
end
local function record(r)
  redis.call('RPUSH', ATTEMPTS, cjson.encode(r))
end
-- Decides the graph's final status exactly once: when the last non-terminal task settles.
local function finalize(now)
  if tonumber(redis.call('HGET', G, 'remaining')) > 0 then return '' end
  local h = redis.call('HMGET', G, 'cancelRequested', 'nExpired', 'nFailed', 'nSucceeded', 'graphId', 'ttl', 'tasks')
  local status
  if h[1] == '1' then status = 'cancelled'
  elseif tonumber(h[2]) > 0 then status = 'expired'
  elseif tonumber(h[3]) > 0 then
    if tonumber(h[4]) > 0 then status = 'partially_failed' else status = 'failed' end
  else status = 'succeeded' end
  redis.call('HSET', G, 'status', status, 'finishedAt', now)
  redis.call('SREM', INFLIGHT, h[5])
  local ttl = tonumber(h[6])
  if ttl > 0 then
    redis.call('EXPIRE', G, ttl)
    redis.call('EXPIRE', ATTEMPTS, ttl)
    for _, id in ipairs(cjson.decode(h[7])) do redis.call('EXPIRE', tkey(id), ttl) end
  end
  return status
end
`;

/*
 * Admission + creation. ARGV: graphId, plan, payloadJson, maxInFlight, retryBudget, graphDeadlineMs (0 = none),
 * ttlSeconds, taskIdsJson, then 5 per task: id, pool, depsJson, dependentsJson, maxAttempts (0 = none).
 * Reply: {'accepted'} | {'exists', status, plan} | {'rejected', inFlight}.
 */
const SUBMIT = `
local now = nowMs()
local existing = redis.call('HMGET', G, 'status', 'plan')
if existing[1] and existing[1] ~= 'rejected' then
  return { 'exists', existing[1], existing[2] }
end
if existing[1] then redis.call('DEL', G) end
local inFlight = redis.call('SCARD', INFLIGHT)
if inFlight >= tonumber(ARGV[4]) then
  redis.call('HSET', G, 'graphId', ARGV[1], 'plan', ARGV[2], 'status', 'rejected', 'createdAt', now,
    'finishedAt', now, 'reason', 'waiting_room_full', 'tasks', '[]', 'retryBudget', ARGV[5])
  if tonumber(ARGV[7]) > 0 then redis.call('EXPIRE', G, ARGV[7]) end
  return { 'rejected', tostring(inFlight) }
end
redis.call('SADD', INFLIGHT, ARGV[1])
local deadlineAt = 0
if tonumber(ARGV[6]) > 0 then deadlineAt = now + tonumber(ARGV[6]) end
local n = 0
for i = 9, #ARGV, 5 do
  n = n + 1
  local deps = cjson.decode(ARGV[i + 2])
  local state, seq, enqueuedAt = 'pending', 0, ''
  if #deps == 0 then state, seq, enqueuedAt = 'queued', 1, now end
  redis.call('DEL', tkey(ARGV[i]))
  redis.call('HSET', tkey(ARGV[i]), 'id', ARGV[i], 'pool', ARGV[i + 1], 'deps', ARGV[i + 2],
    'dependents', ARGV[i + 3], 'maxAttempts', ARGV[i + 4], 'pendingDeps', #deps, 'state', state, 'seq', seq,
    'attempts', 0, 'enqueuedAt', enqueuedAt, 'runToken', '')
end
redis.call('DEL', ATTEMPTS)
redis.call('HSET', G, 'graphId', ARGV[1], 'plan', ARGV[2], 'payload', ARGV[3], 'status', 'running',
  'createdAt', now, 'deadlineAt', deadlineAt, 'retryBudget', ARGV[5], 'retriesLeft', ARGV[5], 'retriesUsed', 0,
  'remaining', n, 'nSucceeded', 0, 'nFailed', 0, 'nSkipped', 0, 'nExpired', 0, 'nCancelled', 0,
  'cancelRequested', 0, 'ttl', ARGV[7], 'tasks', ARGV[8])
return { 'accepted' }
`;

/*
 * Claim the task carried by job (taskId, seq). ARGV: taskId, seq, runToken.
 * Reply: {'gone'} | {'stale', state}
 *      | {'settled', taskState, finalStatus, attempt, queueWaitMs, reason, error, plan}
 *      | {'run', attempt, queueWaitMs, plan, payloadJson, depResultsJson, pool}
 * A job whose task is `running` with the same seq was redelivered after its worker died: that attempt is
 * recorded as `interrupted` and the task re-runs if the graph's retry budget allows.
 */
const CLAIM = `
local id = ARGV[1]
local now = nowMs()
if not redis.call('HGET', G, 'status') then return { 'gone' } end
local tk = tkey(id)
local t = redis.call('HMGET', tk, 'state', 'seq', 'attempts', 'enqueuedAt', 'startedAt', 'maxAttempts', 'pool')
local state = t[1]
if not state then return { 'gone' } end
if (state ~= 'queued' and state ~= 'running') or t[2] ~= ARGV[2] then return { 'stale', state } end
local attempts = tonumber(t[3])
local enqueuedAt = tonumber(t[4])
local g = redis.call('HMGET', G, 'deadlineAt', 'cancelRequested', 'retriesLeft', 'plan', 'payload')
local deadlineAt = tonumber(g[1])
local function finish(taskState, reason, err, attempt, queueWait)
  settle(id, taskState, reason, err, now)
  cascade(id, taskState, now)
  return { 'settled', taskState, finalize(now), tostring(attempt), tostring(queueWait), reason, err, g[4] }
end
if state == 'running' then
  local startedAt = tonumber(t[5])
  local maxAttempts = tonumber(t[6])
  local err = 'worker lost before the attempt completed'
  local reason = ''
  if g[2] == '1' then reason = 'graph_cancelled'
  elseif deadlineAt > 0 and now > deadlineAt then reason = 'graph_deadline_exceeded'
  elseif maxAttempts > 0 and attempts >= maxAttempts then reason = 'max_attempts_reached'
  elseif tonumber(g[3]) <= 0 then reason = 'retry_budget_exhausted' end
  record({ taskId = id, attempt = attempts, status = 'interrupted', willRetry = (reason == ''),
    queueWaitMs = math.max(0, startedAt - enqueuedAt), runMs = now - startedAt, startedAt = startedAt,
    finishedAt = now, resultVersion = '', reason = reason, error = err })
  if reason == 'graph_cancelled' then return finish('cancelled', reason, err, attempts, 0) end
  if reason == 'graph_deadline_exceeded' then return finish('expired', reason, err, attempts, 0) end
  if reason ~= '' then return finish('failed', reason, err, attempts, 0) end
  redis.call('HINCRBY', G, 'retriesLeft', -1)
  redis.call('HINCRBY', G, 'retriesUsed', 1)
  enqueuedAt = now
elseif deadlineAt > 0 and now > deadlineAt then
  record({ taskId = id, attempt = attempts + 1, status = 'expired', willRetry = false,
    queueWaitMs = math.max(0, now - enqueuedAt), runMs = 0, startedAt = now, finishedAt = now,
    resultVersion = '', reason = 'graph_deadline_exceeded', error = '' })
  return finish('expired', 'graph_deadline_exceeded', '', attempts + 1, math.max(0, now - enqueuedAt))
end
local attempt = attempts + 1
redis.call('HSET', tk, 'state', 'running', 'attempts', attempt, 'startedAt', now, 'enqueuedAt', enqueuedAt,
  'runToken', ARGV[3])
local parts = {}
for _, d in ipairs(cjson.decode(redis.call('HGET', tk, 'deps'))) do
  parts[#parts + 1] = cjson.encode(d) .. ':' .. (redis.call('HGET', tkey(d), 'result') or 'null')
end
return { 'run', tostring(attempt), tostring(math.max(0, now - enqueuedAt)), g[4], g[5],
  '{' .. table.concat(parts, ',') .. '}', t[7] }
`;

/*
 * Record the end of an attempt and decide what becomes ready, atomically and only for the current run token.
 * ARGV: taskId, runToken, outcome ('succeeded'|'skipped'|'failed'), resultJson, resultVersion, reason, error,
 * retryable ('1'|'0'), backoffMs, runMs.
 * Reply: {'stale'} | {'ok', finalStatus, attempt, queueWaitMs, willRetry, reason, (taskId, pool, seq, delayMs)*}
 */
const FINISH = `
local id = ARGV[1]
local now = nowMs()
local tk = tkey(id)
local t = redis.call('HMGET', tk, 'state', 'runToken', 'attempts', 'enqueuedAt', 'startedAt', 'maxAttempts',
  'pool', 'seq', 'dependents')
if t[1] ~= 'running' or t[2] ~= ARGV[2] then return { 'stale' } end
local attempt = tonumber(t[3])
local startedAt = tonumber(t[5])
local queueWait = math.max(0, startedAt - tonumber(t[4]))
local outcome = ARGV[3]
local reason = ARGV[6]
local willRetry = false
local ready = {}
if outcome == 'succeeded' then
  redis.call('HSET', tk, 'result', ARGV[4], 'resultVersion', ARGV[5])
  settle(id, 'succeeded', '', '', now)
  for _, d in ipairs(cjson.decode(t[9])) do
    local dk = tkey(d)
    if redis.call('HGET', dk, 'state') == 'pending' and redis.call('HINCRBY', dk, 'pendingDeps', -1) <= 0 then
      redis.call('HSET', dk, 'state', 'queued', 'seq', 1, 'enqueuedAt', now)
      ready[#ready + 1] = d
      ready[#ready + 1] = redis.call('HGET', dk, 'pool')
      ready[#ready + 1] = '1'
      ready[#ready + 1] = '0'
    end
  end
elseif outcome == 'skipped' then
  settle(id, 'skipped', reason, '', now)
  cascade(id, 'skipped', now)
else
  local g = redis.call('HMGET', G, 'cancelRequested', 'retriesLeft')
  local maxAttempts = tonumber(t[6])
  if ARGV[8] ~= '1' then reason = 'permanent_error'
  elseif g[1] == '1' then reason = 'graph_cancelled'
  elseif maxAttempts > 0 and attempt >= maxAttempts then reason = 'max_attempts_reached'
  elseif tonumber(g[2]) <= 0 then reason = 'retry_budget_exhausted'
  else willRetry = true; reason = '' end
  if willRetry then
    local seq = tonumber(t[8]) + 1
    local backoff = tonumber(ARGV[9])
    redis.call('HINCRBY', G, 'retriesLeft', -1)
    redis.call('HINCRBY', G, 'retriesUsed', 1)
    redis.call('HSET', tk, 'state', 'queued', 'seq', seq, 'enqueuedAt', now + backoff, 'error', ARGV[7],
      'runToken', '')
    ready[#ready + 1] = id
    ready[#ready + 1] = t[7]
    ready[#ready + 1] = tostring(seq)
    ready[#ready + 1] = tostring(backoff)
  else
    settle(id, 'failed', reason, ARGV[7], now)
    cascade(id, 'failed', now)
  end
end
local resultVersion = ''
if outcome == 'succeeded' then resultVersion = ARGV[5] end
record({ taskId = id, attempt = attempt, status = outcome, willRetry = willRetry, queueWaitMs = queueWait,
  runMs = tonumber(ARGV[10]), startedAt = startedAt, finishedAt = now, resultVersion = resultVersion,
  reason = reason, error = ARGV[7] })
local out = { 'ok', finalize(now), tostring(attempt), tostring(queueWait), willRetry and '1' or '0', reason }
for _, v in ipairs(ready) do out[#out + 1] = v end
return out
`;

/* Tasks that are queued and must have a job. Reply: {} | {plan, (taskId, pool, seq, delayMs)*}. */
const QUEUED = `
local now = nowMs()
local h = redis.call('HMGET', G, 'status', 'tasks', 'plan')
if h[1] ~= 'running' then return {} end
local out = { h[3] }
for _, id in ipairs(cjson.decode(h[2])) do
  local t = redis.call('HMGET', tkey(id), 'state', 'pool', 'seq', 'enqueuedAt')
  if t[1] == 'queued' then
    out[#out + 1] = id
    out[#out + 1] = t[2]
    out[#out + 1] = t[3]
    out[#out + 1] = tostring(math.max(0, tonumber(t[4]) - now))
  end
end
return out
`;

/* Cancel: every pending/queued task becomes cancelled. Reply: {'gone'} | {'done', status} | {'ok', finalStatus}. */
const CANCEL = `
local now = nowMs()
local h = redis.call('HMGET', G, 'status', 'tasks')
if not h[1] then return { 'gone' } end
if h[1] ~= 'running' then return { 'done', h[1] } end
redis.call('HSET', G, 'cancelRequested', 1)
for _, id in ipairs(cjson.decode(h[2])) do
  local state = redis.call('HGET', tkey(id), 'state')
  if state == 'pending' or state == 'queued' then settle(id, 'cancelled', 'graph_cancelled', '', now) end
end
return { 'ok', finalize(now) }
`;

class LuaScript {
  private readonly sha: string;
  private readonly source: string;

  constructor(body: string) {
    this.source = COMMON + body;
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  /** EVALSHA, falling back to EVAL when the script cache was flushed. Reply values are stringified. */
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<string[]> {
    let reply: unknown;
    try {
      reply = await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) {
        throw error;
      }
      reply = await redis.eval(this.source, keys.length, ...keys, ...args);
    }
    if (!Array.isArray(reply)) {
      throw new Error(`unexpected Lua reply ${JSON.stringify(reply)}`);
    }
    return reply.map((v: unknown) => (typeof v === 'string' ? v : String(v)));
  }
}

export const SCRIPTS = {
  submit: new LuaScript(SUBMIT),
  claim: new LuaScript(CLAIM),
  finish: new LuaScript(FINISH),
  queued: new LuaScript(QUEUED),
  cancel: new LuaScript(CANCEL),
} as const;

/** A task that must have a BullMQ job: `<graphId>.<taskId>.<seq>`, delayed by `delayMs`. */
export interface ReadyTask {
  readonly taskId: string;
  readonly pool: string;
  readonly seq: number;
  readonly delayMs: number;
}

/** Parses the `(taskId, pool, seq, delayMs)*` tail of a reply. */
export function readyTasks(reply: readonly string[], from: number): ReadyTask[] {
  const out: ReadyTask[] = [];
  for (let i = from; i + 3 < reply.length; i += 4) {
    out.push({
      taskId: reply[i] ?? '',
      pool: reply[i + 1] ?? '',
      seq: Number(reply[i + 2]),
      delayMs: Number(reply[i + 3]),
    });
  }
  return out;
}
