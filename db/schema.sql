-- pg-sor schema snapshot: the kit's schemas as the migrations leave them.
-- Generated from the catalog; do not edit. Regenerate with the command in README.md.
-- PostgreSQL major version: 17

-- schemas

create schema sor authorization sor_owner;
create schema sor_api authorization sor_owner;

-- sequences

create sequence sor.events_position_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.outbox_outbox_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;

-- tables

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

create table sor.tools (
  tool_name text not null,
  description text not null,
  input_schema jsonb not null,
  function_oid regprocedure not null,
  allowed_kinds text[] default '{}'::text[] not null,
  side_effects boolean default true not null,
  enabled boolean default true not null,
  registered_at timestamp with time zone default now() not null,
  registered_by name default SESSION_USER not null,
  constraint tools_pkey PRIMARY KEY (tool_name),
  constraint tools_description_length CHECK (((length(description) >= 1) AND (length(description) <= 2000))),
  constraint tools_name_format CHECK ((tool_name ~ '^[a-z][a-z0-9_]{0,63}$'::text)),
  constraint tools_schema_object CHECK ((jsonb_typeof(input_schema) = 'object'::text))
);

-- indexes

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

CREATE OR REPLACE FUNCTION sor.certify__060_tools()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with t as (
    select t.tool_name, t.input_schema, p.oid, p.prosecdef, p.proacl, p.proowner,
           (select substr(c, 13) from unnest(p.proconfig) c where c like 'search_path=%') as path
      from sor.tools t left join pg_catalog.pg_proc p on p.oid = t.function_oid
  )
  select 'governed', 'tool functions are definer, pinned and not directly executable', t.tool_name,
         t.oid is not null and t.prosecdef
           and coalesce(btrim(reverse(split_part(reverse(t.path), ',', 1))) = 'pg_temp', false)
           and not exists (select 1 from pg_catalog.aclexplode(coalesce(t.proacl, pg_catalog.acldefault('f', t.proowner))) a
                            where a.grantee = 0 and a.privilege_type = 'EXECUTE')
           and not pg_catalog.has_function_privilege('sor_worker', t.oid, 'EXECUTE'),
         case when t.oid is null then 'function is missing'
              when not t.prosecdef then 'not SECURITY DEFINER'
              when not coalesce(btrim(reverse(split_part(reverse(t.path), ',', 1))) = 'pg_temp', false) then 'search_path not pinned ending in pg_temp'
              when pg_catalog.has_function_privilege('sor_worker', t.oid, 'EXECUTE') then 'Workers can execute it directly'
              else 'definer, pinned, reachable only through call_tool' end
    from t
  union all
  select 'policy-bound', 'tool input schemas use only enforced keywords', t.tool_name,
         sor.json_schema_problem(t.input_schema) is null,
         coalesce(sor.json_schema_problem(t.input_schema), 'schema enforceable')
    from t
  union all
  select 'governed', 'Workers reach tools only through call_tool', 'sor_worker',
         pg_catalog.has_function_privilege('sor_worker', 'sor_api.call_tool(uuid, text, jsonb, text)', 'EXECUTE')
           and pg_catalog.has_function_privilege('sor_worker', 'sor_api.list_tools()', 'EXECUTE'),
         'sor_worker may execute call_tool and list_tools'
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

CREATE OR REPLACE FUNCTION sor.json_path_append(path text, key text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select case when json_path_append.key ~ '^[A-Za-z_][A-Za-z0-9_]*$'
              then json_path_append.path || '.' || json_path_append.key
              else json_path_append.path || '[' || to_jsonb(json_path_append.key)::text || ']' end
$function$;

CREATE OR REPLACE FUNCTION sor.json_schema_problem(schema jsonb, path text DEFAULT '$'::text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _key text;
  _val jsonb;
  _problem text;
  _t text;
begin
  if json_schema_problem.schema is null then
    return json_schema_problem.path || ': schema is NULL';
  end if;
  if jsonb_typeof(json_schema_problem.schema) = 'boolean' then
    return null;
  end if;
  if jsonb_typeof(json_schema_problem.schema) <> 'object' then
    return json_schema_problem.path || ': a schema must be an object or a boolean';
  end if;
  for _key, _val in select e.key, e.value from jsonb_each(json_schema_problem.schema) e loop
    case _key
      when 'title', 'description', 'default', 'examples', '$schema', '$id', '$comment' then
        null;
      when 'type' then
        for _t in select x #>> '{}' from jsonb_array_elements(case when jsonb_typeof(_val) = 'array' then _val else jsonb_build_array(_val) end) x loop
          if _t is null or _t not in ('string', 'number', 'integer', 'boolean', 'object', 'array', 'null') then
            return json_schema_problem.path || ': unknown type ' || coalesce(_t, 'NULL');
          end if;
        end loop;
      when 'enum' then
        if jsonb_typeof(_val) <> 'array' then return json_schema_problem.path || ': enum must be an array'; end if;
      when 'const' then
        null;
      when 'required' then
        if jsonb_typeof(_val) <> 'array' or exists (select 1 from jsonb_array_elements(_val) x where jsonb_typeof(x) <> 'string') then
          return json_schema_problem.path || ': required must be an array of strings';
        end if;
      when 'properties' then
        if jsonb_typeof(_val) <> 'object' then return json_schema_problem.path || ': properties must be an object'; end if;
        select p into _problem from (
          select sor.json_schema_problem(e.value, json_schema_problem.path || '.properties.' || e.key) p
            from jsonb_each(_val) e) s where p is not null limit 1;
        if _problem is not null then return _problem; end if;
      when 'additionalProperties', 'items' then
        _problem := sor.json_schema_problem(_val, json_schema_problem.path || '.' || _key);
        if _problem is not null then return _problem; end if;
      when 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum' then
        if jsonb_typeof(_val) <> 'number' then return json_schema_problem.path || ': ' || _key || ' must be a number'; end if;
      when 'minLength', 'maxLength', 'minItems', 'maxItems' then
        if jsonb_typeof(_val) <> 'number' or (_val #>> '{}')::numeric < 0 or (_val #>> '{}')::numeric <> trunc((_val #>> '{}')::numeric) then
          return json_schema_problem.path || ': ' || _key || ' must be a non-negative integer';
        end if;
      when 'pattern' then
        if jsonb_typeof(_val) <> 'string' then return json_schema_problem.path || ': pattern must be a string'; end if;
        begin
          perform '' ~ (_val #>> '{}');
        exception when invalid_regular_expression then
          return json_schema_problem.path || ': pattern is not a valid regular expression';
        end;
      else
        return json_schema_problem.path || ': unsupported keyword ' || _key;
    end case;
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.json_schema_violation(schema jsonb, value jsonb, at_path text DEFAULT '$'::text)
 RETURNS TABLE(path text, keyword text, detail text)
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _s jsonb := json_schema_violation.schema;
  _v jsonb := json_schema_violation.value;
  _p text := json_schema_violation.at_path;
  _type text := jsonb_typeof(json_schema_violation.value);
  _ok boolean;
  _t text;
  _num numeric;
  _len integer;
  _key text;
  _elem jsonb;
  _i integer;
  _sub record;
begin
  if _s is null or _s = 'true'::jsonb then
    return;
  end if;
  if _s = 'false'::jsonb then
    return query select _p, 'false'::text, 'no value is allowed here'::text;
    return;
  end if;
  if _v is null then
    return query select _p, 'type'::text, 'value is missing'::text;
    return;
  end if;

  if _s ? 'type' then
    _ok := false;
    for _t in select x #>> '{}' from jsonb_array_elements(case when jsonb_typeof(_s -> 'type') = 'array'
                                                               then _s -> 'type' else jsonb_build_array(_s -> 'type') end) x loop
      if _t = _type or (_t = 'integer' and _type = 'number' and (_v #>> '{}')::numeric = trunc((_v #>> '{}')::numeric)) then
        _ok := true;
        exit;
      end if;
    end loop;
    if not _ok then
      return query select _p, 'type'::text, format('expected %s, found %s', _s -> 'type', _type);
      return;
    end if;
  end if;

  if _s ? 'enum' and not exists (select 1 from jsonb_array_elements(_s -> 'enum') e where e = _v) then
    return query select _p, 'enum'::text, format('must be one of %s', _s -> 'enum');
    return;
  end if;
  if _s ? 'const' and _s -> 'const' <> _v then
    return query select _p, 'const'::text, format('must be %s', _s -> 'const');
    return;
  end if;

  if _type = 'number' then
    _num := (_v #>> '{}')::numeric;
    if _s ? 'minimum' and _num < (_s ->> 'minimum')::numeric then
      return query select _p, 'minimum'::text, format('%s is less than %s', _num, _s ->> 'minimum');
      return;
    end if;
    if _s ? 'maximum' and _num > (_s ->> 'maximum')::numeric then
      return query select _p, 'maximum'::text, format('%s is greater than %s', _num, _s ->> 'maximum');
      return;
    end if;
    if _s ? 'exclusiveMinimum' and _num <= (_s ->> 'exclusiveMinimum')::numeric then
      return query select _p, 'exclusiveMinimum'::text, format('%s is not greater than %s', _num, _s ->> 'exclusiveMinimum');
      return;
    end if;
    if _s ? 'exclusiveMaximum' and _num >= (_s ->> 'exclusiveMaximum')::numeric then
      return query select _p, 'exclusiveMaximum'::text, format('%s is not less than %s', _num, _s ->> 'exclusiveMaximum');
      return;
    end if;
  elsif _type = 'string' then
    _len := char_length(_v #>> '{}');
    if _s ? 'minLength' and _len < (_s ->> 'minLength')::integer then
      return query select _p, 'minLength'::text, format('%s characters, at least %s required', _len, _s ->> 'minLength');
      return;
    end if;
    if _s ? 'maxLength' and _len > (_s ->> 'maxLength')::integer then
      return query select _p, 'maxLength'::text, format('%s characters, at most %s allowed', _len, _s ->> 'maxLength');
      return;
    end if;
    if _s ? 'pattern' and not ((_v #>> '{}') ~ (_s ->> 'pattern')) then
      return query select _p, 'pattern'::text, format('does not match %s', _s ->> 'pattern');
      return;
    end if;
  elsif _type = 'array' then
    _len := jsonb_array_length(_v);
    if _s ? 'minItems' and _len < (_s ->> 'minItems')::integer then
      return query select _p, 'minItems'::text, format('%s items, at least %s required', _len, _s ->> 'minItems');
      return;
    end if;
    if _s ? 'maxItems' and _len > (_s ->> 'maxItems')::integer then
      return query select _p, 'maxItems'::text, format('%s items, at most %s allowed', _len, _s ->> 'maxItems');
      return;
    end if;
    if _s ? 'items' then
      for _i in 0 .. _len - 1 loop
        for _sub in select * from sor.json_schema_violation(_s -> 'items', _v -> _i, _p || '[' || _i || ']') limit 1 loop
          return query select _sub.path, _sub.keyword, _sub.detail;
          return;
        end loop;
      end loop;
    end if;
  elsif _type = 'object' then
    if _s ? 'required' then
      for _key in select x #>> '{}' from jsonb_array_elements(_s -> 'required') x loop
        if not _v ? _key then
          return query select sor.json_path_append(_p, _key), 'required'::text, 'is required'::text;
          return;
        end if;
      end loop;
    end if;
    for _key, _elem in select e.key, e.value from jsonb_each(_v) e order by e.key loop
      if _s -> 'properties' ? _key then
        for _sub in select * from sor.json_schema_violation(_s -> 'properties' -> _key, _elem, sor.json_path_append(_p, _key)) limit 1 loop
          return query select _sub.path, _sub.keyword, _sub.detail;
          return;
        end loop;
      elsif _s ? 'additionalProperties' then
        for _sub in select * from sor.json_schema_violation(_s -> 'additionalProperties', _elem, sor.json_path_append(_p, _key)) limit 1 loop
          return query select _sub.path,
                              case when _sub.keyword = 'false' then 'additionalProperties' else _sub.keyword end,
                              case when _sub.keyword = 'false' then 'is not an allowed property' else _sub.detail end;
          return;
        end loop;
      end if;
    end loop;
  end if;
end
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

CREATE OR REPLACE FUNCTION sor.register_tool(tool_name text, description text, input_schema jsonb, function_oid regprocedure, allowed_kinds text[], side_effects boolean DEFAULT true, enabled boolean DEFAULT true)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _problem text;
  _proc pg_catalog.pg_proc%rowtype;
  _path text;
begin
  if register_tool.tool_name is null or register_tool.tool_name !~ '^[a-z][a-z0-9_]{0,63}$' then
    raise exception 'malformed tool name %', coalesce(quote_literal(register_tool.tool_name), 'NULL')
      using errcode = 'SR073', hint = 'A tool name is lowercase letters, digits and _, starting with a letter, at most 64 characters.';
  end if;
  if register_tool.description is null or length(register_tool.description) not between 1 and 2000 then
    raise exception 'tool % needs a description of 1 to 2000 characters', register_tool.tool_name
      using errcode = 'SR073', hint = 'The description is what a Worker''s model reads to decide when to call the tool.';
  end if;
  _problem := sor.json_schema_problem(register_tool.input_schema);
  if _problem is not null or jsonb_typeof(register_tool.input_schema) <> 'object'
     or register_tool.input_schema ->> 'type' is distinct from 'object' then
    raise exception 'input schema of tool % is not usable: %', register_tool.tool_name,
          coalesce(_problem, 'the top level must be {"type": "object", ...}')
      using errcode = 'SR073', hint = 'Use only the JSON Schema keywords the kit enforces (README, Tool boundary) with an object at the top level.';
  end if;
  select p.* into _proc from pg_catalog.pg_proc p where p.oid = register_tool.function_oid;
  if _proc.prorettype <> 'jsonb'::regtype or _proc.pronargs <> 2
     or _proc.proargtypes[0] <> 'jsonb'::regtype or _proc.proargtypes[1] <> 'jsonb'::regtype then
    raise exception 'tool function % must take (ctx jsonb, args jsonb) and return jsonb', register_tool.function_oid
      using errcode = 'SR073', hint = 'Declare it as: create function schema.name(ctx jsonb, args jsonb) returns jsonb ...';
  end if;
  select substr(c, 13) into _path from unnest(_proc.proconfig) c where c like 'search_path=%';
  if not _proc.prosecdef or _path is null or btrim(reverse(split_part(reverse(_path), ',', 1))) <> 'pg_temp' then
    raise exception 'tool function % must be SECURITY DEFINER with a search_path ending in pg_temp', register_tool.function_oid
      using errcode = 'SR074', hint = 'Add: security definer set search_path = pg_catalog, <schemas>, pg_temp';
  end if;
  if exists (select 1 from pg_catalog.aclexplode(coalesce(_proc.proacl, pg_catalog.acldefault('f', _proc.proowner))) a
              where a.grantee = 0 and a.privilege_type = 'EXECUTE')
     or pg_catalog.has_function_privilege('sor_worker', register_tool.function_oid, 'EXECUTE') then
    raise exception 'tool function % is executable by PUBLIC or by Workers directly', register_tool.function_oid
      using errcode = 'SR074', hint = 'revoke execute on function ... from public; Workers reach tools only through sor_api.call_tool.';
  end if;
  insert into sor.tools as t (tool_name, description, input_schema, function_oid, allowed_kinds, side_effects, enabled)
  values (register_tool.tool_name, register_tool.description, register_tool.input_schema, register_tool.function_oid,
          coalesce(register_tool.allowed_kinds, '{}'), coalesce(register_tool.side_effects, true), coalesce(register_tool.enabled, true))
  on conflict on constraint tools_pkey do update
     set description = excluded.description, input_schema = excluded.input_schema,
         function_oid = excluded.function_oid, allowed_kinds = excluded.allowed_kinds,
         side_effects = excluded.side_effects, enabled = excluded.enabled,
         registered_at = pg_catalog.now(), registered_by = session_user;
end
$function$;

CREATE OR REPLACE FUNCTION sor.stream_lock_key(tenant_id text, stream text)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select pg_catalog.hashtextextended(stream_lock_key.tenant_id || '/' || stream_lock_key.stream, 7031)
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

CREATE OR REPLACE FUNCTION sor.worker_kind()
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _kind text;
begin
  select w.kind into _kind from sor.workers w where w.role_name = session_user;
  if not found then
    raise exception 'role % is not a registered Worker', session_user
      using errcode = 'SR071', hint = 'An admin registers it with sor_api.register_worker(role_name, kind).';
  end if;
  return _kind;
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

CREATE OR REPLACE FUNCTION sor_api.call_tool(run_id uuid, tool text, args jsonb, idempotency_key text DEFAULT NULL::text)
 RETURNS TABLE(tool_call_id uuid, ok boolean, result jsonb, error jsonb, replayed boolean)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _tool sor.tools%rowtype;
  _kind text;
  _violation record;
  _begin record;
  _tenant text;
  _fn text;
  _result jsonb;
  _error jsonb;
  _state text;
  _message text;
  _hint text;
  _detail text;
begin
  select t.* into _tool from sor.tools t where t.tool_name = call_tool.tool and t.enabled;
  if not found then
    raise exception 'unknown or disabled tool %', coalesce(quote_literal(call_tool.tool), 'NULL')
      using errcode = 'SR070', hint = 'sor_api.list_tools() lists the tools you may call.';
  end if;
  _kind := sor.worker_kind();
  if not (_kind = any (_tool.allowed_kinds)) then
    raise exception 'worker kind % may not call tool %', _kind, _tool.tool_name
      using errcode = 'SR071', hint = 'sor_api.list_tools() lists the tools your kind may call.';
  end if;
  if call_tool.args is null or jsonb_typeof(call_tool.args) <> 'object' then
    raise exception 'arguments of tool % must be a JSON object', _tool.tool_name
      using errcode = 'SR072', hint = 'Pass the arguments as one JSON object matching the tool''s input schema.';
  end if;
  select v.* into _violation from sor.json_schema_violation(_tool.input_schema, call_tool.args) v limit 1;
  if found then
    raise exception 'argument % of tool % violates %: %', _violation.path, _tool.tool_name, _violation.keyword, _violation.detail
      using errcode = 'SR072', hint = 'Fix that argument to match the tool''s input schema (see sor_api.list_tools()).';
  end if;

  select b.* into _begin from sor.tool_call_begin(call_tool.run_id, _tool.tool_name, call_tool.args, call_tool.idempotency_key) b;
  if _begin.replayed then
    return query select _begin.tool_call_id, _begin.status = 'succeeded', _begin.result, _begin.error, true;
    return;
  end if;

  select r.tenant_id into _tenant from sor.runs r where r.run_id = call_tool.run_id;
  select format('%I.%I', n.nspname, p.proname) into _fn
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where p.oid = _tool.function_oid;
  begin
    execute format('select %s($1, $2)', _fn) into _result
      using jsonb_build_object('tenant_id', _tenant, 'run_id', call_tool.run_id, 'tool_call_id', _begin.tool_call_id,
                               'tool', _tool.tool_name, 'worker', session_user::text, 'kind', _kind),
            call_tool.args;
  exception when others then
    get stacked diagnostics _state = returned_sqlstate, _message = message_text, _hint = pg_exception_hint,
                            _detail = pg_exception_detail;
    _result := null;
    _error := jsonb_strip_nulls(jsonb_build_object('sqlstate', _state, 'message', _message,
                                                   'hint', nullif(_hint, ''), 'detail', nullif(_detail, '')));
  end;
  perform sor.tool_call_finish(_begin.tool_call_id, _result, _error);
  return query select _begin.tool_call_id, _error is null, _result, _error, false;
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

CREATE OR REPLACE FUNCTION sor_api.list_tools()
 RETURNS TABLE(tool_name text, description text, input_schema jsonb, side_effects boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _kind text := sor.worker_kind();
begin
  return query
    select t.tool_name, t.description, t.input_schema, t.side_effects
      from sor.tools t
     where t.enabled and _kind = any (t.allowed_kinds)
     order by t.tool_name;
end
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
-- function sor.certify__060_tools() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify_raw() owner sor_owner: sor_owner=EXECUTE
-- function sor.current_tenants() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE
-- function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.json_path_append(path text, key text) owner sor_owner: sor_owner=EXECUTE
-- function sor.json_schema_problem(schema jsonb, path text) owner sor_owner: sor_owner=EXECUTE
-- function sor.json_schema_violation(schema jsonb, value jsonb, at_path text) owner sor_owner: sor_owner=EXECUTE
-- function sor.kit_schemas() owner sor_owner: sor_owner=EXECUTE
-- function sor.register_tool(tool_name text, description text, input_schema jsonb, function_oid regprocedure, allowed_kinds text[], side_effects boolean, enabled boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor.stream_lock_key(tenant_id text, stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__chain() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__refuse_change() owner sor_owner: sor_owner=EXECUTE
-- function sor.worker_kind() owner sor_owner: sor_owner=EXECUTE
-- function sor_api.add_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.add_tenant(tenant_id text, display_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.call_tool(run_id uuid, tool text, args jsonb, idempotency_key text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.certify() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.list_tools() owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.register_domain_schema(schema_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.remove_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- schema sor owner sor_owner: sor_admin=USAGE, sor_auditor=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE
-- schema sor_api owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_dispatcher=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE, sor_worker=USAGE
-- sequence sor.events_position_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.outbox_outbox_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- table sor.domain_schemas owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.events owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.outbox owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_members owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenants owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tools owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
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
comment on column sor.tools.allowed_kinds is 'Worker kinds (sor.workers.kind) allowed to call the tool; empty means nobody.';
comment on column sor.tools.function_oid is 'SECURITY DEFINER function (ctx jsonb, args jsonb) returns jsonb, executable by neither PUBLIC nor Workers.';
comment on column sor.tools.side_effects is 'Whether the tool writes: a read-only tool can be retried freely, a writing tool should be called with an idempotency key.';
comment on function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Internal append used by the kit''s triggers and functions: validates, checks the optional expected version under the stream lock, inserts (the chain trigger does the rest).';
comment on function sor.certify__010_foundation() is 'Foundation catalog sweeps: RLS forced on tenant tables, no PUBLIC privileges, pinned search_path, least-privilege roles, ownership, no worker table access, comments.';
comment on function sor.certify__060_tools() is 'Tool boundary checks: tool functions locked down, schemas enforceable, Workers granted call_tool and list_tools.';
comment on function sor.certify_raw() is 'Runs every sor.certify__* check function in name order and returns one row per object checked.';
comment on function sor.current_tenants() is 'Tenants of current_user according to sor.tenant_members; the only source of tenant identity for policies.';
comment on function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) is 'Creates a policy when missing, ALTERs it when present; never drops. Used by db/policies so re-applying a repeatable file passes the drop guard.';
comment on function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) is 'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it.';
comment on function sor.json_path_append(path text, key text) is 'Extends a JSON path with an object key: $.name, or $["odd key"] when the key is not an identifier.';
comment on function sor.json_schema_problem(schema jsonb, path text) is 'NULL when a JSON Schema uses only the keywords the kit enforces, else where and what is wrong. register_tool refuses a schema that would promise checks the kit does not make.';
comment on function sor.json_schema_violation(schema jsonb, value jsonb, at_path text) is 'The first violation of a JSON Schema by a value (path such as $.items[2].name, keyword, detail), or no row when the value is valid. Supported keywords: see sor.json_schema_problem.';
comment on function sor.kit_schemas() is 'Schemas certify() sweeps and the drop guard protects: sor, sor_api and every registered domain schema.';
comment on function sor.register_tool(tool_name text, description text, input_schema jsonb, function_oid regprocedure, allowed_kinds text[], side_effects boolean, enabled boolean) is 'Registers or updates a tool (called by migrations as the owner). SR073 malformed name, description, schema or signature; SR074 the function is not a locked-down SECURITY DEFINER function.';
comment on function sor.stream_lock_key(tenant_id text, stream text) is 'Advisory lock key of one stream: appends to one stream serialize on it, appends to different streams never wait on each other.';
comment on function sor.tg_events__chain() is 'BEFORE INSERT on sor.events: serializes the stream, assigns the next version, links prev_hash, stamps actor and database time, computes hash. No insert path can skip it.';
comment on function sor.tg_events__refuse_change() is 'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on append-only tables: always refuses, for every role, the owner included.';
comment on function sor.worker_kind() is 'Kind of the calling Worker (by session_user); SR071 when the caller is not a registered Worker.';
comment on function sor_api.add_member(tenant_id text, role_name text) is 'Makes an existing, unprivileged login role a member of a tenant. SR001 malformed tenant, SR002 unknown tenant, SR003 unknown role, SR004 duplicate, SR005 privileged role.';
comment on function sor_api.add_tenant(tenant_id text, display_name text) is 'Creates a tenant. SR001 for a malformed id or display name, SR004 when the id exists.';
comment on function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Appends one event for a tenant the caller is a member of. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR011 bad input, SR012 over 1 MiB, SR014 not a member.';
comment on function sor_api.call_tool(run_id uuid, tool text, args jsonb, idempotency_key text) is 'The only way a Worker acts: checks the allow-list for its kind, validates args against the tool''s JSON Schema (SR072 names the path), journals the call, runs the tool in a subtransaction (a failing tool leaves its error in the journal and none of its writes; ok = false), and replays a finished call for a repeated idempotency key.';
comment on function sor_api.certify() is 'The CI gate: one row per check of the six system-of-record properties (failing checks show one row per failing object). Zero rows with ok = false means certified.';
comment on function sor_api.list_tools() is 'The tools the calling Worker''s kind may call, with their descriptions and input schemas. SR071 for a caller that is not a registered Worker.';
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
comment on table sor.domain_schemas is 'Domain schemas (such as reconciler) that certify() sweeps and the drop guard protects, besides sor and sor_api.';
comment on table sor.events is 'Append-only, hash-chained event log. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner).';
comment on table sor.outbox is 'Transactional outbox: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on table sor.tenant_members is 'Which login roles act for which tenants. Policies find the caller''s tenants here by current_user.';
comment on table sor.tenants is 'One row per tenant. tenant_id is a stable lowercase slug that leads every tenant-scoped key.';
comment on table sor.tools is 'Tools Workers may call through sor_api.call_tool: name, description, JSON Schema of the input, implementing function and allowed worker kinds. Written only by sor.register_tool in migrations.';
comment on trigger events_chain on sor.events is 'Links every inserted event into its stream''s hash chain.';
comment on trigger events_refuse_truncate on sor.events is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger events_refuse_update_delete on sor.events is 'Append-only: refuses UPDATE (including ON CONFLICT DO UPDATE) and DELETE for every role.';
comment on view sor_api.tenant_members is 'Memberships visible to the caller: a tenant member sees its own memberships, an auditor sees all.';
comment on view sor_api.tenants is 'Tenants visible to the caller: a tenant member sees its own tenants, an auditor sees all.';
