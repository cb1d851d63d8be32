-- Releases as the database knows them (sor_guard.releases, V084), and the window one approval of a
-- release opens. The release callbacks (db/callbacks/beforeMigrate__pgsor_release.sql and
-- afterMigrate__pgsor_release.sql, generated with the release manifest by pg-sor release) call:
--
--   sor_guard.begin_release   before a migrate of a release module (the kernel, the example
--                             domain): checks the manifest the callback carries against its digest;
--                             an upgrade from another release needs that release approved
--                             (sor_api.approve_release), or it stops here (SR026) before any script
--                             runs; opens the run: what it may change, the checksums it must have
--   sor_guard.tg_history__release_check
--                             on the module's Flyway history table, for each script Flyway records
--                             during an open run: a script the manifest does not hold, or holds with
--                             another checksum, is refused (SR027), and the run (one transaction,
--                             Flyway's group) rolls back with it
--   sor_guard.end_release     after the migrate: the run is closed, the approval consumed, the
--                             release recorded as installed
--   sor_guard.fail_release    after a migrate that failed: the run is closed as failed
--   sor_guard.release_allows  for the drop guard (sor_guard.authorize): the approval of the open
--                             run that covers a guarded change, when the migrating role makes it to
--                             an object the release changes
--
-- Migrating the installed release again writes nothing. This file pauses the guard while it redefines these functions (sor_guard.authorize calls one).
select sor_guard.pause(true);
set role sor_guardian;

-- The module of the release manifest a Flyway history table records: the kernel's and the example
-- domain's tables as the shipped flyway.toml files and the test kit name them; NULL for any other
-- (a consumer's own module, which the release does not describe).
create or replace function sor_guard.release_module(history text)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select case release_module.history
           when 'sor_flyway.flyway_schema_history' then 'kernel'
           when 'reconciler_flyway.flyway_schema_history_reconciler' then 'reconciler'
         end
$$;
comment on function sor_guard.release_module(text) is
  'The release module (kernel, reconciler) whose scripts a Flyway history table (schema.table) records, or NULL for a table the release does not describe.';

-- The lines of a manifest's text, each a JSON object.
create or replace function sor_guard.manifest_lines(manifest text)
returns setof jsonb
language sql
immutable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select l::jsonb from regexp_split_to_table(manifest_lines.manifest, E'\n') l where l <> ''
$$;
comment on function sor_guard.manifest_lines(text) is 'The lines of a release manifest''s text, each as jsonb.';

-- The protected objects of a module a release changes from another: every object whose fingerprint differs,
-- that only one of the two has, named as the drop guard names what it judges (the manifest's key
-- without its kind: events_tenant_select on sor.events, sor.outbox.last_error, sor.events).
create or replace function sor_guard.release_changes(installed text, target text, module text)
returns text[]
language sql
immutable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  with o as (select l ->> 'object' as k, l -> 'attrs' as a from sor_guard.manifest_lines(release_changes.installed) l
              where l ? 'object' and l ->> 'module' = release_changes.module),
       n as (select l ->> 'object' as k, l -> 'attrs' as a from sor_guard.manifest_lines(release_changes.target) l
              where l ? 'object' and l ->> 'module' = release_changes.module)
  select coalesce(array_agg(distinct regexp_replace(coalesce(n.k, o.k), '^(event trigger|[a-z]+) ', '')), '{}')
    from o full join n on n.k = o.k
   where o.a is distinct from n.a
$$;
comment on function sor_guard.release_changes(text, text, text) is
  'The objects of a module (as the drop guard names them) whose fingerprint differs between two release manifests, or that only one has: what an upgrade of that module from the first release to the second may change.';

-- The latest row of a history table's record, of the given events (NULL: any).
create or replace function sor_guard.release_latest(history text, events text[] default null)
returns sor_guard.releases
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select r.* from sor_guard.releases r
   where r.history = release_latest.history and (release_latest.events is null or r.event = any (release_latest.events))
   order by r.entry_id desc limit 1
$$;
comment on function sor_guard.release_latest(text, text[]) is
  'The latest row of sor_guard.releases for a history table, among the given events (NULL: any).';

-- Checks what a release callback carries: the manifest's text hashes to the digest, and names the version.
create or replace function sor_guard.check_release(version text, digest text, manifest text)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _header jsonb;
begin
  if check_release.digest is distinct from 'sha256:' || encode(sha256(convert_to(coalesce(check_release.manifest, ''), 'UTF8')), 'hex') then
    raise exception 'pg-sor: the release callback''s manifest does not match its digest %', coalesce(check_release.digest, 'NULL')
      using errcode = 'SR028',
            hint = 'db/callbacks/beforeMigrate__pgsor_release.sql and afterMigrate__pgsor_release.sql are generated with the release manifest (pg-sor release); restore them as the release shipped them.';
  end if;
  select l into _header from sor_guard.manifest_lines(check_release.manifest) l limit 1;
  if _header ->> 'manifest' is null or _header ->> 'release' is distinct from check_release.version then
    raise exception 'pg-sor: the release callback names release % but its manifest is of %',
                    coalesce(check_release.version, 'NULL'), coalesce(_header ->> 'release', 'no release')
      using errcode = 'SR028',
            hint = 'Restore the release callbacks as the release shipped them.';
  end if;
end
$$;
comment on function sor_guard.check_release(text, text, text) is
  'Refuses (SR028) a release callback whose manifest text does not hash to its digest or does not name its version.';

-- The approval of a release: unexpired, by an approver who is not the migrating role, not yet used
-- by another run of this module (the kernel and the example domain each use it once).
create or replace function sor_guard.release_approval(history text, version text, digest text)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select a.approval_id from sor.ddl_approvals a
   where a.operation = 'upgrade release'
     and a.object_identity = 'pg-sor ' || release_approval.version || ' ' || release_approval.digest
     and a.expires_at > clock_timestamp()
     and a.approved_by <> session_user
     and sor_guard.may_approve(a.approved_by)
     and (a.consumed_at is null
          or (exists (select 1 from sor_guard.releases u where u.approval_id = a.approval_id and u.event = 'upgraded')
              and not exists (select 1 from sor_guard.releases u
                               where u.approval_id = a.approval_id and u.event = 'upgraded' and u.history = release_approval.history)))
   order by a.approved_at, a.approval_id
   limit 1
$$;
comment on function sor_guard.release_approval(text, text, text) is
  'The approval (sor.ddl_approvals, upgrade release) a module''s upgrade to this release may use: unexpired, by another role that may approve, not used by an upgrade of this module yet.';

create or replace function sor_guard.begin_release(history text, version text, digest text, manifest text)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _module text := sor_guard.release_module(begin_release.history);
  _installed sor_guard.releases;
  _approval bigint;
  _allowed text[] := '{}';
begin
  if _module is null then
    return false;
  end if;
  perform sor_guard.check_release(begin_release.version, begin_release.digest, begin_release.manifest);
  _installed := sor_guard.release_latest(begin_release.history, array['installed', 'upgraded']);
  if _installed.entry_id is not null and _installed.digest <> begin_release.digest then
    _approval := sor_guard.release_approval(begin_release.history, begin_release.version, begin_release.digest);
    if _approval is null then
      raise exception 'pg-sor %: this database holds pg-sor % (%); upgrading it to % needs the release approved',
                      _module, _installed.version, _installed.digest, begin_release.version
        using errcode = 'SR026',
              detail = format('No unexpired approval of release %s %s by a member of sor_approver other than %s was found. Nothing was migrated.',
                              begin_release.version, begin_release.digest, session_user),
              hint = format('A member of sor_approver (not %s) runs: select sor_api.approve_release(%L, %L, ticket => ''<change ticket>'', rehearsed_on => ''<where it was rehearsed>'', expires_at => now() + interval ''1 day''); then migrate again (docs/operate/upgrade.md).',
                            session_user, begin_release.version, begin_release.digest);
    end if;
    _allowed := sor_guard.release_changes(_installed.manifest, begin_release.manifest, _module);
  elsif _installed.entry_id is not null then
    -- the installed release again: nothing to open, nothing written; the history trigger checks
    -- any script this run records against the installed release's manifest
    return true;
  end if;
  insert into sor_guard.releases (history, module, event, version, digest, from_version, from_digest, approval_id, allowed, manifest)
  values (begin_release.history, _module, 'opened', begin_release.version, begin_release.digest,
          _installed.version, _installed.digest, _approval, _allowed, begin_release.manifest);
  return true;
end
$$;
comment on function sor_guard.begin_release(text, text, text, text) is
  'Run by the beforeMigrate release callback: checks the manifest against its digest (SR028); an upgrade from another installed release needs the release approved (SR026, whose hint is the call to make) and may change only the objects the release changes; opens the run. Returns false for a history table the release does not describe.';

create or replace function sor_guard.end_release(history text, version text, digest text, manifest text)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _module text := sor_guard.release_module(end_release.history);
  _run sor_guard.releases;
  _installed sor_guard.releases;
  _event text;
begin
  if _module is null then
    return null;
  end if;
  perform sor_guard.check_release(end_release.version, end_release.digest, end_release.manifest);
  _run := sor_guard.release_latest(end_release.history);
  _installed := sor_guard.release_latest(end_release.history, array['installed', 'upgraded']);
  if _run.event = 'opened' and _run.digest = end_release.digest and _run.approval_id is not null then
    update sor.ddl_approvals a
       set consumed_at = clock_timestamp(), consumed_by = session_user, consumed_statement = 'pg-sor release ' || end_release.version
     where a.approval_id = _run.approval_id and a.consumed_at is null;
    _event := 'upgraded';
  elsif _installed.entry_id is null then
    -- the first run under release control: a fresh install, or an upgrade from a release that did
    -- not record itself (before 0.3.0)
    _event := 'installed';
  elsif _installed.digest = end_release.digest then
    return 'unchanged';  -- the installed release again: nothing is written
  else
    -- another release's scripts ran without an approved run (the callbacks were skipped): it is not
    -- recorded as installed, so the next migrate with the callbacks asks for the approval
    raise warning 'pg-sor %: this migrate of % was not an approved upgrade from % (%): not recorded as installed',
                  _module, end_release.version, _installed.version, _installed.digest;
    return 'unrecorded';
  end if;
  insert into sor_guard.releases (history, module, event, version, digest, from_version, from_digest, approval_id, manifest)
  values (end_release.history, _module, _event, end_release.version, end_release.digest,
          _installed.version, _installed.digest, case when _event = 'upgraded' then _run.approval_id end, end_release.manifest);
  return _event;
end
$$;
comment on function sor_guard.end_release(text, text, text, text) is
  'Run by the afterMigrate release callback: closes the run; an approved upgrade consumes its approval and is recorded as upgraded, a first run under release control as installed; a run of the installed release writes nothing (unchanged). Returns the event recorded (NULL for a history table the release does not describe).';

create or replace function sor_guard.fail_release(history text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  insert into sor_guard.releases (history, module, event, version, digest, from_version, from_digest, approval_id)
  select r.history, r.module, 'failed', r.version, r.digest, r.from_version, r.from_digest, r.approval_id
    from sor_guard.release_latest(fail_release.history) r
   where r.event = 'opened'
$$;
comment on function sor_guard.fail_release(text) is
  'Run by the afterMigrateError callback: closes an open run as failed (its approval stays unused: the run is simply run again).';

-- The approval of the open run that lets the migrating role make a guarded change to an object the
-- release changes; NULL when no open run covers it.
create or replace function sor_guard.release_allows(operation text, object text)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select r.approval_id
    from (select distinct on (x.history) x.* from sor_guard.releases x order by x.history, x.entry_id desc) r
    join sor.ddl_approvals a on a.approval_id = r.approval_id
   where r.event = 'opened' and r.recorded_by = session_user
     and a.expires_at > clock_timestamp()
     and release_allows.object = any (r.allowed)
   limit 1
$$;
comment on function sor_guard.release_allows(text, text) is
  'For the drop guard: the approval of an open, approved release run of the session''s role whose release changes the object, or NULL.';

create or replace function sor_guard.tg_history__release_check()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _run sor_guard.releases := sor_guard.release_latest(tg_table_schema || '.' || tg_table_name);
  _script jsonb;
begin
  -- only what Flyway records for a script it applies now (installed_on defaults to now()); rows
  -- copied from an older history table keep their time
  if new.type is distinct from 'SQL' or new.script is null or new.installed_on < now() then
    return new;
  end if;
  if _run.event is distinct from 'opened' then
    -- no run open: the scripts of the installed release, if the module has one
    _run := sor_guard.release_latest(tg_table_schema || '.' || tg_table_name, array['installed', 'upgraded']);
    if _run.entry_id is null then
      return new;
    end if;
  end if;
  select l into _script from sor_guard.manifest_lines(_run.manifest) l
   where l ->> 'script' = new.script and l ->> 'module' = _run.module and l ? 'checksum';
  if _script is null then
    raise exception 'pg-sor: migration file % is not part of pg-sor % (%)', new.script, _run.version, _run.digest
      using errcode = 'SR027',
            detail = format('The release manifest lists every %s script with its checksum; this one is not among them. Nothing of this run was applied.', _run.module),
            hint = 'Migrate with the files exactly as the release shipped them (releases/<version>/manifest.json lists them).';
  end if;
  if (_script ->> 'checksum')::integer is distinct from new.checksum then
    raise exception 'pg-sor: migration file % differs from pg-sor % (%): Flyway checksum % where the release has %',
                    new.script, _run.version, _run.digest, coalesce(new.checksum::text, 'none'), _script ->> 'checksum'
      using errcode = 'SR027',
            detail = 'Nothing of this run was applied.',
            hint = 'Restore the file exactly as the release shipped it (its checksum is in the release manifest), then migrate again.';
  end if;
  return new;
end
$$;
comment on function sor_guard.tg_history__release_check() is
  'BEFORE INSERT on a release module''s Flyway history table (the release callback creates the trigger): a script Flyway records as applied now that the open run''s release manifest (or, with no run open, the installed release''s) does not hold, or holds with another checksum, is refused (SR027) and the run rolls back.';

-- The contract a release keeps, recorded by the afterMigrate release callback after the kernel's run.
create or replace function sor_guard.record_contract(contract text)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _version text := substring(record_contract.contract from '(?m)^contract_version ([0-9]+\.[0-9]+\.[0-9]+)$');
  _digest text := 'sha256:' || encode(sha256(convert_to(coalesce(record_contract.contract, ''), 'UTF8')), 'hex');
begin
  if _version is null then
    raise exception 'pg-sor: not a contract snapshot (no contract_version line)'
      using errcode = '22023', hint = 'The release callback carries db/contract.txt as the release shipped it.';
  end if;
  if exists (select 1 from sor_guard.contracts c
              where c.entry_id = (select max(x.entry_id) from sor_guard.contracts x) and c.digest = _digest) then
    return null;
  end if;
  insert into sor_guard.contracts (version, digest, contract) values (_version, _digest, record_contract.contract);
  return _version;
end
$$;
comment on function sor_guard.record_contract(text) is
  'Run by the afterMigrate release callback after the kernel''s run: records the release''s contract snapshot when it differs from the latest recorded. Returns its version, or NULL when nothing changed.';

-- A contract snapshot as (block, line) pairs: a block is a line that is not indented (its header),
-- its lines the indented ones under it; comments and blank lines are not part of it.
create or replace function sor_guard.contract_lines(contract text)
returns table (block text, line text)
language sql
immutable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  with l as (
    select n, t from regexp_split_to_table(contract_lines.contract, E'\n') with ordinality as x(t, n)
     where btrim(t) <> '' and t !~ '^#'
  ), h as (
    select n, t, sum(case when t !~ '^\s' then 1 else 0 end) over (order by n) as g from l
  )
  select first_value(btrim(h.t)) over (partition by h.g order by h.n), btrim(h.t)
    from h
$$;
comment on function sor_guard.contract_lines(text) is 'A contract snapshot''s text as (block header, line) pairs; the header is also a line of its own block.';

reset role;
select sor_guard.pause(false);

set role sor_owner;

-- What a client asks at startup: does this database keep the contract I was built for?
create or replace function sor_api.check_contract(client_contract text)
returns table (compatible boolean, change text)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _db sor_guard.contracts;
  _client text := substring(check_contract.client_contract from '(?m)^contract_version ([0-9]+\.[0-9]+\.[0-9]+)$');
  _have integer[];
  _need integer[];
  _n integer := 0;
begin
  if _client is null then
    raise exception 'pg-sor: check_contract takes the contract snapshot a client was built with (db/contract.txt, pgsor/contract.txt in the schema artifact)'
      using errcode = '22023', hint = 'Pass the snapshot''s whole text; its contract_version line names the version.';
  end if;
  select c.* into _db from sor_guard.contracts c order by c.entry_id desc limit 1;
  if _db.entry_id is null then
    raise exception 'pg-sor: this database records no contract (its kernel was not migrated with the release callbacks of 0.3.0 or later)'
      using errcode = 'SR029', hint = 'Migrate the kernel with its own configuration (flyway migrate, or pg-sor migrate), then ask again.';
  end if;
  _have := string_to_array(_db.version, '.')::integer[];
  _need := string_to_array(_client, '.')::integer[];
  if _have[1] <> _need[1] or _have[2] < _need[2] then
    compatible := false;
    change := format('contract_version: the client was built for %s, the database keeps %s (%s)', _client, _db.version,
                     case when _have[1] <> _need[1] then 'another major version' else 'an older minor version' end);
    _n := _n + 1;
    return next;
  end if;
  for change in
    with c as (select * from sor_guard.contract_lines(check_contract.client_contract) where line !~ '^contract_version '),
         d as (select * from sor_guard.contract_lines(_db.contract) where line !~ '^contract_version '),
         missing as (select c.block, c.line from c except select d.block, d.line from d)
    select case
             when not exists (select 1 from d where d.block = m.block) then
               case when m.line = m.block then 'removed ' || m.block end
             when m.line ~ '^[a-z_ ]+: ' and exists (select 1 from d where d.block = m.block and split_part(d.line, ': ', 1) = split_part(m.line, ': ', 1)) then
               'altered ' || m.block || ': ' || m.line || ' -> '
               || (select substr(d.line, length(split_part(m.line, ': ', 1)) + 3) from d
                    where d.block = m.block and split_part(d.line, ': ', 1) = split_part(m.line, ': ', 1) limit 1)
             else 'removed ' || m.block || ': ' || m.line
           end
      from missing m
     order by m.block, m.line
  loop
    continue when change is null;
    compatible := false;
    _n := _n + 1;
    return next;
  end loop;
  if _n = 0 then
    compatible := true;
    change := format('the database keeps contract %s, which keeps everything of %s the client was built for', _db.version, _client);
    return next;
  end if;
end
$$;
comment on function sor_api.check_contract(text) is
  'A client''s startup check, in one call: given the contract snapshot it was built with, one row (true) when this database keeps all of it, else one row (false) per incompatibility: another major or an older minor version, a removed function, view or SQLSTATE, a removed grant, an altered argument list or result. SR029 when the database records no contract; 22023 for text that is not a snapshot.';

create or replace function sor_api.approve_release(
  version      text,
  digest       text,
  ticket       text,
  rehearsed_on text,
  expires_at   timestamptz default now() + interval '1 day'
) returns bigint
language sql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select sor_guard.approve('upgrade release', 'pg-sor ' || approve_release.version || ' ' || approve_release.digest,
                           approve_release.ticket, approve_release.rehearsed_on, approve_release.expires_at)
$$;
comment on function sor_api.approve_release(text, text, text, text, timestamptz) is
  'Approves the upgrade of this database to one release, named by its version and manifest digest (releases/<version>/manifest.json, its last line), once per module, until expires_at (at most 7 days ahead). Only for LOGIN members of sor_approver (42501 otherwise); the role migrating must be another role. SR021 a version or digest not in their format, SR022 bad expiry, SR023 missing ticket or rehearsal.';

-- A domain module states the kernel release it needs, first thing in its first migration (or in a
-- beforeMigrate callback of its own): select sor_api.require_kernel('0.3.0');
create or replace function sor_api.require_kernel(version text)
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _need integer[];
  _have integer[];
  _kernel sor_guard.releases;
begin
  if require_kernel.version is null or require_kernel.version !~ '^[0-9]+\.[0-9]+\.[0-9]+$' then
    raise exception 'pg-sor: require_kernel takes a release version such as 0.3.0, not %', coalesce(quote_literal(require_kernel.version), 'NULL')
      using errcode = '22023', hint = 'Name the oldest kernel release your module was built and tested against.';
  end if;
  _kernel := sor_guard.release_latest('sor_flyway.flyway_schema_history', array['installed', 'upgraded']);
  if _kernel.entry_id is null then
    raise exception 'pg-sor: this module needs the pg-sor kernel % or newer; this database''s kernel records no release (older than 0.3.0, or not migrated with the kernel''s own configuration)', require_kernel.version
      using errcode = 'SR029',
            hint = 'Migrate the kernel with its own configuration (flyway migrate from the kit''s release, or pg-sor migrate) first, then this module.';
  end if;
  _need := string_to_array(require_kernel.version, '.')::integer[];
  _have := string_to_array(split_part(_kernel.version, '-', 1), '.')::integer[];
  if _have < _need or _have[1] <> _need[1] then
    raise exception 'pg-sor: this module needs the pg-sor kernel % or newer within major %; this database holds %', require_kernel.version, _need[1], _kernel.version
      using errcode = 'SR029',
            hint = case when _have < _need
                        then 'Upgrade the kernel first (docs/operate/upgrade.md), then migrate this module.'
                        else 'The kernel is of another major release: the module must be built against it.' end;
  end if;
  return _kernel.version;
end
$$;
comment on function sor_api.require_kernel(text) is
  'For a domain module''s migration: returns the kernel release this database holds when it is the given one or a newer one of the same major; SR029 otherwise (older, another major, or no release recorded), 22023 for a malformed version.';

create or replace view sor_api.releases as
  select r.module, r.event, r.version, r.digest, r.from_version, r.from_digest, r.approval_id,
         cardinality(r.allowed) as objects_allowed, r.recorded_at, r.recorded_by, r.entry_id
    from sor_guard.releases r;
comment on view sor_api.releases is
  'Every migrate of a release module (kernel, reconciler) and what it recorded: installed, opened (with how many protected objects the release may change), upgraded, closed, failed. The latest installed or upgraded row per module is the release the database holds.';

reset role;
