-- Events checks for certify(): every append-only table refuses UPDATE, DELETE and TRUNCATE with
-- ENABLE ALWAYS triggers; the event log chains every insert and refuses UPDATE/DELETE statements
-- (ON CONFLICT DO UPDATE included); every stream's hash chain verifies.
--
-- Append-only tables: every table registered in sor.append_only_tables, plus every table in the
-- kit's schemas carrying a trigger that calls a refusing function (a function in schema sor named
-- tg_<name>__refuse_change). A registered table that no longer exists fails the check.
set role sor_owner;

create or replace function sor.certify__020_events()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  with refusers as (
    select p.oid from pg_catalog.pg_proc p
     where p.pronamespace = 'sor'::regnamespace and p.proname ~ '^tg_.+__refuse_change$'
  ), triggers as (
    -- tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate. A trigger counts
    -- only without a WHEN condition and, for UPDATE, without a column list (UPDATE OF x).
    select t.tgrelid, t.tgname, t.tgenabled, t.tgtype::integer as tgtype, t.tgfoid,
           t.tgqual is null as no_when,
           coalesce(pg_catalog.array_length(t.tgattr::int2[], 1), 0) = 0 as all_columns
      from pg_catalog.pg_trigger t
     where not t.tgisinternal
  ), append_only as (
    select r.table_schema::text as table_schema, r.table_name::text as table_name,
           pg_catalog.to_regclass(pg_catalog.format('%I.%I', r.table_schema, r.table_name))::oid as relid
      from sor.append_only_tables r
    union
    select n.nspname::text, c.relname::text, c.oid
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in (select sor.kit_schemas())
       and exists (select 1 from triggers t where t.tgrelid = c.oid and t.tgfoid in (select r.oid from refusers r))
  ), needs as (
    select a.table_schema, a.table_name, a.relid, k.kind, k.bits
      from append_only a
     cross join (values ('UPDATE', 1 | 2 | 16), ('DELETE', 1 | 2 | 8), ('TRUNCATE', 2 | 32)) k(kind, bits)
  ), judged as (
    select n.*,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.tgfoid in (select r.oid from refusers r)
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.no_when and (t.all_columns or n.bits & 16 = 0) and t.tgenabled = 'A') as good,
           (select pg_catalog.string_agg(t.tgname || ' (enabled ' || t.tgenabled::text || ')', ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.tgfoid in (select r.oid from refusers r)
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.tgenabled <> 'A') as weak
      from needs n
  ), event_triggers as (
    select k.what, k.fn, k.bits,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = 'sor.events'::regclass and t.tgfoid = k.fn
               and t.tgtype & k.bits = k.bits and t.tgtype & 1 = k.bits & 1
               and t.no_when and (t.all_columns or k.bits & 16 = 0) and t.tgenabled = 'A') as good
      from (values ('sor.events: chain on INSERT', 'sor.tg_events__chain()'::regprocedure::oid, 1 | 2 | 4),
                   ('sor.events: refuse UPDATE statements', 'sor.tg_events__refuse_change()'::regprocedure::oid, 2 | 16),
                   ('sor.events: refuse DELETE statements', 'sor.tg_events__refuse_change()'::regprocedure::oid, 2 | 8)) k(what, fn, bits)
  ), chains as (
    select c.* from sor.verify_event_chains(null, null) c
  )
  select 'policy-bound', 'append-only tables refuse UPDATE, DELETE and TRUNCATE (ENABLE ALWAYS)',
         pg_catalog.format('%I.%I: %s', j.table_schema, j.table_name, j.kind),
         j.relid is not null and j.good is not null,
         case when j.relid is null then 'registered in sor.append_only_tables but missing'
              when j.good is not null then 'BEFORE ' || j.kind || ' trigger ' || j.good
              when j.weak is not null then 'not ENABLE ALWAYS: ' || j.weak
              else 'no unconditional BEFORE ' || j.kind
                   || case when j.kind = 'TRUNCATE' then ' statement' else ' row' end
                   || ' trigger calling a refusing function' end
    from judged j
  union all
  select 'replayable', 'event log triggers are ENABLE ALWAYS', e.what, e.good is not null,
         coalesce('trigger ' || e.good, 'no unconditional ENABLE ALWAYS trigger')
    from event_triggers e
  union all
  select 'replayable', 'event hash chains verify', 'sor.events', true,
         pg_catalog.format('%s streams, %s events intact',
                           (select pg_catalog.count(*) from chains), (select coalesce(pg_catalog.sum(x.events), 0) from chains x))
   where not exists (select 1 from chains c where c.problem is not null)
  union all
  select 'replayable', 'event hash chains verify', pg_catalog.format('sor.events %s/%s', c.tenant_id, c.stream), false,
         pg_catalog.format('%s at position %s: %s', c.problem, c.position, c.detail)
    from chains c
   where c.problem is not null
$$;
comment on function sor.certify__020_events() is
  'Events checks: append-only tables (registered or carrying a refusing trigger) refuse UPDATE, DELETE and TRUNCATE with ENABLE ALWAYS triggers; the event log''s chain and statement triggers are ENABLE ALWAYS; every hash chain verifies.';

reset role;
