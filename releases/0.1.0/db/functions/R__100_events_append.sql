-- Appending events: the canonical hash, the chaining trigger every insert passes through, the
-- refusing trigger for UPDATE / DELETE / TRUNCATE, and the append functions.
set role sor_owner;

create or replace function sor.event_hash(
  prev_hash bytea, tenant_id text, stream text, version integer, type text,
  payload jsonb, metadata jsonb, actor name, occurred_at timestamptz, "position" bigint
) returns bytea
language plpgsql
immutable
parallel safe
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
comment on function sor.event_hash(bytea, text, text, integer, text, jsonb, jsonb, name, timestamptz, bigint) is
  'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it. No SET clause (hot path): every name is qualified and its callers pin search_path.';

create or replace function sor.stream_lock_key(tenant_id text, stream text)
returns bigint
language sql
immutable
parallel safe
as $$
  select pg_catalog.hashtextextended(stream_lock_key.tenant_id || '/' || stream_lock_key.stream, 7031)
$$;
comment on function sor.stream_lock_key(text, text) is
  'Advisory lock key of one stream: appends to one stream serialize on it, appends to different streams never wait on each other. No SET clause, so it is inlined.';

create or replace function sor.tg_events__chain()
returns trigger
language plpgsql
volatile
as $$
declare
  _last_version integer;
  _last_hash bytea;
begin
  perform pg_catalog.pg_advisory_xact_lock(sor.stream_lock_key(new.tenant_id, new.stream));
  -- Volatile function under READ COMMITTED: this query takes a fresh snapshot, so it sees the
  -- append of the writer that held the stream lock before us.
  select e.version, e.hash into _last_version, _last_hash
    from sor.events e
   where e.tenant_id = new.tenant_id and e.stream = new.stream
   order by e.version desc
   limit 1;
  -- The position is drawn under the stream lock, so within one stream positions rise with
  -- versions: a replay in position order applies every stream's events in version order.
  new.position := pg_catalog.nextval('sor.events_position_seq'::regclass);
  new.version := coalesce(_last_version, 0) + 1;
  new.prev_hash := _last_hash;
  new.actor := session_user;
  new.occurred_at := pg_catalog.now();
  new.tx_id := pg_catalog.pg_current_xact_id();
  new.hash := sor.event_hash(new.prev_hash, new.tenant_id, new.stream, new.version, new.type,
                             new.payload, new.metadata, new.actor, new.occurred_at, new.position);
  return new;
end
$$;
comment on function sor.tg_events__chain() is
  'BEFORE INSERT on sor.events: serializes the stream, draws the position under the stream lock, assigns the next version, links prev_hash, stamps actor, database time and transaction, computes hash. No insert path can skip it. No SET clause (hot path): names are qualified, and only the owner''s pinned definer functions and superusers insert.';

create or replace function sor.tg_events__refuse_change()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  raise exception '%.% is append-only: % refused', tg_table_schema, tg_table_name, tg_op
    using errcode = 'SR010',
          hint = 'Rows of an append-only table are never changed or removed. Append a compensating row instead.';
end
$$;
comment on function sor.tg_events__refuse_change() is
  'Refusal trigger of every append-only table (BEFORE UPDATE/DELETE row and statement, BEFORE TRUNCATE): always raises SR010, for every role, the owner included.';

create or replace function sor.append_event(
  tenant_id text, stream text, type text, payload jsonb default '{}'::jsonb,
  metadata jsonb default '{}'::jsonb, expected_version integer default null
) returns sor.events
language plpgsql
volatile
as $$
declare
  _current integer;
  _row sor.events;
begin
  if append_event.tenant_id is null or append_event.stream is null or append_event.type is null then
    raise exception 'tenant_id, stream and type are required'
      using errcode = 'SR011', hint = 'Pass a tenant id, a stream such as expense-42 and an event type.';
  end if;
  if append_event.stream !~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' or pg_catalog.length(append_event.stream) > 200 then
    raise exception 'malformed stream name %', pg_catalog.quote_literal(append_event.stream)
      using errcode = 'SR011', hint = 'A stream is category-id: a lowercase category, optionally a hyphen and an id (at most 200 characters), e.g. expense-42.';
  end if;
  if append_event.type !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' or pg_catalog.length(append_event.type) > 100 then
    raise exception 'malformed event type %', pg_catalog.quote_literal(append_event.type)
      using errcode = 'SR011', hint = 'An event type starts with a letter and has at most 100 letters, digits, _ . : or -.';
  end if;
  if pg_catalog.jsonb_typeof(coalesce(append_event.payload, 'null')) <> 'object'
     or pg_catalog.jsonb_typeof(coalesce(append_event.metadata, 'null')) <> 'object' then
    raise exception 'payload and metadata of % must be JSON objects', append_event.stream
      using errcode = 'SR011', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  if pg_catalog.octet_length(append_event.payload::text) + pg_catalog.octet_length(append_event.metadata::text) > 1048576 then
    raise exception 'event for stream % is larger than 1 MiB', append_event.stream
      using errcode = 'SR012', hint = 'Store large content elsewhere and put its sha256 and a reference in the event.';
  end if;
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
    perform pg_catalog.pg_advisory_xact_lock(sor.stream_lock_key(append_event.tenant_id, append_event.stream));
    select coalesce(pg_catalog.max(e.version), 0) into _current
      from sor.events e
     where e.tenant_id = append_event.tenant_id and e.stream = append_event.stream;
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
  return _row;
end
$$;
comment on function sor.append_event(text, text, text, jsonb, jsonb, integer) is
  'Internal append used by the kit''s triggers and functions: validates, checks the optional expected version under the stream lock, inserts (the chain trigger does the rest). Executable by sor_owner only; no SET clause (hot path): its callers are pinned definer functions.';

create or replace function sor_api.append_event(
  tenant_id text, stream text, type text, payload jsonb default '{}'::jsonb,
  metadata jsonb default '{}'::jsonb, expected_version integer default null
) returns table ("position" bigint, version integer, hash text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _row sor.events;
begin
  if append_event.tenant_id is null then
    raise exception 'tenant_id is required'
      using errcode = 'SR011', hint = 'Pass the id of a tenant you are a member of.';
  end if;
  -- Membership before existence: a caller learns nothing about tenants it does not belong to.
  perform 1 from sor.tenant_members m
   where m.tenant_id = append_event.tenant_id and m.role_name = session_user;
  if not found then
    raise exception 'role % may not append events for tenant %', session_user, quote_literal(append_event.tenant_id)
      using errcode = 'SR014', hint = 'A caller appends only for tenants it is a member of (sor_api.add_member).';
  end if;
  _row := sor.append_event(append_event.tenant_id, append_event.stream, append_event.type,
                           append_event.payload,
                           coalesce(append_event.metadata, '{}'::jsonb), append_event.expected_version);
  return query select _row.position, _row.version, encode(_row.hash, 'hex');
end
$$;
comment on function sor_api.append_event(text, text, text, jsonb, jsonb, integer) is
  'Appends one event for a tenant the caller is a member of. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR011 bad input, SR012 over 1 MiB, SR014 not a member.';

reset role;
