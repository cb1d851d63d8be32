-- Flyway runs this callback before every migrate (after the history table exists, before the first
-- pending script) of the kernel, of the Reconciler, and of every domain module that adds this
-- location (classpath:pgsor/kernel/callbacks, or filesystem:db/callbacks) to its own. It is
-- idempotent, and for a superuser it only creates the kit's roles when they are missing, as V001
-- and V060 do.
--
-- 1. The kit's roles, created when missing: the same NOLOGIN group roles V001 and V060 create.
-- 2. A migrating role that is not a superuser (a managed service's admin with CREATEROLE) must act
--    as sor_owner and sor_guardian: the kernel creates schemas owned by them, runs files after
--    SET ROLE to them and hands objects to them. On PostgreSQL 16 and later the role that created
--    a role holds only its ADMIN OPTION, so it grants itself SET and INHERIT on the two roles here;
--    on 15 a CREATEROLE role grants itself membership. Nothing else is granted to it. The first
--    migration of a database (V060) comments on sor_guardian and makes it a member of sor_owner,
--    which on 16 and later needs ADMIN OPTION on both: a role that did not create them (another
--    database's install did) is stopped here, before any script, with the GRANT to ask for.
-- 3. A domain module migrated before the kernel stops here, before its first script, with a
--    message saying so; its history schema stays empty, and the kernel's first run is unaffected.
-- 4. A module whose history table an older pg-sor (0.1.0) left in public
--    (public.flyway_schema_history) has its rows copied into its new, empty history table in its
--    own schema, so the same run applies only the newer scripts; the old table stays, marked.
--
-- Its lock waits are bounded as the scripts' are (beforeEachMigrate): 5s unless the session has a
-- lock_timeout of its own, for this callback's transaction only.
select pg_catalog.set_config('lock_timeout', '5s', true)
 where pg_catalog.current_setting('lock_timeout') = '0';
do $$
declare
  _role text;
  _pg16 boolean := pg_catalog.current_setting('server_version_num')::integer >= 160000;
  _history_schema text := '${flyway:defaultSchema}';
  _history_table text := '${flyway:table}';
  _placeholders boolean;
  _legacy boolean;
  _recorded boolean;
begin
  foreach _role in array array['sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor',
                                'sor_approver', 'sor_admin', 'sor_guardian'] loop
    if not exists (select 1 from pg_catalog.pg_roles r where r.rolname = _role) then
      begin
        execute pg_catalog.format('create role %I nologin', _role);
      exception when duplicate_object or unique_violation then
        null; -- created meanwhile by a migration of another database on this server
      end;
    end if;
  end loop;

  if not (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user) then
    foreach _role in array array['sor_owner', 'sor_guardian'] loop
      if pg_catalog.pg_has_role(current_user, _role, 'USAGE')
         and pg_catalog.pg_has_role(current_user, _role, case when _pg16 then 'SET' else 'MEMBER' end) then
        continue;
      end if;
      begin
        if _pg16 then
          execute pg_catalog.format('grant %I to %I with inherit true, set true', _role, current_user);
        else
          execute pg_catalog.format('grant %I to %I', _role, current_user);
        end if;
      exception when insufficient_privilege then
        raise exception 'pg-sor: role % must act as % to migrate the kit, and cannot grant it to itself', current_user, _role
          using errcode = '42501',
                hint = pg_catalog.format('A role with ADMIN OPTION on the kit''s roles (their creator, or a superuser) runs: GRANT sor_owner, sor_guardian TO %1$s%2$s; see docs/operate/install.md.',
                                         pg_catalog.quote_ident(current_user),
                                         case when _pg16 then ' WITH ADMIN OPTION, INHERIT TRUE, SET TRUE' else '' end);
      end;
      if not pg_catalog.pg_has_role(current_user, _role, 'USAGE') then
        raise exception 'pg-sor: role % is a member of % but does not inherit its privileges', current_user, _role
          using errcode = '42501',
                hint = pg_catalog.format('Run ALTER ROLE %s INHERIT, or migrate as a role that inherits; see docs/operate/install.md.',
                                         pg_catalog.quote_ident(current_user));
      end if;
    end loop;
    if _pg16 and pg_catalog.to_regnamespace('sor_guard') is null then
      foreach _role in array array['sor_owner', 'sor_guardian'] loop
        if not pg_catalog.pg_has_role(current_user, _role, 'MEMBER WITH ADMIN OPTION') then
          raise exception 'pg-sor: role % needs ADMIN OPTION on % for the first migration of this database', current_user, _role
            using errcode = '42501',
                  detail = 'V060 comments on sor_guardian and makes it a member of sor_owner; the roles exist already, created by another role.',
                  hint = pg_catalog.format('A role with ADMIN OPTION on the kit''s roles (their creator, or a superuser) runs: GRANT sor_owner, sor_guardian TO %1$s WITH ADMIN OPTION, INHERIT TRUE, SET TRUE; see docs/operate/install.md.',
                                           pg_catalog.quote_ident(current_user));
        end if;
      end loop;
    end if;
  end if;

  -- Flyway fills in the two placeholders; where a caller turned placeholder replacement off, the
  -- checks below are skipped.
  _placeholders := pg_catalog.strpos(_history_schema || _history_table, pg_catalog.chr(36) || '{') = 0;
  if not _placeholders then
    return;
  end if;

  if _history_table <> 'flyway_schema_history' and pg_catalog.to_regnamespace('sor_api') is null then
    raise exception 'pg-sor: the kernel is not migrated in database %: migrate it before module history %.%',
                    pg_catalog.current_database(), _history_schema, _history_table
      using errcode = '55000',
            hint = 'Run the kernel''s migration first (flyway -configFiles=flyway.toml migrate, or pg-sor migrate, which applies the kernel and then the example), then this module again.';
  end if;

  if _history_schema <> 'public'
     and pg_catalog.to_regclass(pg_catalog.format('public.%I', _history_table)) is not null then
    execute pg_catalog.format('select exists (select 1 from public.%I h where h.success and h.script in (%L, %L))',
                              _history_table, 'V001__roles_schemas_baseline.sql', 'V001__reconciler_schema.sql')
      into _legacy;
    execute pg_catalog.format('select exists (select 1 from %I.%I h where h.type not in (%L, %L))',
                              _history_schema, _history_table, 'SCHEMA', 'BASELINE')
      into _recorded;
    if _legacy and not _recorded then
      -- The module's rows move to the new table in this same run: Flyway reads the history again
      -- after this callback, so the scripts the old table records count as applied, and only the
      -- newer ones run. The old table stays where it was, marked, for reference.
      execute pg_catalog.format(
        'insert into %1$I.%2$I (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) '
        'select o.installed_rank + (select coalesce(max(n.installed_rank), 0) from %1$I.%2$I n), o.version, o.description, o.type, o.script, o.checksum, '
        '       o.installed_by, o.installed_on, o.execution_time, o.success '
        '  from public.%2$I o where o.type <> %3$L order by o.installed_rank',
        _history_schema, _history_table, 'SCHEMA');
      execute pg_catalog.format('comment on table public.%I is %L', _history_table,
        pg_catalog.format('pg-sor: this module''s Flyway history before 0.2.0; copied to %s.%s on %s, where Flyway keeps it now. Kept for reference: it may be dropped.',
                          _history_schema, _history_table, pg_catalog.now()::date));
      raise notice 'pg-sor: moved this module''s Flyway history from public.% to %.%', _history_table, _history_schema, _history_table;
    end if;
  end if;
end
$$;
