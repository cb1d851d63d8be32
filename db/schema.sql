-- pg-sor schema snapshot: the kit's schemas as the migrations leave them.
-- Generated from the catalog; do not edit. Regenerate with the command in README.md.
-- PostgreSQL major version: 17

-- schemas

create schema sor authorization sor_owner;
create schema sor_api authorization sor_owner;

-- sequences

create sequence sor.events_position_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.fencing_tokens as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.outbox_outbox_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.tasks_task_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;

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

create table sor.queues (
  queue text not null,
  description text not null,
  max_attempts integer default 5 not null,
  backoff_base interval default '00:00:01'::interval not null,
  backoff_max interval default '01:00:00'::interval not null,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  constraint queues_pkey PRIMARY KEY (queue),
  constraint queues_backoff_range CHECK (((backoff_base > '00:00:00'::interval) AND (backoff_max >= backoff_base))),
  constraint queues_description_length CHECK (((length(description) >= 1) AND (length(description) <= 500))),
  constraint queues_max_attempts_range CHECK (((max_attempts >= 1) AND (max_attempts <= 100))),
  constraint queues_queue_format CHECK ((queue ~ '^[a-z][a-z0-9_.-]{1,62}$'::text))
);

create table sor.tasks (
  tenant_id text not null,
  task_id bigint generated always as identity not null,
  queue text not null,
  subject text not null,
  payload jsonb default '{}'::jsonb not null,
  priority integer default 0 not null,
  run_after timestamp with time zone default now() not null,
  attempts integer default 0 not null,
  max_attempts integer not null,
  dedupe_key text,
  status text default 'ready'::text not null,
  claimed_by name,
  fencing_token bigint,
  lease interval,
  lease_expires_at timestamp with time zone,
  last_error text,
  result jsonb,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  finished_at timestamp with time zone,
  constraint tasks_dedupe_key UNIQUE (tenant_id, queue, dedupe_key),
  constraint tasks_pkey PRIMARY KEY (tenant_id, task_id),
  constraint tasks_queue_fkey FOREIGN KEY (queue) REFERENCES sor.queues(queue),
  constraint tasks_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint tasks_attempts_check CHECK (((attempts >= 0) AND ((max_attempts >= 1) AND (max_attempts <= 100)))),
  constraint tasks_claim_check CHECK (((status = 'claimed'::text) = ((fencing_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (claimed_by IS NOT NULL) AND (lease IS NOT NULL)))),
  constraint tasks_dedupe_key_length CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200))),
  constraint tasks_finished_check CHECK (((status = ANY (ARRAY['completed'::text, 'dead'::text])) = (finished_at IS NOT NULL))),
  constraint tasks_payload_object CHECK ((jsonb_typeof(payload) = 'object'::text)),
  constraint tasks_status_check CHECK ((status = ANY (ARRAY['ready'::text, 'claimed'::text, 'failed'::text, 'completed'::text, 'dead'::text]))),
  constraint tasks_subject_length CHECK (((length(subject) >= 1) AND (length(subject) <= 200)))
) with (fillfactor=70);

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
CREATE INDEX outbox_dead_idx ON sor.outbox USING btree (created_at) WHERE (status = 'dead'::text);
CREATE INDEX outbox_event_id_idx ON sor.outbox USING btree (event_id);
CREATE INDEX outbox_leased_idx ON sor.outbox USING btree (lease_expires_at) WHERE (status = 'leased'::text);
CREATE INDEX outbox_outbox_id_idx ON sor.outbox USING btree (outbox_id);
CREATE INDEX outbox_ready_idx ON sor.outbox USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text]));
CREATE INDEX outbox_run_idx ON sor.outbox USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL);
CREATE INDEX tasks_claimed_idx ON sor.tasks USING btree (queue, lease_expires_at) WHERE (status = 'claimed'::text);
CREATE INDEX tasks_dead_idx ON sor.tasks USING btree (queue, finished_at) WHERE (status = 'dead'::text);
CREATE INDEX tasks_ready_idx ON sor.tasks USING btree (queue, priority DESC, run_after, task_id) WHERE (status = ANY (ARRAY['ready'::text, 'failed'::text]));
CREATE INDEX tasks_task_id_idx ON sor.tasks USING btree (task_id);
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

CREATE OR REPLACE FUNCTION sor.certify__050_claims()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with queue_tables(tbl, ready_index) as (
    values ('sor.tasks', 'tasks_ready_idx'), ('sor.outbox', 'outbox_ready_idx')
  ), queue_rels as (
    select q.tbl, q.ready_index, c.oid, c.reloptions
      from queue_tables q
      left join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(q.tbl)
  ), audit_triggers(tbl, trigger_name, function_name) as (
    values ('sor.tasks', 'tasks_events_insert', 'tg_tasks__events_insert'),
           ('sor.tasks', 'tasks_events_update', 'tg_tasks__events_update'),
           ('sor.outbox', 'outbox_events_insert', 'tg_outbox__events_insert'),
           ('sor.outbox', 'outbox_events_update', 'tg_outbox__events_update'),
           ('sor.outbox', 'outbox_notify_insert', 'tg_outbox__notify_insert'),
           ('sor.outbox', 'outbox_notify_update', 'tg_outbox__notify_update')
  ), triggers as (
    select a.tbl, a.trigger_name, a.function_name, t.tgenabled, p.proname
      from audit_triggers a
      left join pg_catalog.pg_trigger t
        on t.tgrelid = pg_catalog.to_regclass(a.tbl) and t.tgname = a.trigger_name and not t.tgisinternal
      left join pg_catalog.pg_proc p on p.oid = t.tgfoid
  ), dispatcher_allowed(fn) as (
    values ('sor_api.lease_outbox(integer,interval)'),
           ('sor_api.mark_dispatched(bigint,bigint,text)'),
           ('sor_api.mark_failed(bigint,bigint,text)')
  ), kit_funcs as (
    select p.oid, p.oid::regprocedure::text as sig
      from pg_catalog.pg_proc p
     where p.pronamespace in (select n.oid from pg_catalog.pg_namespace n where n.nspname in (select sor.kit_schemas()))
  ), publication as (
    select pt.attnames
      from pg_catalog.pg_publication_tables pt
     where pt.pubname = 'sor_outbox_cdc' and pt.schemaname = 'sor' and pt.tablename = 'outbox'
  )
  -- policy-bound: queue tables leave room for HOT updates
  select 'policy-bound', 'queue tables have fillfactor below 100', r.tbl,
         coalesce((select substr(o, length('fillfactor=') + 1)::int from unnest(r.reloptions) o where o like 'fillfactor=%'), 100) < 100,
         case when r.oid is null then 'table is missing'
              else 'fillfactor ' || coalesce((select substr(o, length('fillfactor=') + 1) from unnest(r.reloptions) o where o like 'fillfactor=%'), '100 (default)') end
    from queue_rels r
  union all
  -- policy-bound: the claim's WHERE clause has its partial index on ready rows
  select 'policy-bound', 'queue tables have a partial index on ready rows', r.tbl || ' ' || r.ready_index,
         exists (select 1 from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid
                  where i.indrelid = r.oid and ic.relname = r.ready_index and i.indisvalid and i.indpred is not null
                    and pg_catalog.pg_get_expr(i.indpred, i.indrelid) like '%status%'),
         coalesce((select 'where ' || pg_catalog.pg_get_expr(i.indpred, i.indrelid)
                     from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid
                    where i.indrelid = r.oid and ic.relname = r.ready_index),
                  'index is missing')
    from queue_rels r
  union all
  -- replayable: every status change writes its event from a trigger nobody can silence
  select 'replayable', 'task and outbox status changes are written by ENABLE ALWAYS triggers',
         t.tbl || ' ' || t.trigger_name,
         coalesce(t.tgenabled = 'A' and t.proname = t.function_name, false),
         case when t.tgenabled is null then 'trigger is missing'
              when t.proname <> t.function_name then 'runs ' || t.proname || ', expected ' || t.function_name
              when t.tgenabled = 'A' then 'enabled always'
              when t.tgenabled = 'D' then 'disabled'
              else 'enabled only for session_replication_role ' || case t.tgenabled when 'O' then 'origin' else 'replica' end end
    from triggers t
  union all
  -- governed: the dispatcher may execute its three functions and nothing else of the kit
  select 'governed', 'sor_dispatcher executes only lease_outbox, mark_dispatched and mark_failed', f.sig,
         f.sig in (select a.fn from dispatcher_allowed a),
         case when f.sig in (select a.fn from dispatcher_allowed a) then 'granted' else 'sor_dispatcher may execute it' end
    from kit_funcs f
   where pg_catalog.has_function_privilege('sor_dispatcher', f.oid, 'EXECUTE')
  union all
  select 'governed', 'sor_dispatcher executes only lease_outbox, mark_dispatched and mark_failed', a.fn, false,
         'sor_dispatcher may not execute it (or it is missing)'
    from dispatcher_allowed a
   where not exists (select 1 from kit_funcs f
                      where f.sig = a.fn and pg_catalog.has_function_privilege('sor_dispatcher', f.oid, 'EXECUTE'))
  union all
  -- durable: the outbox is published for a CDC relay wherever the server can decode it
  select 'durable', 'the outbox is published for CDC where wal_level is logical', 'publication sor_outbox_cdc',
         case when pg_catalog.current_setting('wal_level') <> 'logical' then true
              else coalesce((select array['event_id', 'aggregate_type', 'aggregate_id', 'topic', 'payload']::name[] <@ p.attnames
                               from publication p), false) end,
         case when pg_catalog.current_setting('wal_level') <> 'logical'
                then 'not applicable: wal_level is ' || pg_catalog.current_setting('wal_level')
              when not exists (select 1 from publication) then 'publication of sor.outbox is missing'
              else 'columns ' || (select array_to_string(p.attnames, ', ') from publication p) end
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

CREATE OR REPLACE FUNCTION sor.enqueue_outbox(tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, max_attempts integer DEFAULT 8, run_id uuid DEFAULT NULL::uuid, step_id text DEFAULT NULL::text, block_id bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _id bigint;
begin
  if enqueue_outbox.tenant_id is null
     or enqueue_outbox.topic is null or length(enqueue_outbox.topic) not between 1 and 200
     or enqueue_outbox.aggregate_type is null or length(enqueue_outbox.aggregate_type) not between 1 and 200
     or enqueue_outbox.aggregate_id is null or length(enqueue_outbox.aggregate_id) not between 1 and 200
     or jsonb_typeof(coalesce(enqueue_outbox.payload, 'null'::jsonb)) <> 'object'
     or jsonb_typeof(coalesce(enqueue_outbox.headers, 'null'::jsonb)) <> 'object'
     or enqueue_outbox.dedupe_key is null or length(enqueue_outbox.dedupe_key) not between 1 and 200
     or enqueue_outbox.max_attempts is null or enqueue_outbox.max_attempts not between 1 and 100 then
    raise exception 'invalid outbox row for tenant % (topic %)', coalesce(quote_literal(enqueue_outbox.tenant_id), 'NULL'),
          coalesce(quote_literal(enqueue_outbox.topic), 'NULL')
      using errcode = 'SR060',
            hint = 'tenant_id, topic, aggregate_type, aggregate_id and dedupe_key are required (at most 200 characters), payload and headers are JSON objects, max_attempts between 1 and 100.';
  end if;
  perform 1 from sor.tenants t where t.tenant_id = enqueue_outbox.tenant_id;
  if not found then
    raise exception 'unknown tenant %', quote_literal(enqueue_outbox.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                          max_attempts, status, run_id, step_id, block_id)
  values (enqueue_outbox.tenant_id, enqueue_outbox.topic, enqueue_outbox.aggregate_type,
          enqueue_outbox.aggregate_id, enqueue_outbox.payload, enqueue_outbox.headers,
          enqueue_outbox.dedupe_key, enqueue_outbox.max_attempts,
          case when enqueue_outbox.block_id is null then 'pending' else 'deferred' end,
          enqueue_outbox.run_id, enqueue_outbox.step_id, enqueue_outbox.block_id)
  on conflict on constraint outbox_dedupe_key do nothing
  returning outbox_id into _id;
  if _id is null then
    select o.outbox_id into _id
      from sor.outbox o
     where o.tenant_id = enqueue_outbox.tenant_id and o.dedupe_key = enqueue_outbox.dedupe_key;
  end if;
  return _id;
end
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

CREATE OR REPLACE FUNCTION sor.refuse_outbox_call(outbox_id bigint, lease_token bigint, action text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _row sor.outbox;
begin
  select o.* into _row from sor.outbox o where o.outbox_id = refuse_outbox_call.outbox_id;
  if not found then
    raise exception 'unknown outbox row % (%)', coalesce(refuse_outbox_call.outbox_id::text, 'NULL'), refuse_outbox_call.action
      using errcode = 'SR061', hint = 'Pass the outbox_id lease_outbox returned.';
  end if;
  if _row.status = 'dispatched' then
    raise exception 'outbox row % is already dispatched (provider_ref %)', _row.outbox_id, _row.provider_ref
      using errcode = 'SR063', hint = 'Another lease delivered it; with the dedupe key as the provider''s idempotency key the provider saw one message.';
  end if;
  raise exception 'stale lease token % for outbox row % (%: status %)', coalesce(refuse_outbox_call.lease_token::text, 'NULL'),
        _row.outbox_id, refuse_outbox_call.action, _row.status
    using errcode = 'SR062', hint = 'The lease lapsed and the row was leased again, or it is no longer leased: drop it, the current holder reports.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.refuse_task_call(task_id bigint, fencing_token bigint, action text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _task sor.tasks;
begin
  select t.* into _task
    from sor.tasks t
   where t.task_id = refuse_task_call.task_id
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user);
  if not found then
    raise exception 'unknown task % (%)', coalesce(refuse_task_call.task_id::text, 'NULL'), refuse_task_call.action
      using errcode = 'SR055', hint = 'Pass the task_id claim_tasks returned; a Worker sees only tasks of its tenants.';
  end if;
  if refuse_task_call.fencing_token is null or _task.status <> 'claimed'
     or _task.fencing_token <> refuse_task_call.fencing_token or _task.claimed_by <> session_user then
    raise exception 'stale fencing token % for task % (%: status %)', coalesce(refuse_task_call.fencing_token::text, 'NULL'),
          _task.task_id, refuse_task_call.action, _task.status
      using errcode = 'SR056', hint = 'The task was taken back or finished: drop the work, do not write its results. Claim again.';
  end if;
  raise exception 'lease of task % lapsed at % (%)', _task.task_id, _task.lease_expires_at, refuse_task_call.action
    using errcode = 'SR057', hint = 'Heartbeat more often than the lease length; the task will be taken back by the next claim.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.retry_delay(attempts integer, base interval, cap interval)
 RETURNS interval
 LANGUAGE sql
 STRICT
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  -- "equal jitter": half of the capped exponential delay, plus a random part of the other half,
  -- so retries of many rows that failed together spread out but never come back too early.
  select d / 2 + d / 2 * pg_catalog.random()
    from (select least(retry_delay.cap,
                       retry_delay.base * pg_catalog.power(2, least(greatest(retry_delay.attempts, 1) - 1, 30))) as d) x
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

CREATE OR REPLACE FUNCTION sor.tg_outbox__events_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select n.tenant_id, 'outbox-' || n.outbox_id, 0, 'outbox.queued',
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'outbox_id', n.outbox_id, 'event_id', n.event_id, 'topic', n.topic,
           'aggregate_type', n.aggregate_type, 'aggregate_id', n.aggregate_id, 'status', n.status,
           'dedupe_key', n.dedupe_key, 'run_id', n.run_id, 'step_id', n.step_id, 'block_id', n.block_id)),
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('run_id', n.run_id)),
         '\x'::bytea
    from new_rows n
   order by n.outbox_id;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_outbox__events_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select c.tenant_id, 'outbox-' || c.outbox_id, 0, c.type, c.payload, '{}'::jsonb, '\x'::bytea
    from (
      select n.outbox_id, n.tenant_id, 1 as seq, 'outbox.lease_expired' as type,
             pg_catalog.jsonb_build_object('outbox_id', n.outbox_id, 'leased_by', o.leased_by,
                                           'lease_token', o.lease_token, 'lease_expires_at', o.lease_expires_at,
                                           'attempts', o.attempts) as payload
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
       where o.status = 'leased' and n.status = 'leased' and o.lease_token <> n.lease_token
      union all
      select n.outbox_id, n.tenant_id, 2,
             case when n.status = 'pending' and o.status = 'deferred' then 'outbox.released'
                  when n.status = 'pending' then 'outbox.retried'
                  else 'outbox.' || n.status end,
             pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
               'outbox_id', n.outbox_id, 'from', o.status, 'to', n.status, 'attempts', n.attempts,
               'leased_by', coalesce(n.leased_by, o.leased_by),
               'lease_token', coalesce(n.lease_token, o.lease_token),
               'lease_expires_at', n.lease_expires_at,
               'provider_ref', case when n.status = 'dispatched' then n.provider_ref end,
               'available_at', case when n.status = 'failed' then n.available_at end,
               'error', case when n.status in ('failed', 'dead') then n.last_error end,
               'block_id', n.block_id))
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
       where o.status is distinct from n.status or o.lease_token is distinct from n.lease_token
    ) c
   order by c.outbox_id, c.seq;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_outbox__notify_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _n bigint;
begin
  select count(*) into _n from new_rows n where n.status = 'pending';
  if _n > 0 then
    perform pg_catalog.pg_notify('sor_outbox', _n::text);
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_outbox__notify_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _n bigint;
begin
  select count(*) into _n
    from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
   where n.status = 'pending' and o.status <> 'pending';
  if _n > 0 then
    perform pg_catalog.pg_notify('sor_outbox', _n::text);
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_tasks__events_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select n.tenant_id, 'task-' || n.task_id, 0, 'task.enqueued',
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'status', n.status,
           'priority', n.priority, 'run_after', n.run_after, 'max_attempts', n.max_attempts,
           'dedupe_key', n.dedupe_key)),
         '{}'::jsonb, '\x'::bytea
    from new_rows n
   order by n.task_id;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_tasks__events_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select c.tenant_id, 'task-' || c.task_id, 0, c.type, c.payload, '{}'::jsonb, '\x'::bytea
    from (
      select n.task_id, n.tenant_id, 1 as seq, 'task.lease_expired' as type,
             pg_catalog.jsonb_build_object('task_id', n.task_id, 'queue', n.queue, 'claimed_by', o.claimed_by,
                                           'fencing_token', o.fencing_token, 'lease_expires_at', o.lease_expires_at,
                                           'attempts', o.attempts) as payload
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
       where o.status = 'claimed' and n.status = 'claimed' and o.fencing_token <> n.fencing_token
      union all
      select n.task_id, n.tenant_id, 2,
             case n.status when 'claimed' then 'task.claimed' when 'completed' then 'task.completed'
                           when 'failed' then 'task.failed' when 'dead' then 'task.dead'
                           when 'ready' then 'task.retried' else 'task.' || n.status end,
             pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
               'task_id', n.task_id, 'queue', n.queue, 'from', o.status, 'to', n.status, 'attempts', n.attempts,
               'claimed_by', coalesce(n.claimed_by, o.claimed_by),
               'fencing_token', coalesce(n.fencing_token, o.fencing_token),
               'lease_expires_at', n.lease_expires_at,
               'run_after', case when n.status = 'failed' then n.run_after end,
               'error', case when n.status in ('failed', 'dead') then n.last_error end))
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
       where o.status is distinct from n.status or o.fencing_token is distinct from n.fencing_token
    ) c
   order by c.task_id, c.seq;
  return null;
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

CREATE OR REPLACE FUNCTION sor_api.claim_tasks(queue text, batch integer, lease interval)
 RETURNS TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  _tenants text[];
begin
  perform 1 from sor.queues q where q.queue = claim_tasks.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(claim_tasks.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if claim_tasks.batch is null or claim_tasks.batch not between 1 and 1000 then
    raise exception 'batch % for queue % is out of range', coalesce(claim_tasks.batch::text, 'NULL'), claim_tasks.queue
      using errcode = 'SR051', hint = 'Claim between 1 and 1000 tasks at a time.';
  end if;
  if claim_tasks.lease is null or claim_tasks.lease <= '0'::interval or claim_tasks.lease > '1 day'::interval then
    raise exception 'lease % for queue % is out of range', coalesce(claim_tasks.lease::text, 'NULL'), claim_tasks.queue
      using errcode = 'SR052', hint = 'A lease is longer than 0 and at most 1 day; heartbeat_task extends it.';
  end if;
  _tenants := array(select m.tenant_id from sor.tenant_members m where m.role_name = session_user);

  -- One UPDATE claims both kinds of row, so the status-change trigger runs once per claim.
  -- Lapsed leases come first (they are the oldest work); a lapsed lease on the last allowed
  -- attempt makes the task dead instead.
  return query
  with lapsed as (
    select t.tenant_id, t.task_id
      from sor.tasks t
     where t.queue = claim_tasks.queue and t.status = 'claimed' and t.lease_expires_at <= now()
       and t.tenant_id = any (_tenants)
     order by t.lease_expires_at
     limit claim_tasks.batch
       for update skip locked
  ), due as (
    select t.tenant_id, t.task_id
      from sor.tasks t
     where t.queue = claim_tasks.queue and t.status in ('ready', 'failed') and t.run_after <= now()
       and t.tenant_id = any (_tenants)
     order by t.priority desc, t.run_after, t.task_id
     limit claim_tasks.batch
       for update skip locked
  ), picked as (
    select p.tenant_id, p.task_id
      from (select l.tenant_id, l.task_id from lapsed l
            union all
            select d.tenant_id, d.task_id from due d) p
     limit claim_tasks.batch
  ), claimed as (
    update sor.tasks t
       set status           = case when t.status = 'claimed' and t.attempts >= t.max_attempts then 'dead' else 'claimed' end,
           attempts         = case when t.status = 'claimed' and t.attempts >= t.max_attempts then t.attempts else t.attempts + 1 end,
           claimed_by       = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else session_user end,
           fencing_token    = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else pg_catalog.nextval('sor.fencing_tokens') end,
           lease            = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else claim_tasks.lease end,
           lease_expires_at = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else now() + claim_tasks.lease end,
           last_error       = case when t.status = 'claimed' then 'lease expired' else t.last_error end,
           finished_at      = case when t.status = 'claimed' and t.attempts >= t.max_attempts then now() end
      from picked p
     where t.tenant_id = p.tenant_id and t.task_id = p.task_id
    returning t.task_id, t.tenant_id, t.subject, t.payload, t.attempts, t.fencing_token, t.lease_expires_at, t.status
  )
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from claimed c
   where c.status = 'claimed'
   order by c.task_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.complete_task(task_id bigint, fencing_token bigint, result jsonb DEFAULT '{}'::jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if jsonb_typeof(coalesce(complete_task.result, 'null'::jsonb)) <> 'object' then
    raise exception 'result of task % must be a JSON object', coalesce(complete_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  update sor.tasks t
     set status = 'completed', result = complete_task.result, finished_at = now(),
         claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null
   where t.task_id = complete_task.task_id and t.status = 'claimed'
     and t.fencing_token = complete_task.fencing_token and t.claimed_by = session_user
     and t.lease_expires_at > now()
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user);
  if not found then
    perform sor.refuse_task_call(complete_task.task_id, complete_task.fencing_token, 'complete');
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.create_queue(queue text, description text, max_attempts integer DEFAULT 5, backoff_base interval DEFAULT '00:00:01'::interval, backoff_max interval DEFAULT '01:00:00'::interval)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if create_queue.queue is null or create_queue.queue !~ '^[a-z][a-z0-9_.-]{1,62}$' then
    raise exception 'malformed queue name %', coalesce(quote_literal(create_queue.queue), 'NULL')
      using errcode = 'SR059', hint = 'A queue name is 2 to 63 characters: a lowercase letter, then lowercase letters, digits, _ . or -.';
  end if;
  if create_queue.description is null or length(create_queue.description) not between 1 and 500
     or create_queue.max_attempts is null or create_queue.max_attempts not between 1 and 100
     or create_queue.backoff_base is null or create_queue.backoff_base <= '0'::interval
     or create_queue.backoff_max is null or create_queue.backoff_max < create_queue.backoff_base then
    raise exception 'invalid definition of queue %', create_queue.queue
      using errcode = 'SR059', hint = 'Pass a description (1 to 500 characters), max_attempts between 1 and 100, and 0 < backoff_base <= backoff_max.';
  end if;
  insert into sor.queues as q (queue, description, max_attempts, backoff_base, backoff_max)
  values (create_queue.queue, create_queue.description, create_queue.max_attempts,
          create_queue.backoff_base, create_queue.backoff_max)
  on conflict on constraint queues_pkey do update
     set description = excluded.description, max_attempts = excluded.max_attempts,
         backoff_base = excluded.backoff_base, backoff_max = excluded.backoff_max;
  return create_queue.queue;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.dead_outbox(max_rows integer DEFAULT 100)
 RETURNS TABLE(tenant_id text, outbox_id bigint, topic text, aggregate_type text, aggregate_id text, dedupe_key text, attempts integer, max_attempts integer, last_error text, created_at timestamp with time zone)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select o.tenant_id, o.outbox_id, o.topic, o.aggregate_type, o.aggregate_id, o.dedupe_key, o.attempts,
         o.max_attempts, o.last_error, o.created_at
    from sor.outbox o
   where o.status = 'dead'
   order by o.created_at, o.outbox_id
   limit least(greatest(coalesce(dead_outbox.max_rows, 100), 0), 10000)
$function$;

CREATE OR REPLACE FUNCTION sor_api.dead_tasks(queue text DEFAULT NULL::text, max_rows integer DEFAULT 100)
 RETURNS TABLE(tenant_id text, task_id bigint, queue text, subject text, attempts integer, max_attempts integer, last_error text, finished_at timestamp with time zone)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select t.tenant_id, t.task_id, t.queue, t.subject, t.attempts, t.max_attempts, t.last_error, t.finished_at
    from sor.tasks t
   where t.status = 'dead' and (dead_tasks.queue is null or t.queue = dead_tasks.queue)
   order by t.finished_at, t.task_id
   limit least(greatest(coalesce(dead_tasks.max_rows, 100), 0), 10000)
$function$;

CREATE OR REPLACE FUNCTION sor_api.enqueue_task(tenant_id text, queue text, subject text, payload jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, priority integer DEFAULT 0, delay interval DEFAULT NULL::interval, max_attempts integer DEFAULT NULL::integer)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _queue sor.queues;
  _id bigint;
begin
  perform 1 from sor.tenant_members m
   where m.tenant_id = enqueue_task.tenant_id and m.role_name = session_user;
  if not found then
    raise exception 'role % may not enqueue tasks for tenant %', session_user, coalesce(quote_literal(enqueue_task.tenant_id), 'NULL')
      using errcode = 'SR053', hint = 'A Worker enqueues only for tenants it is a member of (sor_api.add_member).';
  end if;
  select q.* into _queue from sor.queues q where q.queue = enqueue_task.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(enqueue_task.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if enqueue_task.subject is null or length(enqueue_task.subject) not between 1 and 200
     or jsonb_typeof(coalesce(enqueue_task.payload, 'null'::jsonb)) <> 'object'
     or (enqueue_task.dedupe_key is not null and length(enqueue_task.dedupe_key) not between 1 and 200)
     or enqueue_task.priority is null or enqueue_task.priority not between -1000 and 1000
     or (enqueue_task.delay is not null and enqueue_task.delay < '0'::interval)
     or (enqueue_task.max_attempts is not null and enqueue_task.max_attempts not between 1 and 100) then
    raise exception 'invalid task for queue %', enqueue_task.queue
      using errcode = 'SR054',
            hint = 'subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters, priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100.';
  end if;

  insert into sor.tasks (tenant_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
  values (enqueue_task.tenant_id, enqueue_task.queue, enqueue_task.subject, enqueue_task.payload,
          enqueue_task.dedupe_key, enqueue_task.priority, now() + coalesce(enqueue_task.delay, '0'::interval),
          coalesce(enqueue_task.max_attempts, _queue.max_attempts))
  on conflict on constraint tasks_dedupe_key do nothing
  returning task_id into _id;
  if _id is null then
    select t.task_id into _id
      from sor.tasks t
     where t.tenant_id = enqueue_task.tenant_id and t.queue = enqueue_task.queue
       and t.dedupe_key = enqueue_task.dedupe_key;
  end if;
  return _id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.fail_task(task_id bigint, fencing_token bigint, error text)
 RETURNS TABLE(status text, run_after timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  if fail_task.error is null or length(fail_task.error) not between 1 and 4000 then
    raise exception 'error of task % must have 1 to 4000 characters', coalesce(fail_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Describe the failure; it is kept as last_error.';
  end if;
  return query
  with failed as (
  update sor.tasks t
     set status = case when t.attempts >= t.max_attempts then 'dead' else 'failed' end,
         run_after = case when t.attempts >= t.max_attempts then t.run_after
                          else now() + sor.retry_delay(t.attempts, q.backoff_base, q.backoff_max) end,
         finished_at = case when t.attempts >= t.max_attempts then now() end,
         last_error = fail_task.error,
         claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null
    from sor.queues q
   where q.queue = t.queue
     and t.task_id = fail_task.task_id and t.status = 'claimed'
     and t.fencing_token = fail_task.fencing_token and t.claimed_by = session_user
     and t.lease_expires_at > now()
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user)
  returning t.status, t.run_after
  )
  select f.status, f.run_after from failed f;
  if not found then
    perform sor.refuse_task_call(fail_task.task_id, fail_task.fencing_token, 'fail');
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.heartbeat_task(task_id bigint, fencing_token bigint)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _expires timestamptz;
begin
  update sor.tasks t
     set lease_expires_at = now() + t.lease
   where t.task_id = heartbeat_task.task_id and t.status = 'claimed'
     and t.fencing_token = heartbeat_task.fencing_token and t.claimed_by = session_user
     and t.lease_expires_at > now()
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user)
  returning t.lease_expires_at into _expires;
  if _expires is null then
    perform sor.refuse_task_call(heartbeat_task.task_id, heartbeat_task.fencing_token, 'heartbeat');
  end if;
  return _expires;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.lease_outbox(batch integer, lease interval)
 RETURNS TABLE(outbox_id bigint, tenant_id text, event_id uuid, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, attempts integer, lease_token bigint, lease_expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  if lease_outbox.batch is null or lease_outbox.batch not between 1 and 1000 then
    raise exception 'outbox batch % is out of range', coalesce(lease_outbox.batch::text, 'NULL')
      using errcode = 'SR051', hint = 'Lease between 1 and 1000 rows at a time.';
  end if;
  if lease_outbox.lease is null or lease_outbox.lease <= '0'::interval or lease_outbox.lease > '1 day'::interval then
    raise exception 'outbox lease % is out of range', coalesce(lease_outbox.lease::text, 'NULL')
      using errcode = 'SR052', hint = 'A lease is longer than 0 and at most 1 day.';
  end if;

  -- Only pending and failed rows that are due, and lapsed leases: deferred, discarded, dead and
  -- dispatched rows are never leased. A lapsed lease on the last allowed attempt makes the row dead.
  return query
  with lapsed as (
    select o.tenant_id, o.outbox_id
      from sor.outbox o
     where o.status = 'leased' and o.lease_expires_at <= now()
     order by o.lease_expires_at
     limit lease_outbox.batch
       for update skip locked
  ), due as (
    select o.tenant_id, o.outbox_id
      from sor.outbox o
     where o.status in ('pending', 'failed') and o.available_at <= now()
     order by o.available_at, o.outbox_id
     limit lease_outbox.batch
       for update skip locked
  ), picked as (
    select p.tenant_id, p.outbox_id
      from (select l.tenant_id, l.outbox_id from lapsed l
            union all
            select d.tenant_id, d.outbox_id from due d) p
     limit lease_outbox.batch
  ), leased as (
    update sor.outbox o
       set status           = case when o.status = 'leased' and o.attempts >= o.max_attempts then 'dead' else 'leased' end,
           attempts         = case when o.status = 'leased' and o.attempts >= o.max_attempts then o.attempts else o.attempts + 1 end,
           leased_by        = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else session_user end,
           lease_token      = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else pg_catalog.nextval('sor.fencing_tokens') end,
           lease_expires_at = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else now() + lease_outbox.lease end,
           last_error       = case when o.status = 'leased' then 'lease expired' else o.last_error end
      from picked p
     where o.tenant_id = p.tenant_id and o.outbox_id = p.outbox_id
    returning o.outbox_id, o.tenant_id, o.event_id, o.topic, o.aggregate_type, o.aggregate_id, o.payload,
              o.headers, o.dedupe_key, o.attempts, o.lease_token, o.lease_expires_at, o.status
  )
  select l.outbox_id, l.tenant_id, l.event_id, l.topic, l.aggregate_type, l.aggregate_id, l.payload,
         l.headers, l.dedupe_key, l.attempts, l.lease_token, l.lease_expires_at
    from leased l
   where l.status = 'leased'
   order by l.outbox_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.mark_dispatched(outbox_id bigint, lease_token bigint, provider_ref text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if mark_dispatched.provider_ref is null or length(mark_dispatched.provider_ref) not between 1 and 500 then
    raise exception 'provider_ref of outbox row % must have 1 to 500 characters', coalesce(mark_dispatched.outbox_id::text, 'NULL')
      using errcode = 'SR060', hint = 'Pass the provider''s message id, e.g. the email service''s id for the sent message.';
  end if;
  update sor.outbox o
     set status = 'dispatched', provider_ref = mark_dispatched.provider_ref, dispatched_at = now(),
         leased_by = null, lease_token = null, lease_expires_at = null
   where o.outbox_id = mark_dispatched.outbox_id and o.status = 'leased'
     and o.lease_token = mark_dispatched.lease_token;
  if not found then
    perform sor.refuse_outbox_call(mark_dispatched.outbox_id, mark_dispatched.lease_token, 'mark_dispatched');
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.mark_failed(outbox_id bigint, lease_token bigint, error text)
 RETURNS TABLE(status text, available_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  if mark_failed.error is null or length(mark_failed.error) not between 1 and 4000 then
    raise exception 'error of outbox row % must have 1 to 4000 characters', coalesce(mark_failed.outbox_id::text, 'NULL')
      using errcode = 'SR060', hint = 'Describe the failure; it is kept as last_error.';
  end if;
  return query
  with failed as (
    update sor.outbox o
       set status = case when o.attempts >= o.max_attempts then 'dead' else 'failed' end,
           available_at = case when o.attempts >= o.max_attempts then o.available_at
                               else now() + sor.retry_delay(o.attempts, '2 seconds'::interval, '1 hour'::interval) end,
           last_error = mark_failed.error,
           leased_by = null, lease_token = null, lease_expires_at = null
     where o.outbox_id = mark_failed.outbox_id and o.status = 'leased'
       and o.lease_token = mark_failed.lease_token
    returning o.status, o.available_at
  )
  select f.status, f.available_at from failed f;
  if not found then
    perform sor.refuse_outbox_call(mark_failed.outbox_id, mark_failed.lease_token, 'mark_failed');
  end if;
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

CREATE OR REPLACE FUNCTION sor_api.retry_outbox(outbox_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  update sor.outbox o
     set status = 'pending', attempts = 0, available_at = now()
   where o.outbox_id = retry_outbox.outbox_id and o.status = 'dead';
  if not found then
    if exists (select 1 from sor.outbox o where o.outbox_id = retry_outbox.outbox_id) then
      raise exception 'outbox row % is not dead', retry_outbox.outbox_id
        using errcode = 'SR064', hint = 'Only dead rows are retried by an operator; see sor_api.dead_outbox().';
    end if;
    raise exception 'unknown outbox row %', coalesce(retry_outbox.outbox_id::text, 'NULL')
      using errcode = 'SR061', hint = 'Pass an outbox_id from sor_api.dead_outbox().';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.retry_task(task_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  update sor.tasks t
     set status = 'ready', attempts = 0, run_after = now(), finished_at = null
   where t.task_id = retry_task.task_id and t.status = 'dead';
  if not found then
    if exists (select 1 from sor.tasks t where t.task_id = retry_task.task_id) then
      raise exception 'task % is not dead', retry_task.task_id
        using errcode = 'SR058', hint = 'Only dead tasks are retried by an operator; see sor_api.dead_tasks().';
    end if;
    raise exception 'unknown task %', coalesce(retry_task.task_id::text, 'NULL')
      using errcode = 'SR055', hint = 'Pass a task_id from sor_api.dead_tasks().';
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
CREATE TRIGGER outbox_events_insert AFTER INSERT ON sor.outbox REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__events_insert();
alter table sor.outbox enable always trigger outbox_events_insert;
CREATE TRIGGER outbox_events_update AFTER UPDATE ON sor.outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__events_update();
alter table sor.outbox enable always trigger outbox_events_update;
CREATE TRIGGER outbox_notify_insert AFTER INSERT ON sor.outbox REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__notify_insert();
alter table sor.outbox enable always trigger outbox_notify_insert;
CREATE TRIGGER outbox_notify_update AFTER UPDATE ON sor.outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__notify_update();
alter table sor.outbox enable always trigger outbox_notify_update;
CREATE TRIGGER tasks_events_insert AFTER INSERT ON sor.tasks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_tasks__events_insert();
alter table sor.tasks enable always trigger tasks_events_insert;
CREATE TRIGGER tasks_events_update AFTER UPDATE ON sor.tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_tasks__events_update();
alter table sor.tasks enable always trigger tasks_events_update;

-- row level security

alter table sor.events enable row level security;
alter table sor.events force row level security;
alter table sor.outbox enable row level security;
alter table sor.outbox force row level security;
alter table sor.tasks enable row level security;
alter table sor.tasks force row level security;
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
create policy tasks_auditor_select on sor.tasks as permissive for select to sor_auditor using (true);
create policy tasks_owner_all on sor.tasks as permissive for all to sor_owner using (true) with check (true);
create policy tasks_tenant_select on sor.tasks as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy tenant_members_auditor_select on sor.tenant_members as permissive for select to sor_auditor, sor_admin using (true);
create policy tenant_members_owner_all on sor.tenant_members as permissive for all to sor_owner using (true) with check (true);
create policy tenant_members_tenant_select on sor.tenant_members as permissive for select to sor_tenant using ((role_name = CURRENT_USER));
create policy tenants_auditor_select on sor.tenants as permissive for select to sor_auditor, sor_admin using (true);
create policy tenants_owner_all on sor.tenants as permissive for all to sor_owner using (true) with check (true);
create policy tenants_tenant_select on sor.tenants as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));

-- owners and privileges

-- function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__010_foundation() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__050_claims() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify_raw() owner sor_owner: sor_owner=EXECUTE
-- function sor.current_tenants() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE
-- function sor.enqueue_outbox(tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, max_attempts integer, run_id uuid, step_id text, block_id bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.kit_schemas() owner sor_owner: sor_owner=EXECUTE
-- function sor.refuse_outbox_call(outbox_id bigint, lease_token bigint, action text) owner sor_owner: sor_owner=EXECUTE
-- function sor.refuse_task_call(task_id bigint, fencing_token bigint, action text) owner sor_owner: sor_owner=EXECUTE
-- function sor.retry_delay(attempts integer, base interval, cap interval) owner sor_owner: sor_owner=EXECUTE
-- function sor.stream_lock_key(tenant_id text, stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__chain() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__refuse_change() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__events_insert() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__events_update() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__notify_insert() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__notify_update() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_tasks__events_insert() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_tasks__events_update() owner sor_owner: sor_owner=EXECUTE
-- function sor_api.add_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.add_tenant(tenant_id text, display_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.certify() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.claim_tasks(queue text, batch integer, lease interval) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.complete_task(task_id bigint, fencing_token bigint, result jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.create_queue(queue text, description text, max_attempts integer, backoff_base interval, backoff_max interval) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.dead_outbox(max_rows integer) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.dead_tasks(queue text, max_rows integer) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.enqueue_task(tenant_id text, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.fail_task(task_id bigint, fencing_token bigint, error text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.heartbeat_task(task_id bigint, fencing_token bigint) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.lease_outbox(batch integer, lease interval) owner sor_owner: sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.mark_dispatched(outbox_id bigint, lease_token bigint, provider_ref text) owner sor_owner: sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.mark_failed(outbox_id bigint, lease_token bigint, error text) owner sor_owner: sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.register_domain_schema(schema_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.remove_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.retry_outbox(outbox_id bigint) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.retry_task(task_id bigint) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- schema sor owner sor_owner: sor_admin=USAGE, sor_auditor=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE
-- schema sor_api owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_dispatcher=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE, sor_worker=USAGE
-- sequence sor.events_position_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.fencing_tokens owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.outbox_outbox_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.tasks_task_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- table sor.domain_schemas owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.events owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.outbox owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.queues owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tasks owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
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
-- column grants on sor.tasks.attempts: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.claimed_by: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.created_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.dedupe_key: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.finished_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.last_error: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.lease_expires_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.max_attempts: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.payload: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.priority: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.queue: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.result: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.run_after: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.status: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.subject: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.task_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
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
comment on column sor.queues.backoff_base is 'Retry delay after the first failure; doubled for every further attempt, capped at backoff_max, jittered.';
comment on column sor.queues.max_attempts is 'Default attempts of a task enqueued without its own max_attempts; then it is dead.';
comment on column sor.tasks.attempts is 'Claims so far (a taken-back lease counts); at max_attempts a failure or lapsed lease makes the task dead.';
comment on column sor.tasks.claimed_by is 'session_user of the Worker holding the current claim.';
comment on column sor.tasks.dedupe_key is 'Unique per tenant and queue: enqueue_task with a known key returns the existing task.';
comment on column sor.tasks.fencing_token is 'Token of the current claim; heartbeat, complete and fail are refused for any other.';
comment on column sor.tasks.lease is 'Length of the current lease; a heartbeat extends the lease by it.';
comment on column sor.tasks.lease_expires_at is 'When the current claim lapses (database clock); a later claim_tasks takes the task back.';
comment on column sor.tasks.priority is 'Higher first; equal priorities are claimed in the order they became due (run_after).';
comment on column sor.tasks.result is 'What complete_task recorded.';
comment on column sor.tasks.run_after is 'Earliest time the task may be claimed; pushed back with jittered exponential backoff after a failure.';
comment on column sor.tasks.status is 'ready, claimed, failed (waiting to retry at run_after), completed or dead (attempts exhausted).';
comment on column sor.tasks.subject is 'What the task is about, e.g. statement-row-42; shown in reports.';
comment on column sor.tenant_members.role_name is 'A login role name (not an oid: the membership survives dump and restore).';
comment on column sor.tenants.tenant_id is 'Lowercase slug, 2 to 63 characters: a letter, then letters, digits, _ or -.';
comment on function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Internal append used by the kit''s triggers and functions: validates, checks the optional expected version under the stream lock, inserts (the chain trigger does the rest).';
comment on function sor.certify__010_foundation() is 'Foundation catalog sweeps: RLS forced on tenant tables, no PUBLIC privileges, pinned search_path, least-privilege roles, ownership, no worker table access, comments.';
comment on function sor.certify__050_claims() is 'Claims and outbox checks: fillfactor and partial ready index on queue tables, ENABLE ALWAYS status-change triggers, the dispatcher''s exact grants, the CDC publication where wal_level is logical.';
comment on function sor.certify_raw() is 'Runs every sor.certify__* check function in name order and returns one row per object checked.';
comment on function sor.current_tenants() is 'Tenants of current_user according to sor.tenant_members; the only source of tenant identity for policies.';
comment on function sor.enqueue_outbox(tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, max_attempts integer, run_id uuid, step_id text, block_id bigint) is 'Internal: queues one side effect in the caller''s transaction (pending, or deferred when block_id names a review block). A known (tenant_id, dedupe_key) returns the existing outbox_id and changes nothing, so a retried Worker leaves one row. SR060 invalid input, SR002 unknown tenant.';
comment on function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) is 'Creates a policy when missing, ALTERs it when present; never drops. Used by db/policies so re-applying a repeatable file passes the drop guard.';
comment on function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) is 'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it.';
comment on function sor.kit_schemas() is 'Schemas certify() sweeps and the drop guard protects: sor, sor_api and every registered domain schema.';
comment on function sor.refuse_outbox_call(outbox_id bigint, lease_token bigint, action text) is 'Raises the reason a mark_dispatched or mark_failed call was refused: SR061 unknown row, SR063 already dispatched, SR062 stale or NULL lease token.';
comment on function sor.refuse_task_call(task_id bigint, fencing_token bigint, action text) is 'Raises the reason a heartbeat, complete or fail call on a task was refused: SR055 unknown task, SR056 stale or NULL fencing token, SR057 lease lapsed.';
comment on function sor.retry_delay(attempts integer, base interval, cap interval) is 'Delay before the next attempt after failed attempt number attempts: min(cap, base * 2^(attempts-1)), jittered uniformly between half and all of it.';
comment on function sor.stream_lock_key(tenant_id text, stream text) is 'Advisory lock key of one stream: appends to one stream serialize on it, appends to different streams never wait on each other.';
comment on function sor.tg_events__chain() is 'BEFORE INSERT on sor.events: serializes the stream, assigns the next version, links prev_hash, stamps actor and database time, computes hash. No insert path can skip it.';
comment on function sor.tg_events__refuse_change() is 'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on append-only tables: always refuses, for every role, the owner included.';
comment on function sor.tg_outbox__events_insert() is 'AFTER INSERT (statement) on sor.outbox: appends outbox.queued (status pending or deferred) to stream outbox-<id> for every inserted row.';
comment on function sor.tg_outbox__events_update() is 'AFTER UPDATE (statement) on sor.outbox: one event per status change (outbox.leased, outbox.dispatched, outbox.failed, outbox.dead, outbox.released, outbox.discarded, outbox.retried), preceded by outbox.lease_expired when a lapsed lease was taken back.';
comment on function sor.tg_outbox__notify_insert() is 'AFTER INSERT (statement) on sor.outbox: one NOTIFY sor_outbox per statement that inserted pending rows; the payload is their number.';
comment on function sor.tg_outbox__notify_update() is 'AFTER UPDATE (statement) on sor.outbox: one NOTIFY sor_outbox per statement that made rows pending (a review approved, an operator retry); the payload is their number.';
comment on function sor.tg_tasks__events_insert() is 'AFTER INSERT (statement) on sor.tasks: appends task.enqueued to stream task-<id> for every inserted task.';
comment on function sor.tg_tasks__events_update() is 'AFTER UPDATE (statement) on sor.tasks: one event per status change (task.claimed, task.completed, task.failed, task.dead, task.retried), preceded by task.lease_expired when a lapsed claim was taken back. Heartbeats change no status and write no event.';
comment on function sor_api.add_member(tenant_id text, role_name text) is 'Makes an existing, unprivileged login role a member of a tenant. SR001 malformed tenant, SR002 unknown tenant, SR003 unknown role, SR004 duplicate, SR005 privileged role.';
comment on function sor_api.add_tenant(tenant_id text, display_name text) is 'Creates a tenant. SR001 for a malformed id or display name, SR004 when the id exists.';
comment on function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Appends one event for a tenant the caller is a member of. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR011 bad input, SR012 over 1 MiB, SR014 not a member.';
comment on function sor_api.certify() is 'The CI gate: one row per check of the six system-of-record properties (failing checks show one row per failing object). Zero rows with ok = false means certified.';
comment on function sor_api.claim_tasks(queue text, batch integer, lease interval) is 'Claims at most batch due tasks of a queue (FOR UPDATE SKIP LOCKED; priority, then age) for tenants the caller is a member of; takes back lapsed leases first. Every claimed task gets a new fencing token and a lease of the given length from the database clock. SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';
comment on function sor_api.complete_task(task_id bigint, fencing_token bigint, result jsonb) is 'Marks a claimed task completed with its result, if the fencing token is current and the lease has not lapsed. SR054 result not an object, SR055 unknown task, SR056 stale token, SR057 lease lapsed.';
comment on function sor_api.create_queue(queue text, description text, max_attempts integer, backoff_base interval, backoff_max interval) is 'Creates a work queue or updates its retry policy (existing tasks keep their max_attempts). SR059 for a malformed name or policy.';
comment on function sor_api.dead_outbox(max_rows integer) is 'Dead outbox rows (attempts exhausted), oldest first; at most max_rows (capped at 10000).';
comment on function sor_api.dead_tasks(queue text, max_rows integer) is 'Dead tasks (attempts exhausted), oldest first, optionally of one queue; at most max_rows (capped at 10000).';
comment on function sor_api.enqueue_task(tenant_id text, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) is 'Queues a task for a tenant the caller is a member of; with a dedupe_key already used in that tenant and queue it returns the existing task id and changes nothing. SR050 unknown queue, SR053 not a member, SR054 invalid input.';
comment on function sor_api.fail_task(task_id bigint, fencing_token bigint, error text) is 'Records a failed attempt of a claimed task: failed with a jittered exponential backoff (run_after), or dead once attempts reach max_attempts. Returns the new status and run_after. SR054 no error text, SR055 unknown task, SR056 stale token, SR057 lease lapsed.';
comment on function sor_api.heartbeat_task(task_id bigint, fencing_token bigint) is 'Extends the lease of a claimed task by its lease length, from now (database clock); returns the new expiry. SR055 unknown task, SR056 stale token, SR057 lease already lapsed.';
comment on function sor_api.lease_outbox(batch integer, lease interval) is 'Dispatcher: leases at most batch due outbox rows (pending, or failed and past available_at; FOR UPDATE SKIP LOCKED), taking back lapsed leases first; each lease gets a new fencing token. Deferred, discarded, dispatched and dead rows are never leased. SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';
comment on function sor_api.mark_dispatched(outbox_id bigint, lease_token bigint, provider_ref text) is 'Dispatcher: records that a leased row was delivered, with the provider''s reference, if the lease token is current (the token decides, not the clock: a lapsed lease nobody took back may still report). SR060 no provider_ref, SR061 unknown row, SR062 stale token, SR063 already dispatched.';
comment on function sor_api.mark_failed(outbox_id bigint, lease_token bigint, error text) is 'Dispatcher: records a failed delivery of a leased row: failed, due again after a jittered exponential backoff (2 s doubling, capped at 1 hour), or dead once attempts reach max_attempts. SR060 no error text, SR061 unknown row, SR062 stale token, SR063 already dispatched.';
comment on function sor_api.register_domain_schema(schema_name text) is 'Registers a domain schema so certify() sweeps it and the drop guard protects it. Idempotent; SR007 for an unknown schema.';
comment on function sor_api.remove_member(tenant_id text, role_name text) is 'Ends a role''s membership of a tenant; its next statement sees none of that tenant''s rows. SR006 when there is no such membership.';
comment on function sor_api.retry_outbox(outbox_id bigint) is 'Queues a dead outbox row again with a fresh attempt budget (pending now; its last_error is kept; listeners are notified). SR061 unknown row, SR064 not dead.';
comment on function sor_api.retry_task(task_id bigint) is 'Puts a dead task back in its queue with a fresh attempt budget (its last_error is kept). SR055 unknown task, SR058 not dead.';
comment on policy events_auditor_select on sor.events is 'Auditors read every event.';
comment on policy events_owner_all on sor.events is 'Definer functions run as sor_owner and enforce their own checks; the triggers still refuse change.';
comment on policy events_tenant_select on sor.events is 'A tenant member reads only its tenants'' events.';
comment on policy outbox_auditor_select on sor.outbox is 'Auditors read every outbox row.';
comment on policy outbox_owner_all on sor.outbox is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tasks_auditor_select on sor.tasks is 'Auditors read every task.';
comment on policy tasks_owner_all on sor.tasks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tasks_tenant_select on sor.tasks is 'A tenant member reads only its tenants'' tasks.';
comment on policy tenant_members_auditor_select on sor.tenant_members is 'Auditors and admins read every membership.';
comment on policy tenant_members_owner_all on sor.tenant_members is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_members_tenant_select on sor.tenant_members is 'A role reads only its own memberships; sor.current_tenants() relies on this.';
comment on policy tenants_auditor_select on sor.tenants is 'Auditors and admins read every tenant.';
comment on policy tenants_owner_all on sor.tenants is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenants_tenant_select on sor.tenants is 'A member reads only the tenants it belongs to (by current_user).';
comment on schema sor is 'pg-sor private schema: tables and helpers, reached only through sor_api.';
comment on schema sor_api is 'pg-sor public contract: SECURITY DEFINER functions for writes, security_invoker views and functions for reads.';
comment on sequence sor.fencing_tokens is 'Fencing tokens of task claims and outbox leases: every claim or lease takes the next value, so a stale holder always has a smaller token.';
comment on table sor.domain_schemas is 'Domain schemas (such as reconciler) that certify() sweeps and the drop guard protects, besides sor and sor_api.';
comment on table sor.events is 'Append-only, hash-chained event log. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner).';
comment on table sor.outbox is 'Transactional outbox: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on table sor.queues is 'Work queues known to the kit, with their retry policy; claim_tasks refuses a queue that is not here.';
comment on table sor.tasks is 'Work items claimed by Workers with FOR UPDATE SKIP LOCKED; every claim carries a new fencing token and a lease from the database clock.';
comment on table sor.tenant_members is 'Which login roles act for which tenants. Policies find the caller''s tenants here by current_user.';
comment on table sor.tenants is 'One row per tenant. tenant_id is a stable lowercase slug that leads every tenant-scoped key.';
comment on trigger events_chain on sor.events is 'Links every inserted event into its stream''s hash chain.';
comment on trigger events_refuse_truncate on sor.events is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger events_refuse_update_delete on sor.events is 'Append-only: refuses UPDATE (including ON CONFLICT DO UPDATE) and DELETE for every role.';
comment on trigger outbox_events_insert on sor.outbox is 'Every new outbox row writes outbox.queued to stream outbox-<id>.';
comment on trigger outbox_events_update on sor.outbox is 'Every outbox status change writes its event to stream outbox-<id>.';
comment on trigger outbox_notify_insert on sor.outbox is 'NOTIFY sor_outbox once per statement that inserted pending rows.';
comment on trigger outbox_notify_update on sor.outbox is 'NOTIFY sor_outbox once per statement that made rows pending again.';
comment on trigger tasks_events_insert on sor.tasks is 'Every new task writes task.enqueued to stream task-<id>.';
comment on trigger tasks_events_update on sor.tasks is 'Every task status change (and every lease taken back) writes its event to stream task-<id>.';
comment on view sor_api.tenant_members is 'Memberships visible to the caller: a tenant member sees its own memberships, an auditor sees all.';
comment on view sor_api.tenants is 'Tenants visible to the caller: a tenant member sees its own tenants, an auditor sees all.';

-- publications

create publication sor_outbox_cdc for table sor.outbox with (publish = 'insert');
