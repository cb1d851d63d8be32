-- Appending events: the canonical hash, the chaining trigger every insert passes through, the
-- refusing trigger for UPDATE / DELETE / TRUNCATE, and the append functions. The hash, the chain
-- and the refusal are rules the owner must not be able to change: they live in sor_guard, owned by
-- sor_guardian (this file pauses the guard while it redefines them, in its own transaction).
select sor_guard.pause(true);
set role sor_guardian;

create or replace function sor_guard.event_hash(
  prev_hash bytea, tenant_id text, stream text, version integer, type text,
  payload jsonb, metadata jsonb, actor name, occurred_at timestamptz, "position" bigint
) returns bytea
language plpgsql
immutable
parallel safe
set jit = off
as $$
begin
  -- jsonb text is canonical (keys sorted, whitespace normalised); the timestamp is rendered in
  -- UTC with microseconds, so the encoding does not depend on the session's TimeZone.
  return pg_catalog.sha256(
           coalesce(event_hash.prev_hash, '\x'::bytea)
           || pg_catalog.convert_to(
                pg_catalog.jsonb_build_array(
                  event_hash.tenant_id, event_hash.stream, event_hash.version, event_hash.type,
                  event_hash.payload, event_hash.metadata, event_hash.actor::text,
                  pg_catalog.to_char(event_hash.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  event_hash."position")::text,
                'UTF8'));
end
$$;
comment on function sor_guard.event_hash(bytea, text, text, integer, text, jsonb, jsonb, name, timestamptz, bigint) is
  'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it. Only jit = off is set (hot path): every name is qualified and its callers pin search_path.';

drop function if exists sor_guard.stream_lock_key(text, text);

create or replace function sor_guard.tg_events__chain()
returns trigger
language plpgsql
volatile
set jit = off
as $$
declare
  _version integer;
  _hash bytea;
begin
  -- the partition was chosen by occurred_at before this trigger ran: a row naming another time is
  -- refused rather than moved (the database's clock is the only one the log keeps)
  if new.occurred_at is distinct from pg_catalog.now() then
    raise exception 'occurred_at of an event is the database''s transaction time, not %', new.occurred_at
      using errcode = 'SR011', hint = 'Leave occurred_at (and position, version, hashes, actor) to the database.';
  end if;
  new.actor := session_user;
  new.tx_id := pg_catalog.pg_current_xact_id();
  -- The stream's head row is its lock, held to commit: appends to one stream are serialised, to
  -- different streams never wait on each other, and no lock table entry is taken per stream.
  -- Under READ COMMITTED this query takes a fresh snapshot, so it reads the head the previous
  -- appender left.
  select h.version, h.last_hash into _version, _hash
    from sor.streams h
   where h.tenant_id = new.tenant_id and h.stream = new.stream
     for no key update;
  if not found then
    -- a new stream: its head is written with its first event; if another transaction created it
    -- meanwhile, this insert waits for it and the event goes after that one's
    new.position := pg_catalog.nextval('sor.events_position_seq'::regclass);
    new.version := 1;
    new.prev_hash := null;
    new.hash := sor_guard.event_hash(null, new.tenant_id, new.stream, 1, new.type, new.payload, new.metadata,
                                     new.actor, new.occurred_at, new.position);
    insert into sor.streams (tenant_id, stream, version, last_position, last_hash)
    values (new.tenant_id, new.stream, 1, new.position, new.hash)
    on conflict on constraint streams_pkey do nothing;
    if found then
      return new;
    end if;
    select h.version, h.last_hash into _version, _hash
      from sor.streams h
     where h.tenant_id = new.tenant_id and h.stream = new.stream
       for no key update;
  end if;
  -- The position is drawn under the head lock, so within one stream positions rise with versions:
  -- a replay in position order applies every stream's events in version order.
  new.position := pg_catalog.nextval('sor.events_position_seq'::regclass);
  new.version := _version + 1;
  new.prev_hash := _hash;
  new.hash := sor_guard.event_hash(new.prev_hash, new.tenant_id, new.stream, new.version, new.type,
                                   new.payload, new.metadata, new.actor, new.occurred_at, new.position);
  update sor.streams h
     set version = new.version, last_position = new.position, last_hash = new.hash
   where h.tenant_id = new.tenant_id and h.stream = new.stream;
  return new;
end
$$;
comment on function sor_guard.tg_events__chain() is
  'BEFORE INSERT on sor.events: locks the stream''s head row (sor.streams), draws the position under that lock, assigns the next version, links prev_hash, stamps actor, database time and transaction, computes hash, and moves the head. No insert path can skip it. Only jit = off is set (hot path): names are qualified, and only the owner''s pinned definer functions and superusers insert.';

create or replace function sor_guard.tg_events__refuse_change()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- a partition is named by its table (sor.events), the name its callers know
  raise exception '% is append-only: % refused',
        (select n.nspname || '.' || c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where c.oid = coalesce(pg_catalog.pg_partition_root(tg_relid), tg_relid)), tg_op
    using errcode = 'SR010',
          hint = 'Rows of an append-only table are never changed or removed. Append a compensating row instead.';
end
$$;
comment on function sor_guard.tg_events__refuse_change() is
  'Refusal trigger of every append-only table (BEFORE UPDATE/DELETE row and statement, BEFORE TRUNCATE): always raises SR010, for every role, the owner included.';

-- The guard functions this file redefined are recorded before the guard runs again (what the
-- afterMigrate callback does at the end of the run): a later statement of the run that the guard
-- judges against every registered function (a GRANT) finds the register current.
select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);

set role sor_owner;

create or replace function sor.lock_stream(tenant_id text, stream text, claim_new boolean)
returns integer
language plpgsql
volatile
set jit = off
as $$
declare
  _version integer;
begin
  loop
    select h.version into _version
      from sor.streams h
     where h.tenant_id = lock_stream.tenant_id and h.stream = lock_stream.stream
       for no key update;
    if found then
      return _version;
    end if;
    if not lock_stream.claim_new then
      return 0;
    end if;
    -- claim the new stream with a version 0 head: a concurrent claim waits for this one
    insert into sor.streams (tenant_id, stream, version)
    values (lock_stream.tenant_id, lock_stream.stream, 0)
    on conflict on constraint streams_pkey do nothing;
    if found then
      return 0;
    end if;
  end loop;
end
$$;
comment on function sor.lock_stream(text, text, boolean) is
  'Locks a stream''s head row for the rest of the transaction and returns its version (0 for a stream without events). With claim_new, a stream that does not exist yet is claimed by a version 0 head, so two appends both expecting version 0 cannot both succeed. Only jit = off is set (hot path): callers pin search_path.';

create or replace function sor.append_event(
  tenant_id text, stream text, type text, payload jsonb default '{}'::jsonb,
  metadata jsonb default '{}'::jsonb, expected_version integer default null
) returns sor.events
language plpgsql
volatile
set jit = off
as $$
declare
  _current integer;
  _row sor.events;
begin
  if append_event.tenant_id is null or append_event.stream is null or append_event.type is null then
    raise exception 'tenant_id, stream and type are required'
      using errcode = 'SR011', hint = 'Pass a tenant id, a stream such as expense-42 and an event type.';
  end if;
  if not sor.is_valid('stream', append_event.stream) then
    raise exception 'malformed stream name %', pg_catalog.quote_literal(append_event.stream)
      using errcode = 'SR011', hint = 'A stream is category-id: a lowercase category, optionally a hyphen and an id (at most 200 characters), e.g. expense-42.';
  end if;
  if not sor.is_valid('event_type', append_event.type) then
    raise exception 'malformed event type %', pg_catalog.quote_literal(append_event.type)
      using errcode = 'SR011', hint = 'An event type starts with a letter and has at most 100 letters, digits, _ . : or -.';
  end if;
  if pg_catalog.jsonb_typeof(coalesce(append_event.payload, 'null')) <> 'object'
     or pg_catalog.jsonb_typeof(coalesce(append_event.metadata, 'null')) <> 'object' then
    raise exception 'payload and metadata of % must be JSON objects', append_event.stream
      using errcode = 'SR011', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  perform sor.check_size(append_event.payload, 'the payload of an event for stream ' || append_event.stream);
  perform sor.check_size(append_event.metadata, 'the metadata of an event for stream ' || append_event.stream);
  perform 1 from sor.tenants t where t.tenant_id = append_event.tenant_id;
  if not found then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(append_event.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  if append_event.expected_version is not null then
    if append_event.expected_version < 0 then
      raise exception 'expected version % of stream % is negative', append_event.expected_version, append_event.stream
        using errcode = 'SR011', hint = 'Pass 0 for a new stream, or the version you last read.';
    end if;
    _current := sor.lock_stream(append_event.tenant_id, append_event.stream, append_event.expected_version = 0);
    if _current <> append_event.expected_version then
      raise exception 'wrong expected version % for stream % (stream version: %)',
            append_event.expected_version, append_event.stream, _current
        using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry with its current version.';
    end if;
  end if;
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  values (append_event.tenant_id, append_event.stream, 0, append_event.type,
          append_event.payload, append_event.metadata, '\x'::bytea)
  returning * into _row;
  perform sor.wake_events(append_event.tenant_id);
  return _row;
end
$$;
comment on function sor.append_event(text, text, text, jsonb, jsonb, integer) is
  'Internal append used by the kit''s triggers and functions: validates, checks the optional expected version under the stream''s head lock, inserts (the chain trigger does the rest). Executable by sor_owner only; only jit = off is set (hot path): its callers are pinned definer functions.';

create or replace function sor_api.append_event(
  tenant_id text, stream text, type text, payload jsonb default '{}'::jsonb,
  metadata jsonb default '{}'::jsonb, expected_version integer default null
) returns table ("position" bigint, version integer, hash text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
declare
  _row sor.events;
begin
  -- Membership first: a caller learns nothing about tenants it does not belong to.
  perform sor_guard.require_member(append_event.tenant_id);
  perform sor.refuse_reserved(append_event.stream, append_event.type, null);
  _row := sor.append_event(append_event.tenant_id, append_event.stream, append_event.type,
                           append_event.payload,
                           coalesce(append_event.metadata, '{}'::jsonb), append_event.expected_version);
  append_event.position := _row.position;
  append_event.version := _row.version;
  append_event.hash := pg_catalog.encode(_row.hash, 'hex');
  return next;
end
$$;
comment on function sor_api.append_event(text, text, text, jsonb, jsonb, integer) is
  'Appends one event for a tenant the caller is a member of, to a stream and with a type the kit does not reserve. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR008 not a member (or no such tenant), SR009 over 1 MiB, SR011 bad input, SR017 reserved stream or type.';

reset role;
set role sor_owner;
select sor_guard.classify('function', 'sor_guard.tg_events__chain()', 'chain');
select sor_guard.classify('function', 'sor_guard.event_hash(bytea,text,text,integer,text,jsonb,jsonb,name,timestamp with time zone,bigint)', 'chain');
select sor_guard.classify('function', 'sor_guard.tg_events__refuse_change()', 'refusal');
reset role;
