-- Capstone checks for certify(): what the area checks leave open across the six properties.
-- durable: every kit table is LOGGED; synchronous_commit is never turned off for this database or
--   a kit role (a setting aimed at the kit), nor server-wide on a server that runs with fsync on.
--   A disposable server (fsync = off, as the embedded test and demo servers run) may have it off
--   server-wide: the check passes and its detail says the server is not durable.
-- addressable: every kit table has a primary key; every tenant-scoped table leads its primary key
--   and every unique index with tenant_id.
-- replayable: the rows agree with their events: every run has run_started and every finished run
--   its closing event, every task its task.enqueued, every outbox row its outbox.queued.
-- inspectable: the forensic readers (functions declared reader) exist, are SECURITY DEFINER and
--   are granted to sor_auditor and sor_tenant.
-- policy-bound: the keys that make retries harmless (declared dedupe: outbox dedupe keys, task
--   dedupe keys per queue, idempotency keys per scope, one active block per run) are valid unique
--   keys that lead with tenant_id.
set role sor_owner;

create or replace function sor.certify__070_capstone()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  with tables as (
    select c.oid, format('%I.%I', n.nspname, c.relname) as name, c.relpersistence,
           exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnum > 0 and not a.attisdropped) as tenant_scoped
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in (select sor.kit_schemas())
       and c.relkind in ('r', 'p')
  ), sync_off as (
    select coalesce(r.rolname, 'every role') || ' in ' || coalesce(d.datname, 'every database') as who
      from pg_catalog.pg_db_role_setting s
      left join pg_catalog.pg_roles r on r.oid = s.setrole
      left join pg_catalog.pg_database d on d.oid = s.setdatabase
     cross join lateral pg_catalog.unnest(s.setconfig) as cfg(setting)
     where (s.setdatabase = 0 or d.datname = pg_catalog.current_database())
       and (s.setrole = 0 or r.rolname like 'sor\_%'
            or exists (select 1 from pg_catalog.pg_auth_members m join pg_catalog.pg_roles g on g.oid = m.roleid
                        where m.member = s.setrole and g.rolname like 'sor\_%'))
       and pg_catalog.lower(cfg.setting) in ('synchronous_commit=off', 'synchronous_commit=false', 'synchronous_commit=0', 'synchronous_commit=no')
  ), unique_keys as (
    select t.name as tbl, ic.relname as idx,
           (select a.attname from pg_catalog.pg_attribute a
             where a.attrelid = i.indrelid and a.attnum = i.indkey[0]) as first_column
      from tables t
      join pg_catalog.pg_index i on i.indrelid = t.oid and i.indisunique
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
     where t.tenant_scoped
  ), reader_state as (
    select c.identity as sig, p.oid, p.prosecdef
      from sor_guard.classes c
      left join pg_catalog.pg_proc p
        on p.pronamespace = 'sor_api'::regnamespace
       and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, p.oid, 0)).identity = c.identity
     where c.kind = 'function' and c.class = 'reader'
  ), dedupe_state as (
    -- keys declared dedupe: a unique constraint or a unique index, valid, leading with tenant_id
    select c.kind || ' ' || c.identity as what,
           i.indexrelid is not null and i.indisunique and i.indisvalid and i.indexprs is null
             and (select a.attname from pg_catalog.pg_attribute a
                   where a.attrelid = i.indrelid and a.attnum = i.indkey[0]) = 'tenant_id' as unique_ok,
           (select pg_catalog.pg_get_indexdef(i.indexrelid)) as def
      from sor_guard.classes c
      left join pg_catalog.pg_index i on i.indexrelid = case c.kind
             when 'index' then pg_catalog.to_regclass(c.identity)::oid
             when 'constraint' then (select k.conindid from pg_catalog.pg_constraint k
                                      where (pg_catalog.pg_identify_object('pg_catalog.pg_constraint'::regclass, k.oid, 0)).identity = c.identity
                                        and k.conrelid = pg_catalog.to_regclass(pg_catalog.split_part(c.identity, ' on ', 2))) end
     where c.class = 'dedupe'
  ), event_gaps(tbl, missing) as (
    select 'sor.runs', count(*) from sor.runs r
     where not exists (select 1 from sor.events e where e.tenant_id = r.tenant_id
                          and e.stream = 'run-' || r.run_id::text and e.type = 'run_started')
        or (r.status <> 'running'
            and not exists (select 1 from sor.events e where e.tenant_id = r.tenant_id
                               and e.stream = 'run-' || r.run_id::text and e.type = 'run_' || r.status))
    union all
    -- a task or outbox row is queued without an event (its row says who and when), and a task's
    -- claim is recorded by the event of its outcome; every outcome and outbox lease has one.
    -- Finished rows are checked back to the start of last month: older months are sealed into
    -- the ledger and leave with their partitions.
    -- A completion written without its event (completion_event false: its queue recorded
    -- completions as rows, V109) is recorded by its finished row alone; a dead task never is.
    select 'sor.finished_tasks', count(*) from sor.finished_tasks f
     where f.finished_at >= pg_catalog.date_trunc('month', pg_catalog.now()) - interval '1 month'
       and (f.completion_event or f.status <> 'completed')
       and not exists (select 1 from sor.events e where e.tenant_id = f.tenant_id
                          and e.stream = 'task-' || f.task_id and e.type = 'task.' || f.status)
    union all
    select 'sor.outbox', count(*) from sor.outbox o
     where o.created_at >= pg_catalog.date_trunc('month', pg_catalog.now()) - interval '1 month'
       and o.status in ('leased', 'dispatched', 'dead')
       and not exists (select 1 from sor.events e where e.tenant_id = o.tenant_id
                          and e.stream = 'outbox-' || o.outbox_id and e.type = 'outbox.' || o.status)
  )
  select 'durable', 'kit tables are LOGGED (not UNLOGGED or temporary)', t.name, t.relpersistence = 'p',
         case t.relpersistence when 'p' then 'logged' when 'u' then 'UNLOGGED: emptied after a crash' else 'temporary' end
    from tables t
  union all
  select 'durable', 'synchronous_commit is not off for the database or a kit role', pg_catalog.current_database(),
         not exists (select 1 from sync_off)
           and ((select s.reset_val from pg_catalog.pg_settings s where s.name = 'synchronous_commit') <> 'off'
                or pg_catalog.current_setting('fsync') = 'off'),
         format('synchronous_commit %s%s; fsync %s%s',
                (select s.reset_val from pg_catalog.pg_settings s where s.name = 'synchronous_commit'),
                coalesce(' (off for ' || (select pg_catalog.string_agg(o.who, ', ' order by o.who) from sync_off o) || ')', ''),
                pg_catalog.current_setting('fsync'),
                case when pg_catalog.current_setting('fsync') = 'off'
                     then ': a disposable server, not durable against an operating system crash' else '' end)
  union all
  select 'addressable', 'kit tables have a primary key', t.name,
         exists (select 1 from pg_catalog.pg_index i where i.indrelid = t.oid and i.indisprimary),
         case when exists (select 1 from pg_catalog.pg_index i where i.indrelid = t.oid and i.indisprimary)
              then 'has a primary key' else 'no primary key: rows cannot be addressed' end
    from tables t
  union all
  select 'addressable', 'tenant tables lead every primary and unique key with tenant_id', u.tbl || ' ' || u.idx,
         u.first_column = 'tenant_id',
         case when u.first_column = 'tenant_id' then 'leads with tenant_id'
              else 'leads with ' || coalesce(u.first_column::text, 'an expression') end
    from unique_keys u
  union all
  select 'replayable', 'runs, tasks and outbox rows have the events of their state', g.tbl, g.missing = 0,
         case when g.missing = 0 then 'every row has its events' else g.missing || ' rows without their events' end
    from event_gaps g
  union all
  select 'inspectable', 'forensic readers exist, decide access themselves and are granted to sor_auditor and sor_tenant', r.sig,
         r.oid is not null and r.prosecdef
           and pg_catalog.has_function_privilege('sor_auditor', r.oid, 'EXECUTE')
           and pg_catalog.has_function_privilege('sor_tenant', r.oid, 'EXECUTE'),
         case when r.oid is null then 'missing'
              when not r.prosecdef then 'not SECURITY DEFINER'
              when not pg_catalog.has_function_privilege('sor_auditor', r.oid, 'EXECUTE') then 'sor_auditor may not execute it'
              when not pg_catalog.has_function_privilege('sor_tenant', r.oid, 'EXECUTE') then 'sor_tenant may not execute it'
              else 'present and granted' end
    from reader_state r
  union all
  select 'policy-bound', 'dedupe and idempotency keys are unique per tenant', d.what,
         coalesce(d.unique_ok, false),
         case when d.unique_ok then d.def
              else 'not a valid unique key leading with tenant_id: a retry could write twice' end
    from dedupe_state d
$$;
comment on function sor.certify__070_capstone() is
  'Capstone checks: durable (kit tables LOGGED; synchronous_commit never off for the database or a kit role, nor server-wide when fsync is on; fsync reported), addressable (primary keys; tenant_id leads every key of tenant tables), replayable (runs have their start and end events; claimed and finished tasks, leased, dispatched and dead outbox rows have the event of their state), inspectable (forensic readers present, SECURITY DEFINER, granted to sor_auditor and sor_tenant), policy-bound (outbox, task and idempotency keys unique per tenant).';

reset role;
