-- Operator functions (sor_admin) for dead outbox rows: list them, and queue one again.
set role sor_owner;

create or replace function sor_api.dead_outbox(max_rows integer default 100)
returns table (tenant_id text, outbox_id bigint, topic text, aggregate_type text, aggregate_id text,
               dedupe_key text, attempts integer, max_attempts integer, last_error text, created_at timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select o.tenant_id, o.outbox_id, o.topic, o.aggregate_type, o.aggregate_id, o.dedupe_key, o.attempts,
         o.max_attempts, o.last_error, o.created_at
    from sor.outbox o
   where o.status = 'dead'
   order by o.created_at, o.outbox_id
   limit least(greatest(coalesce(dead_outbox.max_rows, 100), 0), 10000)
$$;
comment on function sor_api.dead_outbox(integer) is
  'Dead outbox rows (attempts exhausted), oldest first; at most max_rows (capped at 10000).';

create or replace function sor_api.retry_outbox(outbox_id bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  update sor.outbox o
     set status = 'pending', attempts = 0, available_at = now()
   where o.outbox_id = retry_outbox.outbox_id and o.status = 'dead';
  if not found then
    if exists (select 1 from sor.outbox o where o.outbox_id = retry_outbox.outbox_id) then
      raise exception 'outbox row % is not dead', retry_outbox.outbox_id
        using errcode = 'SR064', hint = 'Only dead rows are retried by an operator; see sor_api.dead_outbox().';
    end if;
    raise exception 'unknown outbox row %', coalesce(retry_outbox.outbox_id::text, 'NULL')
      using errcode = 'SR061', hint = 'Pass an outbox_id from sor_api.dead_outbox().';
  end if;
end
$$;
comment on function sor_api.retry_outbox(bigint) is
  'Queues a dead outbox row again with a fresh attempt budget (pending now; its last_error is kept; listeners are notified). SR061 unknown row, SR064 not dead.';

-- Whether the outbox's wake-ups also go to sor_outbox: every tenant's rows together, under a
-- fixed name any login may LISTEN on. For dispatchers written for 0.2.0 and 0.3.0, which listen
-- there; the tenants' own channels (sor_api.wakeup_channel('outbox', tenant_id)) carry them anyway.
create or replace function sor_api.set_outbox_broadcast(enabled boolean)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _was boolean;
begin
  if set_outbox_broadcast.enabled is null then
    raise exception 'the outbox broadcast is on (true) or off (false), not NULL'
      using errcode = 'SR060', hint = 'Pass false once no dispatcher listens on sor_outbox (they listen on sor_api.wakeup_channel(''outbox'', tenant_id)), true for one that still does.';
  end if;
  select w.outbox_broadcast into _was from sor.wakeup_secret w where w.singleton for update;
  if not found then
    raise exception 'the wake-up channels have no secret: sor.wakeup_secret holds no row'
      using errcode = '55000', hint = 'An admin runs sor_api.rotate_wakeup_channels() to make one, then sets the broadcast.';
  end if;
  update sor.wakeup_secret w
     set outbox_broadcast = set_outbox_broadcast.enabled, outbox_broadcast_set_at = pg_catalog.clock_timestamp(),
         outbox_broadcast_set_by = session_user
   where w.singleton;
  return _was;
end
$$;
comment on function sor_api.set_outbox_broadcast(boolean) is
  'Admin: turns on or off the outbox''s wake-ups on sor_outbox (every tenant''s rows together, payload their number, under a fixed name any login may LISTEN on); returns what it was. Each tenant''s channel (sor_api.wakeup_channel(''outbox'', tenant_id)) is notified either way. Off on a new install; an upgrade from 0.2.0 or 0.3.0 with dispatchers or outbox rows keeps it on. SR060 NULL; 55000 no wake-up secret.';

reset role;
