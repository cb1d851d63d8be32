-- Partitions and retention: sor.events, sor.outbox and sor.finished_tasks are partitioned by month.
--   sor.partitioned_tables()              the kit's partitioned tables, their keys and retention
--   sor.prepare_partition(partition)      what every partition needs that it does not inherit
--   sor_api.maintain_partitions(months)   creates the next months' partitions; any scheduler calls it
--   sor_api.partitions                    every partition with its range, rows and whether it may retire
--   sor_api.set_retention(table, keep, reason)
--   sor_api.retire_partition(partition)   the governed way out: digest recorded, approval consumed
set role sor_owner;

create or replace function sor.partitioned_tables()
returns table (parent regclass, key_column name, append_only boolean, keep interval)
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select c.oid::regclass, a.attname,
         exists (select 1 from sor.append_only_tables t where t.table_schema = 'sor' and t.table_name = c.relname),
         (select r.keep from sor.retention_policies r
           where r.table_name = 'sor.' || c.relname order by r.set_at desc limit 1)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'sor'
    join pg_partitioned_table p on p.partrelid = c.oid
    join pg_attribute a on a.attrelid = c.oid and a.attnum = p.partattrs[0]
   where c.relkind = 'p'
   order by c.relname
$$;
comment on function sor.partitioned_tables() is
  'The kit''s partitioned tables (sor.events, sor.outbox, sor.finished_tasks), their partition key, whether they are append-only and how long they keep rows (sor.retention_policies).';

create or replace function sor.partition_bounds(part regclass)
returns table (range_from timestamptz, range_to timestamptz, is_default boolean)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _bound text := pg_get_expr((select c.relpartbound from pg_class c where c.oid = partition_bounds.part), partition_bounds.part);
  _m text[];
begin
  if _bound = 'DEFAULT' then
    return query select null::timestamptz, null::timestamptz, true;
    return;
  end if;
  _m := regexp_match(_bound, '^FOR VALUES FROM \((.*)\) TO \((.*)\)$');
  if _m is null then
    return;
  end if;
  return query select case when _m[1] = 'MINVALUE' then null else btrim(_m[1], '''')::timestamptz end,
                      case when _m[2] = 'MAXVALUE' then 'infinity'::timestamptz else btrim(_m[2], '''')::timestamptz end,
                      false;
end
$$;
comment on function sor.partition_bounds(regclass) is
  'The range of a monthly partition (range_from NULL when it starts at MINVALUE), or is_default for a default partition.';

create or replace function sor.prepare_partition(part regclass)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _c record;
  _parent regclass;
  _p record;
  _b record;
  _name text;
  _tg record;
begin
  select c.relname, c.relrowsecurity, c.relforcerowsecurity, c.reloptions, obj_description(c.oid, 'pg_class') as note
    into _c from pg_class c where c.oid = prepare_partition.part;
  select i.inhparent::regclass into _parent from pg_inherits i where i.inhrelid = prepare_partition.part;
  select * into _p from sor.partitioned_tables() t where t.parent = _parent;
  if _p.parent is null then
    raise exception '% is not a partition of a kit table', prepare_partition.part
      using errcode = 'SR080', hint = 'List the kit''s partitions in sor_api.partitions.';
  end if;
  _name := pg_catalog.format('%s', prepare_partition.part);
  -- row level security: direct access to a partition is the owner's alone; readers go through the parent
  if not _c.relrowsecurity then
    execute pg_catalog.format('alter table %s enable row level security', _name);
  end if;
  if not _c.relforcerowsecurity then
    execute pg_catalog.format('alter table %s force row level security', _name);
  end if;
  perform sor.ensure_policy(prepare_partition.part, 'partition_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
  if _c.note is null then
    select * into _b from sor.partition_bounds(prepare_partition.part);
    execute pg_catalog.format('comment on table %s is %L', _name,
      case when _b.is_default then
             pg_catalog.format('Default partition of %s: catches rows no monthly partition takes; certify() reports it when it holds any (run sor_api.maintain_partitions).', _parent)
           else pg_catalog.format('Partition of %s: %s from %s to %s.', _parent, _p.key_column,
                                  coalesce(pg_catalog.to_char(_b.range_from, 'YYYY-MM-DD'), 'the beginning'),
                                  pg_catalog.to_char(_b.range_to, 'YYYY-MM-DD')) end);
  end if;
  if _p.append_only then
    -- row triggers are cloned from the parent, statement and TRUNCATE triggers are not; a partition
    -- also carries its own row refusal, which stays with it when it is detached
    execute pg_catalog.format('create or replace trigger partition_refuse_update_delete before update or delete on %s '
                              'for each row execute function sor_guard.tg_events__refuse_change()', _name);
    execute pg_catalog.format('create or replace trigger partition_refuse_statement before update or delete on %s '
                              'for each statement execute function sor_guard.tg_events__refuse_change()', _name);
    execute pg_catalog.format('create or replace trigger partition_refuse_truncate before truncate on %s '
                              'for each statement execute function sor_guard.tg_events__refuse_change()', _name);
    for _tg in select tg.tgname from pg_trigger tg
                where tg.tgrelid = prepare_partition.part and not tg.tgisinternal and tg.tgenabled <> 'A' loop
      execute pg_catalog.format('alter table %s enable always trigger %I', _name, _tg.tgname);
    end loop;
  elsif _parent = 'sor.outbox'::regclass then
    -- a queue partition: room on each page for the status updates to stay HOT
    if not coalesce(_c.reloptions @> array['fillfactor=80'], false) then
      execute pg_catalog.format('alter table %s set (fillfactor = 80)', _name);
    end if;
    -- vacuumed at the pace of a queue (V081): not after 20% of the partition is dead
    if not coalesce(_c.reloptions @> array['autovacuum_vacuum_scale_factor=0.01'], false) then
      execute pg_catalog.format('alter table %s set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200, '
                                'autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02, '
                                'autovacuum_vacuum_cost_delay = 0)', _name);
    end if;
  end if;
  -- the replica identity of its table: a publication whose row filter reads status (V080) needs it
  -- on every partition, or updates of the partition's rows fail while published
  if (select c.relreplident from pg_class c where c.oid = _parent) = 'f'
     and (select c.relreplident from pg_class c where c.oid = prepare_partition.part) <> 'f' then
    execute pg_catalog.format('alter table %s replica identity full', _name);
  end if;
end
$$;
comment on function sor.prepare_partition(regclass) is
  'Gives a partition what it does not inherit from its parent: row level security enabled and forced with an owner-only policy, a comment, and for an append-only parent its own UPDATE/DELETE/TRUNCATE refusal triggers (ENABLE ALWAYS); for a queue, fillfactor 80; the parent''s replica identity FULL. Idempotent. SR080 when the table is not a partition of a kit table.';

create or replace function sor.make_partitions(months_ahead integer)
returns table (partition_name text, action text, detail text)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _t record;
  _m timestamptz;
  _month timestamptz := pg_catalog.date_trunc('month', pg_catalog.now());
  _name text;
  _part record;
begin
  if make_partitions.months_ahead is null or make_partitions.months_ahead not between 1 and 24 then
    raise exception 'months_ahead must be 1 to 24, not %', coalesce(make_partitions.months_ahead::text, 'NULL')
      using errcode = 'SR084', hint = 'The default, 3, keeps a quarter of months ready.';
  end if;
  for _t in select * from sor.partitioned_tables() loop
    _m := _month;
    while _m <= _month + pg_catalog.make_interval(months => make_partitions.months_ahead) loop
      _name := pg_catalog.format('%s_p%s', (select c.relname from pg_class c where c.oid = _t.parent), pg_catalog.to_char(_m, 'YYYYMM'));
      if not exists (select 1 from pg_class c where c.relnamespace = 'sor'::regnamespace and c.relname = _name) then
        begin
          execute pg_catalog.format('create table sor.%I partition of %s for values from (%L) to (%L)',
                                    _name, _t.parent, _m, _m + interval '1 month');
          -- the kit's own partition: recorded by the guard, or here when the guard is paused or absent
          perform sor_guard.record_kit_partition(pg_catalog.format('sor.%I', _name)::regclass);
          partition_name := 'sor.' || _name; action := 'created';
          detail := pg_catalog.format('%s from %s to %s', _t.key_column, pg_catalog.to_char(_m, 'YYYY-MM-DD'),
                                      pg_catalog.to_char(_m + interval '1 month', 'YYYY-MM-DD'));
          return next;
        exception
          when invalid_object_definition then
            null; -- an existing partition (an attached legacy table) already covers the month
          when check_violation then
            partition_name := 'sor.' || _name; action := 'blocked';
            detail := pg_catalog.format('the default partition of %s holds rows of this month: move them out before the month gets its partition', _t.parent);
            return next;
        end;
      end if;
      _m := _m + interval '1 month';
    end loop;
  end loop;
  for _part in
    select i.inhrelid::regclass as part
      from sor.partitioned_tables() t join pg_inherits i on i.inhparent = t.parent
  loop
    perform sor.prepare_partition(_part.part);
  end loop;
end
$$;
comment on function sor.make_partitions(integer) is
  'The work of sor_api.maintain_partitions without registering the new partitions with the guard: a migration runs it, the afterMigrate callback registers.';

create or replace function sor_api.maintain_partitions(months_ahead integer default 3)
returns table (partition_name text, action text, detail text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
set jit = off
as $$
begin
  return query select * from sor.make_partitions(maintain_partitions.months_ahead);
  perform sor_guard.protect_all();
end
$$;
comment on function sor_api.maintain_partitions(integer) is
  'Creates the monthly partitions of sor.events, sor.outbox and sor.finished_tasks from this month to months_ahead (1-24, default 3) months ahead, prepares every partition (sor.prepare_partition) and registers the new ones with the drop guard. Idempotent; returns one row per partition created or blocked (the default partition holds rows of that month). Call it from any scheduler or the dispatcher loop (sor_admin, sor_dispatcher); no superuser needed. SR084 months_ahead out of range.';

create or replace function sor_api.set_retention(table_name text, keep interval, reason text)
returns sor.retention_policies
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _row sor.retention_policies;
begin
  if set_retention.table_name is null
     or set_retention.table_name not in (select t.parent::text from sor.partitioned_tables() t) then
    raise exception 'no retention for %: not a partitioned kit table', coalesce(pg_catalog.quote_literal(set_retention.table_name), 'NULL')
      using errcode = 'SR084', hint = 'One of sor.events, sor.outbox, sor.finished_tasks.';
  end if;
  if set_retention.keep is null or set_retention.keep < interval '1 month' then
    raise exception 'keep must be at least 1 month, not %', coalesce(set_retention.keep::text, 'NULL')
      using errcode = 'SR084', hint = 'Partitions are monthly: keep ''7 years'', ''18 months''.';
  end if;
  if set_retention.reason is null or pg_catalog.length(pg_catalog.btrim(set_retention.reason)) not between 1 and 500 then
    raise exception 'a retention change needs a reason (1-500 characters)'
      using errcode = 'SR084', hint = 'Name the rule or ticket that sets it.';
  end if;
  insert into sor.retention_policies (table_name, keep, reason)
  values (set_retention.table_name, set_retention.keep, pg_catalog.btrim(set_retention.reason))
  returning * into _row;
  return _row;
end
$$;
comment on function sor_api.set_retention(text, interval, text) is
  'sor_admin: how long a partitioned table keeps its months before sor_api.retire_partition may take one out; appended to sor.retention_policies with who, when and why. SR084 unknown table, keep under a month or no reason.';

create or replace function sor.partition_list()
returns table (parent_table text, partition_name text, range_from timestamptz, range_to timestamptz,
               is_default boolean, approx_rows bigint, retirable boolean, why_not text)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  with parts as (
    select t.parent, t.keep, i.inhrelid::regclass as part, b.*
      from sor.partitioned_tables() t
      join pg_inherits i on i.inhparent = t.parent
     cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
  )
  select p.parent::text, p.part::text, p.range_from, p.range_to, p.is_default,
         greatest((select c.reltuples from pg_class c where c.oid = p.part), 0)::bigint,
         w.why is null, w.why
    from parts p
   cross join lateral (
     select case
       when p.is_default then 'the default partition stays'
       when p.range_to > pg_catalog.now() - p.keep then pg_catalog.format('inside the retention of %s (%s)', p.parent, p.keep)
       when exists (select 1 from parts q where q.parent = p.parent and not q.is_default
                       and coalesce(q.range_from, '-infinity') < coalesce(p.range_from, '-infinity'))
         then 'an older partition must retire first'
     end as why) w
   order by p.parent::text, p.range_from nulls first, p.is_default
$$;
comment on function sor.partition_list() is
  'Every partition of the kit''s partitioned tables with its range, estimated rows and whether sor_api.retire_partition may take it out now (why_not says why not).';

create or replace function sor_api.retire_partition(partition_name text)
returns sor.retired_partitions
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
set jit = off
as $$
declare
  _part regclass;
  _l record;
  _row sor.retired_partitions;
  _sealed xid8;
  _late xid8;
begin
  _part := pg_catalog.to_regclass(retire_partition.partition_name);
  select * into _l from sor.partition_list() l where _part is not null and l.partition_name = _part::text;
  if _l.partition_name is null then
    raise exception '% is not a partition of sor.events, sor.outbox or sor.finished_tasks',
          coalesce(pg_catalog.quote_literal(retire_partition.partition_name), 'NULL')
      using errcode = 'SR080', hint = 'List partitions and whether each may retire: select * from sor_api.partitions;';
  end if;
  if not _l.retirable then
    raise exception '% may not retire: %', _l.partition_name, _l.why_not
      using errcode = 'SR081',
            hint = 'Partitions retire oldest first, once past their table''s retention (sor_api.set_retention); the default partition never retires.';
  end if;
  if _l.parent_table = 'sor.outbox' then
    execute pg_catalog.format('select count(*) from %s o where o.status in (''pending'', ''deferred'', ''leased'', ''failed'')', _part)
      into _row.row_count;
    if _row.row_count > 0 then
      raise exception '% still holds % outbox rows waiting for dispatch', _part, _row.row_count
        using errcode = 'SR082', hint = 'Dispatch them, let them go dead, or discard their block first; see sor_api.outbox_status.';
    end if;
  end if;
  if _l.parent_table = 'sor.events' then
    -- every event leaving must already be sealed into the ledger, so verify_ledger still covers it
    select b.to_tx into _sealed from sor.ledger_blocks b order by b.block_id desc limit 1;
    execute pg_catalog.format('select max(e.tx_id) from %s e', _part) into _late;
    if _late is not null and (_sealed is null or _late >= _sealed) then
      raise exception 'events of % are not all sealed into the ledger', _part
        using errcode = 'SR083', hint = 'Run select * from sor_api.seal_ledger(); then retire.';
    end if;
    execute pg_catalog.format('select count(*), sha256(coalesce(string_agg(e.hash, ''''::bytea order by e.position), ''''::bytea)) from %s e', _part)
      into _row.row_count, _row.content_sha256;
    execute pg_catalog.format(
      'insert into sor.retired_stream_heads (tenant_id, stream, partition_name, version, position, hash)
       select l.tenant_id, l.stream, %L, l.version, l.position,
              (select case when pg_catalog.count(*) = 1 then pg_catalog.string_agg(g.hash, ''''::bytea)
                           else sha256(pg_catalog.string_agg(g.hash, ''''::bytea order by g.version)) end
                 from %s g
                where g.tenant_id = l.tenant_id and g.stream = l.stream and g.prev_hash is not distinct from l.prev_hash)
         from (select distinct on (e.tenant_id, e.stream) e.tenant_id, e.stream, e.version, e.position, e.prev_hash
                 from %s e order by e.tenant_id, e.stream, e.version desc) l', _part::text, _part, _part);
    -- an idempotency key is remembered as long as its event: the keys of the events leaving go too
    execute pg_catalog.format('delete from sor.event_keys k using %s e where k.tenant_id = e.tenant_id and k.position = e.position', _part);
  else
    execute pg_catalog.format('select count(*), sha256(convert_to(coalesce(string_agg(to_jsonb(r)::text, E''\n'' order by r.tenant_id, %s), ''''), ''UTF8'')) from %s r',
                              case when _l.parent_table = 'sor.outbox' then 'r.outbox_id' else 'r.task_id' end, _part)
      into _row.row_count, _row.content_sha256;
    execute pg_catalog.format(
      'delete from sor.dedupe_keys k using %s r where k.tenant_id = r.tenant_id and k.target_id = %s and %s',
      _part,
      case when _l.parent_table = 'sor.outbox' then 'r.outbox_id' else 'r.task_id' end,
      case when _l.parent_table = 'sor.outbox' then 'k.scope = ''outbox''' else 'k.scope = ''task:'' || r.queue' end);
  end if;
  -- the guard consumes the sor_approver's approval of this detach, or refuses it (SR020)
  execute pg_catalog.format('alter table %s detach partition %s', _l.parent_table, _part);
  insert into sor.append_only_tables (table_schema, table_name)
  select 'sor', c.relname from pg_class c where c.oid = _part and _l.parent_table = 'sor.events'
  on conflict do nothing;
  execute pg_catalog.format('comment on table %s is %L', _part,
    pg_catalog.format('Retired from %s on %s (sor.retired_partitions): an archive to dump (pg_dump -t) and then drop with an approved drop table.',
                      _l.parent_table, pg_catalog.to_char(pg_catalog.now(), 'YYYY-MM-DD')));
  insert into sor.retired_partitions (partition_name, parent_table, range_from, range_to, row_count, content_sha256, approval_id)
  values (_part::text, _l.parent_table, _l.range_from, _l.range_to, _row.row_count, _row.content_sha256,
          sor_guard.approval_used('detach partition', sor_guard.ident('pg_class'::regclass, _part)))
  returning * into _row;
  return _row;
end
$$;
comment on function sor_api.retire_partition(text) is
  'sor_admin: takes a month out of sor.events, sor.outbox or sor.finished_tasks, oldest first and only past the table''s retention. Records its digest first (row count, sha256 of its rows; for events each stream''s last version and link (the hash of its last statement''s events) in sor.retired_stream_heads, so verify_events still checks the chain across the boundary; the idempotency keys of its events are removed from sor.event_keys), then detaches it, which the drop guard allows only with an unused approval of detach partition by a sor_approver (SR020). The detached table stays as an archive (events keep their refusal triggers). SR080 not a kit partition, SR081 inside retention, not the oldest or the default, SR082 outbox rows still waiting, SR083 events not sealed into the ledger yet.';

create or replace view sor_api.partitions with (security_barrier = true) as
  select l.parent_table, l.partition_name, l.range_from, l.range_to, l.is_default, l.approx_rows, l.retirable, l.why_not
    from sor.partition_list() l;
comment on view sor_api.partitions is
  'Every partition of sor.events, sor.outbox and sor.finished_tasks: its range, estimated rows, and whether it may retire now (why_not says why not).';

reset role;
