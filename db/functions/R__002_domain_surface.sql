-- The domain author's surface: the kit objects outside sor_api that a domain module (its own
-- schema, registered with sor_api.register_domain_schema) may use, declared once. It is part of the
-- contract: db/contract.txt renders each object in its own section ("surface function ...",
-- "surface table ...") with its signature, result and columns, versioned with contract_version()
-- like sor_api (removing or altering one needs a major version, adding one a minor). certify()
-- fails a domain object that depends on, or whose body names, a kit object that is not listed here
-- (sor.certify__087_surface). docs/domains.md uses nothing else (DomainSurfaceDocTest).
--
-- To add an object: a row here, its use in docs/domains.md, then the version and the snapshot
-- (docs/contract.md). Objects are named as regprocedure / regclass read them.
set role sor_owner;

create or replace function sor.domain_surface()
returns table (kind text, object text, use text)
language sql
immutable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  values
    ('function', 'sor.append_event(text,text,text,jsonb,jsonb,integer)',
     'call from a tool or a definer function: appends a domain event in the same transaction, returns the row written'),
    ('function', 'sor.enqueue_outbox(text,text,text,text,jsonb,jsonb,text,integer,uuid,text,bigint)',
     'call from a tool or a definer function: queues a side effect with its dedupe key, returns its outbox id'),
    ('function', 'sor.enqueue_task(text,text,text,jsonb,text,integer,interval,integer)',
     'call from a definer function: queues a task on a queue, idempotent on its dedupe key, returns its task id'),
    ('function', 'sor.register_tool(text,text,jsonb,regprocedure,text[],boolean,boolean)',
     'call from a migration or a repeatable script: registers or updates a tool of the module'),
    ('function', 'sor.ensure_policy(regclass,name,text,name[],text,text)',
     'call from a policies script: creates a policy on a module table when missing, alters it in place otherwise'),
    ('function', 'sor_guard.current_tenants()',
     'policy helper: the tenants the current login is a member of, in a policy''s expression'),
    ('function', 'sor_guard.tg_events__refuse_change()',
     'trigger function: BEFORE UPDATE OR DELETE (row) and BEFORE TRUNCATE (statement) on an append-only module table'),
    ('table', 'sor.tenants',
     'select, and reference tenant_id from a foreign key'),
    ('table', 'sor.append_only_tables',
     'insert (table_schema, table_name) to register an append-only module table')
$$;
comment on function sor.domain_surface() is
  'The domain author''s surface: the kit objects in sor and sor_guard a domain module may use (kind, regprocedure or regclass, what for). Rendered in db/contract.txt and versioned with the contract; certify() fails a domain object that uses any other.';

reset role;
