-- Flyway runs this callback before each script of a migrate, in the script's transaction (the
-- kit migrates with group = true: one transaction for the whole run). It acts once, on a database
-- that 0.1.0 installed and that holds rows, right before V061 restructures the event core:
--
-- V061 turns sor.events and sor.outbox into partitioned tables and moves finished tasks out of
-- sor.tasks. Written for an empty database, it cannot carry rows across (a legacy table with its
-- own primary key cannot be attached as a partition, and the kit's owner cannot write the new
-- tables before their policies exist). So here the rows of sor.events, sor.outbox and sor.tasks
-- are set aside, exactly as they are, in the schema sor_upgrade; V061 to V081 then run on empty
-- tables, and V082 puts every row back into the new tables (with stream heads, dedupe keys and
-- finished tasks, as the new kernel keeps them) and drops sor_upgrade. Everything happens in the
-- one transaction of the run: a failure anywhere leaves the database as it was.
--
-- Anywhere else (a fresh database, any later release, a 0.1.0 database without rows) it only
-- reads the catalog.
--
-- Before it all, on any database that already holds the kernel (an upgrade, from any release), the
-- run takes every table of schema sor in ACCESS EXCLUSIVE mode, all at once, before its first
-- script: the scripts change tables Workers use (columns, triggers' functions, policies, grants),
-- and a run that took their locks one by one, script by script, deadlocked with the Workers' calls
-- (each holding one table and waiting for the next). A reader holding a view of sor_api holds its
-- tables too, so it is waited for the same way. The
-- relations are taken with NOWAIT, all or none (a subtransaction: a failed attempt releases what it
-- took), and retried every 10 to 100 ms for up to 60 s (or the session's pgsor.upgrade_lock_wait,
-- an interval, set by Flyway's initSql, the login or the connection's options); then the run fails
-- with 55P03 and applies nothing, and is simply run again. Workers wait for the end of the kernel's run (one transaction)
-- and go on; none of them loses a deadlock. It acts once per run (a transaction-local mark), and
-- not on a fresh database, nor on a run of another module (the example domain's).
do $$
declare
  _tables text;
  _wait_setting text := nullif(pg_catalog.current_setting('pgsor.upgrade_lock_wait', true), '');
  _wait interval;
  _deadline timestamptz;
  _attempts integer := 0;
begin
  if pg_catalog.to_regclass('sor.events') is null
     or '${flyway:defaultSchema}' <> 'sor_flyway' and '${flyway:defaultSchema}' <> 'public'
     or pg_catalog.current_setting('pgsor.upgrade_locked', true) = 'on' then
    return;  -- a fresh database, another module's run, or already taken in this run
  end if;
  perform pg_catalog.set_config('pgsor.upgrade_locked', 'on', true);
  begin
    _wait := coalesce(_wait_setting, '60 seconds')::interval;
  exception when others then
    _wait := null;
  end;
  if _wait is null or _wait < interval '0' or _wait > interval '1 day' then
    raise exception 'pg-sor: pgsor.upgrade_lock_wait is %, not an interval from 0 to 1 day', pg_catalog.quote_literal(_wait_setting)
      using errcode = '22023',
            hint = 'Set it to how long the upgrade may wait for the kit''s tables, e.g. ''2 min'', or reset it for the default of 60 s. Nothing was applied.';
  end if;
  _deadline := pg_catalog.clock_timestamp() + _wait;
  select pg_catalog.string_agg(pg_catalog.format('%I.%I', n.nspname, c.relname), ', ' order by c.oid) into _tables
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'sor' and c.relkind in ('r', 'p')
     and not c.relispartition;
  loop
    _attempts := _attempts + 1;
    begin
      execute 'lock table ' || _tables || ' in access exclusive mode nowait';
      exit;
    exception when lock_not_available then
      if pg_catalog.clock_timestamp() > _deadline then
        raise exception 'pg-sor: lock timeout: the upgrade could not take the tables of schema sor within % s (% attempts): transactions kept using them',
                        pg_catalog.trim_scale(extract(epoch from _wait)), _attempts
          using errcode = '55P03',
                hint = 'Nothing was applied. Migrate again; if it keeps failing, pause the Workers for the kernel''s run, or let it wait longer (pgsor.upgrade_lock_wait, docs/operate/upgrade.md).';
      end if;
      perform pg_catalog.pg_sleep(0.01 + pg_catalog.random() * 0.09);
    end;
  end loop;
  if _attempts > 1 then
    raise notice 'pg-sor: took the tables of schema sor for the upgrade after % attempts', _attempts;
  end if;
end
$$;
do $$
declare
  _t text;
  _trg record;
  _names text[];
  _modes text[];
  _rows boolean := false;
begin
  if pg_catalog.to_regclass('sor.events') is null
     or pg_catalog.to_regclass('sor.streams') is not null
     or pg_catalog.to_regnamespace('sor_upgrade') is not null
     or (select c.relkind from pg_catalog.pg_class c where c.oid = pg_catalog.to_regclass('sor.events')) <> 'r'
     or pg_catalog.to_regnamespace('sor_guard') is null then
    return;  -- not a 0.1.0 event core, or already set aside, or V060 not yet applied
  end if;
  execute 'set role sor_owner';
  foreach _t in array array['events', 'outbox', 'tasks'] loop
    execute pg_catalog.format('select exists (select 1 from sor.%I)', _t) into _rows;
    exit when _rows;
  end loop;
  if not _rows then
    execute 'reset role';
    return;
  end if;
  raise notice 'pg-sor: setting the rows of sor.events, sor.outbox and sor.tasks aside in sor_upgrade for V061 (V082 puts them back)';
  execute 'reset role';
  execute 'create schema sor_upgrade authorization sor_owner';
  execute 'set role sor_owner';
  foreach _t in array array['events', 'outbox', 'tasks'] loop
    execute pg_catalog.format('create table sor_upgrade.%1$I as select * from sor.%1$I', _t);
    -- the refusal triggers of 0.1.0 (append-only events) stand aside for this one delete, then
    -- return as they were
    select pg_catalog.array_agg(tg.tgname::text), pg_catalog.array_agg(tg.tgenabled::text) into _names, _modes
      from pg_catalog.pg_trigger tg
     where tg.tgrelid = pg_catalog.format('sor.%I', _t)::regclass and not tg.tgisinternal and tg.tgenabled <> 'D';
    for _trg in select tg.tgname from pg_catalog.pg_trigger tg
                 where tg.tgrelid = pg_catalog.format('sor.%I', _t)::regclass and not tg.tgisinternal
                   and tg.tgenabled <> 'D' loop
      execute pg_catalog.format('alter table sor.%I disable trigger %I', _t, _trg.tgname);
    end loop;
    execute pg_catalog.format('delete from sor.%I', _t);
    for _trg in select tg.tgname, e.mode from pg_catalog.pg_trigger tg
                  join (select x.name, x.mode from unnest(_names, _modes) x(name, mode)) e on e.name = tg.tgname
                 where tg.tgrelid = pg_catalog.format('sor.%I', _t)::regclass loop
      execute pg_catalog.format('alter table sor.%I enable %s trigger %I', _t,
                                case _trg.mode when 'A' then 'always' when 'R' then 'replica' else '' end, _trg.tgname);
    end loop;
  end loop;
  execute 'reset role';
end
$$;
