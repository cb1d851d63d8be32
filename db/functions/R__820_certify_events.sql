-- Events checks for certify(): every append-only table (declared in sor.append_only_tables) refuses
-- UPDATE, DELETE and TRUNCATE with ENABLE ALWAYS triggers whose function is declared a refusal
-- function (sor_guard.classes); the event log runs its chain function (declared chain) once per
-- INSERT statement and refuses UPDATE and DELETE statements (ON CONFLICT DO UPDATE included), ENABLE ALWAYS;
-- every stream's hash chain verifies; the reserved names callers read are the names the kit
-- refuses. No name pattern: the declarations say what each object is.
set role sor_owner;

create or replace function sor.certify__020_events()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  with classed as (
    select p.oid, c.class
      from sor_guard.classes c
      join pg_catalog.pg_proc p on (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, p.oid, 0)).identity = c.identity
     where c.kind = 'function' and c.class in ('refusal', 'chain')
       and p.pronamespace in (select n.oid from pg_catalog.pg_namespace n where n.nspname in ('sor', 'sor_guard'))
  ), triggers as (
    -- tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate. A trigger counts
    -- only without a WHEN condition and, for UPDATE, without a column list (UPDATE OF x).
    select t.tgrelid, t.tgname, t.tgenabled, t.tgtype::integer as tgtype, t.tgfoid,
           t.tgqual is null as no_when,
           coalesce(pg_catalog.array_length(t.tgattr::int2[], 1), 0) = 0 as all_columns,
           (select c.class from classed c where c.oid = t.tgfoid and c.class = 'refusal') is not null as refuses,
           (select c.class from classed c where c.oid = t.tgfoid and c.class = 'chain') is not null as chains
      from pg_catalog.pg_trigger t
     where not t.tgisinternal
  ), registered as (
    select r.table_schema::text as table_schema, r.table_name::text as table_name,
           pg_catalog.to_regclass(pg_catalog.format('%I.%I', r.table_schema, r.table_name))::oid as relid
      from sor.append_only_tables r
  ), append_only as (
    -- a partitioned table's partitions each need their own TRUNCATE refusal (statement triggers are
    -- not inherited) and keep the cloned row refusals
    select * from registered
    union
    select n.nspname::text, c.relname::text, c.oid
      from registered r
      join pg_catalog.pg_inherits i on i.inhparent = r.relid
      join pg_catalog.pg_class c on c.oid = i.inhrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  ), needs as (
    select a.table_schema, a.table_name, a.relid, k.kind, k.bits
      from append_only a
     cross join (values ('UPDATE', 1 | 2 | 16), ('DELETE', 1 | 2 | 8), ('TRUNCATE', 2 | 32)) k(kind, bits)
  ), judged as (
    select n.*,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.refuses
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.no_when and (t.all_columns or n.bits & 16 = 0) and t.tgenabled = 'A') as good,
           (select pg_catalog.string_agg(t.tgname || ' (enabled ' || t.tgenabled::text || ')', ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.refuses
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.tgenabled <> 'A') as weak
      from needs n
  ), event_triggers as (
    select k.what, k.bits, k.want,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = k.relid
               and (case k.want when 'chain' then t.chains else t.refuses end)
               and t.tgtype & k.bits = k.bits and t.tgtype & 1 = k.bits & 1
               and t.no_when and (t.all_columns or k.bits & 16 = 0) and t.tgenabled = 'A') as good
      from (select v.what, v.bits, v.want, 'sor.events'::regclass::oid as relid
              from (values ('sor.events: chain on INSERT', 4, 'chain'),
                           ('sor.events: refuse UPDATE statements', 2 | 16, 'refusal'),
                           ('sor.events: refuse DELETE statements', 2 | 8, 'refusal')) v(what, bits, want)
            union all
            -- every partition refuses UPDATE and DELETE statements naming it (the chain is checked once
            -- per INSERT statement on sor.events, which statement triggers of partitions do not see)
            select pg_catalog.format('sor.%I: %s', (select c.relname from pg_catalog.pg_class c where c.oid = i.inhrelid), v.what),
                   v.bits, v.want, i.inhrelid
              from pg_catalog.pg_inherits i
             cross join (values ('refuse UPDATE statements', 2 | 16, 'refusal'),
                                ('refuse DELETE statements', 2 | 8, 'refusal')) v(what, bits, want)
             where i.inhparent = 'sor.events'::regclass) k
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
                   || ' trigger calling a function declared refusal' end
    from judged j
  union all
  select 'replayable', 'event log triggers are ENABLE ALWAYS', e.what, e.good is not null,
         coalesce('trigger ' || e.good, 'no unconditional ENABLE ALWAYS trigger calling a function declared ' || e.want)
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
  union all
  -- the list callers read (sor.reserved_names) is the list the kit applies (sor.reserved_list, in
  -- sor.reserved_kind's expression), name for name, and each listed name is refused with its kind
  select 'governed', 'reserved names are the names the kit refuses', 'sor.reserved_names: ' || k.kind,
         r.listed is not distinct from r.applied and r.unrefused is null,
         case when r.listed is not distinct from r.applied and r.unrefused is null then coalesce(r.listed, 'none')
              else pg_catalog.concat_ws('; ',
                     'listed but not applied: ' || (select pg_catalog.string_agg(x, ', ' order by x)
                                                      from pg_catalog.unnest(pg_catalog.string_to_array(r.listed, ', ')) x
                                                     where x <> all (coalesce(pg_catalog.string_to_array(r.applied, ', '), '{}'))),
                     'applied but not listed: ' || (select pg_catalog.string_agg(x, ', ' order by x)
                                                      from pg_catalog.unnest(pg_catalog.string_to_array(r.applied, ', ')) x
                                                     where x <> all (coalesce(pg_catalog.string_to_array(r.listed, ', '), '{}'))),
                     'not refused as ' || k.kind || ': ' || r.unrefused) end
    from (values ('stream category'), ('event type prefix'), ('outbox topic')) k(kind)
   cross join lateral (
     select (select pg_catalog.string_agg(n.name, ', ' order by n.name) from sor.reserved_names n where n.kind = k.kind) as listed,
            (select pg_catalog.string_agg(a.name, ', ' order by a.name) from pg_catalog.unnest(sor.reserved_list(k.kind)) a(name)) as applied,
            (select pg_catalog.string_agg(n.name, ', ' order by n.name) from sor.reserved_names n
              where n.kind = k.kind
                and sor.reserved_kind(case when k.kind = 'stream category' then n.name || '-1' end,
                                      case when k.kind = 'event type prefix' then n.name || 'x' end,
                                      case when k.kind = 'outbox topic' then n.name end) is distinct from k.kind) as unrefused) r
  union all
  -- wake-up channels are named from the database's secret (sor.wakeup_channel): one row of 32
  -- bytes, granted to no role, readable under forced row level security by sor_owner's policy alone
  select 'governed', 'wake-up channels cannot be named without asking the kit', 'sor.wakeup_secret',
         w.rows = 1 and w.sized = 1 and w.forced and w.grantees is null and w.policies is null,
         case when w.rows = 0 then 'no secret: wake-ups have stopped (sor_api.rotate_wakeup_channels makes one)'
              when w.rows <> 1 or w.sized <> 1 then w.rows || ' rows, ' || w.sized || ' of 32 bytes'
              when not w.forced then 'row level security is not enabled and forced'
              when w.grantees is not null then 'privileges granted to ' || w.grantees
              when w.policies is not null then 'policies for roles other than sor_owner: ' || w.policies
              else 'one secret of 32 bytes, read by sor_owner only' end
    from (select (select pg_catalog.count(*) from sor.wakeup_secret) as rows,
                 (select pg_catalog.count(*) from sor.wakeup_secret x where pg_catalog.length(x.secret) = 32) as sized,
                 c.relrowsecurity and c.relforcerowsecurity as forced,
                 (select pg_catalog.string_agg(distinct case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end, ', ')
                    from pg_catalog.aclexplode(c.relacl) a where a.grantee <> c.relowner) as grantees,
                 (select pg_catalog.string_agg(p.polname, ', ' order by p.polname) from pg_catalog.pg_policy p
                   where p.polrelid = c.oid
                     and p.polroles <> array[(select r.oid from pg_catalog.pg_roles r where r.rolname = 'sor_owner')]) as policies
            from pg_catalog.pg_class c where c.oid = 'sor.wakeup_secret'::regclass) w
$$;
comment on function sor.certify__020_events() is
  'Events checks: append-only tables (sor.append_only_tables) refuse UPDATE, DELETE and TRUNCATE with ENABLE ALWAYS triggers calling a declared refusal function; the event log''s chain and statement triggers are ENABLE ALWAYS; every hash chain verifies; sor.reserved_names lists exactly the names sor.reserved_kind refuses (sor.reserved_list), each refused with its kind; the wake-up secret is one row of 32 bytes that only sor_owner''s policy reads and no role is granted.';

reset role;
