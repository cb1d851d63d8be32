-- Volume checks for certify(): the partitioned tables have months ready ahead and empty default
-- partitions; and the schema stays ready to distribute by tenant_id on Citus (foreign keys between
-- tenant-scoped tables lead with tenant_id, as certify__010 checks for primary and unique keys; no
-- kit function takes an advisory lock or locks a tenant-scoped table, except the append path's
-- announcement to its tenant's readers, which is taken and read where the tenant's calls run;
-- every sequence is bigint).
set role sor_owner;

create or replace function sor.certify__080_volume()
returns table (property text, check_name text, object text, ok boolean, detail text)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _t record;
  _p record;
  _has_rows boolean;
  _next timestamptz := pg_catalog.date_trunc('month', pg_catalog.now()) + interval '1 month';
  _ready timestamptz;
begin
  -- durable: a partition takes this month's and next month's rows; nothing falls to the default
  for _t in select * from sor.partitioned_tables() loop
    select max(b.range_to) into _ready
      from pg_catalog.pg_inherits i cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
     where i.inhparent = _t.parent and not b.is_default
       and coalesce(b.range_from, '-infinity') <= pg_catalog.now();
    -- the covered range from now on, following contiguous monthly partitions
    loop
      exit when _ready is null or not exists (
        select 1 from pg_catalog.pg_inherits i cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
         where i.inhparent = _t.parent and not b.is_default and b.range_from = _ready);
      select b.range_to into _ready
        from pg_catalog.pg_inherits i cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
       where i.inhparent = _t.parent and not b.is_default and b.range_from = _ready;
    end loop;
    property := 'durable'; check_name := 'partitioned tables have partitions for this month and the next';
    object := pg_catalog.format('%s', _t.parent::text);
    ok := _ready is not null and _ready >= _next + interval '1 month';
    detail := case when _ready is null then 'no partition takes this month''s rows: run select * from sor_api.maintain_partitions();'
                   when not ok then pg_catalog.format('partitions end at %s: run select * from sor_api.maintain_partitions();', pg_catalog.to_char(_ready, 'YYYY-MM-DD'))
                   else pg_catalog.format('ready until %s', pg_catalog.to_char(_ready, 'YYYY-MM-DD')) end;
    return next;
    for _p in select i.inhrelid::regclass as part from pg_catalog.pg_inherits i
               cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
              where i.inhparent = _t.parent and b.is_default loop
      execute pg_catalog.format('select exists (select 1 from %s)', _p.part) into _has_rows;
      property := 'durable'; check_name := 'default partitions hold no rows';
      object := pg_catalog.format('%s', _p.part::text); ok := not _has_rows;
      detail := case when _has_rows then 'rows no monthly partition takes: create their months (maintain_partitions reports them blocked) and move the rows'
                     else 'empty' end;
      return next;
    end loop;
  end loop;

  -- addressable: ready to distribute by tenant_id (Citus); tables without tenant_id are reference tables
  return query
  with scoped as (
    select c.oid, n.nspname, c.relname
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in (select s from sor.kit_schemas() s)
       and c.relkind in ('r', 'p') and not c.relispartition
       and exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
  ), keys as (
    -- primary and unique keys are the check of certify__010; here the foreign keys, which on Citus
    -- must join distributed tables on the distribution column (or point at a reference table)
    select s.nspname, s.relname, k.conname::text as key_name,
           (select a.attname from pg_catalog.pg_attribute a where a.attrelid = s.oid and a.attnum = k.conkey[1]) as first_column,
           exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = k.confrelid and a.attname = 'tenant_id') as to_scoped
      from scoped s join pg_catalog.pg_constraint k on k.conrelid = s.oid and k.contype = 'f'
  )
  select 'addressable', 'foreign keys between tenant-scoped tables lead with tenant_id (co-located on Citus)',
         pg_catalog.format('%I.%I: %s', k.nspname, k.relname, k.key_name),
         not k.to_scoped or k.first_column is not distinct from 'tenant_id',
         case when not k.to_scoped then 'references a reference table'
              when k.first_column is not distinct from 'tenant_id' then 'leads with tenant_id'
              else pg_catalog.format('leads with %s: tables distributed by tenant_id join on it first', coalesce(k.first_column::text, 'an expression')) end
    from keys k;

  return query
  with fns as (
    select p.oid, n.nspname, p.proname, p.prosrc
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where (n.nspname in (select s from sor.kit_schemas() s) or n.nspname = 'sor_guard') and p.prolang <> 13
  ), locked as (
    select f.*, (pg_catalog.regexp_match(f.prosrc, 'lock\s+table\s+(?:only\s+)?([a-z_][a-z0-9_."]*)', 'i'))[1] as locked_table
      from fns f
  )
  select 'addressable', 'no kit function takes an advisory lock or locks a tenant-scoped table',
         pg_catalog.format('%I.%I', l.nspname, l.proname), false,
         case when l.prosrc ~* 'pg_(try_)?advisory' then 'takes an advisory lock: a lock key does not route to a tenant''s shard'
              else pg_catalog.format('locks %s, a tenant-scoped table', l.locked_table) end
    from locked l
   where (l.prosrc ~* 'pg_(try_)?advisory' and (l.nspname, l.proname) <> ('sor', 'announce_append'))
      or (l.locked_table is not null
          and exists (select 1 from pg_catalog.pg_attribute a
                       where a.attrelid = pg_catalog.to_regclass(l.locked_table) and a.attname = 'tenant_id'))
  union all
  select 'addressable', 'no kit function takes an advisory lock or locks a tenant-scoped table', 'kit functions', true,
         pg_catalog.format('%s functions read', (select pg_catalog.count(*) from fns))
   where not exists (select 1 from locked l
                      where (l.prosrc ~* 'pg_(try_)?advisory' and (l.nspname, l.proname) <> ('sor', 'announce_append'))
                         or (l.locked_table is not null
                             and exists (select 1 from pg_catalog.pg_attribute a
                                          where a.attrelid = pg_catalog.to_regclass(l.locked_table) and a.attname = 'tenant_id')));

  return query
  select 'addressable', 'kit sequences are bigint (distributed sequences on Citus)',
         pg_catalog.format('%I.%I', n.nspname, c.relname), s.seqtypid = 'bigint'::regtype,
         pg_catalog.format('%s', s.seqtypid::regtype)
    from pg_catalog.pg_sequence s
    join pg_catalog.pg_class c on c.oid = s.seqrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname in (select x from sor.kit_schemas() x);
end
$$;
comment on function sor.certify__080_volume() is
  'Volume checks: monthly partitions ready for this month and the next, empty default partitions, and readiness for Citus (foreign keys between tenant-scoped tables lead with tenant_id, no advisory or tenant-table locks in kit functions, bigint sequences).';

reset role;
