-- pg-sor schema snapshot: the kit's schemas as the migrations leave them.
-- Generated from the catalog; do not edit. Regenerate with the command in README.md.
-- PostgreSQL major version: 17

-- schemas

create schema sor authorization sor_owner;
create schema sor_api authorization sor_owner;

-- sequences

create sequence sor.ddl_approvals_approval_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.ddl_audit_audit_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.events_position_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.outbox_outbox_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;

-- tables

create table sor.ddl_approvals (
  approval_id bigint generated always as identity not null,
  operation text not null,
  object_identity text not null,
  ticket text not null,
  rehearsed_on text not null,
  approved_by name default SESSION_USER not null,
  approved_at timestamp with time zone default clock_timestamp() not null,
  expires_at timestamp with time zone not null,
  consumed_at timestamp with time zone,
  consumed_by name,
  consumed_statement text,
  constraint ddl_approvals_pkey PRIMARY KEY (approval_id),
  constraint ddl_approvals_consumed_check CHECK ((((consumed_at IS NULL) = (consumed_by IS NULL)) AND ((consumed_at IS NULL) = (consumed_statement IS NULL)))),
  constraint ddl_approvals_expiry_check CHECK ((expires_at > approved_at)),
  constraint ddl_approvals_operation_check CHECK ((operation = ANY (ARRAY['drop table'::text, 'drop schema'::text, 'drop column'::text, 'alter column type'::text, 'drop policy'::text, 'drop trigger'::text, 'disable trigger'::text, 'disable row level security'::text, 'no force row level security'::text]))),
  constraint ddl_approvals_rehearsed_on_length CHECK (((length(btrim(rehearsed_on)) >= 1) AND (length(btrim(rehearsed_on)) <= 500))),
  constraint ddl_approvals_ticket_length CHECK (((length(btrim(ticket)) >= 1) AND (length(btrim(ticket)) <= 200)))
);

create table sor.ddl_audit (
  audit_id bigint generated always as identity not null,
  occurred_at timestamp with time zone default clock_timestamp() not null,
  session_role name default SESSION_USER not null,
  set_role text not null,
  command_tag text not null,
  operation text not null,
  object_identity text not null,
  statement text,
  approval_id bigint not null,
  outcome text default 'allowed'::text not null,
  tx_id xid8 default pg_current_xact_id() not null,
  constraint ddl_audit_pkey PRIMARY KEY (audit_id),
  constraint ddl_audit_approval_fkey FOREIGN KEY (approval_id) REFERENCES sor.ddl_approvals(approval_id),
  constraint ddl_audit_outcome_check CHECK ((outcome = 'allowed'::text))
);

create table sor.domain_schemas (
  schema_name name not null,
  registered_at timestamp with time zone default now() not null,
  constraint domain_schemas_pkey PRIMARY KEY (schema_name)
);

create table sor.events (
  tenant_id text not null,
  "position" bigint generated always as identity not null,
  stream text not null,
  version integer not null,
  type text not null,
  payload jsonb default '{}'::jsonb not null,
  metadata jsonb default '{}'::jsonb not null,
  actor name default SESSION_USER not null,
  occurred_at timestamp with time zone default now() not null,
  tx_id xid8 default pg_current_xact_id() not null,
  prev_hash bytea,
  hash bytea not null,
  constraint events_stream_version_key UNIQUE (tenant_id, stream, version),
  constraint events_pkey PRIMARY KEY (tenant_id, "position"),
  constraint events_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint events_chain_start CHECK (((version = 1) = (prev_hash IS NULL))),
  constraint events_hash_length CHECK (((length(hash) = 32) AND ((prev_hash IS NULL) OR (length(prev_hash) = 32)))),
  constraint events_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
  constraint events_payload_object CHECK ((jsonb_typeof(payload) = 'object'::text)),
  constraint events_stream_format CHECK (((stream ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$'::text) AND (length(stream) <= 200))),
  constraint events_type_format CHECK (((type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$'::text) AND (length(type) <= 100))),
  constraint events_version_positive CHECK ((version >= 1))
) with (fillfactor=100);

create table sor.outbox (
  tenant_id text not null,
  outbox_id bigint generated always as identity not null,
  event_id uuid default gen_random_uuid() not null,
  topic text not null,
  aggregate_type text not null,
  aggregate_id text not null,
  payload jsonb default '{}'::jsonb not null,
  headers jsonb default '{}'::jsonb not null,
  dedupe_key text not null,
  status text default 'pending'::text not null,
  attempts integer default 0 not null,
  max_attempts integer default 8 not null,
  available_at timestamp with time zone default now() not null,
  leased_by name,
  lease_token bigint,
  lease_expires_at timestamp with time zone,
  provider_ref text,
  dispatched_at timestamp with time zone,
  last_error text,
  run_id uuid,
  step_id text,
  block_id bigint,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  constraint outbox_dedupe_key UNIQUE (tenant_id, dedupe_key),
  constraint outbox_pkey PRIMARY KEY (tenant_id, outbox_id),
  constraint outbox_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint outbox_attempts_check CHECK (((attempts >= 0) AND (max_attempts >= 1))),
  constraint outbox_dedupe_key_length CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200))),
  constraint outbox_dispatched_check CHECK (((status = 'dispatched'::text) = (dispatched_at IS NOT NULL))),
  constraint outbox_lease_check CHECK (((status = 'leased'::text) = ((lease_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (leased_by IS NOT NULL)))),
  constraint outbox_payload_object CHECK (((jsonb_typeof(payload) = 'object'::text) AND (jsonb_typeof(headers) = 'object'::text))),
  constraint outbox_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'deferred'::text, 'leased'::text, 'dispatched'::text, 'failed'::text, 'dead'::text, 'discarded'::text]))),
  constraint outbox_topic_length CHECK (((length(topic) >= 1) AND (length(topic) <= 200)))
) with (fillfactor=80);

create table sor.tenant_members (
  tenant_id text not null,
  role_name name not null,
  added_at timestamp with time zone default now() not null,
  added_by name default SESSION_USER not null,
  constraint tenant_members_pkey PRIMARY KEY (tenant_id, role_name),
  constraint tenant_members_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)
);

create table sor.tenants (
  tenant_id text not null,
  display_name text not null,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  constraint tenants_pkey PRIMARY KEY (tenant_id),
  constraint tenants_display_name_length CHECK (((length(display_name) >= 1) AND (length(display_name) <= 200))),
  constraint tenants_tenant_id_format CHECK ((tenant_id ~ '^[a-z][a-z0-9_-]{1,62}$'::text))
);

-- indexes

CREATE INDEX ddl_approvals_open_idx ON sor.ddl_approvals USING btree (operation, object_identity, expires_at) WHERE (consumed_at IS NULL);
CREATE INDEX ddl_audit_occurred_at_idx ON sor.ddl_audit USING btree (occurred_at, audit_id);
CREATE INDEX events_occurred_at_idx ON sor.events USING btree (occurred_at, "position");
CREATE INDEX events_position_idx ON sor.events USING btree ("position");
CREATE INDEX outbox_event_id_idx ON sor.outbox USING btree (event_id);
CREATE INDEX outbox_leased_idx ON sor.outbox USING btree (lease_expires_at) WHERE (status = 'leased'::text);
CREATE INDEX outbox_ready_idx ON sor.outbox USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text]));
CREATE INDEX outbox_run_idx ON sor.outbox USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL);
CREATE INDEX tenant_members_role_name_idx ON sor.tenant_members USING btree (role_name, tenant_id);

-- views

create view sor_api.tenant_members with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    role_name,
    added_at,
    added_by
   FROM sor.tenant_members m;

create view sor_api.tenants with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    display_name,
    created_at
   FROM sor.tenants t;

-- functions

CREATE OR REPLACE FUNCTION sor.append_event(tenant_id text, stream text, type text, payload jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb, expected_version integer DEFAULT NULL::integer)
 RETURNS sor.events
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _current integer;
  _row sor.events;
begin
  if append_event.tenant_id is null or append_event.stream is null or append_event.type is null then
    raise exception 'tenant_id, stream and type are required'
      using errcode = 'SR011', hint = 'Pass a tenant id, a stream such as expense-42 and an event type.';
  end if;
  if append_event.stream !~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' or length(append_event.stream) > 200 then
    raise exception 'malformed stream name %', quote_literal(append_event.stream)
      using errcode = 'SR011', hint = 'A stream is category-id: a lowercase category, optionally a hyphen and an id (at most 200 characters), e.g. expense-42.';
  end if;
  if append_event.type !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' or length(append_event.type) > 100 then
    raise exception 'malformed event type %', quote_literal(append_event.type)
      using errcode = 'SR011', hint = 'An event type starts with a letter and has at most 100 letters, digits, _ . : or -.';
  end if;
  if jsonb_typeof(coalesce(append_event.payload, 'null')) <> 'object'
     or jsonb_typeof(coalesce(append_event.metadata, 'null')) <> 'object' then
    raise exception 'payload and metadata of % must be JSON objects', append_event.stream
      using errcode = 'SR011', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  if octet_length(append_event.payload::text) + octet_length(append_event.metadata::text) > 1048576 then
    raise exception 'event for stream % is larger than 1 MiB', append_event.stream
      using errcode = 'SR012', hint = 'Store large content elsewhere and put its sha256 and a reference in the event.';
  end if;
  perform 1 from sor.tenants t where t.tenant_id = append_event.tenant_id;
  if not found then
    raise exception 'unknown tenant %', quote_literal(append_event.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  if append_event.expected_version is not null then
    if append_event.expected_version < 0 then
      raise exception 'expected version % of stream % is negative', append_event.expected_version, append_event.stream
        using errcode = 'SR011', hint = 'Pass 0 for a new stream, or the version you last read.';
    end if;
    perform pg_advisory_xact_lock(sor.stream_lock_key(append_event.tenant_id, append_event.stream));
    select coalesce(max(e.version), 0) into _current
      from sor.events e
     where e.tenant_id = append_event.tenant_id and e.stream = append_event.stream;
    if _current <> append_event.expected_version then
      raise exception 'wrong expected version % for stream % (stream version: %)',
            append_event.expected_version, append_event.stream, _current
        using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry with its current version.';
    end if;
  end if;
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  values (append_event.tenant_id, append_event.stream, 0, append_event.type,
          append_event.payload, append_event.metadata, '\x'::bytea)
  returning * into _row;
  return _row;
end
$function$;

CREATE OR REPLACE FUNCTION sor.certify__010_foundation()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with kit as (
    select n.oid, n.nspname from pg_catalog.pg_namespace n where n.nspname in (select sor.kit_schemas())
  ), rels as (
    select c.oid, c.relname, c.relkind, c.relacl, c.relowner, c.relrowsecurity, c.relforcerowsecurity,
           format('%I.%I', k.nspname, c.relname) as qname
      from pg_catalog.pg_class c join kit k on k.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  ), funcs as (
    select p.oid, p.proname, p.proacl, p.proowner, p.prosecdef, p.proconfig, p.prokind,
           format('%I.%I(%s)', k.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as qname
      from pg_catalog.pg_proc p join kit k on k.oid = p.pronamespace
     where not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  ), tenant_tables as (
    select r.* from rels r
     where r.relkind in ('r', 'p')
       and exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = r.oid and a.attname = 'tenant_id' and not a.attisdropped)
  ), definer_path as (
    select f.qname, f.proconfig,
           (select substr(c, length('search_path=') + 1) from unnest(f.proconfig) c where c like 'search_path=%') as path
      from funcs f where f.prosecdef
  ), group_roles as (
    select g.name, r.rolcanlogin, r.rolsuper, r.rolbypassrls
      from unnest(array['sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor',
                        'sor_approver', 'sor_admin']) g(name)
      left join pg_catalog.pg_roles r on r.rolname = g.name
  ), login_roles as (
    select r.oid, r.rolname, r.rolbypassrls, pg_catalog.pg_has_role(r.oid, 'sor_owner', 'MEMBER') as owner_member
      from pg_catalog.pg_roles r
     where r.rolcanlogin and not r.rolsuper
       and r.oid <> (select d.datdba from pg_catalog.pg_database d where d.datname = current_database())
  ), low_roles as (
    select r.oid, r.rolname from pg_catalog.pg_roles r where r.rolname in ('sor_worker', 'sor_dispatcher')
  )
  -- governed: every tenant-scoped table has RLS enabled, forced, and at least one policy
  select 'governed', 'tenant tables have row level security enabled and forced', t.qname,
         t.relrowsecurity and t.relforcerowsecurity
           and exists (select 1 from pg_catalog.pg_policy p where p.polrelid = t.oid),
         case when not t.relrowsecurity then 'row level security is not enabled'
              when not t.relforcerowsecurity then 'row level security is not forced'
              when not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = t.oid) then 'no policy'
              else 'enabled, forced, ' || (select count(*) from pg_catalog.pg_policy p where p.polrelid = t.oid) || ' policies' end
    from tenant_tables t
  union all
  -- governed: PUBLIC holds no privilege on a kit schema, relation or function
  select 'governed', 'nothing is reachable by PUBLIC', format('schema %I', k.nspname),
         not exists (select 1 from pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
                      where a.grantee = 0),
         'schema privileges of PUBLIC'
    from kit k join pg_catalog.pg_namespace n on n.oid = k.oid
  union all
  select 'governed', 'nothing is reachable by PUBLIC', r.qname,
         not exists (select 1 from pg_catalog.aclexplode(coalesce(r.relacl,
                       pg_catalog.acldefault((case when r.relkind = 'S' then 's' else 'r' end)::"char", r.relowner))) a
                      where a.grantee = 0),
         'PUBLIC holds a privilege on this relation'
    from rels r
  union all
  select 'governed', 'nothing is reachable by PUBLIC', f.qname,
         not exists (select 1 from pg_catalog.aclexplode(coalesce(f.proacl, pg_catalog.acldefault('f', f.proowner))) a
                      where a.grantee = 0),
         'PUBLIC may execute this function'
    from funcs f
  union all
  -- governed: every SECURITY DEFINER function pins a search_path that ends in pg_temp
  select 'governed', 'definer functions pin search_path ending in pg_temp', d.qname,
         coalesce(btrim(reverse(split_part(reverse(d.path), ',', 1))) = 'pg_temp', false),
         coalesce('search_path=' || d.path, 'no search_path set')
    from definer_path d
  union all
  -- governed: the kit's group roles are NOLOGIN and carry no superuser or BYPASSRLS
  select 'governed', 'kit group roles are NOLOGIN without SUPERUSER or BYPASSRLS', g.name,
         g.rolcanlogin is not null and not g.rolcanlogin and not g.rolsuper and not g.rolbypassrls,
         case when g.rolcanlogin is null then 'role is missing'
              when g.rolcanlogin then 'role can log in'
              when g.rolsuper or g.rolbypassrls then 'role is SUPERUSER or BYPASSRLS'
              else 'nologin' end
    from group_roles g
  union all
  -- governed: no login role but the admin bypasses RLS or belongs to sor_owner
  select 'governed', 'no login role bypasses RLS or belongs to sor_owner', l.rolname,
         not l.rolbypassrls and not l.owner_member,
         case when l.rolbypassrls then 'login role has BYPASSRLS'
              when l.owner_member then 'login role is a member of sor_owner'
              else 'plain login role' end
    from login_roles l
  union all
  select 'governed', 'no login role bypasses RLS or belongs to sor_owner', '(no login roles besides the admin)', true,
         'only superusers and the database owner can log in'
   where not exists (select 1 from login_roles)
  union all
  -- governed: every kit relation and function is owned by sor_owner
  select 'governed', 'kit objects are owned by sor_owner', r.qname,
         r.relowner = 'sor_owner'::regrole, 'owner ' || r.relowner::regrole::text
    from rels r
  union all
  select 'governed', 'kit objects are owned by sor_owner', f.qname,
         f.proowner = 'sor_owner'::regrole, 'owner ' || f.proowner::regrole::text
    from funcs f
  union all
  -- governed: workers and dispatchers touch no table, view or sequence directly
  select 'governed', 'workers and dispatchers have no direct table access', l.rolname || ' on ' || r.qname,
         not (pg_catalog.has_table_privilege(l.oid, r.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
              or (r.relkind = 'S' and pg_catalog.has_sequence_privilege(l.oid, r.oid, 'USAGE, SELECT, UPDATE'))
              or pg_catalog.has_any_column_privilege(l.oid, r.oid, 'SELECT, INSERT, UPDATE, REFERENCES')),
         'table privileges of ' || l.rolname
    from low_roles l cross join rels r
  union all
  -- inspectable: every table, view and function carries a COMMENT
  select 'inspectable', 'every table, view and function has a comment', r.qname,
         pg_catalog.obj_description(r.oid, 'pg_class') is not null,
         coalesce(left(pg_catalog.obj_description(r.oid, 'pg_class'), 60), 'no comment')
    from rels r where r.relkind in ('r', 'p', 'v', 'm', 'f')
  union all
  select 'inspectable', 'every table, view and function has a comment', f.qname,
         pg_catalog.obj_description(f.oid, 'pg_proc') is not null,
         coalesce(left(pg_catalog.obj_description(f.oid, 'pg_proc'), 60), 'no comment')
    from funcs f
$function$;

CREATE OR REPLACE FUNCTION sor.certify__030_guard()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with expected_event_triggers (name, event, fn) as (
    values ('sor_drop_guard_start', 'ddl_command_start', 'sor.tg_drop_guard__start'),
           ('sor_drop_guard_sql_drop', 'sql_drop', 'sor.tg_drop_guard__sql_drop'),
           ('sor_drop_guard_alter', 'ddl_command_end', 'sor.tg_drop_guard__alter'),
           ('sor_drop_guard_rewrite', 'table_rewrite', 'sor.tg_drop_guard__alter')
  ), expected_triggers (tbl, name, fn, kind) as (
    values ('sor.ddl_audit', 'ddl_audit_refuse_update_delete', 'sor.tg_ddl_audit__refuse_change', 'update or delete'),
           ('sor.ddl_audit', 'ddl_audit_refuse_truncate', 'sor.tg_ddl_audit__refuse_change', 'truncate'),
           ('sor.ddl_approvals', 'ddl_approvals_check_insert', 'sor.tg_ddl_approvals__refuse_change', 'insert'),
           ('sor.ddl_approvals', 'ddl_approvals_refuse_update_delete', 'sor.tg_ddl_approvals__refuse_change', 'update or delete'),
           ('sor.ddl_approvals', 'ddl_approvals_refuse_truncate', 'sor.tg_ddl_approvals__refuse_change', 'truncate')
  )
  select 'policy-bound', 'drop guard event triggers exist and are ENABLE ALWAYS', x.name,
         coalesce(e.evtenabled = 'A' and e.evtevent = x.event and e.evtfoid = pg_catalog.to_regprocedure(x.fn || '()'), false),
         case when e.oid is null then 'event trigger is missing'
              when e.evtevent <> x.event or e.evtfoid <> pg_catalog.to_regprocedure(x.fn || '()')
                then 'runs ' || e.evtfoid::regproc::text || ' on ' || e.evtevent
              when e.evtenabled <> 'A' then 'not ENABLE ALWAYS (evtenabled ' || e.evtenabled::text || ')'
              else 'enabled always on ' || e.evtevent end
    from expected_event_triggers x
    left join pg_catalog.pg_event_trigger e on e.evtname = x.name
  union all
  select 'policy-bound', 'ddl audit and approvals keep their refusing triggers ENABLE ALWAYS', x.name || ' on ' || x.tbl,
         coalesce(t.tgenabled = 'A' and t.tgfoid = pg_catalog.to_regprocedure(x.fn || '()')
                  and (case x.kind when 'truncate' then t.tgtype = 2 + 32
                                   when 'insert' then t.tgtype = 1 + 2 + 4
                                   else t.tgtype = 1 + 2 + 8 + 16 end), false),
         case when t.oid is null then 'trigger is missing'
              when t.tgfoid <> pg_catalog.to_regprocedure(x.fn || '()') then 'executes ' || t.tgfoid::regproc::text
              when t.tgenabled <> 'A' then 'not ENABLE ALWAYS (tgenabled ' || t.tgenabled::text || ')'
              else 'before ' || x.kind || ', enabled always' end
    from expected_triggers x
    left join pg_catalog.pg_trigger t on t.tgrelid = pg_catalog.to_regclass(x.tbl) and t.tgname = x.name
$function$;

CREATE OR REPLACE FUNCTION sor.certify_raw()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _fn name;
begin
  for _fn in
    select p.proname
      from pg_catalog.pg_proc p
     where p.pronamespace = 'sor'::regnamespace
       and p.proname like 'certify\_\_%'
       and p.pronargs = 0
     order by p.proname
  loop
    return query execute format('select c.property, c.check_name, c.object, c.ok, c.detail from sor.%I() c', _fn);
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor.current_tenants()
 RETURNS SETOF text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select m.tenant_id
    from sor.tenant_members m
   where m.role_name = current_user
$function$;

CREATE OR REPLACE FUNCTION sor.drop_guard_authorize(command_tag text, operations text[], identities text[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _approval bigint;
  _refused_op text;
  _refused_id text;
  _role text := current_setting('role');
begin
  for i in 1 .. coalesce(array_length(drop_guard_authorize.operations, 1), 0) loop
    update sor.ddl_approvals a
       set consumed_at = clock_timestamp(), consumed_by = session_user, consumed_statement = current_query()
     where a.approval_id = (
             select o.approval_id from sor.ddl_approvals o
              where o.operation = drop_guard_authorize.operations[i]
                and o.object_identity = drop_guard_authorize.identities[i]
                and o.consumed_at is null
                and o.expires_at > clock_timestamp()
                and o.approved_by <> session_user
                and sor.may_approve_ddl(o.approved_by)
              order by o.approved_at, o.approval_id
              limit 1
                for update)
       and a.consumed_at is null
    returning a.approval_id into _approval;
    if _approval is null then
      raise log 'pg-sor drop guard refused: % of % (command %, session_user %, role %, statement: %)',
                drop_guard_authorize.operations[i], drop_guard_authorize.identities[i], drop_guard_authorize.command_tag,
                session_user, _role, current_query();
      if _refused_op is null then
        _refused_op := drop_guard_authorize.operations[i];
        _refused_id := drop_guard_authorize.identities[i];
      end if;
    else
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id)
      values (_role, drop_guard_authorize.command_tag, drop_guard_authorize.operations[i],
              drop_guard_authorize.identities[i], current_query(), _approval);
    end if;
  end loop;
  if _refused_op is not null then
    raise exception 'drop guard: % of % needs an approval', _refused_op, _refused_id
      using errcode = 'SR020',
            hint = format('A member of sor_approver, not the role running this DDL, approves it once: select sor_api.approve_ddl(%L, %L, ticket, rehearsed_on, expires_at);',
                          _refused_op, _refused_id);
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.drop_guard_saved_snapshot()
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select nullif(current_setting('sor.drop_guard_snapshot', true), '')::jsonb
$function$;

CREATE OR REPLACE FUNCTION sor.drop_guard_snapshot()
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with sch as (
    select n.oid, n.nspname from pg_catalog.pg_namespace n where n.nspname in (select sor.kit_schemas())
  ), tabs as (
    select c.oid, c.relrowsecurity, c.relforcerowsecurity, c.relispartition
      from pg_catalog.pg_class c join sch s on s.oid = c.relnamespace
     where c.relkind in ('r', 'p')
  )
  select pg_catalog.jsonb_build_object(
    'schemas', (select coalesce(pg_catalog.jsonb_agg(s.nspname), '[]'::jsonb) from sch s),
    'tables', (select coalesce(pg_catalog.jsonb_object_agg(t.oid::text,
                        pg_catalog.jsonb_build_array(t.relrowsecurity, t.relforcerowsecurity,
                          (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, t.oid, 0)).identity)), '{}'::jsonb)
                 from tabs t),
    'columns', (select coalesce(pg_catalog.jsonb_object_agg(a.attrelid::text || '.' || a.attnum::text,
                         pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attcollation::text), '{}'::jsonb)
                  from tabs t join pg_catalog.pg_attribute a on a.attrelid = t.oid
                 where a.attnum > 0 and not a.attisdropped and not t.relispartition),
    'triggers', (select coalesce(pg_catalog.jsonb_object_agg(tg.oid::text, pg_catalog.jsonb_build_array(
                          (pg_catalog.pg_identify_object('pg_catalog.pg_trigger'::regclass, tg.oid, 0)).identity,
                          tg.tgenabled)), '{}'::jsonb)
                   from tabs t join pg_catalog.pg_trigger tg on tg.tgrelid = t.oid
                  where not tg.tgisinternal and sor.is_refuse_function(tg.tgfoid)))
$function$;

CREATE OR REPLACE FUNCTION sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text DEFAULT NULL::text, check_expr text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _existing "char";
  _cmd "char";
  _roles text;
begin
  _cmd := case upper(ensure_policy.command)
            when 'ALL' then '*' when 'SELECT' then 'r' when 'INSERT' then 'a'
            when 'UPDATE' then 'w' when 'DELETE' then 'd' end;
  if _cmd is null then
    raise exception 'unknown policy command %', ensure_policy.command
      using errcode = '22023', hint = 'Use ALL, SELECT, INSERT, UPDATE or DELETE.';
  end if;
  select string_agg(quote_ident(r), ', ') into _roles from unnest(ensure_policy.roles) r;

  select p.polcmd into _existing
    from pg_catalog.pg_policy p
   where p.polrelid = ensure_policy.tbl and p.polname = ensure_policy.policy;

  if not found then
    execute format('create policy %I on %s as permissive for %s to %s%s%s',
                   ensure_policy.policy, ensure_policy.tbl, upper(ensure_policy.command), _roles,
                   coalesce(' using (' || using_expr || ')', ''),
                   coalesce(' with check (' || check_expr || ')', ''));
  elsif _existing <> _cmd then
    raise exception 'policy % on % exists for another command', ensure_policy.policy, ensure_policy.tbl
      using errcode = '22023',
            hint = 'A policy''s command cannot be altered: give the new policy a new name in a versioned migration.';
  else
    execute format('alter policy %I on %s to %s%s%s',
                   ensure_policy.policy, ensure_policy.tbl, _roles,
                   coalesce(' using (' || using_expr || ')', ''),
                   coalesce(' with check (' || check_expr || ')', ''));
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint)
 RETURNS bytea
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  -- jsonb text is canonical (keys sorted, whitespace normalised); the timestamp is rendered in
  -- UTC with microseconds, so the encoding does not depend on the session's TimeZone.
  select pg_catalog.sha256(
           coalesce(event_hash.prev_hash, '\x'::bytea)
           || pg_catalog.convert_to(
                pg_catalog.jsonb_build_array(
                  event_hash.tenant_id, event_hash.stream, event_hash.version, event_hash.type,
                  event_hash.payload, event_hash.metadata, event_hash.actor::text,
                  pg_catalog.to_char(event_hash.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  event_hash."position")::text,
                'UTF8'))
$function$;

CREATE OR REPLACE FUNCTION sor.is_refuse_function(fn oid)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select exists (select 1 from pg_catalog.pg_proc p
                  where p.oid = is_refuse_function.fn
                    and p.pronamespace = 'sor'::regnamespace
                    and p.proname like 'tg\_%\_\_refuse\_change')
$function$;

CREATE OR REPLACE FUNCTION sor.kit_schemas()
 RETURNS SETOF name
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select 'sor'::name
  union all select 'sor_api'::name
  union all select d.schema_name from sor.domain_schemas d
$function$;

CREATE OR REPLACE FUNCTION sor.may_approve_ddl(role_name name)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select coalesce((select not r.rolsuper and not r.rolbypassrls
                          and pg_catalog.pg_has_role(r.oid, 'sor_approver', 'MEMBER')
                          and not pg_catalog.pg_has_role(r.oid, 'sor_owner', 'MEMBER')
                     from pg_catalog.pg_roles r where r.rolname = may_approve_ddl.role_name), false)
$function$;

CREATE OR REPLACE FUNCTION sor.stream_lock_key(tenant_id text, stream text)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select pg_catalog.hashtextextended(stream_lock_key.tenant_id || '/' || stream_lock_key.stream, 7031)
$function$;

CREATE OR REPLACE FUNCTION sor.tg_ddl_approvals__refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if tg_op = 'INSERT' then
    if not sor.may_approve_ddl(session_user) then
      raise exception 'role % may not write DDL approvals', session_user
        using errcode = '42501', hint = 'A member of sor_approver approves through sor_api.approve_ddl.';
    end if;
    new.approved_by := session_user;
    new.approved_at := clock_timestamp();
    new.consumed_at := null;
    new.consumed_by := null;
    new.consumed_statement := null;
    return new;
  end if;
  if tg_op = 'UPDATE' and old.consumed_at is null and new.consumed_at is not null
     and (new.approval_id, new.operation, new.object_identity, new.ticket, new.rehearsed_on,
          new.approved_by, new.approved_at, new.expires_at)
         is not distinct from
         (old.approval_id, old.operation, old.object_identity, old.ticket, old.rehearsed_on,
          old.approved_by, old.approved_at, old.expires_at) then
    return new;
  end if;
  raise exception 'sor.ddl_approvals: % refused', tg_op
    using errcode = 'SR024',
          hint = 'An approval is never changed or removed; it is only consumed by the statement it approves. Let it expire instead.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_ddl_audit__refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  raise exception 'sor.ddl_audit is append-only: % refused', tg_op
    using errcode = 'SR025',
          hint = 'The audit of destructive DDL is never changed or removed.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_drop_guard__alter()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _snap jsonb := sor.drop_guard_saved_snapshot();
  _ops text[] := '{}';
  _ids text[] := '{}';
  _reenable text[] := '{}';
  _stmt text;
  r record;
begin
  if _snap is null then
    return;
  end if;
  -- a protected schema renamed: it leaves the protected set, as if dropped
  for r in
    select s.name from pg_catalog.jsonb_array_elements_text(_snap -> 'schemas') s(name)
     where not exists (select 1 from pg_catalog.pg_namespace n where n.nspname = s.name)
  loop
    _ops := _ops || 'drop schema'::text;
    _ids := _ids || quote_ident(r.name);
  end loop;
  -- row level security switched off or no longer forced; a table moved out of the protected schemas
  for r in
    select c.oid, (t.value ->> 0)::boolean as was_enabled, (t.value ->> 1)::boolean as was_forced,
           t.value ->> 2 as identity, c.relrowsecurity, c.relforcerowsecurity,
           c.relnamespace in (select n.oid from pg_catalog.pg_namespace n
                               where n.nspname in (select pg_catalog.jsonb_array_elements_text(_snap -> 'schemas'))) as protected
      from pg_catalog.jsonb_each(_snap -> 'tables') t
      join pg_catalog.pg_class c on c.oid = t.key::oid
  loop
    if not r.protected then
      _ops := _ops || 'drop table'::text;
      _ids := _ids || r.identity;
      continue;
    end if;
    if r.was_enabled and not r.relrowsecurity then
      _ops := _ops || 'disable row level security'::text;
      _ids := _ids || (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, r.oid, 0)).identity;
    end if;
    if r.was_forced and not r.relforcerowsecurity then
      _ops := _ops || 'no force row level security'::text;
      _ids := _ids || (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, r.oid, 0)).identity;
    end if;
  end loop;
  -- a protected column's type (or collation) changed
  for r in
    select a.attrelid, a.attnum
      from pg_catalog.jsonb_each_text(_snap -> 'columns') k
      join pg_catalog.pg_attribute a
        on a.attrelid = split_part(k.key, '.', 1)::oid and a.attnum = split_part(k.key, '.', 2)::smallint
     where not a.attisdropped
       and pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attcollation::text <> k.value
  loop
    _ops := _ops || 'alter column type'::text;
    _ids := _ids || (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, r.attrelid, r.attnum)).identity;
  end loop;
  -- an append-only trigger replaced by a non-refusing one, disabled, or no longer ENABLE ALWAYS
  for r in
    select tg.oid, tg.tgrelid, tg.tgname, tg.tgenabled, t.value ->> 0 as identity, t.value ->> 1 as was_enabled,
           sor.is_refuse_function(tg.tgfoid) as still_refuses
      from pg_catalog.jsonb_each(_snap -> 'triggers') t
      join pg_catalog.pg_trigger tg on tg.oid = t.key::oid
  loop
    if not r.still_refuses then
      _ops := _ops || 'drop trigger'::text;
      _ids := _ids || r.identity;
    elsif r.tgenabled <> r.was_enabled and (r.tgenabled = 'D' or r.was_enabled = 'A') then
      if tg_tag = 'CREATE TRIGGER' and r.tgenabled <> 'D' then
        -- CREATE OR REPLACE TRIGGER resets a trigger to ENABLE ORIGIN; the guard restores ALWAYS
        _reenable := _reenable || format('alter table %s enable always trigger %I', r.tgrelid::regclass, r.tgname);
      else
        _ops := _ops || 'disable trigger'::text;
        _ids := _ids || r.identity;
      end if;
    end if;
  end loop;
  perform sor.drop_guard_authorize(tg_tag, _ops, _ids);
  foreach _stmt in array _reenable loop
    execute _stmt;
  end loop;
  if cardinality(_ops) > 0 or cardinality(_reenable) > 0 then
    -- what was approved now is the state later events of this statement compare against
    perform set_config('sor.drop_guard_snapshot', sor.drop_guard_snapshot()::text, true);
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_drop_guard__sql_drop()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _snap jsonb := coalesce(sor.drop_guard_saved_snapshot(), sor.drop_guard_snapshot());
  _schemas text[] := array(select pg_catalog.jsonb_array_elements_text(_snap -> 'schemas'));
  _dropped_schemas text[];
  _ops text[] := '{}';
  _ids text[] := '{}';
  _op text;
  r record;
begin
  select coalesce(array_agg(d.address_names[1]), '{}') into _dropped_schemas
    from pg_catalog.pg_event_trigger_dropped_objects() d
   where d.object_type = 'schema' and d.address_names[1] = any (_schemas);

  for r in
    select d.* from pg_catalog.pg_event_trigger_dropped_objects() d
     where not d.is_temporary and (d.original or d.normal)
       and d.object_type in ('schema', 'table', 'table column', 'policy', 'trigger')
  loop
    _op := null;
    if r.object_type = 'schema' then
      if r.address_names[1] = any (_schemas) then
        _op := 'drop schema';
      end if;
    elsif r.address_names[1] = any (_schemas) and not (r.address_names[1] = any (_dropped_schemas)) then
      _op := case r.object_type
               when 'table' then 'drop table'
               when 'table column' then 'drop column'
               when 'policy' then 'drop policy'
               when 'trigger' then case when (_snap -> 'triggers') ? r.objid::text then 'drop trigger' end
             end;
    end if;
    if _op is not null then
      _ops := _ops || _op;
      _ids := _ids || r.object_identity;
    end if;
  end loop;
  perform sor.drop_guard_authorize(tg_tag, _ops, _ids);
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_drop_guard__start()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if tg_tag in ('ALTER TABLE', 'ALTER SCHEMA', 'CREATE TRIGGER') or tg_tag like 'DROP %' then
    perform set_config('sor.drop_guard_snapshot', sor.drop_guard_snapshot()::text, true);
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_events__chain()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _last_version integer;
  _last_hash bytea;
begin
  perform pg_catalog.pg_advisory_xact_lock(sor.stream_lock_key(new.tenant_id, new.stream));
  select e.version, e.hash into _last_version, _last_hash
    from sor.events e
   where e.tenant_id = new.tenant_id and e.stream = new.stream
   order by e.version desc
   limit 1;
  new.version := coalesce(_last_version, 0) + 1;
  new.prev_hash := _last_hash;
  new.actor := session_user;
  new.occurred_at := pg_catalog.now();
  new.tx_id := pg_catalog.pg_current_xact_id();
  new.hash := sor.event_hash(new.prev_hash, new.tenant_id, new.stream, new.version, new.type,
                             new.payload, new.metadata, new.actor, new.occurred_at, new.position);
  return new;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_events__refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  raise exception 'sor.events is append-only: % refused', tg_op
    using errcode = 'SR010',
          hint = 'Events are never changed or removed. Append a compensating event instead.';
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.add_member(tenant_id text, role_name text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _role pg_catalog.pg_roles%rowtype;
begin
  if add_member.tenant_id is null or add_member.tenant_id !~ '^[a-z][a-z0-9_-]{1,62}$' then
    raise exception 'malformed tenant id: %', coalesce(quote_literal(add_member.tenant_id), 'NULL')
      using errcode = 'SR001',
            hint = 'A tenant id is a lowercase slug of 2 to 63 characters: a letter, then letters, digits, _ or -.';
  end if;
  perform 1 from sor.tenants t where t.tenant_id = add_member.tenant_id;
  if not found then
    raise exception 'unknown tenant %', add_member.tenant_id
      using errcode = 'SR002', hint = 'Create it first with sor_api.add_tenant(tenant_id, display_name).';
  end if;
  select r.* into _role from pg_catalog.pg_roles r where r.rolname = add_member.role_name;
  if not found then
    raise exception 'unknown role %', coalesce(quote_literal(add_member.role_name), 'NULL')
      using errcode = 'SR003', hint = 'Create the login role first: CREATE ROLE name LOGIN; GRANT sor_tenant TO name;';
  end if;
  if _role.rolsuper or _role.rolbypassrls
     or pg_catalog.pg_has_role(_role.oid, 'sor_owner', 'MEMBER') then
    raise exception 'role % is privileged and cannot be a tenant member', add_member.role_name
      using errcode = 'SR005',
            hint = 'Tenant members must be plain login roles: no SUPERUSER, no BYPASSRLS, not a member of sor_owner.';
  end if;
  insert into sor.tenant_members (tenant_id, role_name)
  values (add_member.tenant_id, add_member.role_name)
  on conflict on constraint tenant_members_pkey do nothing;
  if not found then
    raise exception 'role % is already a member of tenant %', add_member.role_name, add_member.tenant_id
      using errcode = 'SR004', hint = 'Nothing to do: the membership exists.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.add_tenant(tenant_id text, display_name text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if add_tenant.tenant_id is null or add_tenant.tenant_id !~ '^[a-z][a-z0-9_-]{1,62}$' then
    raise exception 'malformed tenant id: %', coalesce(quote_literal(add_tenant.tenant_id), 'NULL')
      using errcode = 'SR001',
            hint = 'A tenant id is a lowercase slug of 2 to 63 characters: a letter, then letters, digits, _ or -.';
  end if;
  if add_tenant.display_name is null or length(add_tenant.display_name) not between 1 and 200 then
    raise exception 'display name of tenant % must have 1 to 200 characters', add_tenant.tenant_id
      using errcode = 'SR001', hint = 'Pass a non-empty display name of at most 200 characters.';
  end if;
  insert into sor.tenants (tenant_id, display_name)
  values (add_tenant.tenant_id, add_tenant.display_name)
  on conflict on constraint tenants_pkey do nothing;
  if not found then
    raise exception 'tenant % already exists', add_tenant.tenant_id
      using errcode = 'SR004', hint = 'Tenant ids are unique; choose another id or use the existing tenant.';
  end if;
  return add_tenant.tenant_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.append_event(tenant_id text, stream text, type text, payload jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb, expected_version integer DEFAULT NULL::integer)
 RETURNS TABLE("position" bigint, version integer, hash text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _row sor.events;
begin
  perform 1 from sor.tenant_members m
   where m.tenant_id = append_event.tenant_id and m.role_name = session_user;
  if not found then
    raise exception 'role % may not append events for tenant %', session_user, coalesce(quote_literal(append_event.tenant_id), 'NULL')
      using errcode = 'SR014', hint = 'A caller appends only for tenants it is a member of (sor_api.add_member).';
  end if;
  _row := sor.append_event(append_event.tenant_id, append_event.stream, append_event.type,
                           append_event.payload,
                           coalesce(append_event.metadata, '{}'::jsonb), append_event.expected_version);
  return query select _row.position, _row.version, encode(_row.hash, 'hex');
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.approve_ddl(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _op text := lower(btrim(approve_ddl.operation));
  _id bigint;
begin
  if not sor.may_approve_ddl(session_user) then
    raise exception 'role % may not approve DDL', session_user
      using errcode = '42501',
            hint = 'Approvals come from a login role that is a member of sor_approver, never from a superuser or a member of sor_owner.';
  end if;
  if not exists (select 1 from sor_api.ddl_guard_targets() t
                  where t.operation = _op and t.object_identity = approve_ddl.object_identity) then
    raise exception 'nothing to approve: % of % is not a protected operation on an existing object',
          coalesce(quote_literal(approve_ddl.operation), 'NULL'), coalesce(quote_literal(approve_ddl.object_identity), 'NULL')
      using errcode = 'SR021',
            hint = 'List what can be approved with: select * from sor_api.ddl_guard_targets();';
  end if;
  if approve_ddl.expires_at is null or approve_ddl.expires_at <= clock_timestamp()
     or approve_ddl.expires_at > clock_timestamp() + interval '7 days' then
    raise exception 'approval of % on % must expire within 7 days from now, not at %',
          _op, approve_ddl.object_identity, coalesce(approve_ddl.expires_at::text, 'NULL')
      using errcode = 'SR022', hint = 'Pass an expiry such as now() + interval ''2 hours''.';
  end if;
  if coalesce(length(btrim(approve_ddl.ticket)), 0) not between 1 and 200
     or coalesce(length(btrim(approve_ddl.rehearsed_on)), 0) not between 1 and 500 then
    raise exception 'approval of % on % needs a ticket and the branch or backup it was rehearsed on',
          _op, approve_ddl.object_identity
      using errcode = 'SR023',
            hint = 'Pass the change ticket (1 to 200 characters) and the rehearsal branch or backup (1 to 500 characters).';
  end if;
  insert into sor.ddl_approvals (operation, object_identity, ticket, rehearsed_on, expires_at)
  values (_op, approve_ddl.object_identity, btrim(approve_ddl.ticket), btrim(approve_ddl.rehearsed_on), approve_ddl.expires_at)
  returning approval_id into _id;
  return _id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.certify()
 RETURNS TABLE(property text, "check" text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with raw as (
    select r.property, r.check_name, r.object, r.ok, r.detail,
           row_number() over () as n
      from sor.certify_raw() r
  ), summary as (
    select r.property, r.check_name, bool_and(r.ok) as all_ok, count(*) as objects, min(r.n) as first_n
      from raw r
     group by r.property, r.check_name
  ), rows as (
    select s.property, s.check_name, r.object, r.ok, r.detail, s.first_n, r.n
      from raw r join summary s on s.property = r.property and s.check_name = r.check_name
     where not s.all_ok and not r.ok
    union all
    select s.property, s.check_name,
           case when s.objects = 1 then (select r.object from raw r where r.n = s.first_n)
                else s.objects || ' objects' end,
           true,
           case when s.objects = 1 then (select r.detail from raw r where r.n = s.first_n)
                else 'all ' || s.objects || ' pass' end,
           s.first_n, s.first_n
      from summary s
     where s.all_ok
  )
  select x.property, x.check_name, x.object, x.ok, x.detail
    from rows x
   order by array_position(array['durable', 'addressable', 'governed', 'replayable', 'inspectable', 'policy-bound'],
                           x.property), x.first_n, x.n
$function$;

CREATE OR REPLACE FUNCTION sor_api.ddl_guard_targets()
 RETURNS TABLE(operation text, object_identity text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with sch as (
    select n.oid from pg_catalog.pg_namespace n where n.nspname in (select sor.kit_schemas())
  ), tabs as (
    select c.oid from pg_catalog.pg_class c join sch s on s.oid = c.relnamespace where c.relkind in ('r', 'p')
  )
  select 'drop schema', (pg_catalog.pg_identify_object('pg_catalog.pg_namespace'::regclass, s.oid, 0)).identity
    from sch s
  union all
  select o.op, (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, t.oid, 0)).identity
    from tabs t cross join unnest(array['drop table', 'disable row level security', 'no force row level security']) o(op)
  union all
  select o.op, (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, a.attrelid, a.attnum)).identity
    from tabs t join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
   cross join unnest(array['drop column', 'alter column type']) o(op)
  union all
  select 'drop policy', (pg_catalog.pg_identify_object('pg_catalog.pg_policy'::regclass, p.oid, 0)).identity
    from tabs t join pg_catalog.pg_policy p on p.polrelid = t.oid
  union all
  select o.op, (pg_catalog.pg_identify_object('pg_catalog.pg_trigger'::regclass, tg.oid, 0)).identity
    from tabs t join pg_catalog.pg_trigger tg on tg.tgrelid = t.oid and not tg.tgisinternal
   cross join unnest(array['drop trigger', 'disable trigger']) o(op)
   where sor.is_refuse_function(tg.tgfoid)
$function$;

CREATE OR REPLACE FUNCTION sor_api.register_domain_schema(schema_name text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  perform 1 from pg_catalog.pg_namespace n where n.nspname = register_domain_schema.schema_name;
  if not found then
    raise exception 'unknown schema %', coalesce(quote_literal(register_domain_schema.schema_name), 'NULL')
      using errcode = 'SR007', hint = 'Create the schema (owned by sor_owner) before registering it.';
  end if;
  insert into sor.domain_schemas (schema_name) values (register_domain_schema.schema_name)
  on conflict on constraint domain_schemas_pkey do nothing;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.remove_member(tenant_id text, role_name text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  delete from sor.tenant_members m
   where m.tenant_id = remove_member.tenant_id and m.role_name = remove_member.role_name;
  if not found then
    raise exception 'role % is not a member of tenant %',
          coalesce(quote_literal(remove_member.role_name), 'NULL'), coalesce(quote_literal(remove_member.tenant_id), 'NULL')
      using errcode = 'SR006', hint = 'List memberships with: select * from sor_api.tenant_members;';
  end if;
end
$function$;

-- triggers

CREATE TRIGGER ddl_approvals_check_insert BEFORE INSERT ON sor.ddl_approvals FOR EACH ROW EXECUTE FUNCTION sor.tg_ddl_approvals__refuse_change();
alter table sor.ddl_approvals enable always trigger ddl_approvals_check_insert;
CREATE TRIGGER ddl_approvals_refuse_truncate BEFORE TRUNCATE ON sor.ddl_approvals FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_ddl_approvals__refuse_change();
alter table sor.ddl_approvals enable always trigger ddl_approvals_refuse_truncate;
CREATE TRIGGER ddl_approvals_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ddl_approvals FOR EACH ROW EXECUTE FUNCTION sor.tg_ddl_approvals__refuse_change();
alter table sor.ddl_approvals enable always trigger ddl_approvals_refuse_update_delete;
CREATE TRIGGER ddl_audit_refuse_truncate BEFORE TRUNCATE ON sor.ddl_audit FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_ddl_audit__refuse_change();
alter table sor.ddl_audit enable always trigger ddl_audit_refuse_truncate;
CREATE TRIGGER ddl_audit_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ddl_audit FOR EACH ROW EXECUTE FUNCTION sor.tg_ddl_audit__refuse_change();
alter table sor.ddl_audit enable always trigger ddl_audit_refuse_update_delete;
CREATE TRIGGER events_chain BEFORE INSERT ON sor.events FOR EACH ROW EXECUTE FUNCTION sor.tg_events__chain();
alter table sor.events enable always trigger events_chain;
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON sor.events FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_truncate;
CREATE TRIGGER events_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events FOR EACH ROW EXECUTE FUNCTION sor.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_update_delete;

-- row level security

alter table sor.events enable row level security;
alter table sor.events force row level security;
alter table sor.outbox enable row level security;
alter table sor.outbox force row level security;
alter table sor.tenant_members enable row level security;
alter table sor.tenant_members force row level security;
alter table sor.tenants enable row level security;
alter table sor.tenants force row level security;

-- policies

create policy events_auditor_select on sor.events as permissive for select to sor_auditor using (true);
create policy events_owner_all on sor.events as permissive for all to sor_owner using (true) with check (true);
create policy events_tenant_select on sor.events as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy outbox_auditor_select on sor.outbox as permissive for select to sor_auditor using (true);
create policy outbox_owner_all on sor.outbox as permissive for all to sor_owner using (true) with check (true);
create policy tenant_members_auditor_select on sor.tenant_members as permissive for select to sor_auditor, sor_admin using (true);
create policy tenant_members_owner_all on sor.tenant_members as permissive for all to sor_owner using (true) with check (true);
create policy tenant_members_tenant_select on sor.tenant_members as permissive for select to sor_tenant using ((role_name = CURRENT_USER));
create policy tenants_auditor_select on sor.tenants as permissive for select to sor_auditor, sor_admin using (true);
create policy tenants_owner_all on sor.tenants as permissive for all to sor_owner using (true) with check (true);
create policy tenants_tenant_select on sor.tenants as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));

-- owners and privileges

-- function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__010_foundation() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__030_guard() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify_raw() owner sor_owner: sor_owner=EXECUTE
-- function sor.current_tenants() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE
-- function sor.drop_guard_authorize(command_tag text, operations text[], identities text[]) owner sor_owner: sor_owner=EXECUTE
-- function sor.drop_guard_saved_snapshot() owner sor_owner: sor_owner=EXECUTE
-- function sor.drop_guard_snapshot() owner sor_owner: sor_owner=EXECUTE
-- function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.is_refuse_function(fn oid) owner sor_owner: sor_owner=EXECUTE
-- function sor.kit_schemas() owner sor_owner: sor_owner=EXECUTE
-- function sor.may_approve_ddl(role_name name) owner sor_owner: sor_owner=EXECUTE
-- function sor.stream_lock_key(tenant_id text, stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_ddl_approvals__refuse_change() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_ddl_audit__refuse_change() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_drop_guard__alter() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_drop_guard__sql_drop() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_drop_guard__start() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__chain() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__refuse_change() owner sor_owner: sor_owner=EXECUTE
-- function sor_api.add_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.add_tenant(tenant_id text, display_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.approve_ddl(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone) owner sor_owner: sor_approver=EXECUTE, sor_owner=EXECUTE
-- function sor_api.certify() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.ddl_guard_targets() owner sor_owner: sor_admin=EXECUTE, sor_approver=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.register_domain_schema(schema_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.remove_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- schema sor owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE
-- schema sor_api owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_dispatcher=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE, sor_worker=USAGE
-- sequence sor.ddl_approvals_approval_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.ddl_audit_audit_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.events_position_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.outbox_outbox_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- table sor.ddl_approvals owner sor_owner: sor_approver=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.ddl_audit owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.domain_schemas owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.events owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.outbox owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_members owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenants owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- view sor_api.tenant_members owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.tenants owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT

-- column privileges

-- column grants on sor.events.actor: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.hash: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.metadata: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.occurred_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.payload: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events."position": sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.prev_hash: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.stream: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.type: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.version: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.added_at: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.added_by: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.role_name: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.tenant_id: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenants.created_at: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenants.display_name: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenants.tenant_id: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT

-- comments

comment on column sor.ddl_approvals.approved_by is 'session_user of the approver; the role running the DDL must be another role.';
comment on column sor.ddl_approvals.consumed_at is 'When the approved statement ran; NULL while unused. A rolled-back statement leaves it NULL.';
comment on column sor.ddl_approvals.consumed_by is 'session_user of the statement that consumed the approval.';
comment on column sor.ddl_approvals.consumed_statement is 'Text of the top-level statement that consumed the approval.';
comment on column sor.ddl_approvals.expires_at is 'After this instant (database clock) the approval no longer counts.';
comment on column sor.ddl_approvals.object_identity is 'The object as pg_identify_object() names it: sor.t (table), sor.t.col (column), sor (schema), p on sor.t (policy), tr on sor.t (trigger).';
comment on column sor.ddl_approvals.operation is 'drop table, drop schema, drop column, alter column type, drop policy, drop trigger, disable trigger, disable row level security or no force row level security.';
comment on column sor.ddl_approvals.rehearsed_on is 'The branch database or backup on which the change was rehearsed.';
comment on column sor.ddl_approvals.ticket is 'Change ticket the approval belongs to.';
comment on column sor.ddl_audit.object_identity is 'The object, as pg_identify_object() names it.';
comment on column sor.ddl_audit.operation is 'The guarded operation, as in sor.ddl_approvals.operation.';
comment on column sor.ddl_audit.outcome is 'Always allowed: a refused statement rolls back its transaction, this row with it; its record is the LOG line in the server log.';
comment on column sor.ddl_audit.session_role is 'session_user of the connection that ran the DDL.';
comment on column sor.ddl_audit.set_role is 'The role set with SET ROLE when the DDL ran, or none.';
comment on column sor.ddl_audit.statement is 'Text of the top-level statement (current_query()).';
comment on column sor.ddl_audit.tx_id is 'Transaction that ran the DDL.';
comment on column sor.events."position" is 'Global replay order across all tenants and streams; gaps are normal (rolled back appends).';
comment on column sor.events.actor is 'session_user of the connection that appended the event.';
comment on column sor.events.hash is 'sha256(prev_hash || canonical encoding of the row), computed by the database on insert.';
comment on column sor.events.metadata is 'run_id, tool_call_id, step, correlation_id, causation_id and other context; not business data.';
comment on column sor.events.prev_hash is 'hash of the previous event of the same stream; NULL for version 1.';
comment on column sor.events.stream is 'category-id, e.g. expense-42 or run-<uuid>; the category is the part before the first hyphen.';
comment on column sor.events.tx_id is 'Appending transaction; events_since() hides positions whose transaction may still be in flight.';
comment on column sor.events.version is 'Per-stream version, 1, 2, 3 ... without gaps; the expected-version check compares against it.';
comment on column sor.outbox.available_at is 'Earliest time the row may be leased (database clock); pushed back with exponential backoff after a failure.';
comment on column sor.outbox.block_id is 'Review block holding this row deferred, when there is one.';
comment on column sor.outbox.dedupe_key is 'Unique per tenant: a retried writer cannot queue the same side effect twice; the dispatcher passes it to the provider as its idempotency key.';
comment on column sor.outbox.event_id is 'Stable uuid of the message; Debezium''s outbox router maps it to the Kafka message id.';
comment on column sor.outbox.lease_token is 'Fencing token of the current lease; mark_dispatched and mark_failed are refused for any other token.';
comment on column sor.outbox.run_id is 'Run whose step queued this command, when it came from commit_step.';
comment on column sor.outbox.status is 'pending, deferred (held by a review block), leased, dispatched, failed (retry at available_at), dead (max_attempts reached) or discarded (its block was rejected).';
comment on column sor.tenant_members.role_name is 'A login role name (not an oid: the membership survives dump and restore).';
comment on column sor.tenants.tenant_id is 'Lowercase slug, 2 to 63 characters: a letter, then letters, digits, _ or -.';
comment on function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Internal append used by the kit''s triggers and functions: validates, checks the optional expected version under the stream lock, inserts (the chain trigger does the rest).';
comment on function sor.certify__010_foundation() is 'Foundation catalog sweeps: RLS forced on tenant tables, no PUBLIC privileges, pinned search_path, least-privilege roles, ownership, no worker table access, comments.';
comment on function sor.certify__030_guard() is 'Drop guard checks: the guard event triggers exist, run the guard functions and are ENABLE ALWAYS; the approval and audit tables keep their refusing triggers ENABLE ALWAYS.';
comment on function sor.certify_raw() is 'Runs every sor.certify__* check function in name order and returns one row per object checked.';
comment on function sor.current_tenants() is 'Tenants of current_user according to sor.tenant_members; the only source of tenant identity for policies.';
comment on function sor.drop_guard_authorize(command_tag text, operations text[], identities text[]) is 'Consumes one matching, unexpired approval by another role per destructive operation and records it in sor.ddl_audit; refuses the statement (SR020) when any operation has none, logging each refusal at LOG level.';
comment on function sor.drop_guard_saved_snapshot() is 'The snapshot stored at ddl_command_start of the running statement, or NULL.';
comment on function sor.drop_guard_snapshot() is 'Protected catalog state the drop guard compares against: kit schemas, RLS flags of their tables, column types, append-only triggers and whether they are ENABLE ALWAYS.';
comment on function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) is 'Creates a policy when missing, ALTERs it when present; never drops. Used by db/policies so re-applying a repeatable file passes the drop guard.';
comment on function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) is 'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it.';
comment on function sor.is_refuse_function(fn oid) is 'True for a trigger function named sor.tg_<table>__refuse_change: a table with such a trigger is append-only, and the drop guard protects the trigger.';
comment on function sor.kit_schemas() is 'Schemas certify() sweeps and the drop guard protects: sor, sor_api and every registered domain schema.';
comment on function sor.may_approve_ddl(role_name name) is 'True for a role that may approve DDL: a member of sor_approver that is neither a superuser, nor BYPASSRLS, nor a member of sor_owner.';
comment on function sor.stream_lock_key(tenant_id text, stream text) is 'Advisory lock key of one stream: appends to one stream serialize on it, appends to different streams never wait on each other.';
comment on function sor.tg_ddl_approvals__refuse_change() is 'BEFORE INSERT/UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_approvals: only an approver''s own session inserts (stamped with its session_user and the database clock; 42501 otherwise), and nothing is changed but the consumption of an unused approval (SR024).';
comment on function sor.tg_ddl_audit__refuse_change() is 'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_audit: always refuses, for every role, the owner included.';
comment on function sor.tg_drop_guard__alter() is 'ddl_command_end of ALTER TABLE, ALTER SCHEMA and CREATE TRIGGER, and table_rewrite (before any USING expression runs): a renamed protected schema, a table moved out of one, disabled or un-forced RLS, changed column types and silenced or replaced append-only triggers need approvals.';
comment on function sor.tg_drop_guard__sql_drop() is 'sql_drop: every protected schema, table, column, policy or append-only trigger a statement dropped needs an approval (objects inside an approved schema are covered by it).';
comment on function sor.tg_drop_guard__start() is 'ddl_command_start: stores the protected catalog state for the checks that run when the statement ends.';
comment on function sor.tg_events__chain() is 'BEFORE INSERT on sor.events: serializes the stream, assigns the next version, links prev_hash, stamps actor and database time, computes hash. No insert path can skip it.';
comment on function sor.tg_events__refuse_change() is 'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on append-only tables: always refuses, for every role, the owner included.';
comment on function sor_api.add_member(tenant_id text, role_name text) is 'Makes an existing, unprivileged login role a member of a tenant. SR001 malformed tenant, SR002 unknown tenant, SR003 unknown role, SR004 duplicate, SR005 privileged role.';
comment on function sor_api.add_tenant(tenant_id text, display_name text) is 'Creates a tenant. SR001 for a malformed id or display name, SR004 when the id exists.';
comment on function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Appends one event for a tenant the caller is a member of. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR011 bad input, SR012 over 1 MiB, SR014 not a member.';
comment on function sor_api.approve_ddl(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone) is 'Approves one destructive DDL operation on one protected object, once, until expires_at (at most 7 days ahead). Only for members of sor_approver (42501 otherwise); SR021 unknown target, SR022 bad expiry, SR023 missing ticket or rehearsal.';
comment on function sor_api.certify() is 'The CI gate: one row per check of the six system-of-record properties (failing checks show one row per failing object). Zero rows with ok = false means certified.';
comment on function sor_api.ddl_guard_targets() is 'Every (operation, object_identity) the drop guard protects right now: what sor_api.approve_ddl accepts.';
comment on function sor_api.register_domain_schema(schema_name text) is 'Registers a domain schema so certify() sweeps it and the drop guard protects it. Idempotent; SR007 for an unknown schema.';
comment on function sor_api.remove_member(tenant_id text, role_name text) is 'Ends a role''s membership of a tenant; its next statement sees none of that tenant''s rows. SR006 when there is no such membership.';
comment on policy events_auditor_select on sor.events is 'Auditors read every event.';
comment on policy events_owner_all on sor.events is 'Definer functions run as sor_owner and enforce their own checks; the triggers still refuse change.';
comment on policy events_tenant_select on sor.events is 'A tenant member reads only its tenants'' events.';
comment on policy outbox_auditor_select on sor.outbox is 'Auditors read every outbox row.';
comment on policy outbox_owner_all on sor.outbox is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_members_auditor_select on sor.tenant_members is 'Auditors and admins read every membership.';
comment on policy tenant_members_owner_all on sor.tenant_members is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_members_tenant_select on sor.tenant_members is 'A role reads only its own memberships; sor.current_tenants() relies on this.';
comment on policy tenants_auditor_select on sor.tenants is 'Auditors and admins read every tenant.';
comment on policy tenants_owner_all on sor.tenants is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenants_tenant_select on sor.tenants is 'A member reads only the tenants it belongs to (by current_user).';
comment on schema sor is 'pg-sor private schema: tables and helpers, reached only through sor_api.';
comment on schema sor_api is 'pg-sor public contract: SECURITY DEFINER functions for writes, security_invoker views and functions for reads.';
comment on table sor.ddl_approvals is 'Single-use approvals of destructive DDL on protected objects, written through sor_api.approve_ddl by a member of sor_approver. Never deleted; consumed by the statement they approve.';
comment on table sor.ddl_audit is 'Append-only record of every destructive DDL statement the drop guard allowed, with the approval it consumed. Refusals roll back with their transaction and are written to the server log instead.';
comment on table sor.domain_schemas is 'Domain schemas (such as reconciler) that certify() sweeps and the drop guard protects, besides sor and sor_api.';
comment on table sor.events is 'Append-only, hash-chained event log. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner).';
comment on table sor.outbox is 'Transactional outbox: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on table sor.tenant_members is 'Which login roles act for which tenants. Policies find the caller''s tenants here by current_user.';
comment on table sor.tenants is 'One row per tenant. tenant_id is a stable lowercase slug that leads every tenant-scoped key.';
comment on trigger ddl_approvals_check_insert on sor.ddl_approvals is 'Only an approver''s own session writes an approval; stamps approver and time.';
comment on trigger ddl_approvals_refuse_truncate on sor.ddl_approvals is 'Approvals are never truncated.';
comment on trigger ddl_approvals_refuse_update_delete on sor.ddl_approvals is 'Approvals are never changed or deleted, only consumed once.';
comment on trigger ddl_audit_refuse_truncate on sor.ddl_audit is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger ddl_audit_refuse_update_delete on sor.ddl_audit is 'Append-only: refuses UPDATE and DELETE for every role.';
comment on trigger events_chain on sor.events is 'Links every inserted event into its stream''s hash chain.';
comment on trigger events_refuse_truncate on sor.events is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger events_refuse_update_delete on sor.events is 'Append-only: refuses UPDATE (including ON CONFLICT DO UPDATE) and DELETE for every role.';
comment on view sor_api.tenant_members is 'Memberships visible to the caller: a tenant member sees its own memberships, an auditor sees all.';
comment on view sor_api.tenants is 'Tenants visible to the caller: a tenant member sees its own tenants, an auditor sees all.';

-- event triggers

create event trigger sor_drop_guard_alter on ddl_command_end when tag in ('ALTER SCHEMA', 'ALTER TABLE', 'CREATE TRIGGER') execute function sor.tg_drop_guard__alter();
alter event trigger sor_drop_guard_alter enable always;

create event trigger sor_drop_guard_rewrite on table_rewrite execute function sor.tg_drop_guard__alter();
alter event trigger sor_drop_guard_rewrite enable always;

create event trigger sor_drop_guard_sql_drop on sql_drop execute function sor.tg_drop_guard__sql_drop();
alter event trigger sor_drop_guard_sql_drop enable always;

create event trigger sor_drop_guard_start on ddl_command_start execute function sor.tg_drop_guard__start();
alter event trigger sor_drop_guard_start enable always;
