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
  return query
    select e.position, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
           e.occurred_at, e.tx_id, pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     where (e.tx_id, e.position) > (_cursor_tx, events_since.after_position)
       and e.tx_id < _horizon
       and (_all or e.tenant_id = any (_tenants))
     order by e.tx_id, e.position
     limit events_since.max_rows;
end
$$;
comment on function sor_api.events_since(bigint, integer) is
  'The event log for consumers, never skipping an event: rows after the cursor event in (tx_id, position) order, only from transactions older than every transaction still in flight. Pass 0, then the last position returned. SR011 bad cursor, SR015 unknown cursor, SR016 max_rows out of 1..10000.';

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
  'One stream of a tenant the caller is a member of (or any, for an auditor), in version order from from_version. SR008 not a reader of the tenant (or no such tenant), SR011 bad input, SR015 unknown stream, SR016 max_rows out of 1..10000.';

reset role;
