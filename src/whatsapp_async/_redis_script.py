"""The Lua script of :class:`~whatsapp_async.RedisThrottle`: one atomic GCRA step."""

# KEYS[1]: the number's bucket (a hash); KEYS[2]: its shared configured rate.
# ARGV: op ("take" | "penalize" | "peek" | "set"), default rate per second,
# burst (0 = a tenth of the rate, at least 1), idle ttl ms, recovery interval
# us, min rate fraction, max pause us, retry_after us (-1 = none) or new rate.
# Times are microseconds of the server's clock. Hash fields: tat (theoretical
# arrival time of the next slot), r (current rate while slowed down), p and lp
# (consecutive 130429 reports and when the last one counted), pu (pause end),
# rec (where gradual recovery counts from).
SCRIPT = """
pcall(redis.replicate_commands)
local bucket, conf = KEYS[1], KEYS[2]
local op = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

if op == 'set' then
  redis.call('SET', conf, ARGV[2])
  redis.call('HDEL', bucket, 'r', 'rec')
  return {0, 0, math.floor(tonumber(ARGV[2]) * 1000)}
end

local base = tonumber(redis.call('GET', conf) or ARGV[2])
local burst_cfg = tonumber(ARGV[3])
local idle_ms = tonumber(ARGV[4])
local interval = tonumber(ARGV[5])
local h = redis.call('HMGET', bucket, 'tat', 'r', 'p', 'lp', 'pu', 'rec')
local tat = tonumber(h[1]) or now
local rate = tonumber(h[2]) or base
local penalties = tonumber(h[3]) or 0
local last = tonumber(h[4]) or 0
local pause_until = tonumber(h[5]) or 0
local rec = tonumber(h[6]) or 0

if rate > base then rate = base end
if rate < base and now > rec then
  local steps = math.floor((now - rec) / interval)
  if steps > 0 then
    rate = math.min(base, rate + steps * base / 10)
    rec = rec + steps * interval
  end
end

if op == 'peek' then
  return {0, math.floor(math.max(0, pause_until - now)), math.floor(rate * 1000)}
end

local function burst_of(r)
  if burst_cfg > 0 then return burst_cfg end
  return math.max(1, r / 10)
end

local function f(x) return string.format('%.17g', x) end

local function save()
  local keep = math.max(tat, pause_until, now)
  if rate < base then
    -- keep the slow-down until it would have fully recovered
    local steps = math.ceil((base - rate) / (base / 10))
    keep = math.max(keep, rec + steps * interval)
  end
  redis.call('HSET', bucket, 'tat', f(tat), 'r', f(rate), 'p', f(penalties),
             'lp', f(last), 'pu', f(pause_until), 'rec', f(rec))
  redis.call('PEXPIRE', bucket, math.ceil((keep - now) / 1000) + idle_ms)
end

if op == 'take' then
  if pause_until > now then
    save()
    return {0, math.ceil(pause_until - now), math.floor(rate * 1000)}
  end
  local T = 1000000 / rate
  local start = math.max(tat, now)
  tat = start + T
  local wait = math.max(0, tat - burst_of(rate) * T - now)
  save()
  return {1, math.ceil(wait), math.floor(rate * 1000)}
end

if op == 'penalize' then
  local retry_after = tonumber(ARGV[8])
  local max_pause = tonumber(ARGV[7])
  if now < math.max(pause_until, last + 1000000) then
    -- A report of sends made before the last slow-down took effect: the same
    -- event, so it may lengthen the pause but does not slow down again.
    if retry_after >= 0 then
      pause_until = math.max(pause_until, now + math.min(retry_after, max_pause))
    end
  else
    if now - last < 60000000 then penalties = penalties + 1 else penalties = 1 end
    last = now
    rate = math.max(base * tonumber(ARGV[6]), rate / 2)
    local pause = retry_after
    if pause < 0 then pause = 2 ^ (penalties - 1) * 1000000 end
    pause_until = now + math.min(pause, max_pause)
    rec = pause_until
  end
  -- the first slot after the pause is at its end, without a burst
  tat = math.max(tat, pause_until + (burst_of(rate) - 1) * 1000000 / rate)
  save()
  return {0, math.ceil(pause_until - now), math.floor(rate * 1000)}
end

return redis.error_reply('unknown op ' .. tostring(op))
"""
