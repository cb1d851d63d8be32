-- sor.retry_delay: jittered exponential backoff shared by failed tasks and failed outbox rows.
set role sor_owner;

create or replace function sor.retry_delay(attempts integer, base interval, cap interval)
returns interval
language sql
volatile
strict
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  -- "equal jitter": half of the capped exponential delay, plus a random part of the other half,
  -- so retries of many rows that failed together spread out but never come back too early.
  select d / 2 + d / 2 * pg_catalog.random()
    from (select least(retry_delay.cap,
                       retry_delay.base * pg_catalog.power(2, least(greatest(retry_delay.attempts, 1) - 1, 30))) as d) x
$$;
comment on function sor.retry_delay(integer, interval, interval) is
  'Delay before the next attempt after failed attempt number attempts: min(cap, base * 2^(attempts-1)), jittered uniformly between half and all of it.';

reset role;
