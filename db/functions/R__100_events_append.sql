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
language sql
stable
parallel safe
as $$
  -- (stable, not immutable, though it is a pure function of its arguments: an immutable function
  -- whose arguments call now() or session_user is not inlined, and a SQL function that is not
  -- inlined costs an executor of its own per call)
  -- jsonb text is canonical (keys sorted, whitespace normalised); the timestamp is rendered in
  -- UTC with microseconds, so the encoding does not depend on the session's TimeZone. One
  -- expression, no SET clause: inlined into the statement that calls it (an append's INSERT,
  -- verify_events' reads), where it costs the expression alone.
  select pg_catalog.sha256(
           coalesce(event_hash.prev_hash, '\x'::bytea)
           || pg_catalog.convert_to(
                pg_catalog.jsonb_build_array(
                  event_hash.tenant_id, event_hash.stream, event_hash.version, event_hash.type,
                  event_hash.payload, event_hash.metadata, event_hash.actor::text,
                  pg_catalog.to_char(event_hash.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  event_hash."position")::text,
                'UTF8'))
$$;
comment on function sor_guard.event_hash(bytea, text, text, integer, text, jsonb, jsonb, name, timestamptz, bigint) is
  'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it. One SQL expression without settings, inlined into its callers'' statements: every name is qualified and its callers pin search_path.';

drop function if exists sor_guard.stream_lock_key(text, text);

create or replace function sor_guard.tg_events__chain()
returns trigger
language plpgsql
volatile
set jit = off
-- each head is found by its key (a nested loop over the statement's streams): a hash or merge join
-- would read every head of sor.streams, one per stream ever written (a task's stream each)
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  _streams bigint;
  _moved bigint;
  _tenant text;
  _stream text;
  _starts boolean;
begin
  -- One row, as every single append inserts: the same rule as below, in one statement. The head
  -- moves only when the row continues it (version = head + 1, prev_hash = the head's link, the
  -- database's stamps); the row's hash is the stream's new link. A row that starts its stream
  -- (version 1, no prev_hash) makes the head or moves the one claimed at version 0. (One query
  -- counts the rows and tells a start, as the count alone did.)
  select pg_catalog.count(*), pg_catalog.bool_and(n.version = 1 and n.prev_hash is null) into _streams, _starts
    from new_rows n;
  if _streams = 1 then
    if _starts then
      insert into sor.streams as h (tenant_id, stream, version, last_position, last_hash)
      select n.tenant_id, n.stream, n.version, n.position, n.hash
        from new_rows n
       where n.occurred_at = pg_catalog.now() and n.actor = session_user
         and n.tx_id = pg_catalog.pg_current_xact_id()
      on conflict on constraint streams_pkey do update
         set version = excluded.version, last_position = excluded.last_position, last_hash = excluded.last_hash
       where h.version = 0;
    else
      update sor.streams h
         set version = n.version, last_position = n.position, last_hash = n.hash
        from new_rows n
       where h.tenant_id = n.tenant_id and h.stream = n.stream
         and h.version = n.version - 1 and h.last_hash is not distinct from n.prev_hash
         and n.occurred_at = pg_catalog.now() and n.actor = session_user
         and n.tx_id = pg_catalog.pg_current_xact_id();
    end if;
    get diagnostics _moved = row_count;
    if _moved = 1 then
      return null;
    end if;
    select n.tenant_id, n.stream into _tenant, _stream from new_rows n;
    raise exception 'events of stream % (tenant %) do not continue its chain', _stream, _tenant
      using errcode = 'SR011',
            hint = 'Append through sor_api.append_event or append_events: position, version, hashes, actor and occurred_at are the database''s.';
  end if;
  -- AFTER INSERT, once per statement, over the statement's rows (new_rows). Each stream's rows of
  -- one statement are one link of its chain: they carry the same prev_hash (the stream's link
  -- before the statement), versions without gaps from the head's version + 1, positions rising
  -- with versions, the database's stamps; the stream's new link is the hash of its one row, or
  -- sha256 over its rows' hashes in version order when there are several. The head moves to the
  -- new link in the same statement; a head that is not where the rows say (another writer moved
  -- it) moves nothing and the insert is refused. Rows that start their stream (version 1, no
  -- prev_hash) move a head claimed at version 0, or make the head at the new link when there is
  -- none: the kit's writers that serialise their streams themselves (sor.append_event_rows,
  -- serialized) claim no head first. A head past version 0 (another writer's, made meanwhile or
  -- long ago) is left as it is and the insert is refused: a stream never gets a second chain.
  with r as (
    select n.tenant_id, n.stream, n.version, n.position, n.prev_hash, n.hash,
           n.occurred_at = pg_catalog.now() and n.actor = session_user
             and n.tx_id = pg_catalog.pg_current_xact_id() as stamped,
           pg_catalog.lag(n.version) over w as before_version,
           pg_catalog.lag(n.position) over w as before_position,
           pg_catalog.first_value(n.prev_hash) over w as group_prev
      from new_rows n
    window w as (partition by n.tenant_id, n.stream order by n.version)
  ), s as (
    select r.tenant_id, r.stream, pg_catalog.min(r.version) as first_version, pg_catalog.max(r.version) as last_version,
           pg_catalog.max(r.position) as last_position, (pg_catalog.array_agg(r.group_prev))[1] as prev_hash,
           case when pg_catalog.count(*) = 1 then pg_catalog.string_agg(r.hash, ''::bytea)
                else pg_catalog.sha256(pg_catalog.string_agg(r.hash, ''::bytea order by r.version)) end as link,
           pg_catalog.bool_and(r.stamped and r.prev_hash is not distinct from r.group_prev
                               and (r.before_version is null
                                    or (r.version = r.before_version + 1 and r.position > r.before_position))) as linked
      from r
     group by r.tenant_id, r.stream
  ), moved as (
    update sor.streams h
       set version = s.last_version, last_position = s.last_position, last_hash = s.link
      from s
     where h.tenant_id = s.tenant_id and h.stream = s.stream and s.linked and s.first_version > 1
       and h.version = s.first_version - 1 and h.last_hash is not distinct from s.prev_hash
    returning h.tenant_id, h.stream
  ), made as (
    insert into sor.streams as h (tenant_id, stream, version, last_position, last_hash)
    select s.tenant_id, s.stream, s.last_version, s.last_position, s.link
      from s
     where s.linked and s.first_version = 1 and s.prev_hash is null
     order by s.tenant_id, s.stream
    on conflict on constraint streams_pkey do update
       set version = excluded.version, last_position = excluded.last_position, last_hash = excluded.last_hash
     where h.version = 0
    returning h.tenant_id, h.stream
  )
  select (select pg_catalog.count(*) from s), (select pg_catalog.count(*) from moved) + (select pg_catalog.count(*) from made)
    into _streams, _moved;
  if _moved <> _streams then
    -- name the first stream (by tenant and stream) whose rows do not continue its head as it is now
    select n.tenant_id, n.stream into _tenant, _stream
      from new_rows n
     where not exists (select 1 from sor.streams h
                        where h.tenant_id = n.tenant_id and h.stream = n.stream and h.last_position >= n.position)
     order by n.tenant_id, n.stream
     limit 1;
    raise exception 'events of stream % (tenant %) do not continue its chain', _stream, _tenant
      using errcode = 'SR011',
            hint = 'Append through sor_api.append_event or append_events: position, version, hashes, actor and occurred_at are the database''s.';
  end if;
  return null;
end
$$;
comment on function sor_guard.tg_events__chain() is
  'AFTER INSERT on sor.events, once per statement over its transition table: checks that each stream''s rows continue its head (versions without gaps, one shared prev_hash, positions rising with versions, database time, session_user, the current transaction), then moves every head to its new link in one UPDATE, and makes the head of a stream that has none when its rows start its chain (version 1, no prev_hash; a head made meanwhile by another transaction refuses them); SR011 otherwise. No insert path can skip it. Row hashes are computed by the append path and recomputed by verify_events and verify_ledger. Sets jit = off and turns hash and merge joins off, so each head is found by its key (a join would read every head); names are qualified, and only the owner''s pinned definer functions and superusers insert.';

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

-- A tenant's readers (sor.tenant_horizon, R__130) are held back only by the tenant's own writers.
-- Before a transaction draws a position for a tenant's event it announces itself with two shared
-- advisory locks held to its end (released after its commit is visible):
--   * its bound: the int8 key L, a position at or below the last one drawn so far, so every
--     position the transaction draws afterwards is above L; and then
--   * the tenant's: the two-int4 key (hashtext(tenant_id), K), K 5459794 unless taken.
-- An announcement never waits: every lock is tried (pg_try_advisory_xact_lock_shared). Any login
-- may take any advisory key, so a session holding one of these keys exclusively would otherwise
-- stall the tenant's appends: a refused bound is replaced by a lower one (any value below the last
-- position drawn is still a bound, only more cautious), a refused tenant key by a random K (the
-- readers accept any K). A transaction keeps its bound and K (sor.append_bound, a
-- transaction-local setting, 'L|K'), so however many appends it makes it holds one bound lock and
-- one lock per tenant, and repeating them costs a lookup in the backend's own lock table. The
-- setting is only a memory: a remembered bound is used only when it is at or below the last
-- position drawn, and the locks are taken again either way; a session that sets it by hand can
-- only hold back its own tenant's readers, never make them skip an event.
create or replace function sor.announce_append(tenant_id text)
returns void
language plpgsql
volatile
set jit = off
as $$
declare
  _last bigint := coalesce(pg_catalog.pg_sequence_last_value('sor.events_position_seq'::pg_catalog.regclass), 0);
  _kept text[] := pg_catalog.string_to_array(pg_catalog.current_setting('sor.append_bound', true), '|');
  _bound bigint := _last;
  _key integer := 5459794;
  _step bigint := 1;
  _tries integer := 0;
begin
  if pg_catalog.cardinality(_kept) = 2 and _kept[1] ~ '^-?[0-9]{1,18}$' and _kept[2] ~ '^-?[0-9]{1,10}$'
     and _kept[1]::bigint <= _last and _kept[2]::bigint between -2147483648 and 2147483647 then
    _bound := _kept[1]::bigint;
    _key := _kept[2]::integer;
  end if;
  while not pg_catalog.pg_try_advisory_xact_lock_shared(_bound) loop
    _tries := _tries + 1;
    if _tries > 60 then
      raise exception 'the append of tenant % cannot announce itself: every bound it tried is held exclusively by another session', announce_append.tenant_id
        using errcode = '55P03', hint = 'A session holds advisory locks it should not (see pg_locks, locktype advisory); end it and retry.';
    end if;
    _bound := _bound - 1 - (pg_catalog.random() * _step)::bigint;
    _step := least(_step * 2, 1099511627776);
  end loop;
  _tries := 0;
  while not pg_catalog.pg_try_advisory_xact_lock_shared(pg_catalog.hashtext(announce_append.tenant_id), _key) loop
    _tries := _tries + 1;
    if _tries > 60 then
      raise exception 'the append of tenant % cannot announce itself: every tenant key it tried is held exclusively by another session', announce_append.tenant_id
        using errcode = '55P03', hint = 'A session holds advisory locks it should not (see pg_locks, locktype advisory); end it and retry.';
    end if;
    _key := (pg_catalog.random() * 2147483646)::integer;
  end loop;
  if _kept is null or _kept[1] is distinct from _bound::text or _kept[2] is distinct from _key::text then
    perform pg_catalog.set_config('sor.append_bound', _bound::text || '|' || _key::text, true);
  end if;
end
$$;
comment on function sor.announce_append(text) is
  'Called by the append paths (sor.append_event, sor.append_event_rows) before they draw positions for a tenant''s events: takes, to the end of the transaction, shared advisory locks on its bound (int8 key: a position at or below the last drawn, the same for the whole transaction) and on the tenant (hashtext(tenant_id), K), which sor.tenant_horizon reads. Never waits: a key another session holds exclusively is replaced (a lower bound, another K). Only jit = off is set (hot path).';

-- sor.lock_stream locked a stream's head for the append paths of 0.2.0 and 0.3.0. This release
-- does not use it, but an old append whose call straddles the upgrade's commit plans its next
-- statement against the new catalog and calls it: a function that is gone would answer 42883,
-- which no Worker retries. It stays as a tombstone that answers 40001 instead: the Worker retries
-- and the retry runs this release's code. (A release keeps every function of the releases it
-- upgrades from while Workers run: a changed signature gains defaulted arguments, a retired
-- function leaves a tombstone; ReleaseManifestTest checks it.)
create or replace function sor.lock_stream(tenant_id text, stream text, claim_new boolean)
returns integer
language plpgsql
volatile
set jit = off
as $$
begin
  raise exception 'pg-sor was upgraded while this call ran: its code locked stream % the way an earlier release did',
        coalesce(pg_catalog.quote_literal(lock_stream.stream), 'NULL')
    using errcode = '40001', hint = 'Retry the call: it runs the code of the release now installed.';
end
$$;
comment on function sor.lock_stream(text, text, boolean) is
  'A tombstone: the stream lock of 0.2.0 and 0.3.0, which this release does not use. An old append still running as the upgrade commits calls it and gets 40001, which a Worker retries with the new code. Only jit = off is set.';

create or replace function sor.append_event(
  tenant_id text, stream text, type text, payload jsonb default '{}'::jsonb,
  metadata jsonb default '{}'::jsonb, expected_version integer default null
) returns sor.events
language plpgsql
volatile
set jit = off
as $$
declare
  _version integer;
  _hash bytea;
  _position bigint;
  _row sor.events;
begin
  -- every value rule in one expression; the reserved names are the caller's rule (sor_api.append_event)
  if append_event.tenant_id is null or append_event.stream is null or append_event.type is null
     or not sor.is_valid('stream', append_event.stream) or not sor.is_valid('event_type', append_event.type)
     or pg_catalog.jsonb_typeof(coalesce(append_event.payload, 'null')) <> 'object'
     or pg_catalog.jsonb_typeof(coalesce(append_event.metadata, 'null')) <> 'object'
     or append_event.expected_version < 0 then
    raise exception 'bad event for stream %: %', coalesce(pg_catalog.quote_literal(append_event.stream), 'NULL'),
          case when append_event.tenant_id is null or append_event.stream is null or append_event.type is null
                 then 'tenant_id, stream and type are required'
               when not sor.is_valid('stream', append_event.stream) then 'malformed stream name'
               when not sor.is_valid('event_type', append_event.type)
                 then 'malformed event type ' || pg_catalog.quote_literal(append_event.type)
               when append_event.expected_version < 0
                 then 'expected version ' || append_event.expected_version || ' is negative'
               else 'payload and metadata must be JSON objects' end
      using errcode = 'SR011',
            hint = 'A stream is category-id (e.g. expense-42, at most 200 characters); a type starts with a letter (at most 100 of letters, digits, _ . : -); payload and metadata are JSON objects; expected_version is 0 for a new stream or the version you last read.';
  end if;
  if sor.over_cap(append_event.payload) or sor.over_cap(append_event.metadata) then
    perform sor.check_size(append_event.payload, 'the payload of an event for stream ' || append_event.stream);
    perform sor.check_size(append_event.metadata, 'the metadata of an event for stream ' || append_event.stream);
  end if;
  -- The stream's head row is its lock, held to commit: appends to one stream are serialised, to
  -- different streams never wait on each other. A new stream is claimed by a version 0 head, so
  -- two appends both expecting version 0 cannot both succeed; an unknown tenant fails its foreign
  -- key there. Under READ COMMITTED each statement reads the head the previous appender left.
  loop
    select h.version, h.last_hash into _version, _hash
      from sor.streams h
     where h.tenant_id = append_event.tenant_id and h.stream = append_event.stream
       for no key update;
    exit when found;
    if not exists (select 1 from sor.tenants t where t.tenant_id = append_event.tenant_id) then
      raise exception 'unknown tenant %', pg_catalog.quote_literal(append_event.tenant_id)
        using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
    end if;
    insert into sor.streams (tenant_id, stream, version)
    values (append_event.tenant_id, append_event.stream, 0)
    on conflict on constraint streams_pkey do nothing;
  end loop;
  if _version <> append_event.expected_version then
    raise exception 'wrong expected version % for stream % (stream version: %)',
          append_event.expected_version, append_event.stream, _version
      using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry with its current version.';
  end if;
  -- the position is drawn under the head lock, so within a stream positions rise with versions;
  -- the statement trigger (sor_guard.tg_events__chain) checks the link and moves the head
  perform sor.announce_append(append_event.tenant_id);
  _position := pg_catalog.nextval('sor.events_position_seq'::regclass);
  insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)
  values (append_event.tenant_id, _position, append_event.stream, _version + 1, append_event.type,
          append_event.payload, append_event.metadata, _hash,
          sor_guard.event_hash(_hash, append_event.tenant_id, append_event.stream, _version + 1, append_event.type,
                               append_event.payload, append_event.metadata, session_user, pg_catalog.now(), _position))
  returning * into _row;
  perform sor.wake_events(append_event.tenant_id);
  return _row;
end
$$;
comment on function sor.append_event(text, text, text, jsonb, jsonb, integer) is
  'The one path that appends a single event (sor_api.append_event and the kit''s journal triggers): validates in one expression, locks the stream''s head (claiming a new stream at version 0), checks the optional expected version, and inserts the event with its position, version, prev_hash and hash; the statement trigger checks the link and moves the head. Executable by sor_owner only; only jit = off is set (hot path): its callers are pinned definer functions.';

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
  if sor.reserved_kind(append_event.stream, append_event.type, null) is not null then
    perform sor.refuse_reserved(append_event.stream, append_event.type, null);
  end if;
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

create or replace function sor.event_fingerprint(stream text, type text, payload jsonb, metadata jsonb)
returns bytea
language sql
immutable
parallel safe
set jit = off
as $$
  select pg_catalog.sha256(pg_catalog.convert_to(
           pg_catalog.jsonb_build_array(event_fingerprint.stream, event_fingerprint.type,
                                        event_fingerprint.payload, event_fingerprint.metadata)::text, 'UTF8'))
$$;
comment on function sor.event_fingerprint(text, text, jsonb, jsonb) is
  'The content an idempotency key of an append is bound to (sor.event_keys.fingerprint): sha256 over the canonical JSON text of stream, type, payload and metadata. The expected version is not content: a retry of a conditional append that committed returns the original. sor_api.append_events computes the same expression inline (set-based, no call per event).';

create or replace function sor_api.append_event(
  tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer, idempotency_key text
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
  _fp bytea;
  _key sor.event_keys;
begin
  perform sor_guard.require_member(append_event.tenant_id);
  if append_event.idempotency_key is not null and not sor.is_valid('key', append_event.idempotency_key) then
    raise exception 'malformed idempotency key for stream %', coalesce(pg_catalog.quote_literal(append_event.stream), 'NULL')
      using errcode = 'SR011',
            hint = 'An idempotency key is 1 to 255 characters without control characters (a UUID event id is one); pass NULL to append without a key.';
  end if;
  if sor.reserved_kind(append_event.stream, append_event.type, null) is not null then
    perform sor.refuse_reserved(append_event.stream, append_event.type, null);
  end if;
  if append_event.idempotency_key is not null then
    -- Insert-first: the key's row is claimed before the append, so a concurrent append with the
    -- same key waits here for this transaction and then finds the key (committed) or claims it
    -- (rolled back). A key found was bound to its event by the transaction that claimed it.
    _fp := sor.event_fingerprint(append_event.stream, append_event.type, append_event.payload,
                                 coalesce(append_event.metadata, '{}'::jsonb));
    loop
      insert into sor.event_keys (tenant_id, idempotency_key, fingerprint)
      values (append_event.tenant_id, append_event.idempotency_key, _fp)
      on conflict on constraint event_keys_pkey do nothing;
      exit when found;
      select k.* into _key from sor.event_keys k
       where k.tenant_id = append_event.tenant_id and k.idempotency_key = append_event.idempotency_key;
      if found then
        if _key.fingerprint <> _fp then
          raise exception 'idempotency key % was used for another event: % version % at position %',
                pg_catalog.quote_literal(append_event.idempotency_key), _key.stream, _key.version, _key.position
            using errcode = 'SR019',
                  hint = 'A key names one event: retry with the same stream, type, payload and metadata to get it back, or use a new key for a new event. Nothing was written.';
        end if;
        append_event.position := _key.position;
        append_event.version := _key.version;
        append_event.hash := pg_catalog.encode(_key.hash, 'hex');
        return next;
        return;
      end if;
      -- the key left with its retired event between the two statements: claim it again
    end loop;
  end if;
  _row := sor.append_event(append_event.tenant_id, append_event.stream, append_event.type,
                           append_event.payload,
                           coalesce(append_event.metadata, '{}'::jsonb), append_event.expected_version);
  if append_event.idempotency_key is not null then
    update sor.event_keys k
       set position = _row.position, stream = _row.stream, version = _row.version, hash = _row.hash
     where k.tenant_id = append_event.tenant_id and k.idempotency_key = append_event.idempotency_key;
  end if;
  append_event.position := _row.position;
  append_event.version := _row.version;
  append_event.hash := pg_catalog.encode(_row.hash, 'hex');
  return next;
end
$$;
comment on function sor_api.append_event(text, text, text, jsonb, jsonb, integer, text) is
  'Appends one event as append_event(tenant_id, stream, type, payload, metadata, expected_version) does, idempotently: the first call with an idempotency_key (1 to 255 characters, unique per tenant) appends and binds the key to the event; a retry with the same key and the same stream, type, payload and metadata returns that event''s position, version and hash and writes nothing (its expected_version is not checked again). A concurrent call with the same key waits for the first. NULL idempotency_key: an append without a key. SR008 not a member, SR009 over 1 MiB, SR011 bad input or key, SR013 wrong expected version, SR017 reserved, SR019 the key was used for other content.';

reset role;
set role sor_owner;
select sor_guard.classify('function', 'sor_guard.tg_events__chain()', 'chain');
select sor_guard.classify('function', 'sor_guard.event_hash(bytea,text,text,integer,text,jsonb,jsonb,name,timestamp with time zone,bigint)', 'chain');
select sor_guard.classify('function', 'sor_guard.tg_events__refuse_change()', 'refusal');
reset role;
