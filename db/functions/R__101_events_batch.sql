-- sor_api.append_events: many events of one tenant, in one call and one transaction, with the same
-- per-event guarantees as append_event (membership, reserved names, value rules, the size cap,
-- expected versions, one chain per stream). An error names the offending event by its ordinal.
set role sor_owner;

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
  _e record;
  _streams text[];
  _versions integer[];
  _s text;
begin
  perform sor_guard.require_member(append_events.tenant_id);
  if pg_catalog.jsonb_typeof(append_events.events) is distinct from 'array'
     or pg_catalog.jsonb_array_length(append_events.events) not between 1 and 10000 then
    raise exception 'events must be a JSON array of 1 to 10000 events'
      using errcode = 'SR011', hint = 'Pass [{"stream": "expense-42", "type": "Noted", "payload": {...}}, ...]; split larger batches.';
  end if;
  perform sor.check_size(append_events.events, 'the batch of events');
  -- every event is checked before anything is written
  for _e in
    select t.o::integer as o, t.x from pg_catalog.jsonb_array_elements(append_events.events) with ordinality as t(x, o)
  loop
    if pg_catalog.jsonb_typeof(_e.x) <> 'object'
       or exists (select 1 from pg_catalog.jsonb_object_keys(_e.x) k
                   where k not in ('stream', 'type', 'payload', 'metadata', 'expected_version')) then
      raise exception 'event % of the batch is not an object of stream, type, payload, metadata and expected_version', _e.o
        using errcode = 'SR011', hint = 'Each event is {"stream": ..., "type": ..., "payload": {...}, "metadata": {...}, "expected_version": n}; only stream and type are required.';
    end if;
    if not sor.is_valid('stream', _e.x ->> 'stream') then
      raise exception 'event % of the batch: malformed stream name %', _e.o, coalesce(pg_catalog.quote_literal(_e.x ->> 'stream'), 'NULL')
        using errcode = 'SR011', hint = 'A stream is category-id: a lowercase category, optionally a hyphen and an id (at most 200 characters), e.g. expense-42.';
    end if;
    if not sor.is_valid('event_type', _e.x ->> 'type') then
      raise exception 'event % of the batch: malformed event type %', _e.o, coalesce(pg_catalog.quote_literal(_e.x ->> 'type'), 'NULL')
        using errcode = 'SR011', hint = 'An event type starts with a letter and has at most 100 letters, digits, _ . : or -.';
    end if;
    if coalesce(pg_catalog.jsonb_typeof(_e.x -> 'payload'), 'object') <> 'object'
       or coalesce(pg_catalog.jsonb_typeof(_e.x -> 'metadata'), 'object') <> 'object' then
      raise exception 'event % of the batch: payload and metadata must be JSON objects', _e.o
        using errcode = 'SR011', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
    end if;
    if _e.x ? 'expected_version' and (pg_catalog.jsonb_typeof(_e.x -> 'expected_version') <> 'number'
                                      or (_e.x ->> 'expected_version')::numeric < 0
                                      or (_e.x ->> 'expected_version')::numeric <> pg_catalog.trunc((_e.x ->> 'expected_version')::numeric)) then
      raise exception 'event % of the batch: expected_version must be a whole number, 0 or more', _e.o
        using errcode = 'SR011', hint = 'Pass 0 for a new stream, or the version you last read.';
    end if;
    begin
      perform sor.refuse_reserved(_e.x ->> 'stream', _e.x ->> 'type', null);
    exception when sqlstate 'SR017' then
      raise exception 'event % of the batch: %', _e.o, sqlerrm using errcode = 'SR017',
        hint = 'The kit alone writes its streams and event types (see sor_api.reserved_names).';
    end;
  end loop;

  -- every stream's head is locked (a new stream's head claimed at version 0) in name order, so two
  -- batches over the same streams in any order never deadlock; each expectation is then compared
  -- with the head plus the events of the same stream earlier in the batch, in one pass
  _streams := array(select distinct x ->> 'stream' from pg_catalog.jsonb_array_elements(append_events.events) x order by 1);
  _versions := '{}'::integer[];
  foreach _s in array _streams loop
    _versions := _versions || sor.lock_stream(append_events.tenant_id, _s, true);
  end loop;
  select e.o, e.stream, e.expected, h.version + e.earlier as actual into _e
    from (select t.o::integer as o, t.x ->> 'stream' as stream, (t.x ->> 'expected_version')::integer as expected,
                 (pg_catalog.row_number() over (partition by t.x ->> 'stream' order by t.o))::integer - 1 as earlier
            from pg_catalog.jsonb_array_elements(append_events.events) with ordinality as t(x, o)) e
    join rows from (pg_catalog.unnest(_streams), pg_catalog.unnest(_versions)) as h(stream, version) on h.stream = e.stream
   where e.expected is not null and e.expected <> h.version + e.earlier
   order by e.o
   limit 1;
  if found then
    raise exception 'event % of the batch: wrong expected version % for stream % (stream version: %)',
          _e.o, _e.expected, _e.stream, _e.actual
      using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry the batch with its current version.';
  end if;

  return query
  with b as (
    select t.o::integer as o, t.x ->> 'stream' as stream, t.x ->> 'type' as type,
           coalesce(t.x -> 'payload', '{}'::jsonb) as payload, coalesce(t.x -> 'metadata', '{}'::jsonb) as metadata
      from pg_catalog.jsonb_array_elements(append_events.events) with ordinality as t(x, o)
  ), ins as (
    insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
    select append_events.tenant_id, b.stream, 0, b.type, b.payload, b.metadata, '\x'::bytea
      from b
     order by b.o
    returning events.position, events.stream, events.version, events.hash
  )
  select (pg_catalog.row_number() over (order by i.position))::integer, i.position, i.stream, i.version,
         pg_catalog.encode(i.hash, 'hex')
    from ins i
   order by i.position;
  perform sor.wake_events(append_events.tenant_id);
end
$$;
comment on function sor_api.append_events(text, jsonb) is
  'Appends 1 to 10000 events for a tenant the caller is a member of, in one call and one transaction, in the given order: [{"stream": ..., "type": ..., "payload": {...}, "metadata": {...}, "expected_version": n}]. The same rules as append_event apply to each event, and an error names its ordinal (1-based); nothing is written unless all pass. Returns each event''s ordinal, position, stream, version and hash. SR008 not a member, SR009 batch over 1 MiB, SR011 bad input, SR013 wrong expected version, SR017 reserved stream or type.';

reset role;
