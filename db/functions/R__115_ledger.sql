-- The ledger: the event log sealed in hash-chained blocks, and digests an auditor keeps outside.
--   sor_api.seal_ledger(max_events)   seals every finished transaction's events into blocks
--   sor_api.ledger_digest()           the latest block as a digest (jsonb) to store elsewhere
--   sor_api.verify_ledger(digest)     proves nothing up to a saved digest changed, went missing or was re-hashed
-- A block covers the transactions in [from_tx, to_tx): to_tx is the oldest transaction still running
-- when it was sealed, so no event can join a sealed block later, whatever order transactions commit in.
set role sor_owner;

create or replace function sor.ledger_block_hash(prev_block_hash bytea, block_id bigint, from_tx xid8, to_tx xid8,
                                                 events bigint, first_position bigint, last_position bigint,
                                                 events_sha256 bytea)
returns bytea
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select sha256(coalesce(ledger_block_hash.prev_block_hash, ''::bytea)
                || convert_to(format('%s|%s|%s|%s|%s|%s', ledger_block_hash.block_id, ledger_block_hash.from_tx,
                                     ledger_block_hash.to_tx, ledger_block_hash.events, ledger_block_hash.first_position,
                                     ledger_block_hash.last_position), 'UTF8')
                || ledger_block_hash.events_sha256)
$$;
comment on function sor.ledger_block_hash(bytea, bigint, xid8, xid8, bigint, bigint, bigint, bytea) is
  'The hash of a ledger block: sha256(previous block hash || "block_id|from_tx|to_tx|events|first_position|last_position" || events_sha256).';

create or replace function sor_api.seal_ledger(max_events integer default 100000)
returns table (block_id bigint, from_tx xid8, to_tx xid8, events bigint, first_position bigint, last_position bigint,
               block_hash text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set lock_timeout = '5s'
set jit = off
as $$
declare
  _horizon xid8;
  _last sor.ledger_blocks;
  _from xid8;
  _to xid8;
  _agg record;
  _row sor.ledger_blocks;
begin
  if seal_ledger.max_events is null or seal_ledger.max_events not between 1 and 1000000 then
    raise exception 'max_events must be 1 to 1000000, not %', coalesce(seal_ledger.max_events::text, 'NULL')
      using errcode = 'SR085', hint = 'The default, 100000, bounds the work of one block.';
  end if;
  -- one sealer at a time; readers and appenders are not blocked
  lock table sor.ledger_blocks in exclusive mode;
  _horizon := pg_snapshot_xmin(pg_current_snapshot());
  loop
    select * into _last from sor.ledger_blocks b order by b.block_id desc limit 1;
    _from := coalesce(_last.to_tx, '0'::xid8);
    exit when _from >= _horizon;
    -- end the block after the transaction holding its max_events-th event (a block never splits a transaction)
    select e.tx_id into _to
      from sor.events e
     where e.tx_id >= _from and e.tx_id < _horizon
     order by e.tx_id, e.position
     offset seal_ledger.max_events - 1 limit 1;
    _to := case when _to is null then _horizon else least((_to::text::numeric + 1)::text::xid8, _horizon) end;
    select pg_catalog.count(*) as n, pg_catalog.min(e.position) as first_position, pg_catalog.max(e.position) as last_position,
           pg_catalog.min(e.occurred_at) as first_at, pg_catalog.max(e.occurred_at) as last_at,
           sha256(coalesce(pg_catalog.string_agg(e.hash, ''::bytea order by e.tx_id, e.position), ''::bytea)) as digest
      into _agg
      from sor.events e
     where e.tx_id >= _from and e.tx_id < _to;
    exit when _agg.n = 0;  -- nothing to seal yet: the next block starts where the last one ended
    _row.block_id := coalesce(_last.block_id, 0) + 1;
    _row.from_tx := _from;
    _row.to_tx := _to;
    _row.events := _agg.n;
    _row.first_position := _agg.first_position;
    _row.last_position := _agg.last_position;
    _row.first_occurred_at := _agg.first_at;
    _row.last_occurred_at := _agg.last_at;
    _row.events_sha256 := _agg.digest;
    _row.prev_block_hash := _last.block_hash;
    _row.block_hash := sor.ledger_block_hash(_row.prev_block_hash, _row.block_id, _from, _to, _agg.n,
                                             _agg.first_position, _agg.last_position, _agg.digest);
    insert into sor.ledger_blocks (block_id, from_tx, to_tx, events, first_position, last_position, first_occurred_at,
                                   last_occurred_at, events_sha256, prev_block_hash, block_hash)
    values (_row.block_id, _row.from_tx, _row.to_tx, _row.events, _row.first_position, _row.last_position,
            _row.first_occurred_at, _row.last_occurred_at, _row.events_sha256, _row.prev_block_hash, _row.block_hash);
    block_id := _row.block_id; from_tx := _from; to_tx := _to; events := _agg.n;
    first_position := _agg.first_position; last_position := _agg.last_position;
    block_hash := pg_catalog.encode(_row.block_hash, 'hex');
    return next;
  end loop;
end
$$;
comment on function sor_api.seal_ledger(integer) is
  'Seals the events of every transaction that has finished and is not sealed yet into ledger blocks of about max_events events (1-1000000, default 100000; a block never splits a transaction), each hashed and chained to the one before. Returns the blocks it wrote; none when there is nothing new. Run it from the dispatcher loop or any scheduler: an event is covered once the transactions older than it have finished and the next seal runs. sor_admin, sor_dispatcher, sor_auditor. SR085 max_events out of range.';

create or replace function sor_api.ledger_digest()
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select jsonb_build_object(
           'database', current_database(),
           'system_identifier', (select s.system_identifier::text from pg_control_system() s),
           'block_id', b.block_id,
           'block_hash', encode(b.block_hash, 'hex'),
           'to_tx', b.to_tx::text,
           'last_position', (select max(x.last_position) from sor.ledger_blocks x where x.block_id <= b.block_id),
           'events', (select sum(x.events) from sor.ledger_blocks x where x.block_id <= b.block_id),
           'sealed_at', b.sealed_at,
           'digest_at', clock_timestamp())
    from sor.ledger_blocks b
   order by b.block_id desc
   limit 1
$$;
comment on function sor_api.ledger_digest() is
  'The digest of the ledger up to its latest sealed block: database, server system identifier, block id and hash, events covered. Store it outside the database (object storage with a retention lock, a ticket, a second database); sor_api.verify_ledger(digest) later proves nothing before it changed. NULL before the first seal. sor_auditor, sor_admin.';

create or replace function sor_api.verify_ledger(digest jsonb default null)
returns table (block_id bigint, problem text, detail text)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _upto bigint;
  _b record;
  _prev bytea;
  _expected_from xid8 := '0'::xid8;
  _agg record;
  _retired boolean;
begin
  if verify_ledger.digest is not null then
    if pg_catalog.jsonb_typeof(verify_ledger.digest) <> 'object'
       or pg_catalog.jsonb_typeof(verify_ledger.digest -> 'block_id') <> 'number'
       or pg_catalog.jsonb_typeof(verify_ledger.digest -> 'block_hash') <> 'string'
       or (verify_ledger.digest ->> 'block_hash') !~ '^[0-9a-f]{64}$' then
      raise exception 'not a ledger digest: %', pg_catalog.left(verify_ledger.digest::text, 200)
        using errcode = 'SR085', hint = 'Pass the jsonb sor_api.ledger_digest() returned, as it was stored.';
    end if;
    if verify_ledger.digest ->> 'system_identifier' is distinct from (select s.system_identifier::text from pg_control_system() s)
       or verify_ledger.digest ->> 'database' is distinct from current_database() then
      raise exception 'this digest was taken from another database (%, server %)', verify_ledger.digest ->> 'database',
            verify_ledger.digest ->> 'system_identifier'
        using errcode = 'SR085',
              hint = 'A restored copy or a replica promoted elsewhere has another system identifier: verify the copy against a digest taken from it, or compare block hashes by hand.';
    end if;
    _upto := (verify_ledger.digest ->> 'block_id')::bigint;
    if not exists (select 1 from sor.ledger_blocks x where x.block_id = _upto) then
      block_id := _upto; problem := 'block_missing';
      detail := pg_catalog.format('the digest names block %s, which the ledger no longer holds (highest block: %s)', _upto,
                                  coalesce((select max(x.block_id)::text from sor.ledger_blocks x), 'none'));
      return next;
      return;
    end if;
  end if;
  for _b in select * from sor.ledger_blocks x where _upto is null or x.block_id <= _upto order by x.block_id loop
    if _b.from_tx <> _expected_from then
      block_id := _b.block_id; problem := 'range_gap';
      detail := pg_catalog.format('block %s starts at transaction %s, the block before ended at %s', _b.block_id, _b.from_tx, _expected_from);
      return next;
    end if;
    if _b.prev_block_hash is distinct from _prev then
      block_id := _b.block_id; problem := 'chain_broken';
      detail := pg_catalog.format('block %s does not link to the hash of the block before it', _b.block_id);
      return next;
    end if;
    if _b.block_hash <> sor.ledger_block_hash(_b.prev_block_hash, _b.block_id, _b.from_tx, _b.to_tx, _b.events,
                                              _b.first_position, _b.last_position, _b.events_sha256) then
      block_id := _b.block_id; problem := 'block_changed';
      detail := pg_catalog.format('block %s does not match its own hash', _b.block_id);
      return next;
    end if;
    select pg_catalog.count(*) as n,
           sha256(coalesce(pg_catalog.string_agg(e.hash, ''::bytea order by e.tx_id, e.position), ''::bytea)) as digest,
           pg_catalog.count(*) filter (where e.hash is distinct from
             sor_guard.event_hash(e.prev_hash, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
                                  e.occurred_at, e.position)) as changed
      into _agg
      from sor.events e
     where e.tx_id >= _b.from_tx and e.tx_id < _b.to_tx;
    _retired := exists (select 1 from sor.retired_partitions r
                         where r.parent_table = 'sor.events'
                           and coalesce(r.range_from, '-infinity') <= _b.last_occurred_at and r.range_to > _b.first_occurred_at);
    if _agg.changed > 0 then
      block_id := _b.block_id; problem := 'event_changed';
      detail := pg_catalog.format('%s events of block %s do not match their own hash', _agg.changed, _b.block_id);
      return next;
    elsif _agg.n = _b.events and _agg.digest = _b.events_sha256 then
      null;
    elsif _agg.n < _b.events and _retired then
      null; -- events left with a retired partition, whose digest sor.retired_partitions holds
    elsif _agg.n < _b.events then
      block_id := _b.block_id; problem := 'events_missing';
      detail := pg_catalog.format('block %s sealed %s events, %s remain', _b.block_id, _b.events, _agg.n);
      return next;
    elsif _agg.n > _b.events then
      block_id := _b.block_id; problem := 'events_added';
      detail := pg_catalog.format('block %s sealed %s events, %s are there now', _b.block_id, _b.events, _agg.n);
      return next;
    else
      block_id := _b.block_id; problem := 'events_rehashed';
      detail := pg_catalog.format('the hashes of block %s''s events are not the ones sealed', _b.block_id);
      return next;
    end if;
    _prev := _b.block_hash;
    _expected_from := _b.to_tx;
  end loop;
  if verify_ledger.digest is not null
     and pg_catalog.encode((select x.block_hash from sor.ledger_blocks x where x.block_id = _upto), 'hex')
         <> verify_ledger.digest ->> 'block_hash' then
    block_id := _upto; problem := 'digest_mismatch';
    detail := pg_catalog.format('block %s no longer has the hash the digest recorded: the ledger was rebuilt', _upto);
    return next;
  end if;
end
$$;
comment on function sor_api.verify_ledger(jsonb) is
  'Auditor: recomputes every ledger block up to the digest''s block (or all, without a digest) from the events and checks the chain of block hashes and the digest''s hash. One row per problem, none when intact: block_missing, range_gap, chain_broken, block_changed, event_changed, events_missing, events_added, events_rehashed, digest_mismatch. Blocks whose events left with a retired partition are checked by their chain only. SR085 not a digest, or a digest of another database.';

reset role;
