-- Appending many events in one call, set-based: sor.append_event_rows (the one path for several
-- events at once: sor_api.append_events and the statement triggers of tasks and the outbox) and
-- sor_api.append_events. One statement claims and locks the heads of every stream of the batch,
-- one inserts the rows with their positions, versions and hashes; the statement trigger
-- (sor_guard.tg_events__chain) checks the links and moves the heads. Validation is one query over
-- the whole batch, and an error names the first offending event by its ordinal.
set role sor_owner;

-- 0.4.0 added the last argument (serialized); the five- and six-argument calls read as before
drop function if exists sor.append_event_rows(text[], text[], text[], jsonb[], jsonb[], integer[]);

create or replace function sor.append_event_rows(
  tenant_ids text[], streams text[], types text[], payloads jsonb[], metadatas jsonb[], expected integer[] default null,
  serialized boolean default false
) returns table (ordinal integer, "position" bigint, stream text, version integer, hash bytea)
language plpgsql
volatile
set jit = off
as $$
#variable_conflict use_column
declare
  _ht text[];
  _hs text[];
  _hv integer[];
  _hh bytea[];
  _bad record;
  _version integer;
  _hash bytea;
  _position bigint;
  _row sor.events;
begin
  -- One event (a single task's or outbox entry's outcome, a batch of one): the same steps with
  -- statements of one row each, which start and run in a fraction of the set-based statements'
  -- time (their plans have a node per step of the batch's bookkeeping).
  if pg_catalog.cardinality(append_event_rows.tenant_ids) = 1 then
    if append_event_rows.serialized then
      select h.version, h.last_hash into _version, _hash
        from sor.streams h
       where h.tenant_id = append_event_rows.tenant_ids[1] and h.stream = append_event_rows.streams[1]
         for no key update;
    else
      insert into sor.streams as s (tenant_id, stream, version)
      values (append_event_rows.tenant_ids[1], append_event_rows.streams[1], 0)
      on conflict on constraint streams_pkey do update set version = s.version
      returning s.version, s.last_hash into _version, _hash;
    end if;
    _version := coalesce(_version, 0);
    if append_event_rows.expected[1] is not null and append_event_rows.expected[1] <> _version then
      raise exception 'event 1 of the batch: wrong expected version % for stream % (stream version: %)',
            append_event_rows.expected[1], append_event_rows.streams[1], _version
        using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry the batch with its current version.';
    end if;
    perform sor.announce_append(append_event_rows.tenant_ids[1]);
    _position := pg_catalog.nextval('sor.events_position_seq'::regclass);
    insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)
    values (append_event_rows.tenant_ids[1], _position, append_event_rows.streams[1], _version + 1, append_event_rows.types[1],
            append_event_rows.payloads[1], append_event_rows.metadatas[1], _hash,
            sor_guard.event_hash(_hash, append_event_rows.tenant_ids[1], append_event_rows.streams[1], _version + 1,
                                 append_event_rows.types[1], append_event_rows.payloads[1], append_event_rows.metadatas[1],
                                 session_user, pg_catalog.now(), _position))
    returning * into _row;
    perform sor.wake_events(append_event_rows.tenant_ids[1]);
    return query select 1, _row.position, _row.stream, _row.version, _row.hash;
    return;
  end if;

  -- 1. the heads, each locked (in tenant and stream order, so two batches over the same streams
  --    never deadlock) and read as it is now.
  --    Claimed: a new stream is claimed by a head at version 0, so writers of a new stream that
  --    nothing else serialises (append_events) wait for each other here; the chain trigger moves
  --    the head. Serialized: the caller's writers of each stream are already serialised (the
  --    kit's triggers write task-<id> and outbox-<id> under the lock of that task's or entry's
  --    row), so only existing heads are locked, and the chain trigger makes a new stream's head at
  --    its final link: one row written per new stream, not a claim and then an update.
  if append_event_rows.serialized then
    select pg_catalog.array_agg(h.tenant_id), pg_catalog.array_agg(h.stream), pg_catalog.array_agg(h.version),
           pg_catalog.array_agg(h.last_hash)
      into _ht, _hs, _hv, _hh
      from (select distinct u.tenant_id, u.stream
              from unnest(append_event_rows.tenant_ids, append_event_rows.streams) as u(tenant_id, stream)
             order by 1, 2) u
     -- one probe of the key per stream, in order (a join could read every head)
     cross join lateral (select h.tenant_id, h.stream, h.version, h.last_hash
                           from sor.streams h
                          where h.tenant_id = u.tenant_id and h.stream = u.stream
                            for no key update) h;
  else
    with h as (
      insert into sor.streams as s (tenant_id, stream, version)
      select distinct u.tenant_id, u.stream, 0
        from unnest(append_event_rows.tenant_ids, append_event_rows.streams) as u(tenant_id, stream)
       order by 1, 2
      on conflict on constraint streams_pkey do update set version = s.version
      returning s.tenant_id, s.stream, s.version, s.last_hash
    )
    select pg_catalog.array_agg(h.tenant_id), pg_catalog.array_agg(h.stream), pg_catalog.array_agg(h.version),
           pg_catalog.array_agg(h.last_hash)
      into _ht, _hs, _hv, _hh
      from h;
  end if;

  -- 2. expected versions against the head plus the stream's events earlier in the batch
  if append_event_rows.expected is not null then
    select e.o, e.stream, e.expected, e.actual into _bad
      from (select u.o::integer as o, u.stream, u.expected,
                   coalesce(h.version, 0) + (pg_catalog.row_number() over (partition by u.tenant_id, u.stream order by u.o))::integer - 1 as actual
              from unnest(append_event_rows.tenant_ids, append_event_rows.streams, append_event_rows.expected)
                   with ordinality as u(tenant_id, stream, expected, o)
              left join unnest(_ht, _hs, _hv) as h(tenant_id, stream, version)
                on h.tenant_id = u.tenant_id and h.stream = u.stream) e
     where e.expected <> e.actual
     order by e.o
     limit 1;
    if found then
      raise exception 'event % of the batch: wrong expected version % for stream % (stream version: %)',
            _bad.o, _bad.expected, _bad.stream, _bad.actual
        using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry the batch with its current version.';
    end if;
  end if;

  -- the tenants' readers are told positions are about to be drawn (sor.announce_append, R__100)
  perform sor.announce_append(t.tenant_id)
     from (select distinct x.tenant_id from unnest(append_event_rows.tenant_ids) as x(tenant_id)) t;

  -- 3. the rows: positions are drawn after every head is locked and handed out in batch order, so
  --    within a stream positions rise with versions; each row links to its stream's head (a new
  --    stream without one starts at version 1 with no prev_hash)
  return query
  with b as (
    select u.o::integer as o, u.tenant_id, u.stream, u.type, u.payload, u.metadata
      from unnest(append_event_rows.tenant_ids, append_event_rows.streams, append_event_rows.types,
                             append_event_rows.payloads, append_event_rows.metadatas)
           with ordinality as u(tenant_id, stream, type, payload, metadata, o)
  ), d as materialized (
    select pg_catalog.nextval('sor.events_position_seq'::regclass) as position from b
  ), p as (
    select d.position, (pg_catalog.row_number() over (order by d.position))::integer as o from d
  ), r as (
    select b.o, b.tenant_id, b.stream, b.type, b.payload, b.metadata, p.position, h.last_hash,
           coalesce(h.version, 0) + (pg_catalog.row_number() over (partition by b.tenant_id, b.stream order by b.o))::integer as version
      from b
      join p on p.o = b.o
      left join unnest(_ht, _hs, _hv, _hh) as h(tenant_id, stream, version, last_hash)
        on h.tenant_id = b.tenant_id and h.stream = b.stream
  ), ins as (
    insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)
    select r.tenant_id, r.position, r.stream, r.version, r.type, r.payload, r.metadata, r.last_hash,
           -- sor_guard.event_hash's expression, inlined (no function call per row); verify_events
           -- recomputes every hash with the function itself, so the two cannot drift unseen
           pg_catalog.sha256(coalesce(r.last_hash, '\x'::bytea) || pg_catalog.convert_to(
             pg_catalog.jsonb_build_array(r.tenant_id, r.stream, r.version, r.type, r.payload, r.metadata, session_user::text,
               pg_catalog.to_char(pg_catalog.now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.position)::text,
             'UTF8'))
      from r
     order by r.o
    returning events.position, events.stream, events.version, events.hash
  )
  select p.o, i.position, i.stream, i.version, i.hash
    from ins i join p on p.position = i.position
   order by p.o;
  -- a wake-up for each tenant's readers (R__135)
  perform sor.wake_events(w.tenant_id)
     from (select distinct u.tenant_id from unnest(append_event_rows.tenant_ids) as u(tenant_id)) w;
end
$$;
comment on function sor.append_event_rows(text[], text[], text[], jsonb[], jsonb[], integer[], boolean) is
  'The one path that appends several events at once (the i-th of each array is one event; expected versions optional): one statement claims and locks every stream''s head (serialized: locks the existing heads only, for a caller that serialises each stream''s writers itself; the chain trigger makes a new stream''s head at its final link), one inserts the rows with positions in array order, versions, prev_hash and hash; the statement trigger checks the links and moves the heads. SR013 names the first event whose expected version is wrong. Callers validate first. Executable by sor_owner only; only jit = off is set (hot path).';

create or replace function sor_api.append_events(tenant_id text, events jsonb)
returns table (ordinal integer, "position" bigint, stream text, version integer, hash text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _bad record;
  _tenants text[];
  _streams text[];
  _types text[];
  _payloads jsonb[];
  _metadatas jsonb[];
  _expected integer[];
  _keys text[];
  _fps bytea[];
  _states text[];
  _write integer[];
  _bind text[];
  _source integer[];
  _written boolean[];
  _positions bigint[];
  _versions integer[];
  _hashes bytea[];
  _message text;
  _hint text;
begin
  perform sor_guard.require_member(append_events.tenant_id);
  if pg_catalog.jsonb_typeof(append_events.events) is distinct from 'array'
     or pg_catalog.jsonb_array_length(append_events.events) not between 1 and 10000 then
    raise exception 'events must be a JSON array of 1 to 10000 events'
      using errcode = 'SR011', hint = 'Pass [{"stream": "expense-42", "type": "Noted", "payload": {...}}, ...]; split larger batches.';
  end if;
  perform sor.check_size(append_events.events, 'the batch of events');

  -- every event is checked before anything is written, in one query over the whole batch: its
  -- shape, its tenant, the value rules, and the reserved names (sor.reserved_kind, an expression
  -- inlined per event: no query, no call)
  with b as (
    select t.o::integer as o, t.x,
           case when pg_catalog.jsonb_typeof(t.x) = 'object' then t.x ->> 'stream' end as stream,
           case when pg_catalog.jsonb_typeof(t.x) = 'object' then t.x ->> 'type' end as type
      from pg_catalog.jsonb_array_elements(append_events.events) with ordinality as t(x, o)
  )
  select v.o, v.code,
         case when pg_catalog.jsonb_typeof(v.x) <> 'object'
                   or (v.x - array['tenant_id', 'stream', 'type', 'payload', 'metadata', 'expected_version', 'idempotency_key']) <> '{}'::jsonb
                then 'is not an object of stream, type, payload, metadata, expected_version and idempotency_key'
              when v.x ? 'tenant_id' and (v.x -> 'tenant_id') is distinct from pg_catalog.to_jsonb(append_events.tenant_id)
                then pg_catalog.format('names tenant %s, and the batch is for tenant %s', v.x -> 'tenant_id',
                                       pg_catalog.quote_literal(append_events.tenant_id))
              when not sor.is_valid('stream', v.stream)
                then 'malformed stream name ' || coalesce(pg_catalog.quote_literal(v.stream), 'NULL')
              when not sor.is_valid('event_type', v.type)
                then 'malformed event type ' || coalesce(pg_catalog.quote_literal(v.type), 'NULL')
              when v.code = 'SR011' and coalesce(pg_catalog.jsonb_typeof(v.x -> 'idempotency_key'), 'null') <> 'null'
                   and (pg_catalog.jsonb_typeof(v.x -> 'idempotency_key') <> 'string' or not sor.is_valid('key', v.x ->> 'idempotency_key'))
                then 'idempotency_key must be a string of 1 to 255 characters without control characters'
              when v.code = 'SR011' and v.x ? 'expected_version' and coalesce(pg_catalog.jsonb_typeof(v.x -> 'payload'), 'object') = 'object'
                   and coalesce(pg_catalog.jsonb_typeof(v.x -> 'metadata'), 'object') = 'object'
                then 'expected_version must be a whole number, 0 or more'
              when v.code = 'SR011' then 'payload and metadata must be JSON objects'
              when v.kind = 'stream category' then 'stream ' || pg_catalog.quote_literal(v.stream) || ' is reserved for the kit'
              else 'event type ' || pg_catalog.quote_literal(v.type) || ' is reserved for the kit'
         end as problem
    into _bad
    from (
      select b.o, b.x, b.stream, b.type, sor.reserved_kind(b.stream, b.type, null) as kind,
             case when pg_catalog.jsonb_typeof(b.x) <> 'object'
                       or (b.x - array['tenant_id', 'stream', 'type', 'payload', 'metadata', 'expected_version', 'idempotency_key']) <> '{}'::jsonb
                       or (b.x ? 'tenant_id' and (b.x -> 'tenant_id') is distinct from pg_catalog.to_jsonb(append_events.tenant_id))
                       or not sor.is_valid('stream', b.stream) or not sor.is_valid('event_type', b.type)
                       or coalesce(pg_catalog.jsonb_typeof(b.x -> 'payload'), 'object') <> 'object'
                       or coalesce(pg_catalog.jsonb_typeof(b.x -> 'metadata'), 'object') <> 'object'
                       or (b.x ? 'expected_version'
                           and (pg_catalog.jsonb_typeof(b.x -> 'expected_version') <> 'number'
                                or (b.x ->> 'expected_version')::numeric not between 0 and 2147483647
                                or (b.x ->> 'expected_version')::numeric <> pg_catalog.trunc((b.x ->> 'expected_version')::numeric)))
                       or (coalesce(pg_catalog.jsonb_typeof(b.x -> 'idempotency_key'), 'null') <> 'null'
                           and (pg_catalog.jsonb_typeof(b.x -> 'idempotency_key') <> 'string'
                                or not sor.is_valid('key', b.x ->> 'idempotency_key')))
                    then 'SR011'
                  when sor.reserved_kind(b.stream, b.type, null) is not null then 'SR017'
             end as code
        from b
    ) v
   where v.code is not null
   order by v.o
   limit 1;
  if found and _bad.code = 'SR017' then
    raise exception 'event % of the batch: %', _bad.o, _bad.problem
      using errcode = 'SR017', hint = 'The kit alone writes its streams and event types (see sor_api.reserved_names); nothing of the batch was written.';
  elsif found then
    raise exception 'event % of the batch: %', _bad.o, _bad.problem
      using errcode = 'SR011',
            hint = 'Each event is {"stream": ..., "type": ..., "payload": {...}, "metadata": {...}, "expected_version": n, "idempotency_key": "..."} (only stream and type are required; a tenant_id, if given, is the batch''s); nothing of the batch was written.';
  end if;

  select pg_catalog.array_agg(append_events.tenant_id order by t.o), pg_catalog.array_agg(t.x ->> 'stream' order by t.o),
         pg_catalog.array_agg(t.x ->> 'type' order by t.o),
         pg_catalog.array_agg(coalesce(t.x -> 'payload', '{}'::jsonb) order by t.o),
         pg_catalog.array_agg(coalesce(t.x -> 'metadata', '{}'::jsonb) order by t.o),
         case when pg_catalog.bool_or(t.x ? 'expected_version')
              then pg_catalog.array_agg((t.x ->> 'expected_version')::integer order by t.o) end,
         case when pg_catalog.bool_or(pg_catalog.jsonb_typeof(t.x -> 'idempotency_key') = 'string')
              then pg_catalog.array_agg(t.x ->> 'idempotency_key' order by t.o) end
    into _tenants, _streams, _types, _payloads, _metadatas, _expected, _keys
    from pg_catalog.jsonb_array_elements(append_events.events) with ordinality as t(x, o);
  if _keys is null then
    return query
    select a.ordinal, a.position, a.stream, a.version, pg_catalog.encode(a.hash, 'hex')
      from sor.append_event_rows(_tenants, _streams, _types, _payloads, _metadatas, _expected) a;
    return;
  end if;

  -- Keyed events. Each event's fingerprint is sor.event_fingerprint's expression, inlined (no
  -- function call per event). A key given twice in the batch with the same content is one event
  -- (the later ordinals answer with the first's); with other content the batch is refused.
  select pg_catalog.array_agg(pg_catalog.sha256(pg_catalog.convert_to(
           pg_catalog.jsonb_build_array(u.stream, u.type, u.payload, u.metadata)::text, 'UTF8')) order by u.o)
    into _fps
    from unnest(_streams, _types, _payloads, _metadatas) with ordinality as u(stream, type, payload, metadata, o);
  select d.key, d.first_o, d.o into _bad
    from (select u.key, u.o, u.fp, pg_catalog.first_value(u.o) over w as first_o, pg_catalog.first_value(u.fp) over w as first_fp
            from unnest(_keys, _fps) with ordinality as u(key, fp, o)
           where u.key is not null
          window w as (partition by u.key order by u.o)) d
   where d.fp <> d.first_fp
   order by d.o
   limit 1;
  if found then
    raise exception 'event % of the batch: idempotency key % was given to event % with other content',
          _bad.o, pg_catalog.quote_literal(_bad.key), _bad.first_o
      using errcode = 'SR019', hint = 'A key names one event: give each event of the batch its own key. Nothing of the batch was written.';
  end if;

  -- Insert-first, in key order (two batches sharing keys never deadlock): a key held by a
  -- concurrent transaction is waited for, then found (it committed) or claimed (it rolled back).
  -- Then each event's key is looked up by its primary key, one probe per event (OFFSET 0 keeps it
  -- a probe, never a scan of the tenant's keys): a row without an event is one this call claimed
  -- (a committed key is always bound to its event); a found key must have been used for the same
  -- content; a key gone by then left with its retired event, and the loop claims it again.
  loop
    insert into sor.event_keys (tenant_id, idempotency_key, fingerprint)
    select append_events.tenant_id, u.key, (pg_catalog.array_agg(u.fp))[1]
      from unnest(_keys, _fps) as u(key, fp)
     where u.key is not null
     group by u.key
     order by u.key
    on conflict on constraint event_keys_pkey do nothing;
    select pg_catalog.array_agg(case when u.key is null then null
                                     when k.idempotency_key is null then 'gone'
                                     when k.position is null then 'claimed'
                                     when k.fingerprint = u.fp then 'found'
                                     else 'other' end order by u.o)
      into _states
      from unnest(_keys, _fps) with ordinality as u(key, fp, o)
      left join lateral (select k.idempotency_key, k.fingerprint, k.position
                           from sor.event_keys k
                          where u.key is not null and k.tenant_id = append_events.tenant_id and k.idempotency_key = u.key
                         offset 0) k on true;
    exit when not coalesce('gone' = any(_states), false);
  end loop;
  if 'other' = any(_states) then
    select u.o, k.idempotency_key as key, k.stream, k.version, k.position into _bad
      from unnest(_keys, _states) with ordinality as u(key, state, o)
      join sor.event_keys k on k.tenant_id = append_events.tenant_id and k.idempotency_key = u.key
     where u.state = 'other'
     order by u.o
     limit 1;
    raise exception 'event % of the batch: idempotency key % was used for another event: % version % at position %',
          _bad.o, pg_catalog.quote_literal(_bad.key), _bad.stream, _bad.version, _bad.position
      using errcode = 'SR019',
            hint = 'A key names one event: retry with the same stream, type, payload and metadata to get it back, or use a new key for a new event. Nothing of the batch was written.';
  end if;

  -- Written: the events without a key and the first event of each key claimed here, in batch order
  -- (their expected versions count only the events written); the keys are bound to their events;
  -- every ordinal answers with its event, a retried one with the event its key names. No statement
  -- joins two of the batch's arrays: a generic plan cannot turn a join of two arrays of 10000 into
  -- a nested loop.
  select pg_catalog.array_agg(x.o order by x.o) filter (where x.written),
         pg_catalog.array_agg(x.key order by x.o) filter (where x.written),
         pg_catalog.array_agg(x.source_o order by x.o), pg_catalog.array_agg(x.written order by x.o)
    into _write, _bind, _source, _written
    from (select u.o::integer as o, u.key,
                 u.key is null or (u.state = 'claimed' and u.o = pg_catalog.min(u.o) over (partition by u.key)) as written,
                 (case when u.key is null then u.o else pg_catalog.min(u.o) over (partition by u.key) end)::integer as source_o
            from unnest(_keys, _states) with ordinality as u(key, state, o)) x;
  select pg_catalog.array_agg(e.tenant_id order by e.o), pg_catalog.array_agg(e.stream order by e.o),
         pg_catalog.array_agg(e.type order by e.o), pg_catalog.array_agg(e.payload order by e.o),
         pg_catalog.array_agg(e.metadata order by e.o),
         case when _expected is not null then pg_catalog.array_agg(e.expected order by e.o) end
    into _tenants, _streams, _types, _payloads, _metadatas, _expected
    from unnest(_tenants, _streams, _types, _payloads, _metadatas, _expected, _written)
         with ordinality as e(tenant_id, stream, type, payload, metadata, expected, written, o)
   where e.written;
  if _write is not null then
    begin
      select pg_catalog.array_agg(a.position order by a.ordinal), pg_catalog.array_agg(a.version order by a.ordinal),
             pg_catalog.array_agg(a.hash order by a.ordinal)
        into _positions, _versions, _hashes
        from sor.append_event_rows(_tenants, _streams, _types, _payloads, _metadatas, _expected) a;
    exception when sqlstate 'SR013' then
      -- sor.append_event_rows names the event by its place among the events written: name it by the batch's
      get stacked diagnostics _message = message_text, _hint = pg_exception_hint;
      raise exception '%', pg_catalog.regexp_replace(_message, '^event [0-9]+',
                                                     'event ' || _write[(pg_catalog.substring(_message, '^event ([0-9]+)'))::integer])
        using errcode = 'SR013', hint = _hint;
    end;
    -- planned for this batch (EXECUTE): one probe of the primary key per key bound
    execute 'update sor.event_keys k
                set position = b.position, stream = b.stream, version = b.version, hash = b.hash
               from unnest($2, $3, $4, $5, $6) as b(key, position, stream, version, hash)
              where k.tenant_id = $1 and k.idempotency_key = b.key'
      using append_events.tenant_id, _bind, _positions, _streams, _versions, _hashes;
  end if;
  -- each ordinal's answer: a written event's from its place among the written (the ordinal of its
  -- key's first event), a retried one's from its key; planned for this batch (EXECUTE), so the
  -- batch's arrays are hashed, never scanned once per event
  return query execute
    'select u.o::integer, coalesce(r.position, k.position), coalesce(r.stream, k.stream), coalesce(r.version, k.version),
            pg_catalog.encode(coalesce(r.hash, k.hash), ''hex'')
       from unnest($2, $3) with ordinality as u(key, source_o, o)
       left join unnest($4, $5, $6, $7, $8) as r(o, position, stream, version, hash) on r.o = u.source_o
       left join lateral (select k.position, k.stream, k.version, k.hash
                            from sor.event_keys k
                           where r.position is null and k.tenant_id = $1 and k.idempotency_key = u.key
                          offset 0) k on true
      order by u.o'
    using append_events.tenant_id, _keys, _source, _write, _positions, _streams, _versions, _hashes;
end
$$;

comment on function sor_api.append_events(text, jsonb) is
  'Appends 1 to 10000 events for a tenant the caller is a member of, in one call and one transaction, in the given order: [{"stream": ..., "type": ..., "payload": {...}, "metadata": {...}, "expected_version": n}] (an event may repeat the batch''s "tenant_id"; another tenant''s is refused). The same rules as append_event apply to each event, checked in one query over the whole batch, and an error names the first offending event by its ordinal (1-based); nothing is written unless all pass. Returns each event''s ordinal, position, stream, version and hash. An event may carry an "idempotency_key" (as append_event''s, unique per tenant): an event whose key was used before with the same stream, type, payload and metadata is not written again and answers with the original event (its expected_version is not checked; the expected versions of the others count only the events written); a key given twice in the batch with the same content is one event. SR008 not a member, SR009 batch over 1 MiB, SR011 bad input, SR013 wrong expected version, SR017 reserved stream or type, SR019 a key used for other content (before, or in the batch).';

reset role;
