-- The drop guard and the partitions of the kit's partitioned tables (every partitioned table of
-- schema sor: sor.events, sor.outbox, sor.finished_tasks). A partition brings its rows into the
-- table: ATTACH PARTITION of a table filled past the event chain would add events no append ever
-- chained, DETACH PARTITION takes a month out. sor_guard.kit_partitions (V083) records the
-- partitions that are the kit's own; after every DDL statement sor_guard.settle_partitions
-- compares the live partitions with it:
--
--   a new partition made by CREATE TABLE ... PARTITION OF with the kit's shape (schema sor, named
--   <table>_pYYYYMM with that month's bounds, or <table>_default): recorded, no approval (it is
--   empty, and what sor.make_partitions would make)
--   any other new partition (ATTACH PARTITION, or CREATE TABLE ... PARTITION OF with another name
--   or range): needs an approval of attach partition on the partition (SR020 otherwise)
--   a recorded partition that left its table: needs an approval of detach partition on it
--   (sor_api.retire_partition consumes one); a dropped one is recorded (sql_drop judged the drop)
--
-- sor_guard.tg_start refuses DETACH PARTITION ... CONCURRENTLY and FINALIZE on a kit table
-- (sor_guard.refuse_concurrent_detach): a concurrent detach commits its first half before the guard
-- could judge it, and leaves the partition pending, its rows hidden from every reader.
-- sor_guard.unrecorded_partitions() is what certify() and sor_api.verify_events read.
select sor_guard.pause(true);
set role sor_guardian;

create or replace function sor_guard.kit_parents()
returns table (parent oid, identity text)
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select c.oid, sor_guard.ident('pg_class'::regclass, c.oid)
    from pg_class c
   where c.relnamespace = 'sor'::regnamespace and c.relkind = 'p' and not c.relispartition
$$;
comment on function sor_guard.kit_parents() is
  'The kit''s partitioned tables as the guard sees them: every partitioned table of schema sor that is not itself a partition (what sor.partitioned_tables() lists).';

create or replace function sor_guard.kit_partition_shape(part oid)
returns boolean
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select coalesce((
    select c.relnamespace = 'sor'::regnamespace
           and ((c.relname = p.relname || '_default' and pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT')
                or (c.relname ~ ('^' || p.relname || '_p[0-9]{6}$')
                    and exists (select 1
                                  from regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                                    '^FOR VALUES FROM \(''([^'']+)''\) TO \(''([^'']+)''\)$') m
                                 where m[2]::timestamptz - m[1]::timestamptz between interval '27 days' and interval '32 days'
                                   and to_char(m[1]::timestamptz + (m[2]::timestamptz - m[1]::timestamptz) / 2, 'YYYYMM')
                                       = right(c.relname, 6))))
      from pg_class c
      join pg_inherits i on i.inhrelid = c.oid
      join pg_class p on p.oid = i.inhparent
     where c.oid = kit_partition_shape.part and c.relkind in ('r', 'p')), false)
$$;
comment on function sor_guard.kit_partition_shape(oid) is
  'True for a partition with the kit''s own shape: in schema sor, named <table>_default (the DEFAULT partition) or <table>_pYYYYMM with the bounds of that month, as sor.make_partitions makes them.';

-- The latest record of each partition.
create or replace function sor_guard.kit_partition_state()
returns table (partition_name text, parent_table text, bound text, event text, approval_id bigint)
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select distinct on (k.partition_name) k.partition_name, k.parent_table, k.bound, k.event, k.approval_id
    from sor_guard.kit_partitions k
   order by k.partition_name, k.entry_id desc
$$;
comment on function sor_guard.kit_partition_state() is
  'The latest row of sor_guard.kit_partitions for each partition: its state (installed, created, attached: part of its table; detached, dropped: gone).';

-- Live partitions of the kit's tables (a partition pending a concurrent detach does not count: its
-- rows are hidden from readers) and the records they are compared with.
create or replace function sor_guard.partition_differences()
returns table (partition_name text, parent_table text, bound text, partition_oid oid, difference text)
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  with live as (
    select sor_guard.ident('pg_class'::regclass, i.inhrelid) as partition_name, k.identity as parent_table,
           pg_get_expr(c.relpartbound, c.oid) as bound, i.inhrelid as partition_oid
      from sor_guard.kit_parents() k
      join pg_inherits i on i.inhparent = k.parent and not i.inhdetachpending
      join pg_class c on c.oid = i.inhrelid
  ), rec as (
    select s.* from sor_guard.kit_partition_state() s where s.event in ('installed', 'created', 'attached')
  )
  select l.partition_name, l.parent_table, l.bound, l.partition_oid, 'unrecorded'
    from live l
   where not exists (select 1 from rec r where r.partition_name = l.partition_name and r.parent_table = l.parent_table)
  union all
  select r.partition_name, r.parent_table, r.bound, c.oid, case when c.oid is null then 'dropped' else 'detached' end
    from rec r
    left join pg_class c on c.oid = to_regclass(r.partition_name) and c.relkind in ('r', 'p')
   where not exists (select 1 from live l where l.partition_name = r.partition_name and l.parent_table = r.parent_table)
$$;
comment on function sor_guard.partition_differences() is
  'Differences between the live partitions of the kit''s tables and sor_guard.kit_partitions: unrecorded (a partition the record does not hold as its table''s), detached or dropped (a recorded one that left).';

-- ddl_command_end (called by sor_guard.tg_end): judges and records every difference.
create or replace function sor_guard.settle_partitions(command_tag text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _d record;
  _ops text[] := '{}';
  _objs text[] := '{}';
  _ids bigint[];
  _created oid[];
  _touched oid[];
begin
  if to_regclass('sor_guard.kit_partitions') is null then
    return;
  end if;
  if not exists (select 1 from sor_guard.partition_differences()) then
    return;
  end if;
  select coalesce(array_agg(c.objid) filter (where c.command_tag = 'CREATE TABLE'), '{}'),
         coalesce(array_agg(c.objid), '{}')
    into _created, _touched
    from pg_event_trigger_ddl_commands() c
   where c.classid = 'pg_class'::regclass;
  -- only what this statement did: a partition it created, or the partitions of a kit table it
  -- altered (ATTACH, DETACH); a later ALTER of a partition itself (sor.prepare_partition) is not an attach
  for _d in
    select d.* from sor_guard.partition_differences() d
     where d.partition_oid = any (_created)
        or to_regclass(d.parent_table) = any (_touched)
        or d.difference = 'dropped'
     order by d.partition_name
  loop
    if _d.difference = 'unrecorded' and _d.partition_oid = any (_created) and sor_guard.kit_partition_shape(_d.partition_oid) then
      insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event)
      values (_d.partition_name, _d.parent_table, _d.bound, 'created');
    elsif _d.difference = 'dropped' then
      insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event)
      values (_d.partition_name, _d.parent_table, null, 'dropped');
    else
      _ops := _ops || case _d.difference when 'unrecorded' then 'attach partition' else 'detach partition' end;
      _objs := _objs || _d.partition_name;
    end if;
  end loop;
  if cardinality(_ops) = 0 then
    return;
  end if;
  -- one approval per partition, or the statement is refused (SR020); a detach the guard already
  -- judged for a registered partition reuses the approval it consumed
  _ids := sor_guard.authorize(command_tag, _ops, _objs);
  for i in 1 .. cardinality(_ops) loop
    insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event, approval_id)
    select d.partition_name, d.parent_table, case when _ops[i] = 'attach partition' then d.bound end,
           case when _ops[i] = 'attach partition' then 'attached' else 'detached' end, _ids[i]
      from sor_guard.partition_differences() d
     where d.partition_name = _objs[i];
  end loop;
end
$$;
comment on function sor_guard.settle_partitions(text) is
  'After every DDL statement (sor_guard.tg_end), for the partitions the statement created and those of a kit table it altered: a new partition of a kit table with the kit''s shape made by CREATE TABLE ... PARTITION OF is recorded in sor_guard.kit_partitions; any other new partition needs an approval of attach partition, a recorded partition that left its table one of detach partition (sor_guard.authorize, SR020 otherwise); a dropped one is recorded.';

-- sor.make_partitions records what it made, so a partition made while the guard is paused or not
-- installed (a managed service) is the kit's too: only a partition with the kit's shape that this
-- transaction created and that is still empty.
create or replace function sor_guard.record_kit_partition(part regclass)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _name text := sor_guard.ident('pg_class'::regclass, record_kit_partition.part);
begin
  if exists (select 1 from sor_guard.kit_partition_state() s
              where s.partition_name = _name and s.event in ('installed', 'created', 'attached')) then
    return false;
  end if;
  if not sor_guard.kit_partition_shape(record_kit_partition.part)
     or (select c.xmin from pg_class c where c.oid = record_kit_partition.part)
        is distinct from pg_current_xact_id_if_assigned()::xid
     or pg_relation_size(record_kit_partition.part) <> 0 then
    return false;
  end if;
  insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event)
  select _name, sor_guard.ident('pg_class'::regclass, i.inhparent), pg_get_expr(c.relpartbound, c.oid), 'created'
    from pg_class c join pg_inherits i on i.inhrelid = c.oid
   where c.oid = record_kit_partition.part;
  return true;
end
$$;
comment on function sor_guard.record_kit_partition(regclass) is
  'sor.make_partitions: records a partition it made in sor_guard.kit_partitions (when the guard did not already): only one with the kit''s shape, created by this transaction and still empty. Returns whether it wrote a row.';

create or replace function sor_guard.unrecorded_partitions()
returns table (parent_table text, partition_name text, detail text)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select d.parent_table, d.partition_name,
         format('partition %s of %s (%s) was not made by the kit nor attached with an approval (sor_guard.kit_partitions): its rows came from outside the kit''s appends',
                d.partition_name, d.parent_table, d.bound)
    from sor_guard.partition_differences() d
   where d.difference = 'unrecorded'
   order by 1, 2
$$;
comment on function sor_guard.unrecorded_partitions() is
  'Every partition of a kit table that sor_guard.kit_partitions does not hold as the kit''s (made by the kit, or attached with an approval): an ATTACH PARTITION made past the guard. certify() and sor_api.verify_events report each.';

-- ddl_command_start (called by sor_guard.tg_start): DETACH PARTITION ... CONCURRENTLY or FINALIZE
-- naming a kit table is refused before it starts.
create or replace function sor_guard.refuse_concurrent_detach(command_tag text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _m text[];
begin
  if refuse_concurrent_detach.command_tag <> 'ALTER TABLE' then
    return;
  end if;
  for _m in
    select regexp_matches(current_query(),
             'alter\s+table\s+(?:only\s+)?(?:if\s+exists\s+)?((?:"[^"]+"|[^\s".;]+)(?:\s*\.\s*(?:"[^"]+"|[^\s".;]+))?)\s+detach\s+partition\s+((?:"[^"]+"|[^\s".;]+)(?:\s*\.\s*(?:"[^"]+"|[^\s".;]+))?)[^;]*?\m(concurrently|finalize)\M',
             'gi')
  loop
    if exists (select 1 from sor_guard.kit_parents() k where k.parent = to_regclass(_m[1])) then
      raise log 'pg-sor drop guard refused: detach partition % of % % (session_user %, statement: %)',
                _m[2], _m[1], upper(_m[3]), session_user, current_query();
      raise exception 'drop guard: DETACH PARTITION ... % of % is refused', upper(_m[3]), _m[1]
        using errcode = 'SR020',
              hint = format('A concurrent detach commits before the guard can judge it. A month leaves through select sor_api.retire_partition(%L); after a member of sor_approver approves it once: select sor_api.approve_ddl(''detach partition'', %L, ticket, rehearsed_on, expires_at);',
                            coalesce(sor_guard.ident('pg_class'::regclass, to_regclass(_m[2])), _m[2]),
                            coalesce(sor_guard.ident('pg_class'::regclass, to_regclass(_m[2])), _m[2]));
    end if;
  end loop;
end
$$;
comment on function sor_guard.refuse_concurrent_detach(text) is
  'ddl_command_start (sor_guard.tg_start): refuses (SR020) ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY or FINALIZE on a kit table, whose first transaction would commit before the guard could judge it; a month leaves through sor_api.retire_partition with an approval of detach partition.';

select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);
