-- V107: a tenant's quota of live tasks is counted once per INSERT statement instead of once per row.
--
-- Why: before this migration the row trigger tasks_dedupe (BEFORE INSERT FOR EACH ROW on sor.tasks)
--      also moved the tenant's count in sor.tenant_usage, one counter update for every task: a
--      batch of 100 tasks made 100 updates of one row, more than half the batch's time. From here on
--      tasks_dedupe runs only for a row with a dedupe key (WHEN (new.dedupe_key IS NOT
--      NULL)) and only claims the key; the new statement trigger tasks_quota (AFTER INSERT FOR EACH
--      STATEMENT, over the statement's transition table) counts the rows the statement kept, one
--      count per tenant, and refuses the statement past the quota (SR065), as before.
--      On an upgrade both triggers are defined here with the guard paused (the kit's own change to
--      its triggers) and written to the register; the two trigger functions are redefined by
--      R__420 later in the same run (Flyway's group = true: one transaction), and R__941 takes the
--      counts from the tables at its end. On a fresh database there is no trigger yet: R__941
--      creates both.
-- Locks: SHARE ROW EXCLUSIVE on sor.tasks while the triggers are swapped (no rows are read or
--      written).
-- Reversal: not in place (the earlier trigger function counted per row); restore the branch taken
--      before the upgrade.
set local lock_timeout = '5s';
select sor_guard.pause(true);

set role sor_owner;

do $$
begin
  if exists (select 1 from pg_catalog.pg_trigger t
              where t.tgrelid = 'sor.tasks'::regclass and t.tgname = 'tasks_dedupe') then
    -- the statement trigger's function as R__420 defines it (this run redefines it there)
    create or replace function sor.tg_tasks__quota()
    returns trigger
    language plpgsql
    volatile
    set search_path = pg_catalog, sor, pg_temp
    set jit = off
    as $fn$
    begin
      perform sor.quota_count('tasks', pg_catalog.array_agg(c.tenant_id order by c.tenant_id), pg_catalog.array_agg(c.n order by c.tenant_id))
         from (select n.tenant_id, pg_catalog.count(*) as n from new_rows n group by n.tenant_id) c
       having pg_catalog.count(*) > 0;
      return null;
    end
    $fn$;
    revoke all on function sor.tg_tasks__quota() from public;
    create or replace trigger tasks_dedupe
      before insert on sor.tasks
      for each row when (new.dedupe_key is not null) execute function sor.tg_tasks__dedupe();
    alter table sor.tasks enable always trigger tasks_dedupe;
    create or replace trigger tasks_quota
      after insert on sor.tasks
      referencing new table as new_rows
      for each statement execute function sor.tg_tasks__quota();
    alter table sor.tasks enable always trigger tasks_quota;
  end if;
end
$$;
reset role;

set role sor_guardian;
do $$
begin
  -- a database the kit already guards: the register takes both triggers as they are now
  if pg_catalog.to_regprocedure('sor_guard.live_objects(text[])') is not null then
    execute $sql$
      insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
      select l.kind, l.identity, l.root_kind, l.root_objid, l.objid, true, l.spec, 'recorded'
        from sor_guard.live_objects(array['table:' || 'sor.tasks'::regclass::oid]) l
        left join sor_guard.registered r on r.present and r.kind = l.kind and r.identity = l.identity
       where l.kind = 'trigger' and l.identity in ('tasks_dedupe on sor.tasks', 'tasks_quota on sor.tasks')
         and (r.identity is null or r.spec is distinct from l.spec)
         and exists (select 1 from sor_guard.registered t where t.present and t.kind = 'table' and t.identity = 'sor.tasks')
    $sql$;
  end if;
end
$$;
reset role;

select sor_guard.pause(false);
