-- Storage and shared memory outside the kit's tables: large objects, the shared lock table, logical decoding messages in the WAL, and objects created outside the kit.
--
-- PostgreSQL grants EXECUTE on lo_creat, lo_create and lo_from_bytea to PUBLIC, so any role could
-- keep data in pg_largeobject: outside every kit table, its row level security, the 1 MiB cap and
-- retention, and surviving the session that wrote it. The kit never uses large objects; writing
-- an existing one needs its ownership (lo_compat_privileges stays off), so closing creation closes
-- them all. The server-side lo_import and lo_export are superuser-only already.
--
-- These are pg_catalog functions owned by the bootstrap superuser: only a superuser can revoke
-- them, and the revoke applies to every role of this database, kit or not (a database whose other
-- applications use large objects grants EXECUTE back to those applications' roles by name, never
-- to PUBLIC or a kit role). A role that migrates without being a superuser (a managed service's
-- admin) cannot: it leaves the grants as they are and says so, and certify() fails its documented
-- row 'kit roles cannot create large objects' (docs/operate/install.md) until a superuser runs
-- this file.

-- The server's shared lock table: advisory locks.
--
-- PostgreSQL grants EXECUTE on every advisory lock function to PUBLIC, and nothing bounds how many
-- advisory locks a session takes. A session-level one outlives its transaction and its statement,
-- so no timeout ends it while the session sits idle. One login that takes them in a loop fills the
-- lock table the whole server shares (max_locks_per_transaction times max_connections entries):
-- until it disconnects, a statement of any session that needs one more lock fails with 53200 (out
-- of shared memory), and no new connection to any database of the server is accepted. A kit role
-- or login never needs one: a Worker coordinates through the kit's claims and leases, and the one
-- advisory lock the kit takes (sor.announce_append, the append path's announcement to its tenant's
-- readers) is taken by definer code that runs as sor_owner. So every function that takes one is
-- closed to PUBLIC. sor_owner (no login; its code and the roles that migrate act as it) keeps the
-- two the announcement calls, the transaction-level exclusive lock the append path of 0.1.0 took
-- (a call of that code still running while an upgrade commits), and the two Flyway takes to
-- serialise its runs (pg_try_advisory_xact_lock, pg_try_advisory_lock): a managed service's admin
-- migrates as a member of sor_owner. The database's owner keeps Flyway's two by name, when it is
-- not a kit role or a Worker's or Dispatcher's login. No kit function but the announcement takes
-- one (certify's volume check). The unlock functions only release the caller's own locks and stay open.
--
-- Only a superuser can revoke them (bootstrap-owned pg_catalog functions; the revoke applies to
-- every role of this database: an application of this database that uses advisory locks gets
-- EXECUTE back by name, never PUBLIC or a kit role). A role that migrates without being a
-- superuser leaves them open and says so, and certify() fails its row 'kit roles cannot take
-- advisory locks' (docs/operate/install.md) until a superuser runs this file.

-- The server's write-ahead log: logical decoding messages.
--
-- PostgreSQL grants EXECUTE on pg_logical_emit_message to PUBLIC. It writes its message (up to a
-- gigabyte a call) straight into the WAL, and a non-transactional one stays there when its
-- transaction rolls back: storage outside every kit table, quota and retention, kept as long as a
-- replication slot or the WAL archive keeps it, and delivered to every logical decoding consumer
-- of the server (the outbox's CDC relay among them). A Worker's login wrote 200 MB of WAL in a
-- transaction it rolled back. The kit never emits one, so every form of the function is closed to
-- PUBLIC and granted to no kit role; only a superuser can (they are the bootstrap superuser's),
-- and certify() fails its row 'kit roles cannot write logical decoding messages' until one does.

-- Objects of their own: CREATE on a schema, or on the database (which makes schemas).
--
-- A role that may create a table or a function anywhere in the database keeps data outside every
-- kit table, policy, cap, quota and retention. PostgreSQL 15 and later grant PUBLIC no CREATE on
-- schema public, but a cluster upgraded from PostgreSQL 14 or earlier (pg_upgrade, or a dump of
-- it) keeps that grant: this file revokes PUBLIC's CREATE on schema public and on the database
-- when PUBLIC holds it and this role may (a superuser, or the owner), as PostgreSQL 15 would have
-- made them; a NOTICE says what it left otherwise. Grants to other roles by name, and on other
-- schemas, are the DBA's: certify()'s row 'kit roles cannot create objects outside the kit' names
-- every schema where PUBLIC, a caller role of the kit or the login of one holds CREATE.

-- One pass over sor.closed_catalog_functions() (R__810: the functions of the three kinds above,
-- read from the catalog, which certify() reads too): each still executable by PUBLIC is revoked
-- when this role may (a superuser), or named in a NOTICE when it may not; then the grants by name
-- of what the kit's own code keeps (the same function's owner_keeps and database_owner_keeps).
reset role;
do $$
declare
  _f record;
  _left text[] := '{}';
  _super boolean := exists (select 1 from pg_catalog.pg_roles r where r.rolname = current_user and r.rolsuper);
  _owner name := (select pg_catalog.pg_get_userbyid(d.datdba) from pg_catalog.pg_database d
                   where d.datname = pg_catalog.current_database());
begin
  for _f in select c.check_name, c.sig from sor.closed_catalog_functions() c order by c.ordinal, c.sig loop
    continue when not pg_catalog.has_function_privilege('public', _f.sig::regprocedure, 'EXECUTE');
    if _super then
      execute pg_catalog.format('revoke execute on function %s from public', _f.sig);
    else
      _left := _left || _f.sig;
    end if;
  end loop;
  -- the grants by name: what the kit's code keeps (sor.closed_catalog_functions says which)
  if _super then
    for _f in select c.sig, c.owner_keeps, c.database_owner_keeps from sor.closed_catalog_functions() c
               where c.owner_keeps or c.database_owner_keeps loop
      if _f.owner_keeps then
        execute pg_catalog.format('grant execute on function %s to sor_owner', _f.sig);
      end if;
      if _f.database_owner_keeps and _owner is not null
         and not exists (select 1 from pg_catalog.pg_roles r where r.rolname = _owner and r.rolsuper)
         and _owner not in ('sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor', 'sor_approver',
                            'sor_admin', 'sor_guardian')
         and not pg_catalog.pg_has_role(_owner, 'sor_worker', 'MEMBER')
         and not pg_catalog.pg_has_role(_owner, 'sor_dispatcher', 'MEMBER') then
        execute pg_catalog.format('grant execute on function %s to %I', _f.sig, _owner);
      end if;
    end loop;
  end if;
  -- CREATE of PUBLIC on schema public and on the database, as PostgreSQL 15 leaves them
  if pg_catalog.has_schema_privilege('public', 'public', 'CREATE') then
    if _super or pg_catalog.has_schema_privilege(current_user, 'public', 'CREATE') and exists (
         select 1 from pg_catalog.pg_namespace n where n.nspname = 'public' and pg_catalog.pg_has_role(current_user, n.nspowner, 'USAGE')) then
      revoke create on schema public from public;
    else
      _left := _left || 'CREATE on schema public'::text;
    end if;
  end if;
  if pg_catalog.has_database_privilege('public', pg_catalog.current_database(), 'CREATE') then
    if _super or pg_catalog.pg_has_role(current_user, (select d.datdba from pg_catalog.pg_database d
                                                         where d.datname = pg_catalog.current_database()), 'USAGE') then
      execute pg_catalog.format('revoke create on database %I from public', pg_catalog.current_database());
    else
      _left := _left || pg_catalog.format('CREATE on database %I', pg_catalog.current_database());
    end if;
  end if;
  if pg_catalog.cardinality(_left) > 0 then
    raise notice 'pg-sor: % cannot revoke from PUBLIC: % (they belong to a superuser or another owner): any role may create large objects, fill the server''s shared lock table, write messages into its WAL or create objects outside the kit; certify() reports it',
                 current_user, pg_catalog.array_to_string(_left, ', ')
      using hint = 'A superuser runs db/policies/R__905_policies_storage.sql (see docs/operate/install.md).';
  end if;
end
$$;
