-- V092: the event chain is checked once per INSERT statement instead of once per row.
--
-- Why: up to 0.3.0 the chain trigger events_chain ran BEFORE INSERT FOR EACH ROW on sor.events
--      (cloned to every partition): a lock, a query, a hash and an update of the stream's head for
--      every event. From 0.4.0 the append path writes each row's chain fields itself, and
--      events_chain runs AFTER INSERT FOR EACH STATEMENT over the statement's transition table: it
--      checks the links and moves each stream's head once (docs/api/events.md, the hash chain).
--      On an upgrade the row trigger and its partition clones are dropped and the statement
--      trigger takes the name, with the guard paused (the kit's own change to its chain trigger)
--      and the new definition written to the register. The function it calls, in sor_guard, is
--      redefined by R__100 later in the same transaction; no event is appended in between.
--      On a fresh database there is no trigger yet: R__910 creates it. Both get
--      events_refuse_unchained, which turns a row of the earlier release's code into a retry.
-- Locks: SHARE ROW EXCLUSIVE on sor.events and each partition while the triggers are swapped
--      (no rows are read or written).
-- Reversal: not in place (the row trigger needs 0.3.0's chain function); restore the branch taken
--      before the upgrade.
set local lock_timeout = '5s';
select sor_guard.pause(true);

set role sor_owner;

-- A statement of the earlier release's code that began before this run committed and waited for
-- its locks inserts rows without their chain fields (version 0, as the row trigger expected): it is
-- refused with 40001, which a caller retries, and the retry runs this release's append path.
create function sor.tg_events__refuse_unchained()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $fn$
begin
  raise exception 'an event of stream % arrived without its chain fields: code from before the kit''s upgrade ran this statement', new.stream
    using errcode = '40001', hint = 'Run the call again: it runs the upgraded append path now.';
end
$fn$;
revoke all on function sor.tg_events__refuse_unchained() from public;
comment on function sor.tg_events__refuse_unchained() is
  'BEFORE INSERT row trigger on sor.events, only for rows of version 0 (the earlier release''s append path, caught by an upgrade mid-statement): refuses them with 40001 so the caller retries with the upgraded code.';
create trigger events_refuse_unchained
  before insert on sor.events
  for each row when (new.version = 0) execute function sor.tg_events__refuse_unchained();
alter table sor.events enable always trigger events_refuse_unchained;
comment on trigger events_refuse_unchained on sor.events is
  'Refuses (40001, retry) a row without its chain fields: a statement of the earlier release''s code that waited through the upgrade.';

do $$
begin
  if exists (select 1 from pg_catalog.pg_trigger t
              where t.tgrelid = 'sor.events'::regclass and t.tgname = 'events_chain' and t.tgtype & 1 = 1) then
    drop trigger events_chain on sor.events;
    create trigger events_chain
      after insert on sor.events
      referencing new table as new_rows
      for each statement execute function sor_guard.tg_events__chain();
    alter table sor.events enable always trigger events_chain;
  end if;
end
$$;
reset role;

set role sor_guardian;
do $$
begin
  -- a database the kit already guards: the register takes the statement trigger, records the row
  -- trigger's clones on the partitions as gone, and takes the refusal of unchained rows
  if pg_catalog.to_regprocedure('sor_guard.live_objects(text[])') is not null then
    execute $sql$
      with roots as (
        select pg_catalog.array_agg(distinct r.root_kind || ':' || r.root_objid) as roots
          from sor_guard.registered r
         where r.present and r.kind = 'trigger' and r.identity like 'events\_chain on sor.%'
      ), live as (
        select l.* from roots, sor_guard.live_objects(roots.roots) l where l.kind = 'trigger'
      )
      insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
      select r.kind, r.identity, r.root_kind, r.root_objid, coalesce(l.objid, r.objid), l.identity is not null,
             l.spec, 'recorded'
        from sor_guard.registered r
        left join live l on l.identity = r.identity
       where r.present and r.kind = 'trigger' and r.identity like 'events\_chain on sor.%'
         and l.spec is distinct from r.spec
    $sql$;
    -- and the new refusal trigger on the table and each partition
    execute $sql$
      insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
      select l.kind, l.identity, l.root_kind, l.root_objid, l.objid, true, l.spec, 'recorded'
        from sor_guard.live_objects(array(
               select 'table:' || c.oid from pg_catalog.pg_class c
                where c.oid = 'sor.events'::regclass
                   or c.oid in (select i.inhrelid from pg_catalog.pg_inherits i where i.inhparent = 'sor.events'::regclass))) l
       where l.kind = 'trigger' and l.identity like 'events\_refuse\_unchained on sor.%'
         and not exists (select 1 from sor_guard.registered r where r.present and r.kind = l.kind and r.identity = l.identity)
    $sql$;
  end if;
end
$$;
reset role;

select sor_guard.pause(false);
