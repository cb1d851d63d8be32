-- V084: releases as the database knows them (sor_guard.releases), and one approval per release.
--
-- Every migrate of the kernel and of the example domain is recorded against the release whose
-- scripts it ran: the release callbacks (db/callbacks/*__pgsor_release.sql, generated with the
-- release manifest) name the release by version and digest and carry its manifest. An upgrade of
-- a database that holds an earlier release needs that release approved once, by a member of
-- sor_approver (sor_api.approve_release): an approval is a row of sor.ddl_approvals with the
-- operation 'upgrade release' and the object 'pg-sor <version> sha256:<digest>'. While the
-- migrating role's run is open, the drop guard lets it change exactly the protected objects the
-- release changes (the objects whose fingerprint differs between the installed release's manifest
-- and the new one); any other guarded change still needs its own approval, and every script Flyway
-- records must have the manifest's checksum (a trigger on the module's history table).
--
-- Locks: ALTER TABLE on sor.ddl_approvals (a check constraint replaced, no rewrite), a new table.
-- Reversal: the table is append-only and guarded; an older release ignores it.
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
  'alter index', 'drop view', 'alter view', 'drop function', 'replace function', 'grant',
  'upgrade release'));

set role sor_guardian;
do $$
begin
  -- a database the kit already guards (an upgrade): the register takes the new definition
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

create table sor_guard.releases (
  entry_id     bigint      not null generated always as identity,
  history      text        not null,
  module       text        not null,
  event        text        not null,
  version      text        not null,
  digest       text        not null,
  from_version text,
  from_digest  text,
  approval_id  bigint,
  allowed      text[]      not null default '{}',
  manifest     text,
  recorded_at  timestamptz not null default pg_catalog.clock_timestamp(),
  recorded_by  name        not null default session_user,
  tx_id        xid8        not null default pg_catalog.pg_current_xact_id(),
  constraint releases_pkey primary key (entry_id),
  constraint releases_event_check check (event in ('installed', 'opened', 'upgraded', 'closed', 'failed')),
  constraint releases_digest_format check (digest ~ '^sha256:[0-9a-f]{64}$'),
  constraint releases_version_format check (version ~ '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$'),
  constraint releases_manifest_check check ((manifest is not null) = (event in ('installed', 'opened', 'upgraded')))
);
create index releases_history_idx on sor_guard.releases (history, entry_id);

comment on table sor_guard.releases is
  'Append-only record of each migrate of a release module (the kernel, the example domain): installed (the first run under release control: a fresh install, or an upgrade from a release before 0.3.0), opened (a run began: its approval and the objects it may change), upgraded (an approved upgrade ended), closed (a run of the installed release ended), failed (a run ended in an error). The latest installed or upgraded row per history table is the release the module holds. Written only by the release callbacks through the guard''s functions.';
comment on column sor_guard.releases.history is 'The module''s Flyway history table, schema.table (sor_flyway.flyway_schema_history for the kernel).';
comment on column sor_guard.releases.module is 'The module of the release manifest: kernel or reconciler.';
comment on column sor_guard.releases.digest is 'The release manifest''s digest, sha256: and the sha256 of its text before the digest line.';
comment on column sor_guard.releases.approval_id is 'The sor.ddl_approvals row (operation upgrade release) an upgrade used.';
comment on column sor_guard.releases.allowed is 'For an opened upgrade: the protected objects the release changes, as the guard names them; the migrating role may change these, and only these, without an approval of its own.';
comment on column sor_guard.releases.manifest is 'The release manifest''s text (before its digest line), kept so the next upgrade can tell what it changes.';

reset role;
select sor_guard.pause(false);
