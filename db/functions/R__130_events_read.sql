-- Reading events in order: sor_api.events_since (the global log, for consumers that must never
-- skip an event) and sor_api.read_stream (one stream in version order). Both are SECURITY DEFINER
-- and decide visibility themselves, by session_user (sor.can_read_tenant, sor.member_tenants): a
-- member of sor_auditor reads every tenant, anyone else only the tenants it is a member of. So Workers, which hold no
-- privilege on any table, can read the streams they append to.
set role sor_owner;

drop function if exists sor.event_reader_sees(text);

create or replace function sor.check_max_rows(max_rows integer)
returns void
language plpgsql
immutable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if check_max_rows.max_rows is null or check_max_rows.max_rows < 1 or check_max_rows.max_rows > 10000 then
    raise exception 'max_rows % is out of range', coalesce(check_max_rows.max_rows::text, 'NULL')
      using errcode = 'SR016', hint = 'Ask for 1 to 10000 rows per call and page on.';
  end if;
end
$$;
comment on function sor.check_max_rows(integer) is
  'SR016 unless 1 <= max_rows <= 10000: the page size of the event readers.';

create or replace function sor_api.events_since(after_position bigint default 0, max_rows integer default 1000)
returns table ("position" bigint, tenant_id text, stream text, version integer, type text,
               payload jsonb, metadata jsonb, actor name, occurred_at timestamptz, tx_id xid8,
               prev_hash text, hash text)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
-- each read walks an index in the order it returns, never sorted: a member's tenants each by
-- (tenant_id, tx_id, position), the auditor's whole log by (tx_id, position)
set enable_sort = off
set enable_incremental_sort = off
set jit = off
as $$
declare
  _cursor_tx xid8 := '0'::xid8;
  _horizon xid8;
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
  _tenants text[] := sor_guard.member_tenants();
begin
  if events_since.after_position is null or events_since.after_position < 0 then
    raise exception 'after_position % is not a position', coalesce(events_since.after_position::text, 'NULL')
      using errcode = 'SR011', hint = 'Pass 0 to read from the start, then the position of the last event you processed.';
  end if;
  perform sor.check_max_rows(events_since.max_rows);
  if events_since.after_position > 0 then
    select e.tx_id into _cursor_tx
      from sor.events e
     where e.position = events_since.after_position and (_all or e.tenant_id = any (_tenants));
    if not found then
      raise exception 'no event at position % visible to %', events_since.after_position, session_user
        using errcode = 'SR015', hint = 'Pass 0, or the position of an event events_since returned to you.';
    end if;
  end if;
  -- Every transaction older than the snapshot's xmin has ended: its events are visible now or
  -- never will be. Reading in (tx_id, position) order up to that horizon returns a prefix of the
  -- final order, so a consumer that resumes after the last row it got never skips an event.
  _horizon := pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot());
  if _all or pg_catalog.cardinality(_tenants) > 4 then
    -- an auditor, or a member of more than four tenants: the log in order, filtered by tenant
    return query
      select e.position, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
             e.occurred_at, e.tx_id, pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
        from sor.events e
       where (e.tx_id, e.position) > (_cursor_tx, events_since.after_position)
         and e.tx_id < _horizon
         and (_all or e.tenant_id = any (_tenants))
       order by e.tx_id, e.position
       limit events_since.max_rows;
    return;
  end if;
  -- A member of up to four tenants reads its tenants' events only: the first max_rows of each
  -- tenant after the cursor, walked in (tenant_id, tx_id, position) order (bounded as rows of that
  -- index), then the first max_rows of them all in (tx_id, position) order; never the log of every
  -- tenant filtered (it fetches at most four times max_rows).
  return query
    select x.position, x.tenant_id, x.stream, x.version, x.type, x.payload, x.metadata, x.actor,
           x.occurred_at, x.tx_id, pg_catalog.encode(x.prev_hash, 'hex'), pg_catalog.encode(x.hash, 'hex')
      from pg_catalog.unnest(_tenants) as m(tenant_id)
     cross join lateral (
       select e.position, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
              e.occurred_at, e.tx_id, e.prev_hash, e.hash
         from sor.events e
        where (e.tenant_id, e.tx_id, e.position) > (m.tenant_id, _cursor_tx, events_since.after_position)
          and (e.tenant_id, e.tx_id) < (m.tenant_id, _horizon)
        order by e.tenant_id, e.tx_id, e.position
        limit events_since.max_rows) x
     order by x.tx_id, x.position
     limit events_since.max_rows;
end
$$;
comment on function sor_api.events_since(bigint, integer) is
  'The event log for consumers, never skipping an event: rows after the cursor event in (tx_id, position) order, only from transactions older than every transaction still in flight. Pass 0, then the last position returned. SR011 bad cursor, SR015 unknown cursor, SR016 max_rows out of 1..10000.';

-- Where a tenant's events can be read in position order at all: on the primary, at READ COMMITTED
-- (each statement a new snapshot). Checked by the readers before anything else, so that a reader
-- that finds nothing new gets the same refusal as one that finds events.
create or replace function sor.check_horizon_context()
returns void
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' or pg_catalog.pg_is_in_recovery() then
    raise exception 'a tenant''s events are read in position order only on the primary and at READ COMMITTED (this is %)',
          case when pg_catalog.pg_is_in_recovery() then 'a standby'
               else pg_catalog.upper(pg_catalog.current_setting('transaction_isolation')) end
      using errcode = 'SR086',
            hint = 'Call it outside an explicit REPEATABLE READ or SERIALIZABLE transaction; on a standby read sor_api.events_since, whose horizon is every transaction in flight.';
  end if;
end
$$;
comment on function sor.check_horizon_context() is
  'SR086 unless on the primary at READ COMMITTED: where sor.tenant_horizon, and the readers that use it, can read a tenant''s events in position order.';

-- The per-tenant reader horizon: the first position at which an event of the tenant may still
-- appear. Each append announces itself before it draws positions (sor.announce_append, R__100): a
-- shared advisory lock on its bound L (every position it draws is above L) and one on the tenant's
-- key, both held until its commit is visible. The horizon is read in two statements, the sequence
-- first and the lock table second, so any position below it was drawn by a transaction that had
-- announced itself before the sequence was read and had ended before the lock table was read. The
-- reader's next statement takes a new snapshot (READ COMMITTED, a VOLATILE function) and sees all
-- of them: reading a tenant's events in position order up to the horizon returns a prefix of the
-- final order, held back by the tenant's own open transactions only, whatever other tenants have
-- open. Only shared locks count (an append takes nothing else): a session holding such keys
-- exclusively holds nothing back. A holder of the tenant's key (any second key: an append takes
-- another when one is held exclusively) without a bound lock in the same transaction is not a
-- writer (the append path takes the bound first) and is ignored.
create or replace function sor.tenant_horizon(tenant_id text)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _last bigint;
  _bound bigint;
begin
  perform sor.check_horizon_context();
  if (select s.seqcache from pg_catalog.pg_sequence s where s.seqrelid = 'sor.events_position_seq'::pg_catalog.regclass) <> 1 then
    raise exception 'sor.events_position_seq caches positions per session, so a position drawn later may be lower than one drawn earlier'
      using errcode = 'SR086', hint = 'As the kit owner: alter sequence sor.events_position_seq cache 1.';
  end if;
  -- 1. the last position drawn: every position at or below it was drawn before this statement
  _last := coalesce(pg_catalog.pg_sequence_last_value('sor.events_position_seq'::pg_catalog.regclass), 0);
  -- 2. the tenant's writers in flight now, and the lowest bound any of them announced
  with l as materialized (
    select x.virtualtransaction, x.classid, x.objid, x.objsubid
      from pg_catalog.pg_locks x
     where x.locktype = 'advisory' and x.mode = 'ShareLock' and x.granted
       and x.database = (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())
  )
  select pg_catalog.min((b.classid::bigint << 32) | b.objid::bigint) into _bound
    from l t
    join l b on b.virtualtransaction = t.virtualtransaction and b.objsubid = 1
   where t.objsubid = 2
     and t.classid = (pg_catalog.hashtext(tenant_horizon.tenant_id)::bigint & 4294967295)::oid;
  return least(_last + 1, coalesce(_bound + 1, _last + 1));
end
$$;
comment on function sor.tenant_horizon(text) is
  'The first position at which an event of the tenant may still appear: one past the last position drawn, or one past the lowest bound a transaction of the tenant still in flight announced (sor.announce_append). Events of the tenant below it are all the ones there will ever be; the caller reads them in its next statement (a new snapshot). SR086 at REPEATABLE READ or SERIALIZABLE, on a standby, or when the position sequence caches values.';

-- A tenant's reader that has read everything and polls again: when its last page in this session
-- was empty (a setting of the session per reader: tenant_events_since per tenant, a subscription
-- per name) and no event of the tenant after its cursor is visible now, its page is empty again
-- (as the read would make it, a moment earlier), and the reader answers so without the horizon,
-- whose read of the server's lock table costs with every lock held in the server by anyone: a
-- tenant's idle readers polling do not pay for the rest of the server's work
-- (docs/operate/volume.md). A reader whose last page found events reads on without the probe.
-- (Two readers whose names share a hash only send each other through the probe, which is always
-- right.)
create or replace function sor.reader_caught_up(tenant_id text, after_position bigint, reader text)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
-- as the readers: the primary key's order, never a sort nor an incremental sort over another
-- index of the tenant (which would take every event of the tenant first)
set enable_sort = off
set enable_incremental_sort = off
set jit = off
as $$
declare
  _next text;
begin
  if pg_catalog.current_setting('sor.reader_idle_' || pg_catalog.to_hex(pg_catalog.hashtext(reader_caught_up.reader)), true)
     is distinct from 'on' then
    return false;
  end if;
  -- bounded and ordered as the readers read, so it probes the primary key of each month once
  select e.stream into _next from sor.events e
    where (e.tenant_id, e.position) > (reader_caught_up.tenant_id, reader_caught_up.after_position)
      and (e.tenant_id, e.position) < (reader_caught_up.tenant_id, 9223372036854775807::bigint)
    order by e.tenant_id, e.position
    limit 1;
  return not found;
end
$$;
comment on function sor.reader_caught_up(text, bigint, text) is
  'Whether a tenant reader (tenant_events_since, read_subscription) whose last page in this session was empty still has nothing after its cursor: then its page is empty without the horizon (sor.tenant_horizon, which reads pg_locks).';

create or replace function sor.reader_page_read(reader text, rows_read bigint)
returns void
language plpgsql
volatile
set jit = off
as $$
declare
  _setting text := 'sor.reader_idle_' || pg_catalog.to_hex(pg_catalog.hashtext(reader_page_read.reader));
begin
  if (reader_page_read.rows_read = 0) <> (pg_catalog.current_setting(_setting, true) is not distinct from 'on') then
    perform pg_catalog.set_config(_setting, case when reader_page_read.rows_read = 0 then 'on' else '' end, false);
  end if;
end
$$;
comment on function sor.reader_page_read(text, bigint) is
  'Records for the session whether a tenant reader''s page was empty, which sor.reader_caught_up reads on its next page.';

create or replace function sor_api.tenant_events_since(tenant_id text, after_position bigint default 0,
                                                       max_rows integer default 1000)
returns table ("position" bigint, stream text, version integer, type text, payload jsonb, metadata jsonb,
               actor name, occurred_at timestamptz, tx_id xid8, prev_hash text, hash text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
-- the tenant's events are read in the primary key's order, never sorted: the only plan without a
-- sort walks the key from the tenant's bound (a sort, or an incremental sort over another index of
-- the tenant, would take every event of the tenant first)
set enable_sort = off
set enable_incremental_sort = off
set jit = off
as $$
declare
  _rows bigint;
  _horizon bigint;
begin
  perform sor_guard.require_reader(tenant_events_since.tenant_id);
  if tenant_events_since.after_position is null or tenant_events_since.after_position < 0 then
    raise exception 'after_position % is not a position', coalesce(tenant_events_since.after_position::text, 'NULL')
      using errcode = 'SR011', hint = 'Pass 0 to read from the start, then the position of the last event you processed.';
  end if;
  perform sor.check_max_rows(tenant_events_since.max_rows);
  perform sor.check_horizon_context();
  -- a reader that has read everything and polls again answers without the horizon (R__130)
  if sor.reader_caught_up(tenant_events_since.tenant_id, tenant_events_since.after_position, 'events_since:' || tenant_events_since.tenant_id) then
    return;
  end if;
  _horizon := sor.tenant_horizon(tenant_events_since.tenant_id);
  -- a new snapshot: every transaction that drew a position below the horizon has ended. The
  -- tenant's events are bounded and ordered as rows of the primary key, (tenant_id, position):
  -- only that key gives the order, so the read walks the tenant's events in it, never every
  -- tenant's positions (events_position_idx) filtering out the others' events. The plan is
  -- generic: a custom plan misjudges the rows' bounds and sorts every event of the tenant.
  return query
    select e.position, e.stream, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at, e.tx_id,
           pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     where (e.tenant_id, e.position) > (tenant_events_since.tenant_id, tenant_events_since.after_position)
       and (e.tenant_id, e.position) < (tenant_events_since.tenant_id, _horizon)
     order by e.tenant_id, e.position
     limit tenant_events_since.max_rows;
  get diagnostics _rows = row_count;
  perform sor.reader_page_read('events_since:' || tenant_events_since.tenant_id, _rows);
end
$$;
comment on function sor_api.tenant_events_since(text, bigint, integer) is
  'One tenant''s events after a position, in position order, never skipping an event, held back only by the tenant''s own transactions in flight (sor.tenant_horizon): pass 0, then the last position returned. For a member of the tenant or an auditor, on the primary, at READ COMMITTED. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR011 bad cursor; SR016 max_rows out of 1..10000; SR086 at REPEATABLE READ or SERIALIZABLE, or on a standby.';

create or replace function sor_api.read_stream(tenant_id text, stream text, from_version integer default 1,
                                               max_rows integer default 1000)
returns table ("position" bigint, version integer, type text, payload jsonb, metadata jsonb, actor name,
               occurred_at timestamptz, prev_hash text, hash text)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if read_stream.tenant_id is null or read_stream.stream is null
     or read_stream.from_version is null or read_stream.from_version < 1 then
    raise exception 'tenant_id, stream and a from_version of 1 or more are required'
      using errcode = 'SR011', hint = 'Pass a tenant id, a stream such as expense-42 and the first version to read (1 for all).';
  end if;
  perform sor.check_max_rows(read_stream.max_rows);
  -- The read gate first: an unknown tenant and another tenant get the same answer (SR008).
  perform sor_guard.require_reader(read_stream.tenant_id);
  if not exists (select 1 from sor.events e where e.tenant_id = read_stream.tenant_id and e.stream = read_stream.stream) then
    raise exception 'unknown stream % of tenant %', pg_catalog.quote_literal(read_stream.stream), pg_catalog.quote_literal(read_stream.tenant_id)
      using errcode = 'SR015', hint = 'A stream exists once its first event is appended: append with expected_version 0 to start it.';
  end if;
  return query
    select e.position, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at,
           pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     where e.tenant_id = read_stream.tenant_id and e.stream = read_stream.stream
       and e.version >= read_stream.from_version
     order by e.version
     limit read_stream.max_rows;
end
$$;
comment on function sor_api.read_stream(text, text, integer, integer) is
  'One stream of a tenant the caller is a member of (or any, for an auditor), in version order from from_version. SR008 not a reader of the tenant (or no such tenant; an auditor: SR002), SR011 bad input, SR015 unknown stream, SR016 max_rows out of 1..10000.';

reset role;
