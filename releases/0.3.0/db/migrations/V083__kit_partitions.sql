-- V083: the record of the kit's own partitions (sor_guard.kit_partitions).
--
-- Which partitions of the kit's partitioned tables (sor.events, sor.outbox, sor.finished_tasks:
-- every partitioned table of schema sor, as sor.partitioned_tables() lists them) the kit made
-- itself, attached with an approval, or detached. Append-only, owned by sor_guardian: the drop
-- guard writes it (sor_guard.settle_partitions, on every DDL statement) and sor.make_partitions
-- through sor_guard.record_kit_partition. certify() and sor_api.verify_events report a partition
-- of a kit table that it does not hold as attached: a table ATTACHed past the guard (its event
-- triggers paused by a superuser) brings rows no append ever chained.
--
-- The partitions that exist when this runs are recorded if they have the kit's own shape: in
-- schema sor, named <table>_default (the default partition), <table>_pYYYYMM with the bounds of
-- that month, or the first partitions that V061 and V082 made of an earlier release's rows
-- (events_legacy, outbox_legacy, finished_tasks_before, from MINVALUE). Any other partition is not
-- recorded, so certify() names it after the upgrade.
--
-- An approval may now name attach partition: the check of sor.ddl_approvals.operation takes it,
-- replaced with the guard paused (the kit's own change to a protected constraint) and its new
-- definition written to the register.
-- lint: reviewed drop by pg-sor maintainers: one check constraint of sor.ddl_approvals is dropped and replaced in the same statement
set local lock_timeout = '5s';
select sor_guard.pause(true);
alter table sor.ddl_approvals
  drop constraint ddl_approvals_operation_check,
  add constraint ddl_approvals_operation_check check (operation in (
  'drop schema', 'alter schema', 'drop table', 'alter table', 'rename', 'drop column', 'alter column',
  'alter column type', 'disable row level security', 'no force row level security', 'detach partition',
  'attach partition',
  'drop trigger', 'disable trigger', 'alter trigger', 'create trigger', 'drop rule', 'alter rule', 'create rule',
  'drop policy', 'alter policy', 'create policy', 'drop constraint', 'alter constraint', 'drop index',
  'alter index', 'drop view', 'alter view', 'drop function', 'replace function', 'grant'));

set role sor_guardian;
do $$
begin
  -- a database the kit already guards (an upgrade): the register takes the new definition; on a
  -- fresh one the guard's functions come later and register it as they find it
  if pg_catalog.to_regprocedure('sor_guard.live_objects(text[])') is not null then
    execute $sql$
      insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
      select l.kind, l.identity, l.root_kind, l.root_objid, l.objid, true, l.spec, 'recorded'
        from sor_guard.live_objects(array['table:' || 'sor.ddl_approvals'::regclass::oid]) l
       where l.kind = 'constraint' and l.identity = 'ddl_approvals_operation_check on sor.ddl_approvals'
         and exists (select 1 from sor_guard.registered r where r.present and r.kind = l.kind and r.identity = l.identity)
    $sql$;
  end if;
end
$$;


create table sor_guard.kit_partitions (
  entry_id       bigint      not null generated always as identity,
  partition_name text        not null,
  parent_table   text        not null,
  bound          text,
  event          text        not null,
  approval_id    bigint,
  recorded_at    timestamptz not null default pg_catalog.clock_timestamp(),
  recorded_by    name        not null default session_user,
  tx_id          xid8        not null default pg_catalog.pg_current_xact_id(),
  constraint kit_partitions_pkey primary key (entry_id),
  constraint kit_partitions_event_check check (event in ('installed', 'created', 'attached', 'detached', 'dropped'))
);
create index kit_partitions_name_idx on sor_guard.kit_partitions (partition_name, entry_id);

comment on table sor_guard.kit_partitions is
  'Append-only record of the partitions of the kit''s partitioned tables: installed (present when V083 ran, with the kit''s shape), created (by the kit, or a CREATE TABLE ... PARTITION OF with the kit''s name and month), attached (an ATTACH PARTITION with its approval), detached, dropped. The latest row per partition is its state; certify() and sor_api.verify_events report a partition of a kit table whose latest row is not installed, created or attached. Written only by the drop guard''s functions.';
comment on column sor_guard.kit_partitions.partition_name is 'The partition as pg_identify_object() names it (sor.events_p202612).';
comment on column sor_guard.kit_partitions.parent_table is 'The partitioned table (sor.events, sor.outbox, sor.finished_tasks).';
comment on column sor_guard.kit_partitions.bound is 'The partition bound as PostgreSQL prints it (FOR VALUES FROM (...) TO (...), DEFAULT); NULL once detached or dropped.';
comment on column sor_guard.kit_partitions.event is 'installed, created, attached, detached or dropped.';
comment on column sor_guard.kit_partitions.approval_id is 'The sor.ddl_approvals row an attach or detach consumed.';

insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event)
select (pg_catalog.pg_identify_object('pg_class'::regclass, c.oid, 0)).identity,
       (pg_catalog.pg_identify_object('pg_class'::regclass, p.oid, 0)).identity,
       pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'installed'
  from pg_catalog.pg_class p
  join pg_catalog.pg_inherits i on i.inhparent = p.oid
  join pg_catalog.pg_class c on c.oid = i.inhrelid
 where p.relnamespace = 'sor'::regnamespace and p.relkind = 'p' and not p.relispartition
   and c.relnamespace = 'sor'::regnamespace
   and (   (c.relname = p.relname || '_default' and pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT')
        or (c.relname ~ ('^' || p.relname || '_p[0-9]{6}$')
            and exists (select 1
                          from pg_catalog.regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid),
                                                       '^FOR VALUES FROM \(''([^'']+)''\) TO \(''([^'']+)''\)$') m
                         where m[2]::timestamptz - m[1]::timestamptz between interval '27 days' and interval '32 days'
                           and pg_catalog.to_char(m[1]::timestamptz + (m[2]::timestamptz - m[1]::timestamptz) / 2, 'YYYYMM')
                               = pg_catalog.right(c.relname, 6)))
        or (c.relname in ('events_legacy', 'outbox_legacy', 'finished_tasks_before')
            and p.relname = pg_catalog.split_part(c.relname, '_', 1) || case when c.relname like 'finished%' then '_tasks' else '' end
            and pg_catalog.pg_get_expr(c.relpartbound, c.oid) like 'FOR VALUES FROM (MINVALUE) TO (%'))
 order by 1;

reset role;
select sor_guard.pause(false);
