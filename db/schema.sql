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

create table sor.append_only_tables (
  table_schema name not null,
  table_name name not null,
  registered_at timestamp with time zone default now() not null,
  registered_by name default SESSION_USER not null,
  constraint append_only_tables_pkey PRIMARY KEY (table_schema, table_name)
);

create table sor.domain_schemas (
  schema_name name not null,
  registered_at timestamp with time zone default now() not null,
  constraint domain_schemas_pkey PRIMARY KEY (schema_name)
);

create table sor.events (
  tenant_id text not null,
  "position" bigint not null,
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

CREATE INDEX events_occurred_at_idx ON sor.events USING btree (occurred_at, "position");
CREATE INDEX events_position_idx ON sor.events USING btree ("position");
CREATE INDEX events_tx_position_idx ON sor.events USING btree (tx_id, "position");
CREATE INDEX outbox_event_id_idx ON sor.outbox USING btree (event_id);
CREATE INDEX outbox_leased_idx ON sor.outbox USING btree (lease_expires_at) WHERE (status = 'leased'::text);
CREATE INDEX outbox_ready_idx ON sor.outbox USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text]));
CREATE INDEX outbox_run_idx ON sor.outbox USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL);
CREATE INDEX tenant_members_role_name_idx ON sor.tenant_members USING btree (role_name, tenant_id);

-- views

create view sor_api.events with (security_invoker=true, security_barrier=true) as
 SELECT "position",
    tenant_id,
    stream,
    version,
    type,
    payload,
    metadata,
    actor,
    occurred_at,
    tx_id,
    encode(prev_hash, 'hex'::text) AS prev_hash,
    encode(hash, 'hex'::text) AS hash
   FROM sor.events e;

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
AS $function$
declare
  _current integer;
  _row sor.events;
begin
  if append_event.tenant_id is null or append_event.stream is null or append_event.type is null then
    raise exception 'tenant_id, stream and type are required'
      using errcode = 'SR011', hint = 'Pass a tenant id, a stream such as expense-42 and an event type.';
  end if;
  if append_event.stream !~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' or pg_catalog.length(append_event.stream) > 200 then
    raise exception 'malformed stream name %', pg_catalog.quote_literal(append_event.stream)
      using errcode = 'SR011', hint = 'A stream is category-id: a lowercase category, optionally a hyphen and an id (at most 200 characters), e.g. expense-42.';
  end if;
  if append_event.type !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' or pg_catalog.length(append_event.type) > 100 then
    raise exception 'malformed event type %', pg_catalog.quote_literal(append_event.type)
      using errcode = 'SR011', hint = 'An event type starts with a letter and has at most 100 letters, digits, _ . : or -.';
  end if;
  if pg_catalog.jsonb_typeof(coalesce(append_event.payload, 'null')) <> 'object'
     or pg_catalog.jsonb_typeof(coalesce(append_event.metadata, 'null')) <> 'object' then
    raise exception 'payload and metadata of % must be JSON objects', append_event.stream
      using errcode = 'SR011', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  if pg_catalog.octet_length(append_event.payload::text) + pg_catalog.octet_length(append_event.metadata::text) > 1048576 then
    raise exception 'event for stream % is larger than 1 MiB', append_event.stream
      using errcode = 'SR012', hint = 'Store large content elsewhere and put its sha256 and a reference in the event.';
  end if;
  perform 1 from sor.tenants t where t.tenant_id = append_event.tenant_id;
  if not found then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(append_event.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  if append_event.expected_version is not null then
    if append_event.expected_version < 0 then
      raise exception 'expected version % of stream % is negative', append_event.expected_version, append_event.stream
        using errcode = 'SR011', hint = 'Pass 0 for a new stream, or the version you last read.';
    end if;
    perform pg_catalog.pg_advisory_xact_lock(sor.stream_lock_key(append_event.tenant_id, append_event.stream));
    select coalesce(pg_catalog.max(e.version), 0) into _current
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

CREATE OR REPLACE FUNCTION sor.certify__020_events()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with refusers as (
    select p.oid from pg_catalog.pg_proc p
     where p.pronamespace = 'sor'::regnamespace and p.proname ~ '^tg_.+__refuse_change$'
  ), triggers as (
    -- tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate. A trigger counts
    -- only without a WHEN condition and, for UPDATE, without a column list (UPDATE OF x).
    select t.tgrelid, t.tgname, t.tgenabled, t.tgtype::integer as tgtype, t.tgfoid,
           t.tgqual is null as no_when,
           coalesce(pg_catalog.array_length(t.tgattr::int2[], 1), 0) = 0 as all_columns
      from pg_catalog.pg_trigger t
     where not t.tgisinternal
  ), append_only as (
    select r.table_schema::text as table_schema, r.table_name::text as table_name,
           pg_catalog.to_regclass(pg_catalog.format('%I.%I', r.table_schema, r.table_name))::oid as relid
      from sor.append_only_tables r
    union
    select n.nspname::text, c.relname::text, c.oid
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in (select sor.kit_schemas())
       and exists (select 1 from triggers t where t.tgrelid = c.oid and t.tgfoid in (select r.oid from refusers r))
  ), needs as (
    select a.table_schema, a.table_name, a.relid, k.kind, k.bits
      from append_only a
     cross join (values ('UPDATE', 1 | 2 | 16), ('DELETE', 1 | 2 | 8), ('TRUNCATE', 2 | 32)) k(kind, bits)
  ), judged as (
    select n.*,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.tgfoid in (select r.oid from refusers r)
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.no_when and (t.all_columns or n.bits & 16 = 0) and t.tgenabled = 'A') as good,
           (select pg_catalog.string_agg(t.tgname || ' (enabled ' || t.tgenabled::text || ')', ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.tgfoid in (select r.oid from refusers r)
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.tgenabled <> 'A') as weak
      from needs n
  ), event_triggers as (
    select k.what, k.fn, k.bits,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = 'sor.events'::regclass and t.tgfoid = k.fn
               and t.tgtype & k.bits = k.bits and t.tgtype & 1 = k.bits & 1
               and t.no_when and (t.all_columns or k.bits & 16 = 0) and t.tgenabled = 'A') as good
      from (values ('sor.events: chain on INSERT', 'sor.tg_events__chain()'::regprocedure::oid, 1 | 2 | 4),
                   ('sor.events: refuse UPDATE statements', 'sor.tg_events__refuse_change()'::regprocedure::oid, 2 | 16),
                   ('sor.events: refuse DELETE statements', 'sor.tg_events__refuse_change()'::regprocedure::oid, 2 | 8)) k(what, fn, bits)
  ), chains as (
    select c.* from sor.verify_event_chains(null, null) c
  )
  select 'policy-bound', 'append-only tables refuse UPDATE, DELETE and TRUNCATE (ENABLE ALWAYS)',
         pg_catalog.format('%I.%I: %s', j.table_schema, j.table_name, j.kind),
         j.relid is not null and j.good is not null,
         case when j.relid is null then 'registered in sor.append_only_tables but missing'
              when j.good is not null then 'BEFORE ' || j.kind || ' trigger ' || j.good
              when j.weak is not null then 'not ENABLE ALWAYS: ' || j.weak
              else 'no unconditional BEFORE ' || j.kind
                   || case when j.kind = 'TRUNCATE' then ' statement' else ' row' end
                   || ' trigger calling a refusing function' end
    from judged j
  union all
  select 'replayable', 'event log triggers are ENABLE ALWAYS', e.what, e.good is not null,
         coalesce('trigger ' || e.good, 'no unconditional ENABLE ALWAYS trigger')
    from event_triggers e
  union all
  select 'replayable', 'event hash chains verify', 'sor.events', true,
         pg_catalog.format('%s streams, %s events intact',
                           (select pg_catalog.count(*) from chains), (select coalesce(pg_catalog.sum(x.events), 0) from chains x))
   where not exists (select 1 from chains c where c.problem is not null)
  union all
  select 'replayable', 'event hash chains verify', pg_catalog.format('sor.events %s/%s', c.tenant_id, c.stream), false,
         pg_catalog.format('%s at position %s: %s', c.problem, c.position, c.detail)
    from chains c
   where c.problem is not null
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

CREATE OR REPLACE FUNCTION sor.check_max_rows(max_rows integer)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if check_max_rows.max_rows is null or check_max_rows.max_rows < 1 or check_max_rows.max_rows > 10000 then
    raise exception 'max_rows % is out of range', coalesce(check_max_rows.max_rows::text, 'NULL')
      using errcode = 'SR016', hint = 'Ask for 1 to 10000 rows per call and page on.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.check_verify_scope(for_tenant text, for_stream text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if check_verify_scope.for_stream is not null and check_verify_scope.for_tenant is null then
    raise exception 'stream % needs a tenant', pg_catalog.quote_literal(check_verify_scope.for_stream)
      using errcode = 'SR011', hint = 'Pass the tenant id with the stream, or neither to verify everything.';
  end if;
  if check_verify_scope.for_tenant is not null
     and not exists (select 1 from sor.tenants t where t.tenant_id = check_verify_scope.for_tenant) then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(check_verify_scope.for_tenant)
      using errcode = 'SR002', hint = 'List the tenants in sor_api.tenants.';
  end if;
  if check_verify_scope.for_stream is not null
     and not exists (select 1 from sor.events e
                      where e.tenant_id = check_verify_scope.for_tenant and e.stream = check_verify_scope.for_stream) then
    raise exception 'unknown stream % of tenant %', pg_catalog.quote_literal(check_verify_scope.for_stream),
          pg_catalog.quote_literal(check_verify_scope.for_tenant)
      using errcode = 'SR015', hint = 'A stream exists once its first event is appended; list streams in sor_api.events.';
  end if;
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
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
AS $function$
begin
  -- jsonb text is canonical (keys sorted, whitespace normalised); the timestamp is rendered in
  -- UTC with microseconds, so the encoding does not depend on the session's TimeZone.
  return pg_catalog.sha256(
           coalesce(event_hash.prev_hash, '\x'::bytea)
           || pg_catalog.convert_to(
                pg_catalog.jsonb_build_array(
                  event_hash.tenant_id, event_hash.stream, event_hash.version, event_hash.type,
                  event_hash.payload, event_hash.metadata, event_hash.actor::text,
                  pg_catalog.to_char(event_hash.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  event_hash."position")::text,
                'UTF8'));
end
$function$;

CREATE OR REPLACE FUNCTION sor.event_reader_sees(tenant_id text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER')
      or exists (select 1 from sor.tenant_members m
                  where m.tenant_id = event_reader_sees.tenant_id and m.role_name = session_user)
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

CREATE OR REPLACE FUNCTION sor.stream_lock_key(tenant_id text, stream text)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  select pg_catalog.hashtextextended(stream_lock_key.tenant_id || '/' || stream_lock_key.stream, 7031)
$function$;

CREATE OR REPLACE FUNCTION sor.tg_events__chain()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
declare
  _last_version integer;
  _last_hash bytea;
begin
  perform pg_catalog.pg_advisory_xact_lock(sor.stream_lock_key(new.tenant_id, new.stream));
  -- Volatile function under READ COMMITTED: this query takes a fresh snapshot, so it sees the
  -- append of the writer that held the stream lock before us.
  select e.version, e.hash into _last_version, _last_hash
    from sor.events e
   where e.tenant_id = new.tenant_id and e.stream = new.stream
   order by e.version desc
   limit 1;
  -- The position is drawn under the stream lock, so within one stream positions rise with
  -- versions: a replay in position order applies every stream's events in version order.
  new.position := pg_catalog.nextval('sor.events_position_seq'::regclass);
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
  raise exception '%.% is append-only: % refused', tg_table_schema, tg_table_name, tg_op
    using errcode = 'SR010',
          hint = 'Rows of an append-only table are never changed or removed. Append a compensating row instead.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.verify_event_chains(for_tenant text, for_stream text)
 RETURNS TABLE(tenant_id text, stream text, events bigint, "position" bigint, version integer, expected_hash bytea, found_hash bytea, problem text, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  -- Each event is judged against its predecessor in version order. Checks, first failing wins:
  --   version_gap         version is not the previous version + 1 (a deleted event)
  --   out_of_order        position is not above the previous event's (reordered events)
  --   prev_hash_mismatch  prev_hash is not the previous event's hash (deleted, spliced, swapped)
  --   hash_mismatch       hash is not sor.event_hash() of the row's own content (a modified event)
  -- For the link checks expected/found are the previous event's hash and this event's prev_hash;
  -- for hash_mismatch the recomputed and the stored hash.
  with ev as materialized (
    select e.tenant_id, e.stream, e.position, e.version, e.prev_hash, e.hash,
           sor.event_hash(e.prev_hash, e.tenant_id, e.stream, e.version, e.type, e.payload,
                          e.metadata, e.actor, e.occurred_at, e.position) as computed,
           pg_catalog.lag(e.hash) over w as link_hash,
           pg_catalog.lag(e.position) over w as link_position,
           pg_catalog.lag(e.version) over w as link_version
      from sor.events e
     where (verify_event_chains.for_tenant is null or e.tenant_id = verify_event_chains.for_tenant)
       and (verify_event_chains.for_stream is null or e.stream = verify_event_chains.for_stream)
    window w as (partition by e.tenant_id, e.stream order by e.version)
  ), judged as (
    select ev.*,
           case when ev.version <> coalesce(ev.link_version, 0) + 1 then 'version_gap'
                when ev.link_position is not null and ev.position <= ev.link_position then 'out_of_order'
                when ev.prev_hash is distinct from ev.link_hash then 'prev_hash_mismatch'
                when ev.hash is distinct from ev.computed then 'hash_mismatch'
           end as problem
      from ev
  ), firsts as (
    select distinct on (j.tenant_id, j.stream) j.*
      from judged j
     where j.problem is not null
     order by j.tenant_id, j.stream, j.version
  ), streams as (
    select ev.tenant_id, ev.stream, pg_catalog.count(*) as events
      from ev
     group by ev.tenant_id, ev.stream
  )
  select s.tenant_id, s.stream, s.events, f.position, f.version,
         case when f.problem = 'hash_mismatch' then f.computed else f.link_hash end,
         case when f.problem = 'hash_mismatch' then f.hash else f.prev_hash end,
         f.problem,
         case f.problem
           when 'version_gap' then pg_catalog.format('version %s follows version %s: expected version %s',
                                                     f.version, coalesce(f.link_version, 0), coalesce(f.link_version, 0) + 1)
           when 'out_of_order' then pg_catalog.format('position %s of version %s is not above position %s of version %s',
                                                      f.position, f.version, f.link_position, f.link_version)
           when 'prev_hash_mismatch' then pg_catalog.format('prev_hash of version %s is not the hash of version %s',
                                                            f.version, coalesce(f.link_version::text, '(none)'))
           when 'hash_mismatch' then pg_catalog.format('content of version %s does not match its hash', f.version)
         end
    from streams s
    left join firsts f on f.tenant_id = s.tenant_id and f.stream = s.stream
   order by s.tenant_id, s.stream
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
  if append_event.tenant_id is null then
    raise exception 'tenant_id is required'
      using errcode = 'SR011', hint = 'Pass the id of a tenant you are a member of.';
  end if;
  -- Membership before existence: a caller learns nothing about tenants it does not belong to.
  perform 1 from sor.tenant_members m
   where m.tenant_id = append_event.tenant_id and m.role_name = session_user;
  if not found then
    raise exception 'role % may not append events for tenant %', session_user, quote_literal(append_event.tenant_id)
      using errcode = 'SR014', hint = 'A caller appends only for tenants it is a member of (sor_api.add_member).';
  end if;
  _row := sor.append_event(append_event.tenant_id, append_event.stream, append_event.type,
                           append_event.payload,
                           coalesce(append_event.metadata, '{}'::jsonb), append_event.expected_version);
  return query select _row.position, _row.version, encode(_row.hash, 'hex');
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

CREATE OR REPLACE FUNCTION sor_api.events_since(after_position bigint DEFAULT 0, max_rows integer DEFAULT 1000)
 RETURNS TABLE("position" bigint, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, tx_id xid8, prev_hash text, hash text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _cursor_tx xid8 := '0'::xid8;
  _horizon xid8;
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
  _tenants text[] := array(select m.tenant_id from sor.tenant_members m where m.role_name = session_user);
begin
  if events_since.after_position is null or events_since.after_position < 0 then
    raise exception 'after_position % is not a position', coalesce(events_since.after_position::text, 'NULL')
      using errcode = 'SR011', hint = 'Pass 0 to read from the start, then the position of the last event you processed.';
  end if;
  perform sor.check_max_rows(events_since.max_rows);
  if events_since.after_position > 0 then
    select e.tx_id into _cursor_tx
      from sor.events e
     where e.position = events_since.after_position and sor.event_reader_sees(e.tenant_id);
    if not found then
      raise exception 'no event at position % visible to %', events_since.after_position, session_user
        using errcode = 'SR015', hint = 'Pass 0, or the position of an event events_since returned to you.';
    end if;
  end if;
  -- Every transaction older than the snapshot's xmin has ended: its events are visible now or
  -- never will be. Reading in (tx_id, position) order up to that horizon returns a prefix of the
  -- final order, so a consumer that resumes after the last row it got never skips an event.
  _horizon := pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot());
  return query
    select e.position, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
           e.occurred_at, e.tx_id, pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     where (e.tx_id, e.position) > (_cursor_tx, events_since.after_position)
       and e.tx_id < _horizon
       and (_all or e.tenant_id = any (_tenants))
     order by e.tx_id, e.position
     limit events_since.max_rows;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.read_stream(tenant_id text, stream text, from_version integer DEFAULT 1, max_rows integer DEFAULT 1000)
 RETURNS TABLE("position" bigint, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, prev_hash text, hash text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if read_stream.tenant_id is null or read_stream.stream is null
     or read_stream.from_version is null or read_stream.from_version < 1 then
    raise exception 'tenant_id, stream and a from_version of 1 or more are required'
      using errcode = 'SR011', hint = 'Pass a tenant id, a stream such as expense-42 and the first version to read (1 for all).';
  end if;
  perform sor.check_max_rows(read_stream.max_rows);
  if not sor.event_reader_sees(read_stream.tenant_id) then
    raise exception 'role % may not read events of tenant %', session_user, pg_catalog.quote_literal(read_stream.tenant_id)
      using errcode = 'SR014', hint = 'A caller reads only tenants it is a member of (sor_api.add_member), or is an auditor.';
  end if;
  if not exists (select 1 from sor.tenants t where t.tenant_id = read_stream.tenant_id) then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(read_stream.tenant_id)
      using errcode = 'SR002', hint = 'List the tenants in sor_api.tenants.';
  end if;
  if not exists (select 1 from sor.events e where e.tenant_id = read_stream.tenant_id and e.stream = read_stream.stream) then
    raise exception 'unknown stream % of tenant %', pg_catalog.quote_literal(read_stream.stream), pg_catalog.quote_literal(read_stream.tenant_id)
      using errcode = 'SR015', hint = 'A stream exists once its first event is appended: append with expected_version 0 to start it.';
  end if;
  return query
    select e.position, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at,
           pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     where e.tenant_id = read_stream.tenant_id and e.stream = read_stream.stream
       and e.version >= read_stream.from_version
     order by e.version
     limit read_stream.max_rows;
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

CREATE OR REPLACE FUNCTION sor_api.verify_events(for_tenant text DEFAULT NULL::text, for_stream text DEFAULT NULL::text)
 RETURNS TABLE(tenant_id text, stream text, "position" bigint, version integer, expected_hash text, found_hash text, problem text, detail text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  perform sor.check_verify_scope(verify_events.for_tenant, verify_events.for_stream);
  return query
    select c.tenant_id, c.stream, c.position, c.version,
           pg_catalog.encode(c.expected_hash, 'hex'), pg_catalog.encode(c.found_hash, 'hex'),
           c.problem, c.detail
      from sor.verify_event_chains(verify_events.for_tenant, verify_events.for_stream) c
     where c.problem is not null
     order by c.tenant_id, c.stream;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.verify_events_summary(for_tenant text DEFAULT NULL::text, for_stream text DEFAULT NULL::text)
 RETURNS TABLE(streams bigint, events bigint, broken_streams bigint, intact boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  perform sor.check_verify_scope(verify_events_summary.for_tenant, verify_events_summary.for_stream);
  return query
    select pg_catalog.count(*), coalesce(pg_catalog.sum(c.events), 0)::bigint,
           pg_catalog.count(*) filter (where c.problem is not null),
           pg_catalog.count(*) filter (where c.problem is not null) = 0
      from sor.verify_event_chains(verify_events_summary.for_tenant, verify_events_summary.for_stream) c;
end
$function$;

-- triggers

CREATE TRIGGER append_only_tables_refuse_truncate BEFORE TRUNCATE ON sor.append_only_tables FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_events__refuse_change();
alter table sor.append_only_tables enable always trigger append_only_tables_refuse_truncate;
CREATE TRIGGER append_only_tables_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.append_only_tables FOR EACH ROW EXECUTE FUNCTION sor.tg_events__refuse_change();
alter table sor.append_only_tables enable always trigger append_only_tables_refuse_update_delete;
CREATE TRIGGER events_chain BEFORE INSERT ON sor.events FOR EACH ROW EXECUTE FUNCTION sor.tg_events__chain();
alter table sor.events enable always trigger events_chain;
CREATE TRIGGER events_refuse_statement BEFORE DELETE OR UPDATE ON sor.events FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_statement;
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
-- function sor.certify__020_events() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify_raw() owner sor_owner: sor_owner=EXECUTE
-- function sor.check_max_rows(max_rows integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.check_verify_scope(for_tenant text, for_stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.current_tenants() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE
-- function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_reader_sees(tenant_id text) owner sor_owner: sor_owner=EXECUTE
-- function sor.kit_schemas() owner sor_owner: sor_owner=EXECUTE
-- function sor.stream_lock_key(tenant_id text, stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__chain() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__refuse_change() owner sor_owner: sor_owner=EXECUTE
-- function sor.verify_event_chains(for_tenant text, for_stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor_api.add_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.add_tenant(tenant_id text, display_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.certify() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.events_since(after_position bigint, max_rows integer) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.read_stream(tenant_id text, stream text, from_version integer, max_rows integer) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.register_domain_schema(schema_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.remove_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.verify_events(for_tenant text, for_stream text) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.verify_events_summary(for_tenant text, for_stream text) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE
-- schema sor owner sor_owner: sor_admin=USAGE, sor_auditor=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE
-- schema sor_api owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_dispatcher=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE, sor_worker=USAGE
-- sequence sor.events_position_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.outbox_outbox_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- table sor.append_only_tables owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.domain_schemas owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.events owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.outbox owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_members owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenants owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- view sor_api.events owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
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
-- column grants on sor.events.tx_id: sor_auditor=SELECT, sor_tenant=SELECT
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

comment on column sor.append_only_tables.registered_by is 'session_user of the migration that registered the table.';
comment on column sor.append_only_tables.table_schema is 'Schema of the registered table; kept by name so a dropped table shows up in certify() as missing.';
comment on column sor.events."position" is 'Global replay order across all tenants and streams, drawn from sor.events_position_seq by the chain trigger under the stream lock; gaps are normal (rolled back appends).';
comment on column sor.events.actor is 'session_user of the connection that appended the event.';
comment on column sor.events.hash is 'sha256(prev_hash || canonical encoding of the row), computed by the database on insert.';
comment on column sor.events.metadata is 'run_id, tool_call_id, step, correlation_id, causation_id and other context; not business data.';
comment on column sor.events.prev_hash is 'hash of the previous event of the same stream; NULL for version 1.';
comment on column sor.events.stream is 'category-id, e.g. expense-42 or run-<uuid>; the category is the part before the first hyphen.';
comment on column sor.events.tx_id is 'Appending transaction; events_since() reads in (tx_id, position) order and returns only rows whose transaction is older than every transaction still in flight.';
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
comment on function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Internal append used by the kit''s triggers and functions: validates, checks the optional expected version under the stream lock, inserts (the chain trigger does the rest). Executable by sor_owner only; no SET clause (hot path): its callers are pinned definer functions.';
comment on function sor.certify__010_foundation() is 'Foundation catalog sweeps: RLS forced on tenant tables, no PUBLIC privileges, pinned search_path, least-privilege roles, ownership, no worker table access, comments.';
comment on function sor.certify__020_events() is 'Events checks: append-only tables (registered or carrying a refusing trigger) refuse UPDATE, DELETE and TRUNCATE with ENABLE ALWAYS triggers; the event log''s chain and statement triggers are ENABLE ALWAYS; every hash chain verifies.';
comment on function sor.certify_raw() is 'Runs every sor.certify__* check function in name order and returns one row per object checked.';
comment on function sor.check_max_rows(max_rows integer) is 'SR016 unless 1 <= max_rows <= 10000: the page size of the event readers.';
comment on function sor.check_verify_scope(for_tenant text, for_stream text) is 'Validates the scope of verify_events / verify_events_summary: SR011 stream without tenant, SR002 unknown tenant, SR015 unknown stream.';
comment on function sor.current_tenants() is 'Tenants of current_user according to sor.tenant_members; the only source of tenant identity for policies.';
comment on function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) is 'Creates a policy when missing, ALTERs it when present; never drops. Used by db/policies so re-applying a repeatable file passes the drop guard.';
comment on function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) is 'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it. No SET clause (hot path): every name is qualified and its callers pin search_path.';
comment on function sor.event_reader_sees(tenant_id text) is 'True when session_user may read the tenant''s events: an auditor, or a member of the tenant.';
comment on function sor.kit_schemas() is 'Schemas certify() sweeps and the drop guard protects: sor, sor_api and every registered domain schema.';
comment on function sor.stream_lock_key(tenant_id text, stream text) is 'Advisory lock key of one stream: appends to one stream serialize on it, appends to different streams never wait on each other. No SET clause, so it is inlined.';
comment on function sor.tg_events__chain() is 'BEFORE INSERT on sor.events: serializes the stream, draws the position under the stream lock, assigns the next version, links prev_hash, stamps actor, database time and transaction, computes hash. No insert path can skip it. No SET clause (hot path): names are qualified, and only the owner''s pinned definer functions and superusers insert.';
comment on function sor.tg_events__refuse_change() is 'Refusal trigger of every append-only table (BEFORE UPDATE/DELETE row and statement, BEFORE TRUNCATE): always raises SR010, for every role, the owner included.';
comment on function sor.verify_event_chains(for_tenant text, for_stream text) is 'One row per stream checked (all streams, one tenant''s, or one stream): the first broken link of its hash chain, or NULL problem when intact.';
comment on function sor_api.add_member(tenant_id text, role_name text) is 'Makes an existing, unprivileged login role a member of a tenant. SR001 malformed tenant, SR002 unknown tenant, SR003 unknown role, SR004 duplicate, SR005 privileged role.';
comment on function sor_api.add_tenant(tenant_id text, display_name text) is 'Creates a tenant. SR001 for a malformed id or display name, SR004 when the id exists.';
comment on function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Appends one event for a tenant the caller is a member of. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR011 bad input, SR012 over 1 MiB, SR014 not a member.';
comment on function sor_api.certify() is 'The CI gate: one row per check of the six system-of-record properties (failing checks show one row per failing object). Zero rows with ok = false means certified.';
comment on function sor_api.events_since(after_position bigint, max_rows integer) is 'The event log for consumers, never skipping an event: rows after the cursor event in (tx_id, position) order, only from transactions older than every transaction still in flight. Pass 0, then the last position returned. SR011 bad cursor, SR015 unknown cursor, SR016 max_rows out of 1..10000.';
comment on function sor_api.read_stream(tenant_id text, stream text, from_version integer, max_rows integer) is 'One stream of a tenant the caller is a member of (or any, for an auditor), in version order from from_version. SR011 bad input, SR014 not a member, SR002 unknown tenant, SR015 unknown stream, SR016 max_rows out of 1..10000.';
comment on function sor_api.register_domain_schema(schema_name text) is 'Registers a domain schema so certify() sweeps it and the drop guard protects it. Idempotent; SR007 for an unknown schema.';
comment on function sor_api.remove_member(tenant_id text, role_name text) is 'Ends a role''s membership of a tenant; its next statement sees none of that tenant''s rows. SR006 when there is no such membership.';
comment on function sor_api.verify_events(for_tenant text, for_stream text) is 'Auditor: recomputes the hash chains of every stream (or one tenant''s, or one stream) and returns the first broken link of each broken stream; no rows when intact. SR002 unknown tenant, SR011 stream without tenant, SR015 unknown stream.';
comment on function sor_api.verify_events_summary(for_tenant text, for_stream text) is 'Auditor: one row of counts over the same scope as verify_events (streams and events checked, broken streams, intact).';
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
comment on sequence sor.events_position_seq is 'Positions of sor.events; only the chain trigger draws from it.';
comment on table sor.append_only_tables is 'Registry of append-only tables: certify() requires BEFORE UPDATE/DELETE row and BEFORE TRUNCATE statement refusal triggers, ENABLE ALWAYS, on each. Itself append-only.';
comment on table sor.domain_schemas is 'Domain schemas (such as reconciler) that certify() sweeps and the drop guard protects, besides sor and sor_api.';
comment on table sor.events is 'Append-only, hash-chained event log. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner).';
comment on table sor.outbox is 'Transactional outbox: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on table sor.tenant_members is 'Which login roles act for which tenants. Policies find the caller''s tenants here by current_user.';
comment on table sor.tenants is 'One row per tenant. tenant_id is a stable lowercase slug that leads every tenant-scoped key.';
comment on trigger append_only_tables_refuse_truncate on sor.append_only_tables is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger append_only_tables_refuse_update_delete on sor.append_only_tables is 'Append-only: a registered table cannot be un-registered.';
comment on trigger events_chain on sor.events is 'Links every inserted event into its stream''s hash chain.';
comment on trigger events_refuse_statement on sor.events is 'Append-only: refuses every UPDATE or DELETE statement, even one matching no row, and every INSERT ... ON CONFLICT DO UPDATE (which fires UPDATE statement triggers).';
comment on trigger events_refuse_truncate on sor.events is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger events_refuse_update_delete on sor.events is 'Append-only: refuses UPDATE and DELETE of any row, for every role.';
comment on view sor_api.events is 'Events visible to the caller under the forced RLS of sor.events: a tenant member sees its tenants'' events, an auditor sees all. Hashes in hex.';
comment on view sor_api.tenant_members is 'Memberships visible to the caller: a tenant member sees its own memberships, an auditor sees all.';
comment on view sor_api.tenants is 'Tenants visible to the caller: a tenant member sees its own tenants, an auditor sees all.';
