-- pg-sor schema snapshot: the kit's schemas as the migrations leave them.
-- Generated from the catalog; do not edit. Regenerate with the command in README.md.
-- PostgreSQL major version: 17

-- schemas

create schema sor authorization sor_owner;
create schema sor_api authorization sor_owner;

-- sequences

create sequence sor.blocks_block_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.events_position_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.outbox_outbox_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;

-- tables

create table sor.blocks (
  tenant_id text not null,
  block_id bigint generated always as identity not null,
  run_id uuid not null,
  step_id text not null,
  kind text not null,
  status text default 'active'::text not null,
  command jsonb not null,
  opened_at timestamp with time zone default now() not null,
  resolved_at timestamp with time zone,
  resolved_by name,
  approved boolean,
  note text,
  constraint blocks_pkey PRIMARY KEY (tenant_id, block_id),
  constraint blocks_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint blocks_kind_check CHECK ((kind = ANY (ARRAY['review'::text, 'suspend'::text]))),
  constraint blocks_note_length CHECK (((note IS NULL) OR (length(note) <= 2000))),
  constraint blocks_resolved_check CHECK (((status = 'active'::text) = ((resolved_at IS NULL) AND (resolved_by IS NULL) AND (approved IS NULL)))),
  constraint blocks_status_check CHECK ((status = ANY (ARRAY['active'::text, 'approved'::text, 'rejected'::text])))
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

create table sor.idempotency_keys (
  tenant_id text not null,
  scope text not null,
  idempotency_key text not null,
  fingerprint bytea not null,
  run_id uuid,
  tool_call_id uuid,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  expires_at timestamp with time zone not null,
  constraint idempotency_keys_pkey PRIMARY KEY (tenant_id, scope, idempotency_key),
  constraint idempotency_keys_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint idempotency_keys_fingerprint_length CHECK ((length(fingerprint) = 32)),
  constraint idempotency_keys_key_length CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 255))),
  constraint idempotency_keys_target_check CHECK ((num_nonnulls(run_id, tool_call_id) >= 1))
);

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

create table sor.runs (
  tenant_id text not null,
  run_id uuid default gen_random_uuid() not null,
  workflow text not null,
  idempotency_key text,
  input jsonb,
  input_sha256 bytea not null,
  worker_role name not null,
  worker_kind text not null,
  status text default 'running'::text not null,
  lease_seconds integer not null,
  lease_expires_at timestamp with time zone not null,
  heartbeat_at timestamp with time zone,
  version integer default 0 not null,
  state jsonb default '{}'::jsonb not null,
  "overlay" jsonb default '{}'::jsonb not null,
  last_step_id text,
  hash_only boolean default false not null,
  started_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  error jsonb,
  error_sha256 bytea,
  constraint runs_pkey PRIMARY KEY (tenant_id, run_id),
  constraint runs_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint runs_error_check CHECK (((status = 'failed'::text) OR ((error IS NULL) AND (error_sha256 IS NULL)))),
  constraint runs_finished_check CHECK (((status = 'running'::text) = (finished_at IS NULL))),
  constraint runs_hash_only_check CHECK (((NOT hash_only) OR ((input IS NULL) AND (error IS NULL)))),
  constraint runs_lease_check CHECK (((lease_seconds >= 1) AND (lease_seconds <= 3600))),
  constraint runs_sha256_length CHECK (((length(input_sha256) = 32) AND ((error_sha256 IS NULL) OR (length(error_sha256) = 32)))),
  constraint runs_state_object CHECK (((jsonb_typeof(state) = 'object'::text) AND (jsonb_typeof("overlay") = 'object'::text))),
  constraint runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'abandoned'::text]))),
  constraint runs_version_check CHECK ((version >= 0)),
  constraint runs_workflow_format CHECK ((workflow ~ '^[a-z][a-z0-9_.-]{0,99}$'::text))
) with (fillfactor=80);

create table sor.steps (
  tenant_id text not null,
  run_id uuid not null,
  step_id text not null,
  version integer not null,
  output jsonb not null,
  event_count integer not null,
  command_count integer not null,
  block_id bigint,
  committed_at timestamp with time zone default now() not null,
  committed_by name default SESSION_USER not null,
  constraint steps_version_key UNIQUE (tenant_id, run_id, version),
  constraint steps_pkey PRIMARY KEY (tenant_id, run_id, step_id),
  constraint steps_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint steps_counts_check CHECK (((event_count >= 0) AND (command_count >= 0))),
  constraint steps_version_check CHECK ((version >= 1))
);

create table sor.tenant_members (
  tenant_id text not null,
  role_name name not null,
  added_at timestamp with time zone default now() not null,
  added_by name default SESSION_USER not null,
  constraint tenant_members_pkey PRIMARY KEY (tenant_id, role_name),
  constraint tenant_members_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)
);

create table sor.tenant_settings (
  tenant_id text not null,
  hash_only boolean default false not null,
  idempotency_retention interval default '24:00:00'::interval not null,
  updated_at timestamp with time zone default now() not null,
  updated_by name default SESSION_USER not null,
  constraint tenant_settings_pkey PRIMARY KEY (tenant_id),
  constraint tenant_settings_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint tenant_settings_retention_range CHECK (((idempotency_retention >= '00:00:01'::interval) AND (idempotency_retention <= '90 days'::interval)))
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

create table sor.tool_calls (
  tenant_id text not null,
  tool_call_id uuid default gen_random_uuid() not null,
  run_id uuid not null,
  tool_name text not null,
  args jsonb,
  args_sha256 bytea not null,
  status text default 'started'::text not null,
  result jsonb,
  result_sha256 bytea,
  error jsonb,
  error_sha256 bytea,
  idempotency_key text,
  hash_only boolean default false not null,
  started_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  constraint tool_calls_pkey PRIMARY KEY (tenant_id, tool_call_id),
  constraint tool_calls_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint tool_calls_args_check CHECK ((hash_only OR (args IS NOT NULL))),
  constraint tool_calls_error_check CHECK (((status <> 'failed'::text) OR ((error_sha256 IS NOT NULL) AND (result IS NULL) AND (result_sha256 IS NULL)))),
  constraint tool_calls_finished_check CHECK (((status = 'started'::text) = (finished_at IS NULL))),
  constraint tool_calls_hash_only_check CHECK (((NOT hash_only) OR ((args IS NULL) AND (result IS NULL) AND (error IS NULL)))),
  constraint tool_calls_outcome_check CHECK (((status <> 'succeeded'::text) OR ((error IS NULL) AND (error_sha256 IS NULL)))),
  constraint tool_calls_sha256_length CHECK (((length(args_sha256) = 32) AND ((result_sha256 IS NULL) OR (length(result_sha256) = 32)) AND ((error_sha256 IS NULL) OR (length(error_sha256) = 32)))),
  constraint tool_calls_status_check CHECK ((status = ANY (ARRAY['started'::text, 'succeeded'::text, 'failed'::text])))
) with (fillfactor=80);

create table sor.turns (
  tenant_id text not null,
  run_id uuid not null,
  turn_no integer not null,
  model text not null,
  role text not null,
  input_tokens integer default 0 not null,
  output_tokens integer default 0 not null,
  content text,
  content_sha256 bytea,
  hash_only boolean default false not null,
  recorded_at timestamp with time zone default now() not null,
  constraint turns_pkey PRIMARY KEY (tenant_id, run_id, turn_no),
  constraint turns_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint turns_hash_only_check CHECK (((NOT hash_only) OR ((content IS NULL) AND (content_sha256 IS NOT NULL)))),
  constraint turns_role_check CHECK ((role = ANY (ARRAY['system'::text, 'user'::text, 'assistant'::text, 'tool'::text]))),
  constraint turns_sha256_check CHECK ((((content IS NULL) OR (content_sha256 IS NOT NULL)) AND ((content_sha256 IS NULL) OR (length(content_sha256) = 32)))),
  constraint turns_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
  constraint turns_turn_no_check CHECK ((turn_no >= 1))
);

create table sor.workers (
  role_name name not null,
  kind text not null,
  registered_at timestamp with time zone default now() not null,
  registered_by name default SESSION_USER not null,
  constraint workers_pkey PRIMARY KEY (role_name),
  constraint workers_kind_format CHECK ((kind ~ '^[a-z][a-z0-9_.-]{0,99}$'::text))
);

-- indexes

CREATE INDEX blocks_block_id_idx ON sor.blocks USING btree (block_id);
CREATE UNIQUE INDEX blocks_one_active_idx ON sor.blocks USING btree (tenant_id, run_id) WHERE (status = 'active'::text);
CREATE INDEX events_occurred_at_idx ON sor.events USING btree (occurred_at, "position");
CREATE INDEX events_position_idx ON sor.events USING btree ("position");
CREATE INDEX idempotency_keys_expires_idx ON sor.idempotency_keys USING btree (expires_at);
CREATE INDEX outbox_event_id_idx ON sor.outbox USING btree (event_id);
CREATE INDEX outbox_leased_idx ON sor.outbox USING btree (lease_expires_at) WHERE (status = 'leased'::text);
CREATE INDEX outbox_ready_idx ON sor.outbox USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text]));
CREATE INDEX outbox_run_idx ON sor.outbox USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL);
CREATE INDEX runs_lease_idx ON sor.runs USING btree (lease_expires_at) WHERE (status = 'running'::text);
CREATE INDEX runs_run_id_idx ON sor.runs USING btree (run_id);
CREATE INDEX runs_worker_idx ON sor.runs USING btree (worker_role, started_at);
CREATE INDEX tenant_members_role_name_idx ON sor.tenant_members USING btree (role_name, tenant_id);
CREATE INDEX tool_calls_run_idx ON sor.tool_calls USING btree (tenant_id, run_id, started_at);
CREATE INDEX tool_calls_tool_call_id_idx ON sor.tool_calls USING btree (tool_call_id);

-- views

create view sor_api.journal_blocks with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    block_id,
    run_id,
    step_id,
    kind,
    status,
    command,
    opened_at,
    resolved_at,
    resolved_by,
    approved,
    note
   FROM sor.blocks b;

create view sor_api.journal_runs with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    run_id,
    workflow,
    worker_role,
    worker_kind,
        CASE
            WHEN status = 'running'::text AND lease_expires_at <= clock_timestamp() THEN 'abandoned'::text
            ELSE status
        END AS status,
    idempotency_key,
    input,
    encode(input_sha256, 'hex'::text) AS input_sha256,
    hash_only,
    version,
    state,
    "overlay",
    state || "overlay" AS effective_state,
    last_step_id,
    lease_expires_at,
    heartbeat_at,
    started_at,
    COALESCE(finished_at,
        CASE
            WHEN lease_expires_at <= clock_timestamp() THEN lease_expires_at
            ELSE NULL::timestamp with time zone
        END) AS finished_at,
    error,
    encode(error_sha256, 'hex'::text) AS error_sha256
   FROM sor.runs r;

create view sor_api.journal_steps with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    run_id,
    step_id,
    version,
    output,
    event_count,
    command_count,
    block_id,
    committed_at,
    committed_by
   FROM sor.steps s;

create view sor_api.journal_tool_calls with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    tool_call_id,
    run_id,
    tool_name,
    status,
    args,
    encode(args_sha256, 'hex'::text) AS args_sha256,
    result,
    encode(result_sha256, 'hex'::text) AS result_sha256,
    error,
    encode(error_sha256, 'hex'::text) AS error_sha256,
    idempotency_key,
    hash_only,
    started_at,
    finished_at
   FROM sor.tool_calls c;

create view sor_api.journal_turns with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    run_id,
    turn_no,
    model,
    role,
    input_tokens,
    output_tokens,
    content,
    encode(content_sha256, 'hex'::text) AS content_sha256,
    hash_only,
    recorded_at
   FROM sor.turns t;

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

CREATE OR REPLACE FUNCTION sor.certify__040_journal()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  with expected_triggers(tbl, tgname, fn) as (
    values ('sor.runs', 'runs_events', 'sor.tg_runs__events'),
           ('sor.blocks', 'blocks_events', 'sor.tg_blocks__events')
  ), triggers as (
    select e.tbl, e.tgname, e.fn, t.tgenabled, t.tgtype, (select format('%s.%s', n.nspname, p.proname) from pg_catalog.pg_proc p
              join pg_catalog.pg_namespace n on n.oid = p.pronamespace where p.oid = t.tgfoid) as actual_fn
      from expected_triggers e
      left join pg_catalog.pg_trigger t
        on t.tgrelid = pg_catalog.to_regclass(e.tbl) and t.tgname = e.tgname and not t.tgisinternal
  ), active_index as (
    select i.indisunique, i.indisvalid, pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred,
           pg_catalog.pg_get_indexdef(i.indexrelid) as def, i.indrelid
      from pg_catalog.pg_index i
     where i.indexrelid = pg_catalog.to_regclass('sor.blocks_one_active_idx')
  ), journal_tables(tbl) as (
    values ('sor.workers'), ('sor.tenant_settings'), ('sor.runs'), ('sor.turns'), ('sor.tool_calls'),
           ('sor.steps'), ('sor.blocks'), ('sor.idempotency_keys')
  ), internals(fn) as (
    values ('sor.tool_call_begin(uuid,text,jsonb,text)'), ('sor.tool_call_finish(uuid,jsonb,jsonb)'),
           ('sor.idempotency_claim(text,text,text,bytea,uuid,uuid)'), ('sor.worker_run(uuid,boolean)'),
           ('sor.mark_abandoned(uuid,name)'), ('sor.journal_digest(text,text,boolean,text)')
  ), hash_only_leaks(tbl, n) as (
    select 'sor.runs', count(*) from sor.runs r
     where r.hash_only and (r.input is not null or r.error is not null)
    union all
    select 'sor.turns', count(*) from sor.turns t join sor.runs r on r.tenant_id = t.tenant_id and r.run_id = t.run_id
     where (r.hash_only or t.hash_only) and (t.content is not null or t.content_sha256 is null or not t.hash_only)
    union all
    select 'sor.tool_calls', count(*) from sor.tool_calls c join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
     where (r.hash_only or c.hash_only)
       and (c.args is not null or c.result is not null or c.error is not null or not c.hash_only)
    union all
    select 'sor.events', count(*) from sor.events e join sor.runs r on r.tenant_id = e.tenant_id and e.stream = 'run-' || r.run_id::text
     where r.hash_only and e.type in ('run_started', 'run_succeeded', 'run_failed', 'run_abandoned')
       and (e.payload ? 'input' or coalesce(e.payload -> 'error', 'null'::jsonb) <> 'null'::jsonb)
  ), diverging as (
    select r.tenant_id, r.run_id, r.version,
           (select count(*) from sor.steps s where s.tenant_id = r.tenant_id and s.run_id = r.run_id) as steps,
           (select count(*) from sor.events e where e.tenant_id = r.tenant_id and e.stream = 'run-' || r.run_id::text
                                               and e.type = 'run_state_committed') as commits
      from sor.runs r
  )
  select 'replayable', 'run and block transitions write events from ENABLE ALWAYS triggers', t.tgname || ' on ' || t.tbl,
         t.tgenabled is not null and t.tgenabled = 'A' and t.actual_fn = t.fn
           and (t.tgtype & 1) = 1 and (t.tgtype & 2) = 0 and (t.tgtype & 4) = 4 and (t.tgtype & 16) = 16,
         case when t.tgenabled is null then 'trigger is missing'
              when t.tgenabled <> 'A' then 'trigger is not ENABLE ALWAYS (tgenabled ' || t.tgenabled::text || ')'
              when t.actual_fn <> t.fn then 'trigger calls ' || t.actual_fn
              when not ((t.tgtype & 1) = 1 and (t.tgtype & 2) = 0 and (t.tgtype & 4) = 4 and (t.tgtype & 16) = 16)
                then 'trigger is not AFTER INSERT OR UPDATE FOR EACH ROW'
              else 'enabled always, after insert or update, calls ' || t.fn end
    from triggers t
  union all
  select 'policy-bound', 'at most one active block per run (partial unique index)', 'sor.blocks_one_active_idx',
         coalesce((select a.indisunique and a.indisvalid and a.pred = '(status = ''active''::text)'
                          and a.def like '%(tenant_id, run_id)%'
                     from active_index a), false),
         coalesce((select a.def from active_index a), 'index is missing')
  union all
  select 'governed', 'hash-only runs hold no content', h.tbl, h.n = 0,
         case when h.n = 0 then 'no content in hash-only rows' else h.n || ' hash-only rows hold content' end
    from hash_only_leaks h
  union all
  select 'governed', 'journal tables have row level security enabled and forced', j.tbl,
         coalesce(c.relrowsecurity and c.relforcerowsecurity, false),
         case when c.oid is null then 'table is missing'
              when not c.relrowsecurity then 'row level security is not enabled'
              when not c.relforcerowsecurity then 'row level security is not forced'
              else 'enabled and forced' end
    from journal_tables j left join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(j.tbl)
  union all
  select 'governed', 'internal journal functions are executable by their owner only', i.fn,
         p.oid is not null
           and not exists (select 1 from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                            where a.grantee <> p.proowner and a.privilege_type = 'EXECUTE'),
         case when p.oid is null then 'function is missing'
              else coalesce((select 'executable by ' || string_agg(case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end, ', ')
                               from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                              where a.grantee <> p.proowner and a.privilege_type = 'EXECUTE'), 'owner only') end
    from internals i left join pg_catalog.pg_proc p on p.oid = pg_catalog.to_regprocedure(i.fn)
  union all
  select 'replayable', 'run versions agree with their committed steps and events', 'sor.runs',
         not exists (select 1 from diverging d where d.version <> d.steps or d.version <> d.commits),
         coalesce((select count(*) || ' runs diverge, e.g. ' || min(d.run_id::text)
                     from diverging d where d.version <> d.steps or d.version <> d.commits
                   having count(*) > 0),
                  'every run version equals its steps and run_state_committed events')
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

CREATE OR REPLACE FUNCTION sor.command_dedupe_key(run_id uuid, step_id text, ordinal integer, command jsonb)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select encode(sha256(convert_to(jsonb_build_array(command_dedupe_key.run_id::text, command_dedupe_key.step_id,
                                                     command_dedupe_key.ordinal, command_dedupe_key.command)::text,
                                  'UTF8')), 'hex')
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

CREATE OR REPLACE FUNCTION sor.current_worker()
 RETURNS sor.workers
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _w sor.workers;
begin
  select w.* into _w from sor.workers w where w.role_name = session_user;
  if not found or not pg_catalog.pg_has_role(session_user, 'sor_worker', 'MEMBER') then
    raise exception 'role % is not a registered Worker', session_user
      using errcode = 'SR030', hint = 'An admin registers it with sor_api.register_worker(role_name, kind); the role must be a member of sor_worker.';
  end if;
  return _w;
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

CREATE OR REPLACE FUNCTION sor.idempotency_claim(tenant_id text, scope text, idempotency_key text, fingerprint bytea, run_id uuid, tool_call_id uuid)
 RETURNS sor.idempotency_keys
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _row sor.idempotency_keys;
  _retention interval;
begin
  select coalesce((select s.idempotency_retention from sor.tenant_settings s
                    where s.tenant_id = idempotency_claim.tenant_id), interval '24 hours')
    into _retention;
  loop
    -- a concurrent first use of the key holds the unique index entry: this insert waits for it,
    -- and finds its row if it committed, or takes the key if it rolled back
    insert into sor.idempotency_keys as k (tenant_id, scope, idempotency_key, fingerprint, run_id, tool_call_id, expires_at)
    values (idempotency_claim.tenant_id, idempotency_claim.scope, idempotency_claim.idempotency_key,
            idempotency_claim.fingerprint, idempotency_claim.run_id, idempotency_claim.tool_call_id,
            pg_catalog.now() + _retention)
    on conflict on constraint idempotency_keys_pkey do nothing
    returning k.* into _row;
    if found then
      return _row;
    end if;
    select k.* into _row from sor.idempotency_keys k
     where k.tenant_id = idempotency_claim.tenant_id and k.scope = idempotency_claim.scope
       and k.idempotency_key = idempotency_claim.idempotency_key
     for update;
    if found then
      if _row.expires_at <= pg_catalog.now() then
        update sor.idempotency_keys k
           set fingerprint = idempotency_claim.fingerprint, run_id = idempotency_claim.run_id,
               tool_call_id = idempotency_claim.tool_call_id, created_at = pg_catalog.now(),
               created_by = session_user, expires_at = pg_catalog.now() + _retention
         where k.tenant_id = _row.tenant_id and k.scope = _row.scope and k.idempotency_key = _row.idempotency_key
        returning k.* into _row;
      end if;
      return _row;
    end if;
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor.journal_bad_input(what text, hint text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  raise exception 'malformed argument: %', journal_bad_input.what
    using errcode = 'SR033', hint = journal_bad_input.hint;
end
$function$;

CREATE OR REPLACE FUNCTION sor.journal_check_id(value text, what text, max_length integer DEFAULT 200)
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  if journal_check_id.value is null or length(journal_check_id.value) = 0
     or length(journal_check_id.value) > journal_check_id.max_length
     or journal_check_id.value ~ '[[:cntrl:]]' then
    perform sor.journal_bad_input(journal_check_id.what,
      format('%s must be a non-empty string of at most %s characters without control characters.',
             journal_check_id.what, journal_check_id.max_length));
  end if;
  return journal_check_id.value;
end
$function$;

CREATE OR REPLACE FUNCTION sor.journal_digest(content text, given_sha256 text, hash_only boolean, what text)
 RETURNS bytea
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _given bytea;
  _computed bytea;
begin
  if journal_digest.given_sha256 is not null then
    if journal_digest.given_sha256 !~ '^[0-9a-f]{64}$' then
      perform sor.journal_bad_input(journal_digest.what || '_sha256',
        'A sha256 is 64 lowercase hexadecimal digits.');
    end if;
    _given := decode(journal_digest.given_sha256, 'hex');
  end if;
  if journal_digest.content is not null then
    if octet_length(journal_digest.content) > 1048576 then
      raise exception '% is larger than 1 MiB', journal_digest.what
        using errcode = 'SR040', hint = 'Store large content elsewhere and journal its sha256 and a reference.';
    end if;
    _computed := sha256(convert_to(journal_digest.content, 'UTF8'));
    if _given is not null and _given <> _computed then
      raise exception 'the sha256 given for % does not match its content', journal_digest.what
        using errcode = 'SR039', hint = 'Pass the sha256 of the UTF-8 content, or omit it and let the database compute it.';
    end if;
    return _computed;
  end if;
  if _given is null and journal_digest.hash_only then
    raise exception 'hash-only run: the sha256 of % is mandatory', journal_digest.what
      using errcode = 'SR039', hint = 'In hash-only mode pass the content''s sha256 (the content itself is never stored).';
  end if;
  return _given;
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

CREATE OR REPLACE FUNCTION sor.mark_abandoned(run_id uuid DEFAULT NULL::uuid, worker_role name DEFAULT NULL::name)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _n integer;
begin
  update sor.runs r
     set status = 'abandoned', finished_at = r.lease_expires_at
   where r.status = 'running'
     and r.lease_expires_at <= pg_catalog.clock_timestamp()
     and (mark_abandoned.run_id is null or r.run_id = mark_abandoned.run_id)
     and (mark_abandoned.worker_role is null or r.worker_role = mark_abandoned.worker_role);
  get diagnostics _n = row_count;
  return _n;
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

CREATE OR REPLACE FUNCTION sor.tg_blocks__events()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _stream text := 'run-' || new.run_id::text;
  _meta jsonb := jsonb_build_object('run_id', new.run_id, 'step_id', new.step_id, 'block_id', new.block_id);
begin
  if tg_op = 'INSERT' then
    perform sor.append_event(new.tenant_id, _stream, 'block_opened',
      jsonb_build_object('block_id', new.block_id, 'kind', new.kind, 'step_id', new.step_id), _meta);
    return null;
  end if;
  if old.status <> 'active' or old.block_id <> new.block_id or old.run_id <> new.run_id or old.kind <> new.kind then
    raise exception 'block % is % and cannot change', old.block_id, old.status
      using errcode = 'SR043', hint = 'A block is resolved once, by sor_api.resolve_block.';
  end if;
  if new.status <> old.status then
    perform sor.append_event(new.tenant_id, _stream, 'block_' || new.status,
      jsonb_build_object('block_id', new.block_id, 'kind', new.kind, 'approved', new.approved,
                         'resolved_by', new.resolved_by, 'note', new.note), _meta);
  end if;
  return null;
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

CREATE OR REPLACE FUNCTION sor.tg_runs__events()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _stream text := 'run-' || new.run_id::text;
  _meta jsonb := jsonb_build_object('run_id', new.run_id);
begin
  if tg_op = 'INSERT' then
    perform sor.append_event(new.tenant_id, _stream, 'run_started',
      jsonb_build_object('workflow', new.workflow, 'worker_role', new.worker_role, 'worker_kind', new.worker_kind,
                         'input_sha256', encode(new.input_sha256, 'hex'), 'hash_only', new.hash_only,
                         'lease_expires_at', new.lease_expires_at, 'idempotency_key', new.idempotency_key),
      _meta);
    return null;
  end if;
  if old.run_id <> new.run_id or old.tenant_id <> new.tenant_id or old.worker_role <> new.worker_role
     or old.hash_only <> new.hash_only or old.input_sha256 <> new.input_sha256 then
    raise exception 'the identity of run % cannot change', old.run_id
      using errcode = 'SR035', hint = 'Runs keep their tenant, Worker, input and hash-only mode for life.';
  end if;
  if old.status <> 'running' and (new.status <> old.status or new.version <> old.version or new.state <> old.state) then
    raise exception 'run % is %', old.run_id, old.status
      using errcode = 'SR035', hint = 'A finished or abandoned run takes no more writes; start a new run.';
  end if;
  if new.version <> old.version then
    if new.version <> old.version + 1 then
      raise exception 'run % version must advance by one (from % to %)', old.run_id, old.version, new.version
        using errcode = 'SR035', hint = 'Versions advance only through commit_step.';
    end if;
    perform sor.append_event(new.tenant_id, _stream, 'run_state_committed',
      jsonb_build_object('version', new.version, 'step_id', new.last_step_id), _meta || jsonb_build_object('step_id', new.last_step_id));
  end if;
  if new.overlay <> old.overlay then
    perform sor.append_event(new.tenant_id, _stream, 'run_overlay_set',
      jsonb_build_object('keys', (select coalesce(jsonb_agg(k order by k), '[]'::jsonb)
                                    from jsonb_each(new.overlay) e(k, v)
                                   where not (old.overlay ? e.k) or old.overlay -> e.k <> e.v)),
      _meta);
  end if;
  if new.status <> old.status then
    perform sor.append_event(new.tenant_id, _stream, 'run_' || new.status,
      jsonb_build_object('from', old.status, 'to', new.status, 'version', new.version,
                         'finished_at', new.finished_at,
                         'error', case when new.hash_only then null else new.error end,
                         'error_sha256', encode(new.error_sha256, 'hex')),
      _meta);
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tool_call_begin(run_id uuid, tool_name text, args jsonb, idempotency_key text DEFAULT NULL::text)
 RETURNS TABLE(tool_call_id uuid, replayed boolean, status text, result jsonb, error jsonb)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
  _args_digest bytea;
  _fingerprint bytea;
  _new uuid := pg_catalog.gen_random_uuid();
  _claim sor.idempotency_keys;
  _call sor.tool_calls;
begin
  perform sor.current_worker();
  if tool_call_begin.tool_name is null or tool_call_begin.tool_name !~ '^[a-z][a-z0-9_.-]{0,99}$' then
    perform sor.journal_bad_input('tool_name', 'A tool name is a lowercase slug of at most 100 characters, e.g. send_email.');
  end if;
  if tool_call_begin.args is null or jsonb_typeof(tool_call_begin.args) <> 'object' then
    perform sor.journal_bad_input('args', 'Tool arguments are a JSON object, e.g. {"to": "alice@example.com"}.');
  end if;
  if tool_call_begin.idempotency_key is not null then
    perform sor.journal_check_id(tool_call_begin.idempotency_key, 'idempotency_key', 255);
  end if;
  _r := sor.worker_run(tool_call_begin.run_id, true);
  _args_digest := sor.journal_digest(tool_call_begin.args::text, null, false, 'args');
  _fingerprint := sha256(convert_to(jsonb_build_array(tool_call_begin.tool_name, encode(_args_digest, 'hex'))::text, 'UTF8'));

  if tool_call_begin.idempotency_key is not null then
    _claim := sor.idempotency_claim(_r.tenant_id, 'tool_call', tool_call_begin.idempotency_key, _fingerprint, null, _new);
    if _claim.tool_call_id is distinct from _new then
      if _claim.fingerprint <> _fingerprint then
        raise exception 'idempotency key % was used with another tool or other arguments', tool_call_begin.idempotency_key
          using errcode = 'SR037', hint = 'A retry must send the same tool and arguments; a new request needs a new key.';
      end if;
      select c.* into _call from sor.tool_calls c
       where c.tenant_id = _r.tenant_id and c.tool_call_id = _claim.tool_call_id;
      if _call.status = 'started' then
        raise exception 'tool call % with idempotency key % is in progress', _call.tool_call_id, tool_call_begin.idempotency_key
          using errcode = 'SR038',
                hint = 'Another attempt holds this key and has not finished (or its run was abandoned mid-call): retry later, or check the tool''s provider.';
      end if;
      return query select _call.tool_call_id, true, _call.status, _call.result, _call.error;
      return;
    end if;
  end if;

  insert into sor.tool_calls (tenant_id, tool_call_id, run_id, tool_name, args, args_sha256, idempotency_key, hash_only)
  values (_r.tenant_id, _new, _r.run_id, tool_call_begin.tool_name,
          case when _r.hash_only then null else tool_call_begin.args end, _args_digest,
          tool_call_begin.idempotency_key, _r.hash_only);
  return query select _new, false, 'started'::text, null::jsonb, null::jsonb;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tool_call_finish(tool_call_id uuid, result jsonb, error jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _call sor.tool_calls;
  _r sor.runs;
  _result_digest bytea;
  _error_digest bytea;
begin
  perform sor.current_worker();
  if tool_call_finish.tool_call_id is null then
    perform sor.journal_bad_input('tool_call_id', 'Pass the id begin_tool_call returned.');
  end if;
  if tool_call_finish.error is not null and tool_call_finish.result is not null then
    perform sor.journal_bad_input('result/error', 'A tool call either succeeds with a result or fails with an error, not both.');
  end if;
  select c.* into _call from sor.tool_calls c
    join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
   where c.tool_call_id = tool_call_finish.tool_call_id and r.worker_role = session_user;
  if not found then
    raise exception 'unknown tool call % for Worker %', tool_call_finish.tool_call_id, session_user
      using errcode = 'SR034', hint = 'A Worker finishes only tool calls of its own runs.';
  end if;
  _r := sor.worker_run(_call.run_id, true);
  select c.* into _call from sor.tool_calls c
   where c.tenant_id = _call.tenant_id and c.tool_call_id = _call.tool_call_id
   for update;
  if _call.status <> 'started' then
    raise exception 'tool call % is already %', _call.tool_call_id, _call.status
      using errcode = 'SR044', hint = 'A tool call is finished once; begin a new call to try again.';
  end if;
  _result_digest := sor.journal_digest(tool_call_finish.result::text, null, false, 'result');
  _error_digest := sor.journal_digest(tool_call_finish.error::text, null, false, 'error');
  update sor.tool_calls c
     set status = case when tool_call_finish.error is null then 'succeeded' else 'failed' end,
         result = case when _r.hash_only then null else tool_call_finish.result end,
         result_sha256 = _result_digest,
         error = case when _r.hash_only then null else tool_call_finish.error end,
         error_sha256 = _error_digest,
         finished_at = pg_catalog.clock_timestamp()
   where c.tenant_id = _call.tenant_id and c.tool_call_id = _call.tool_call_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor.worker_run(run_id uuid, for_write boolean)
 RETURNS sor.runs
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
begin
  if worker_run.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  select r.* into _r from sor.runs r
   where r.run_id = worker_run.run_id and r.worker_role = session_user
   for update;
  if not found then
    raise exception 'unknown run % for Worker %', worker_run.run_id, session_user
      using errcode = 'SR034', hint = 'A Worker sees only its own runs: pass a run id that start_run returned to this role.';
  end if;
  if worker_run.for_write then
    if _r.status <> 'running' then
      raise exception 'run % is %', worker_run.run_id, _r.status
        using errcode = 'SR035', hint = 'A finished or abandoned run takes no more writes; start a new run.';
    end if;
    if _r.lease_expires_at <= pg_catalog.clock_timestamp() then
      raise exception 'the lease of run % lapsed at %', worker_run.run_id, _r.lease_expires_at
        using errcode = 'SR036', hint = 'The run reads abandoned; heartbeat more often than lease_seconds, and start a new run.';
    end if;
  end if;
  return _r;
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

CREATE OR REPLACE FUNCTION sor_api.begin_tool_call(run_id uuid, tool_name text, args jsonb, idempotency_key text DEFAULT NULL::text)
 RETURNS TABLE(tool_call_id uuid, replayed boolean, status text, result jsonb, error jsonb)
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select b.tool_call_id, b.replayed, b.status, b.result, b.error
    from sor.tool_call_begin(begin_tool_call.run_id, begin_tool_call.tool_name, begin_tool_call.args,
                             begin_tool_call.idempotency_key) b
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

CREATE OR REPLACE FUNCTION sor_api.commit_step(run_id uuid, step_id text, expected_version integer, output jsonb, events jsonb DEFAULT '[]'::jsonb, commands jsonb DEFAULT '[]'::jsonb)
 RETURNS TABLE(status text, version integer, replayed boolean, recorded_output jsonb, block_id bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _events jsonb := coalesce(commit_step.events, '[]'::jsonb);
  _commands jsonb := coalesce(commit_step.commands, '[]'::jsonb);
  _r sor.runs;
  _step sor.steps;
  _e jsonb;
  _c jsonb;
  _ord integer;
  _blocking jsonb;
  _blocking_ord integer;
  _block bigint;
  _version integer;
  _meta jsonb;
begin
  perform sor.current_worker();
  if commit_step.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  perform sor.journal_check_id(commit_step.step_id, 'step_id', 200);
  if commit_step.expected_version is null or commit_step.expected_version < 0 then
    perform sor.journal_bad_input('expected_version', 'Pass the version you last read: 0 for the first step of a run.');
  end if;
  if commit_step.output is null or jsonb_typeof(commit_step.output) <> 'object' then
    perform sor.journal_bad_input('output', 'A step output is a JSON object; it is merged into the state (shallow).');
  end if;
  if jsonb_typeof(_events) <> 'array' or jsonb_array_length(_events) > 1000 then
    perform sor.journal_bad_input('events', 'Events are a JSON array (at most 1000) of {"type": ..., "payload": {...}}.');
  end if;
  for _e in select x from jsonb_array_elements(_events) x loop
    if jsonb_typeof(_e) <> 'object'
       or jsonb_typeof(_e -> 'type') is distinct from 'string'
       or (_e ->> 'type') !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' or length(_e ->> 'type') > 100
       or coalesce(jsonb_typeof(_e -> 'payload'), 'object') <> 'object'
       or exists (select 1 from jsonb_object_keys(_e) k where k not in ('type', 'payload')) then
      perform sor.journal_bad_input('events', 'Each event is {"type": "name", "payload": {...}}: a type of at most 100 letters, digits, _ . : or -, and an optional object payload.');
    end if;
  end loop;
  if jsonb_typeof(_commands) <> 'array' or jsonb_array_length(_commands) > 1000 then
    perform sor.journal_bad_input('commands', 'Commands are a JSON array (at most 1000) of objects with a "type".');
  end if;
  for _c, _ord in select x, o::integer from jsonb_array_elements(_commands) with ordinality as t(x, o) loop
    if jsonb_typeof(_c) <> 'object' or jsonb_typeof(_c -> 'type') is distinct from 'string'
       or (_c ->> 'type') !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' or length(_c ->> 'type') > 100 then
      perform sor.journal_bad_input('commands', 'Each command is an object whose "type" is a name of at most 100 letters, digits, _ . : or -.');
    end if;
    if (_c ->> 'type') in ('review', 'suspend') then
      if _blocking is not null then
        raise exception 'step % has more than one review or suspend command', commit_step.step_id
          using errcode = 'SR041', hint = 'A run has at most one active block: give a step at most one review or suspend command.';
      end if;
      _blocking := _c;
      _blocking_ord := _ord;
    end if;
  end loop;
  if octet_length(commit_step.output::text) > 1048576 or octet_length(_events::text) > 1048576
     or octet_length(_commands::text) > 1048576 then
    raise exception 'step % is larger than 1 MiB (output, events or commands)', commit_step.step_id
      using errcode = 'SR040', hint = 'Store large content elsewhere and put its sha256 and a reference in the state.';
  end if;

  select r.* into _r from sor.runs r
   where r.run_id = commit_step.run_id and r.worker_role = session_user
   for update;
  if not found then
    return query select 'not_found'::text, null::integer, false, null::jsonb, null::bigint;
    return;
  end if;
  select s.* into _step from sor.steps s
   where s.tenant_id = _r.tenant_id and s.run_id = _r.run_id and s.step_id = commit_step.step_id;
  if found then
    return query select 'committed'::text, _step.version, true, _step.output, _step.block_id;
    return;
  end if;
  if _r.status <> 'running' then
    raise exception 'run % is %', _r.run_id, _r.status
      using errcode = 'SR035', hint = 'A finished or abandoned run takes no more steps; start a new run.';
  end if;
  if _r.lease_expires_at <= pg_catalog.clock_timestamp() then
    raise exception 'the lease of run % lapsed at %', _r.run_id, _r.lease_expires_at
      using errcode = 'SR036', hint = 'The run reads abandoned; heartbeat more often than lease_seconds, and start a new run.';
  end if;
  if _r.version <> commit_step.expected_version then
    return query select 'conflict'::text, _r.version, false, null::jsonb, null::bigint;
    return;
  end if;

  _version := _r.version + 1;
  update sor.runs r
     set state = r.state || commit_step.output, version = _version, last_step_id = commit_step.step_id
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;

  if _blocking is not null then
    begin
      insert into sor.blocks as b (tenant_id, run_id, step_id, kind, command)
      values (_r.tenant_id, _r.run_id, commit_step.step_id, _blocking ->> 'type', _blocking)
      returning b.block_id into _block;
    exception when unique_violation then
      raise exception 'run % already has an active block', _r.run_id
        using errcode = 'SR041', hint = 'Wait until an approver resolves the active block (sor_api.resolve_block) before opening another.';
    end;
  end if;

  insert into sor.steps (tenant_id, run_id, step_id, version, output, event_count, command_count, block_id)
  values (_r.tenant_id, _r.run_id, commit_step.step_id, _version, commit_step.output,
          jsonb_array_length(_events), jsonb_array_length(_commands), _block);

  _meta := jsonb_build_object('run_id', _r.run_id, 'step_id', commit_step.step_id, 'version', _version);
  for _e in select x from jsonb_array_elements(_events) x loop
    perform sor.append_event(_r.tenant_id, 'run-' || _r.run_id::text, _e ->> 'type',
                             coalesce(_e -> 'payload', '{}'::jsonb), _meta);
  end loop;

  insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                          status, run_id, step_id, block_id)
  select _r.tenant_id, t.x ->> 'type', 'run', _r.run_id::text, t.x,
         jsonb_build_object('run_id', _r.run_id, 'step_id', commit_step.step_id, 'ordinal', t.o),
         sor.command_dedupe_key(_r.run_id, commit_step.step_id, t.o::integer, t.x),
         case when _blocking is null then 'pending'
              when _blocking ->> 'type' = 'review' then 'deferred'
              else 'discarded' end,
         _r.run_id, commit_step.step_id, _block
    from jsonb_array_elements(_commands) with ordinality as t(x, o)
   where t.o <> coalesce(_blocking_ord, 0)
   order by t.o;

  return query select 'committed'::text, _version, false, commit_step.output, _block;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.configure_tenant(tenant_id text, hash_only boolean DEFAULT NULL::boolean, idempotency_retention interval DEFAULT NULL::interval)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  perform 1 from sor.tenants t where t.tenant_id = configure_tenant.tenant_id;
  if not found then
    raise exception 'unknown tenant %', coalesce(quote_literal(configure_tenant.tenant_id), 'NULL')
      using errcode = 'SR002', hint = 'Create it first with sor_api.add_tenant(tenant_id, display_name).';
  end if;
  if configure_tenant.idempotency_retention is not null
     and configure_tenant.idempotency_retention not between interval '1 second' and interval '90 days' then
    perform sor.journal_bad_input('idempotency_retention', 'Choose a retention between 1 second and 90 days.');
  end if;
  insert into sor.tenant_settings as s (tenant_id, hash_only, idempotency_retention)
  values (configure_tenant.tenant_id, coalesce(configure_tenant.hash_only, false),
          coalesce(configure_tenant.idempotency_retention, interval '24 hours'))
  on conflict on constraint tenant_settings_pkey
  do update set hash_only = coalesce(configure_tenant.hash_only, s.hash_only),
                idempotency_retention = coalesce(configure_tenant.idempotency_retention, s.idempotency_retention),
                updated_at = pg_catalog.now(), updated_by = session_user;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.finish_run(run_id uuid, status text, error jsonb DEFAULT NULL::jsonb)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
  _digest bytea;
begin
  perform sor.current_worker();
  if finish_run.status is null or finish_run.status not in ('succeeded', 'failed') then
    perform sor.journal_bad_input('status', 'A run finishes as succeeded or failed.');
  end if;
  if finish_run.status = 'succeeded' and finish_run.error is not null then
    perform sor.journal_bad_input('error', 'A succeeded run has no error; finish it as failed.');
  end if;
  _r := sor.worker_run(finish_run.run_id, false);
  if _r.status = finish_run.status then
    return _r.status;
  end if;
  _r := sor.worker_run(finish_run.run_id, true);
  _digest := sor.journal_digest(finish_run.error::text, null, false, 'error');
  update sor.runs r
     set status = finish_run.status, finished_at = pg_catalog.clock_timestamp(),
         error = case when r.hash_only then null else finish_run.error end,
         error_sha256 = _digest
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;
  return finish_run.status;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.finish_tool_call(tool_call_id uuid, result jsonb DEFAULT NULL::jsonb, error jsonb DEFAULT NULL::jsonb)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select sor.tool_call_finish(finish_tool_call.tool_call_id, finish_tool_call.result, finish_tool_call.error)
$function$;

CREATE OR REPLACE FUNCTION sor_api.get_run(run_id uuid)
 RETURNS TABLE(tenant_id text, workflow text, status text, version integer, state jsonb, "overlay" jsonb, effective_state jsonb, last_step_id text, hash_only boolean, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone, active_block_id bigint, active_block_kind text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
begin
  perform sor.current_worker();
  if get_run.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  perform sor.mark_abandoned(get_run.run_id, session_user);
  _r := sor.worker_run(get_run.run_id, false);
  return query
  select _r.tenant_id, _r.workflow, _r.status, _r.version, _r.state, _r.overlay,
         _r.state || _r.overlay, _r.last_step_id, _r.hash_only, _r.lease_expires_at, _r.started_at,
         _r.finished_at, b.block_id, b.kind
    from (select 1) one
    left join sor.blocks b on b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.status = 'active';
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.heartbeat(run_id uuid, lease_seconds integer DEFAULT NULL::integer)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
begin
  perform sor.current_worker();
  if heartbeat.lease_seconds is not null and heartbeat.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds.');
  end if;
  _r := sor.worker_run(heartbeat.run_id, true);
  update sor.runs r
     set lease_seconds = coalesce(heartbeat.lease_seconds, r.lease_seconds),
         lease_expires_at = pg_catalog.clock_timestamp() + make_interval(secs => coalesce(heartbeat.lease_seconds, r.lease_seconds)),
         heartbeat_at = pg_catalog.clock_timestamp()
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r.lease_expires_at;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.my_runs()
 RETURNS TABLE(run_id uuid, tenant_id text, workflow text, status text, version integer, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
begin
  perform sor.current_worker();
  perform sor.mark_abandoned(null, session_user);
  return query
  select r.run_id, r.tenant_id, r.workflow, r.status, r.version, r.lease_expires_at, r.started_at, r.finished_at
    from sor.runs r
   where r.worker_role = session_user
   order by r.started_at, r.run_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.record_turn(run_id uuid, model text, role text, input_tokens integer DEFAULT 0, output_tokens integer DEFAULT 0, content text DEFAULT NULL::text, content_sha256 text DEFAULT NULL::text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
  _digest bytea;
  _turn integer;
begin
  perform sor.current_worker();
  perform sor.journal_check_id(record_turn.model, 'model', 200);
  if record_turn.role is null or record_turn.role not in ('system', 'user', 'assistant', 'tool') then
    perform sor.journal_bad_input('role', 'A turn''s role is system, user, assistant or tool.');
  end if;
  if record_turn.input_tokens is null or record_turn.output_tokens is null
     or record_turn.input_tokens < 0 or record_turn.output_tokens < 0 then
    perform sor.journal_bad_input('input_tokens/output_tokens', 'Token counts are zero or more.');
  end if;
  _r := sor.worker_run(record_turn.run_id, true);
  _digest := sor.journal_digest(record_turn.content, record_turn.content_sha256, _r.hash_only, 'content');
  select coalesce(max(t.turn_no), 0) + 1 into _turn
    from sor.turns t where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id;
  insert into sor.turns (tenant_id, run_id, turn_no, model, role, input_tokens, output_tokens,
                         content, content_sha256, hash_only)
  values (_r.tenant_id, _r.run_id, _turn, record_turn.model, record_turn.role, record_turn.input_tokens,
          record_turn.output_tokens, case when _r.hash_only then null else record_turn.content end,
          _digest, _r.hash_only);
  return _turn;
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

CREATE OR REPLACE FUNCTION sor_api.register_worker(role_name text, kind text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _role pg_catalog.pg_roles%rowtype;
begin
  if register_worker.kind is null or register_worker.kind !~ '^[a-z][a-z0-9_.-]{0,99}$' then
    raise exception 'malformed worker kind: %', coalesce(quote_literal(register_worker.kind), 'NULL')
      using errcode = 'SR033', hint = 'A kind is a lowercase slug of at most 100 characters, e.g. expense-reconciler.';
  end if;
  select r.* into _role from pg_catalog.pg_roles r where r.rolname = register_worker.role_name;
  if not found or not _role.rolcanlogin or _role.rolsuper or _role.rolbypassrls
     or pg_catalog.pg_has_role(_role.oid, 'sor_owner', 'MEMBER')
     or not pg_catalog.pg_has_role(_role.oid, 'sor_worker', 'MEMBER') then
    raise exception 'role % cannot be a Worker', coalesce(quote_literal(register_worker.role_name), 'NULL')
      using errcode = 'SR031',
            hint = 'A Worker is an existing login role, member of sor_worker, without SUPERUSER, BYPASSRLS or sor_owner.';
  end if;
  insert into sor.workers as w (role_name, kind)
  values (register_worker.role_name, register_worker.kind)
  on conflict on constraint workers_pkey
  do update set kind = excluded.kind, registered_at = pg_catalog.now(), registered_by = session_user;
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

CREATE OR REPLACE FUNCTION sor_api.resolve_block(block_id bigint, approved boolean, note text DEFAULT NULL::text)
 RETURNS TABLE(status text, released integer, discarded integer, resume_outbox_id bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _b sor.blocks;
  _status text;
  _released integer := 0;
  _discarded integer := 0;
  _resume bigint;
begin
  if resolve_block.block_id is null then
    perform sor.journal_bad_input('block_id', 'Pass the id of an active block.');
  end if;
  if resolve_block.approved is null then
    perform sor.journal_bad_input('approved', 'Pass true to approve or false to reject.');
  end if;
  if resolve_block.note is not null and (length(resolve_block.note) > 2000 or resolve_block.note ~ '[\x01-\x08\x0b\x0c\x0e-\x1f]') then
    perform sor.journal_bad_input('note', 'A note has at most 2000 characters.');
  end if;
  select b.* into _b from sor.blocks b
   where b.block_id = resolve_block.block_id
     and b.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user)
   for update;
  if not found then
    raise exception 'unknown block % for role %', resolve_block.block_id, session_user
      using errcode = 'SR042', hint = 'An approver resolves blocks of the tenants it is a member of.';
  end if;
  if _b.status <> 'active' then
    raise exception 'block % is already %', _b.block_id, _b.status
      using errcode = 'SR043', hint = 'A block is resolved once.';
  end if;
  _status := case when resolve_block.approved then 'approved' else 'rejected' end;
  update sor.blocks b
     set status = _status, resolved_at = pg_catalog.clock_timestamp(), resolved_by = session_user,
         approved = resolve_block.approved, note = resolve_block.note
   where b.tenant_id = _b.tenant_id and b.block_id = _b.block_id;

  if _b.kind = 'review' then
    update sor.outbox o
       set status = case when resolve_block.approved then 'pending' else 'discarded' end,
           available_at = pg_catalog.now()
     where o.tenant_id = _b.tenant_id and o.block_id = _b.block_id and o.status = 'deferred';
    if resolve_block.approved then
      get diagnostics _released = row_count;
    else
      get diagnostics _discarded = row_count;
    end if;
  else
    insert into sor.outbox as o (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                                 status, run_id, step_id, block_id)
    values (_b.tenant_id, 'resume', 'run', _b.run_id::text,
            jsonb_build_object('type', 'resume', 'run_id', _b.run_id, 'block_id', _b.block_id,
                               'approved', resolve_block.approved, 'note', resolve_block.note),
            jsonb_build_object('run_id', _b.run_id, 'step_id', _b.step_id, 'block_id', _b.block_id),
            encode(sha256(convert_to(jsonb_build_array(_b.run_id::text, 'resume', _b.block_id)::text, 'UTF8')), 'hex'),
            'pending', _b.run_id, _b.step_id, _b.block_id)
    returning o.outbox_id into _resume;
  end if;
  return query select _status, _released, _discarded, _resume;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.run_tool_calls(run_id uuid)
 RETURNS TABLE(tool_call_id uuid, tool_name text, status text, args jsonb, args_sha256 text, result jsonb, error jsonb, idempotency_key text, started_at timestamp with time zone, finished_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
begin
  perform sor.current_worker();
  _r := sor.worker_run(run_tool_calls.run_id, false);
  return query
  select c.tool_call_id, c.tool_name, c.status, c.args, encode(c.args_sha256, 'hex'), c.result, c.error,
         c.idempotency_key, c.started_at, c.finished_at
    from sor.tool_calls c
   where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id
   order by c.started_at, c.tool_call_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.set_overlay(run_id uuid, "overlay" jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _r sor.runs;
begin
  if set_overlay.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the id of the run to correct.');
  end if;
  if set_overlay.overlay is null or jsonb_typeof(set_overlay.overlay) <> 'object' then
    perform sor.journal_bad_input('overlay', 'An overlay is a JSON object of the keys to correct.');
  end if;
  if octet_length(set_overlay.overlay::text) > 1048576 then
    raise exception 'overlay for run % is larger than 1 MiB', set_overlay.run_id
      using errcode = 'SR040', hint = 'Correct fewer or smaller keys.';
  end if;
  select r.* into _r from sor.runs r
   where r.run_id = set_overlay.run_id
     and r.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user)
   for update;
  if not found then
    raise exception 'unknown run % for role %', set_overlay.run_id, session_user
      using errcode = 'SR034', hint = 'An approver corrects runs of the tenants it is a member of.';
  end if;
  update sor.runs r set overlay = r.overlay || set_overlay.overlay
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r.state || _r.overlay;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.start_run(tenant_id text, workflow text, input jsonb DEFAULT NULL::jsonb, idempotency_key text DEFAULT NULL::text, lease_seconds integer DEFAULT 60, hash_only boolean DEFAULT false, input_sha256 text DEFAULT NULL::text)
 RETURNS TABLE(run_id uuid, replayed boolean, status text, version integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _w sor.workers;
  _hash_only boolean;
  _input jsonb := start_run.input;
  _digest bytea;
  _new uuid := pg_catalog.gen_random_uuid();
  _claim sor.idempotency_keys;
  _r sor.runs;
begin
  _w := sor.current_worker();
  if start_run.tenant_id is null or start_run.tenant_id !~ '^[a-z][a-z0-9_-]{1,62}$' then
    perform sor.journal_bad_input('tenant_id', 'A tenant id is a lowercase slug of 2 to 63 characters.');
  end if;
  perform 1 from sor.tenants t where t.tenant_id = start_run.tenant_id;
  if not found then
    raise exception 'unknown tenant %', quote_literal(start_run.tenant_id)
      using errcode = 'SR002', hint = 'Create it first with sor_api.add_tenant(tenant_id, display_name).';
  end if;
  perform 1 from sor.tenant_members m where m.tenant_id = start_run.tenant_id and m.role_name = session_user;
  if not found then
    raise exception 'Worker % is not a member of tenant %', session_user, start_run.tenant_id
      using errcode = 'SR032', hint = 'An admin adds the Worker with sor_api.add_member(tenant_id, role_name).';
  end if;
  if start_run.workflow is null or start_run.workflow !~ '^[a-z][a-z0-9_.-]{0,99}$' then
    perform sor.journal_bad_input('workflow', 'A workflow is a lowercase slug of at most 100 characters, e.g. reconcile-expenses.');
  end if;
  if start_run.lease_seconds is null or start_run.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds; heartbeat to extend it.');
  end if;
  if start_run.idempotency_key is not null then
    perform sor.journal_check_id(start_run.idempotency_key, 'idempotency_key', 255);
  end if;
  _hash_only := coalesce(start_run.hash_only, false)
                or coalesce((select s.hash_only from sor.tenant_settings s where s.tenant_id = start_run.tenant_id), false);
  if _input is null and (start_run.input_sha256 is null or not _hash_only) then
    _input := '{}'::jsonb;
  end if;
  _digest := sor.journal_digest(_input::text, start_run.input_sha256, _hash_only, 'input');

  if start_run.idempotency_key is not null then
    _claim := sor.idempotency_claim(start_run.tenant_id, 'start_run:' || start_run.workflow,
                                    start_run.idempotency_key, _digest, _new, null);
    if _claim.run_id is distinct from _new then
      if _claim.fingerprint <> _digest then
        raise exception 'idempotency key % of workflow % was used with another input', start_run.idempotency_key, start_run.workflow
          using errcode = 'SR037', hint = 'A retry must send the same input; a new request needs a new key.';
      end if;
      select r.* into _r from sor.runs r where r.tenant_id = start_run.tenant_id and r.run_id = _claim.run_id;
      return query select _r.run_id, true, _r.status, _r.version;
      return;
    end if;
  end if;

  insert into sor.runs as r (tenant_id, run_id, workflow, idempotency_key, input, input_sha256, worker_role,
                             worker_kind, lease_seconds, lease_expires_at, hash_only)
  values (start_run.tenant_id, _new, start_run.workflow, start_run.idempotency_key,
          case when _hash_only then null else _input end, _digest, session_user, _w.kind,
          start_run.lease_seconds, pg_catalog.clock_timestamp() + make_interval(secs => start_run.lease_seconds), _hash_only)
  returning r.* into _r;
  return query select _r.run_id, false, _r.status, _r.version;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.sweep_abandoned_runs()
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
  select sor.mark_abandoned(null, null)
$function$;

CREATE OR REPLACE FUNCTION sor_api.sweep_idempotency_keys()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
AS $function$
declare
  _n integer;
begin
  delete from sor.idempotency_keys k where k.expires_at <= pg_catalog.now();
  get diagnostics _n = row_count;
  return _n;
end
$function$;

-- triggers

CREATE TRIGGER blocks_events AFTER INSERT OR UPDATE ON sor.blocks FOR EACH ROW EXECUTE FUNCTION sor.tg_blocks__events();
alter table sor.blocks enable always trigger blocks_events;
CREATE TRIGGER events_chain BEFORE INSERT ON sor.events FOR EACH ROW EXECUTE FUNCTION sor.tg_events__chain();
alter table sor.events enable always trigger events_chain;
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON sor.events FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_truncate;
CREATE TRIGGER events_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events FOR EACH ROW EXECUTE FUNCTION sor.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_update_delete;
CREATE TRIGGER runs_events AFTER INSERT OR UPDATE ON sor.runs FOR EACH ROW EXECUTE FUNCTION sor.tg_runs__events();
alter table sor.runs enable always trigger runs_events;

-- row level security

alter table sor.blocks enable row level security;
alter table sor.blocks force row level security;
alter table sor.events enable row level security;
alter table sor.events force row level security;
alter table sor.idempotency_keys enable row level security;
alter table sor.idempotency_keys force row level security;
alter table sor.outbox enable row level security;
alter table sor.outbox force row level security;
alter table sor.runs enable row level security;
alter table sor.runs force row level security;
alter table sor.steps enable row level security;
alter table sor.steps force row level security;
alter table sor.tenant_members enable row level security;
alter table sor.tenant_members force row level security;
alter table sor.tenant_settings enable row level security;
alter table sor.tenant_settings force row level security;
alter table sor.tenants enable row level security;
alter table sor.tenants force row level security;
alter table sor.tool_calls enable row level security;
alter table sor.tool_calls force row level security;
alter table sor.turns enable row level security;
alter table sor.turns force row level security;
alter table sor.workers enable row level security;
alter table sor.workers force row level security;

-- policies

create policy blocks_auditor_select on sor.blocks as permissive for select to sor_auditor using (true);
create policy blocks_owner_all on sor.blocks as permissive for all to sor_owner using (true) with check (true);
create policy blocks_tenant_select on sor.blocks as permissive for select to sor_tenant, sor_approver using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy events_auditor_select on sor.events as permissive for select to sor_auditor using (true);
create policy events_owner_all on sor.events as permissive for all to sor_owner using (true) with check (true);
create policy events_tenant_select on sor.events as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy idempotency_keys_auditor_select on sor.idempotency_keys as permissive for select to sor_auditor using (true);
create policy idempotency_keys_owner_all on sor.idempotency_keys as permissive for all to sor_owner using (true) with check (true);
create policy outbox_auditor_select on sor.outbox as permissive for select to sor_auditor using (true);
create policy outbox_owner_all on sor.outbox as permissive for all to sor_owner using (true) with check (true);
create policy runs_auditor_select on sor.runs as permissive for select to sor_auditor using (true);
create policy runs_owner_all on sor.runs as permissive for all to sor_owner using (true) with check (true);
create policy runs_tenant_select on sor.runs as permissive for select to sor_tenant, sor_approver using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy steps_auditor_select on sor.steps as permissive for select to sor_auditor using (true);
create policy steps_owner_all on sor.steps as permissive for all to sor_owner using (true) with check (true);
create policy steps_tenant_select on sor.steps as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy tenant_members_approver_select on sor.tenant_members as permissive for select to sor_approver using ((role_name = CURRENT_USER));
create policy tenant_members_auditor_select on sor.tenant_members as permissive for select to sor_auditor, sor_admin using (true);
create policy tenant_members_owner_all on sor.tenant_members as permissive for all to sor_owner using (true) with check (true);
create policy tenant_members_tenant_select on sor.tenant_members as permissive for select to sor_tenant using ((role_name = CURRENT_USER));
create policy tenant_settings_auditor_select on sor.tenant_settings as permissive for select to sor_auditor, sor_admin using (true);
create policy tenant_settings_owner_all on sor.tenant_settings as permissive for all to sor_owner using (true) with check (true);
create policy tenants_auditor_select on sor.tenants as permissive for select to sor_auditor, sor_admin using (true);
create policy tenants_owner_all on sor.tenants as permissive for all to sor_owner using (true) with check (true);
create policy tenants_tenant_select on sor.tenants as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy tool_calls_auditor_select on sor.tool_calls as permissive for select to sor_auditor using (true);
create policy tool_calls_owner_all on sor.tool_calls as permissive for all to sor_owner using (true) with check (true);
create policy tool_calls_tenant_select on sor.tool_calls as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy turns_auditor_select on sor.turns as permissive for select to sor_auditor using (true);
create policy turns_owner_all on sor.turns as permissive for all to sor_owner using (true) with check (true);
create policy turns_tenant_select on sor.turns as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor.current_tenants() AS current_tenants)));
create policy workers_auditor_select on sor.workers as permissive for select to sor_auditor, sor_admin using (true);
create policy workers_owner_all on sor.workers as permissive for all to sor_owner using (true) with check (true);

-- owners and privileges

-- function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__010_foundation() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__040_journal() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify_raw() owner sor_owner: sor_owner=EXECUTE
-- function sor.command_dedupe_key(run_id uuid, step_id text, ordinal integer, command jsonb) owner sor_owner: sor_owner=EXECUTE
-- function sor.current_tenants() owner sor_owner: sor_admin=EXECUTE, sor_approver=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE
-- function sor.current_worker() owner sor_owner: sor_owner=EXECUTE
-- function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.idempotency_claim(tenant_id text, scope text, idempotency_key text, fingerprint bytea, run_id uuid, tool_call_id uuid) owner sor_owner: sor_owner=EXECUTE
-- function sor.journal_bad_input(what text, hint text) owner sor_owner: sor_owner=EXECUTE
-- function sor.journal_check_id(value text, what text, max_length integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.journal_digest(content text, given_sha256 text, hash_only boolean, what text) owner sor_owner: sor_owner=EXECUTE
-- function sor.kit_schemas() owner sor_owner: sor_owner=EXECUTE
-- function sor.mark_abandoned(run_id uuid, worker_role name) owner sor_owner: sor_owner=EXECUTE
-- function sor.stream_lock_key(tenant_id text, stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_blocks__events() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__chain() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__refuse_change() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_runs__events() owner sor_owner: sor_owner=EXECUTE
-- function sor.tool_call_begin(run_id uuid, tool_name text, args jsonb, idempotency_key text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tool_call_finish(tool_call_id uuid, result jsonb, error jsonb) owner sor_owner: sor_owner=EXECUTE
-- function sor.worker_run(run_id uuid, for_write boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor_api.add_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.add_tenant(tenant_id text, display_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.begin_tool_call(run_id uuid, tool_name text, args jsonb, idempotency_key text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.certify() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.commit_step(run_id uuid, step_id text, expected_version integer, output jsonb, events jsonb, commands jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.configure_tenant(tenant_id text, hash_only boolean, idempotency_retention interval) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.finish_run(run_id uuid, status text, error jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.finish_tool_call(tool_call_id uuid, result jsonb, error jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.get_run(run_id uuid) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.heartbeat(run_id uuid, lease_seconds integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.my_runs() owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.record_turn(run_id uuid, model text, role text, input_tokens integer, output_tokens integer, content text, content_sha256 text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.register_domain_schema(schema_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.register_worker(role_name text, kind text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.remove_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.resolve_block(block_id bigint, approved boolean, note text) owner sor_owner: sor_approver=EXECUTE, sor_owner=EXECUTE
-- function sor_api.run_tool_calls(run_id uuid) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.set_overlay(run_id uuid, "overlay" jsonb) owner sor_owner: sor_approver=EXECUTE, sor_owner=EXECUTE
-- function sor_api.start_run(tenant_id text, workflow text, input jsonb, idempotency_key text, lease_seconds integer, hash_only boolean, input_sha256 text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.sweep_abandoned_runs() owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.sweep_idempotency_keys() owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE, sor_worker=EXECUTE
-- schema sor owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE
-- schema sor_api owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_dispatcher=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE, sor_worker=USAGE
-- sequence sor.blocks_block_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.events_position_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.outbox_outbox_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- table sor.blocks owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.domain_schemas owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.events owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.idempotency_keys owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.outbox owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.runs owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.steps owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_members owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_settings owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenants owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tool_calls owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.turns owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.workers owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- view sor_api.journal_blocks owner sor_owner: sor_approver=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_runs owner sor_owner: sor_approver=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_steps owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_tool_calls owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_turns owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.tenant_members owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.tenants owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT

-- column privileges

-- column grants on sor.blocks.approved: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.block_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.command: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.kind: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.note: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.opened_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.resolved_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.resolved_by: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.run_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.status: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.step_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.tenant_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
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
-- column grants on sor.idempotency_keys.created_at: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.created_by: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.expires_at: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.fingerprint: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.idempotency_key: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.run_id: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.scope: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.tenant_id: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.tool_call_id: sor_auditor=SELECT
-- column grants on sor.runs.error: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.error_sha256: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.finished_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.hash_only: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.heartbeat_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.idempotency_key: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.input: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.input_sha256: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.last_step_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.lease_expires_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs."overlay": sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.run_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.started_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.state: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.status: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.tenant_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.version: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.worker_kind: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.worker_role: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.workflow: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.block_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.command_count: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.committed_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.committed_by: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.event_count: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.output: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.run_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.step_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.version: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.added_at: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.added_by: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.role_name: sor_admin=SELECT, sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.tenant_id: sor_admin=SELECT, sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_settings.hash_only: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.idempotency_retention: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.tenant_id: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.updated_at: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.updated_by: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenants.created_at: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenants.display_name: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenants.tenant_id: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.args: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.args_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.error: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.error_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.finished_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.hash_only: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.idempotency_key: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.result: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.result_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.run_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.started_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.status: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.tool_call_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.tool_name: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.content: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.content_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.hash_only: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.input_tokens: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.model: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.output_tokens: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.recorded_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.role: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.run_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.turn_no: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.workers.kind: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.workers.registered_at: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.workers.registered_by: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.workers.role_name: sor_admin=SELECT, sor_auditor=SELECT

-- comments

comment on column sor.blocks.command is 'The review or suspend command as the step gave it.';
comment on column sor.blocks.status is 'active until an approver resolves it: approved or rejected.';
comment on column sor.events."position" is 'Global replay order across all tenants and streams; gaps are normal (rolled back appends).';
comment on column sor.events.actor is 'session_user of the connection that appended the event.';
comment on column sor.events.hash is 'sha256(prev_hash || canonical encoding of the row), computed by the database on insert.';
comment on column sor.events.metadata is 'run_id, tool_call_id, step, correlation_id, causation_id and other context; not business data.';
comment on column sor.events.prev_hash is 'hash of the previous event of the same stream; NULL for version 1.';
comment on column sor.events.stream is 'category-id, e.g. expense-42 or run-<uuid>; the category is the part before the first hyphen.';
comment on column sor.events.tx_id is 'Appending transaction; events_since() hides positions whose transaction may still be in flight.';
comment on column sor.events.version is 'Per-stream version, 1, 2, 3 ... without gaps; the expected-version check compares against it.';
comment on column sor.idempotency_keys.expires_at is 'End of the retention window; sweep_idempotency_keys() deletes expired keys.';
comment on column sor.idempotency_keys.fingerprint is 'sha256 of the request the key was first used with.';
comment on column sor.idempotency_keys.scope is 'start_run:<workflow> for run starts, tool_call for tool calls.';
comment on column sor.outbox.available_at is 'Earliest time the row may be leased (database clock); pushed back with exponential backoff after a failure.';
comment on column sor.outbox.block_id is 'Review block holding this row deferred, when there is one.';
comment on column sor.outbox.dedupe_key is 'Unique per tenant: a retried writer cannot queue the same side effect twice; the dispatcher passes it to the provider as its idempotency key.';
comment on column sor.outbox.event_id is 'Stable uuid of the message; Debezium''s outbox router maps it to the Kafka message id.';
comment on column sor.outbox.lease_token is 'Fencing token of the current lease; mark_dispatched and mark_failed are refused for any other token.';
comment on column sor.outbox.run_id is 'Run whose step queued this command, when it came from commit_step.';
comment on column sor.outbox.status is 'pending, deferred (held by a review block), leased, dispatched, failed (retry at available_at), dead (max_attempts reached) or discarded (its block was rejected).';
comment on column sor.runs."overlay" is 'Human corrections, last write wins, not versioned; effective state is state || overlay.';
comment on column sor.runs.error is 'Why a failed run failed; NULL in hash-only runs (see error_sha256).';
comment on column sor.runs.hash_only is 'Content (input, error, turn content, tool-call arguments, results and errors) is stored only as sha256.';
comment on column sor.runs.idempotency_key is 'Key the run was started with; sor.idempotency_keys binds it to this run for the retention window.';
comment on column sor.runs.input is 'Run input; NULL in hash-only runs.';
comment on column sor.runs.input_sha256 is 'sha256 of the input (of its jsonb text rendering when the database computed it); the fingerprint of start_run.';
comment on column sor.runs.last_step_id is 'Step whose commit produced the current version.';
comment on column sor.runs.lease_expires_at is 'The run is alive while this lies in the future (database clock); heartbeats push it forward.';
comment on column sor.runs.state is 'Workflow state: each committed step output is merged shallowly (jsonb ||); keys are never deleted.';
comment on column sor.runs.status is 'running, succeeded, failed, or abandoned (the lease lapsed: marked by the next reader or by sweep_abandoned_runs()).';
comment on column sor.runs.version is 'Optimistic-lock version: 0 after start_run, +1 for each committed step.';
comment on column sor.steps.version is 'Run version this step''s commit produced.';
comment on column sor.tenant_members.role_name is 'A login role name (not an oid: the membership survives dump and restore).';
comment on column sor.tenant_settings.hash_only is 'Every new run of the tenant is hash-only: content is never stored, only its sha256.';
comment on column sor.tenant_settings.idempotency_retention is 'How long an idempotency key binds its request; an expired key is free again and swept by sweep_idempotency_keys().';
comment on column sor.tenants.tenant_id is 'Lowercase slug, 2 to 63 characters: a letter, then letters, digits, _ or -.';
comment on column sor.tool_calls.args is 'Arguments; NULL in hash-only runs (see args_sha256).';
comment on column sor.tool_calls.args_sha256 is 'sha256 of the arguments'' jsonb text rendering.';
comment on column sor.tool_calls.idempotency_key is 'Tenant-scoped key the call was made with, if any; see sor.idempotency_keys.';
comment on column sor.tool_calls.status is 'started (in flight, or unfinished forever when the run was abandoned), succeeded or failed.';
comment on column sor.turns.content_sha256 is 'sha256 of the UTF-8 content; mandatory in hash-only runs, where the content itself is never stored.';
comment on column sor.turns.hash_only is 'Copied from the run: the row holds no content.';
comment on column sor.workers.kind is 'What the Worker is; the tool registry allow-lists tools per kind.';
comment on function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Internal append used by the kit''s triggers and functions: validates, checks the optional expected version under the stream lock, inserts (the chain trigger does the rest).';
comment on function sor.certify__010_foundation() is 'Foundation catalog sweeps: RLS forced on tenant tables, no PUBLIC privileges, pinned search_path, least-privilege roles, ownership, no worker table access, comments.';
comment on function sor.certify__040_journal() is 'Journal checks: run/block event triggers ENABLE ALWAYS, the one-active-block partial unique index, no content in hash-only rows (runs, turns, tool calls, events), forced RLS on journal tables, internal functions not granted, run versions equal to steps and state events.';
comment on function sor.certify_raw() is 'Runs every sor.certify__* check function in name order and returns one row per object checked.';
comment on function sor.command_dedupe_key(run_id uuid, step_id text, ordinal integer, command jsonb) is 'Deterministic outbox dedupe key of a step''s command: hex sha256 of [run_id, step_id, ordinal (1-based), canonical command JSON].';
comment on function sor.current_tenants() is 'Tenants of current_user according to sor.tenant_members; the only source of tenant identity for policies.';
comment on function sor.current_worker() is 'The registered Worker of session_user (which must still be a member of sor_worker); SR030 otherwise.';
comment on function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) is 'Creates a policy when missing, ALTERs it when present; never drops. Used by db/policies so re-applying a repeatable file passes the drop guard.';
comment on function sor.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) is 'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it.';
comment on function sor.idempotency_claim(tenant_id text, scope text, idempotency_key text, fingerprint bytea, run_id uuid, tool_call_id uuid) is 'Binds an idempotency key to a new run or tool call, or returns the unexpired binding that holds it (the caller compares ids). An expired key is rebound; a concurrent first use is waited for.';
comment on function sor.journal_bad_input(what text, hint text) is 'Raises SR033 (malformed argument) naming the argument; used by every journal function so bad input changes nothing.';
comment on function sor.journal_check_id(value text, what text, max_length integer) is 'Returns the id when it is non-NULL, non-empty, at most max_length characters and free of control characters; SR033 otherwise.';
comment on function sor.journal_digest(content text, given_sha256 text, hash_only boolean, what text) is 'sha256 of content (text or a jsonb rendering), checked against a sha256 the caller gave: SR039 on mismatch or when a hash-only row has neither, SR040 over 1 MiB, SR033 for a malformed hex digest.';
comment on function sor.kit_schemas() is 'Schemas certify() sweeps and the drop guard protects: sor, sor_api and every registered domain schema.';
comment on function sor.mark_abandoned(run_id uuid, worker_role name) is 'Marks running runs whose lease lapsed as abandoned (finished_at = the lapsed lease), optionally one run or one Worker''s runs; the runs trigger writes run_abandoned events.';
comment on function sor.stream_lock_key(tenant_id text, stream text) is 'Advisory lock key of one stream: appends to one stream serialize on it, appends to different streams never wait on each other.';
comment on function sor.tg_blocks__events() is 'AFTER INSERT/UPDATE on sor.blocks: appends block_opened and block_approved / block_rejected events to the run''s stream and refuses any change to a resolved block (SR043).';
comment on function sor.tg_events__chain() is 'BEFORE INSERT on sor.events: serializes the stream, assigns the next version, links prev_hash, stamps actor and database time, computes hash. No insert path can skip it.';
comment on function sor.tg_events__refuse_change() is 'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on append-only tables: always refuses, for every role, the owner included.';
comment on function sor.tg_runs__events() is 'AFTER INSERT/UPDATE on sor.runs: refuses identity changes and writes to finished runs (SR035), and appends run_started, run_state_committed, run_overlay_set and run_<status> events to stream run-<id>. Heartbeats write no event.';
comment on function sor.tool_call_begin(run_id uuid, tool_name text, args jsonb, idempotency_key text) is 'Internal (tool boundary): journals a started tool call of a running run of session_user. With an idempotency key (per tenant): the same key with the same tool and arguments replays the finished call (replayed = true, its status, result, error); another fingerprint is SR037; a call still started is SR038. In hash-only runs only the arguments'' sha256 is stored.';
comment on function sor.tool_call_finish(tool_call_id uuid, result jsonb, error jsonb) is 'Internal (tool boundary): finishes a started tool call of a running run of session_user: succeeded with result when error is NULL, else failed with error (only sha256s in hash-only runs). SR033 both given, SR034 unknown call, SR035/SR036 run not running or lease lapsed, SR044 already finished, SR040 over 1 MiB.';
comment on function sor.worker_run(run_id uuid, for_write boolean) is 'Locks and returns a run of session_user: SR033 NULL id, SR034 unknown or another Worker''s run; for a write also SR035 not running and SR036 lease lapsed.';
comment on function sor_api.add_member(tenant_id text, role_name text) is 'Makes an existing, unprivileged login role a member of a tenant. SR001 malformed tenant, SR002 unknown tenant, SR003 unknown role, SR004 duplicate, SR005 privileged role.';
comment on function sor_api.add_tenant(tenant_id text, display_name text) is 'Creates a tenant. SR001 for a malformed id or display name, SR004 when the id exists.';
comment on function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Appends one event for a tenant the caller is a member of. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR011 bad input, SR012 over 1 MiB, SR014 not a member.';
comment on function sor_api.begin_tool_call(run_id uuid, tool_name text, args jsonb, idempotency_key text) is 'For plain-code Workers: journals a tool call as started before the Worker performs it (see sor.tool_call_begin for the idempotency semantics). Commit, perform the call, then finish_tool_call.';
comment on function sor_api.certify() is 'The CI gate: one row per check of the six system-of-record properties (failing checks show one row per failing object). Zero rows with ok = false means certified.';
comment on function sor_api.commit_step(run_id uuid, step_id text, expected_version integer, output jsonb, events jsonb, commands jsonb) is 'Verist commit: for a running run of the calling Worker at expected_version, merges output into state (shallow ||), bumps the version, appends the events (stream run-<id>, metadata run_id, step_id, version) and queues the commands, all or nothing. Returns committed (new version), conflict (current version) or not_found (unknown or another Worker''s run). A step already committed returns its recorded output with replayed = true. A review command opens a block and defers its siblings; a suspend command opens a block and discards them. SR033 malformed argument, SR035 run not running, SR036 lease lapsed, SR040 over 1 MiB, SR041 second block.';
comment on function sor_api.configure_tenant(tenant_id text, hash_only boolean, idempotency_retention interval) is 'Sets a tenant''s journal settings (NULL keeps the current value): hash_only for its new runs, idempotency_retention (1 second to 90 days, default 24 hours). SR002 unknown tenant, SR033 retention out of range.';
comment on function sor_api.finish_run(run_id uuid, status text, error jsonb) is 'Finishes a running run of the calling Worker as succeeded or failed (with an error; only its sha256 in hash-only runs). Repeating the same finish returns quietly. SR033 bad status or an error on success, SR034 unknown run, SR035 already finished otherwise or abandoned, SR036 lease lapsed.';
comment on function sor_api.finish_tool_call(tool_call_id uuid, result jsonb, error jsonb) is 'For plain-code Workers: finishes a started tool call with its result, or with its error (see sor.tool_call_finish).';
comment on function sor_api.get_run(run_id uuid) is 'Reads back one run of the calling Worker (marking it abandoned first when its lease lapsed): status, version, state, overlay, effective state (state || overlay) and its active block. SR034 unknown or another Worker''s run.';
comment on function sor_api.heartbeat(run_id uuid, lease_seconds integer) is 'Extends the lease of a running run of the calling Worker (optionally with a new lease length) and returns the new expiry. A lapsed lease is not revived: SR036. SR034 unknown run, SR035 not running.';
comment on function sor_api.my_runs() is 'The calling Worker''s runs (after marking its lapsed ones abandoned), oldest first. A Worker never sees another Worker''s runs.';
comment on function sor_api.record_turn(run_id uuid, model text, role text, input_tokens integer, output_tokens integer, content text, content_sha256 text) is 'Journals one model turn of a running run of the calling Worker and returns its number (1, 2, ...). In a hash-only run the content is never stored: pass content (hashed, then dropped) or content_sha256. SR033 malformed argument or negative token count, SR034 unknown run, SR035 not running, SR036 lease lapsed, SR039 sha256 missing or mismatched, SR040 over 1 MiB.';
comment on function sor_api.register_domain_schema(schema_name text) is 'Registers a domain schema so certify() sweeps it and the drop guard protects it. Idempotent; SR007 for an unknown schema.';
comment on function sor_api.register_worker(role_name text, kind text) is 'Registers (or re-registers with a new kind) a login role that is a member of sor_worker as a Worker. SR031 unfit role, SR033 malformed kind. The Worker still needs add_member for each tenant it works for.';
comment on function sor_api.remove_member(tenant_id text, role_name text) is 'Ends a role''s membership of a tenant; its next statement sees none of that tenant''s rows. SR006 when there is no such membership.';
comment on function sor_api.resolve_block(block_id bigint, approved boolean, note text) is 'For approvers who are members of the block''s tenant: approves or rejects an active block. Review: approval releases the deferred commands (pending), rejection discards them. Suspend: queues one resume command (topic resume, payload with approved and note). SR033 malformed argument, SR042 unknown block, SR043 already resolved.';
comment on function sor_api.run_tool_calls(run_id uuid) is 'The tool calls of one run of the calling Worker, oldest first, finished or not. SR034 unknown or another Worker''s run.';
comment on function sor_api.set_overlay(run_id uuid, "overlay" jsonb) is 'Human correction by an approver who is a member of the run''s tenant: merges the keys into the overlay (last write wins, no version bump) and returns the effective state (state || overlay). Keys are never deleted: write a tombstone value instead. SR033 malformed argument, SR034 unknown run.';
comment on function sor_api.start_run(tenant_id text, workflow text, input jsonb, idempotency_key text, lease_seconds integer, hash_only boolean, input_sha256 text) is 'Starts a run of the calling Worker for a tenant it is a member of, holding a lease of lease_seconds. With an idempotency key, a retry with the same input returns the same run (replayed = true); another input is SR037. Hash-only when asked or when the tenant is hash-only: the input is stored only as sha256 (pass input or input_sha256). SR030 not a Worker, SR002 unknown tenant, SR032 not a member, SR033 malformed argument, SR039 sha256 missing or mismatched, SR040 input over 1 MiB.';
comment on function sor_api.sweep_abandoned_runs() is 'Marks every running run whose lease lapsed as abandoned (each writes a run_abandoned event) and returns how many; no cron needed, readers do the same lazily.';
comment on function sor_api.sweep_idempotency_keys() is 'Deletes every idempotency key whose retention window (tenant setting idempotency_retention, default 24 hours) has ended and returns how many; the runs and tool calls they pointed to stay.';
comment on policy blocks_auditor_select on sor.blocks is 'Auditors read every block.';
comment on policy blocks_owner_all on sor.blocks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy blocks_tenant_select on sor.blocks is 'Tenant members and approvers read only their tenants'' blocks.';
comment on policy events_auditor_select on sor.events is 'Auditors read every event.';
comment on policy events_owner_all on sor.events is 'Definer functions run as sor_owner and enforce their own checks; the triggers still refuse change.';
comment on policy events_tenant_select on sor.events is 'A tenant member reads only its tenants'' events.';
comment on policy idempotency_keys_auditor_select on sor.idempotency_keys is 'Auditors read every idempotency key.';
comment on policy idempotency_keys_owner_all on sor.idempotency_keys is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy outbox_auditor_select on sor.outbox is 'Auditors read every outbox row.';
comment on policy outbox_owner_all on sor.outbox is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy runs_auditor_select on sor.runs is 'Auditors read every run.';
comment on policy runs_owner_all on sor.runs is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy runs_tenant_select on sor.runs is 'Tenant members and approvers read only their tenants'' runs.';
comment on policy steps_auditor_select on sor.steps is 'Auditors read every step.';
comment on policy steps_owner_all on sor.steps is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy steps_tenant_select on sor.steps is 'Tenant members read only their tenants'' steps.';
comment on policy tenant_members_approver_select on sor.tenant_members is 'An approver reads only its own memberships; sor.current_tenants() relies on this.';
comment on policy tenant_members_auditor_select on sor.tenant_members is 'Auditors and admins read every membership.';
comment on policy tenant_members_owner_all on sor.tenant_members is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_members_tenant_select on sor.tenant_members is 'A role reads only its own memberships; sor.current_tenants() relies on this.';
comment on policy tenant_settings_auditor_select on sor.tenant_settings is 'Auditors and admins read every tenant''s settings.';
comment on policy tenant_settings_owner_all on sor.tenant_settings is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenants_auditor_select on sor.tenants is 'Auditors and admins read every tenant.';
comment on policy tenants_owner_all on sor.tenants is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenants_tenant_select on sor.tenants is 'A member reads only the tenants it belongs to (by current_user).';
comment on policy tool_calls_auditor_select on sor.tool_calls is 'Auditors read every tool call.';
comment on policy tool_calls_owner_all on sor.tool_calls is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tool_calls_tenant_select on sor.tool_calls is 'Tenant members read only their tenants'' tool calls.';
comment on policy turns_auditor_select on sor.turns is 'Auditors read every turn.';
comment on policy turns_owner_all on sor.turns is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy turns_tenant_select on sor.turns is 'Tenant members read only their tenants'' turns.';
comment on policy workers_auditor_select on sor.workers is 'Auditors and admins read the Worker registry.';
comment on policy workers_owner_all on sor.workers is 'Definer functions run as sor_owner and enforce their own checks.';
comment on schema sor is 'pg-sor private schema: tables and helpers, reached only through sor_api.';
comment on schema sor_api is 'pg-sor public contract: SECURITY DEFINER functions for writes, security_invoker views and functions for reads.';
comment on table sor.blocks is 'Review and suspend blocks opened by commit_step. At most one active block per run (partial unique index blocks_one_active_idx).';
comment on table sor.domain_schemas is 'Domain schemas (such as reconciler) that certify() sweeps and the drop guard protects, besides sor and sor_api.';
comment on table sor.events is 'Append-only, hash-chained event log. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner).';
comment on table sor.idempotency_keys is 'Idempotency keys, per tenant and scope (start_run:<workflow> or tool_call), with Stripe''s semantics: same key and fingerprint replays, another fingerprint is refused, an expired key is free.';
comment on table sor.outbox is 'Transactional outbox: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on table sor.runs is 'One row per Worker run: who runs it, its lease, its status, and its Verist state (version, state, overlay). Every status change writes an event from a trigger.';
comment on table sor.steps is 'Recorded output of every committed step: commit_step returns it instead of committing a step twice (exactly-once steps).';
comment on table sor.tenant_members is 'Which login roles act for which tenants. Policies find the caller''s tenants here by current_user.';
comment on table sor.tenant_settings is 'Per-tenant journal settings; a tenant without a row uses the defaults (not hash-only, 24 hours retention).';
comment on table sor.tenants is 'One row per tenant. tenant_id is a stable lowercase slug that leads every tenant-scoped key.';
comment on table sor.tool_calls is 'Tool calls of a run, journaled before the tool runs (started) and finished with a result or an error; a call still started after its run was abandoned stays visible with its arguments.';
comment on table sor.turns is 'Model turns of a run: model, role, token counts and content (or only its sha256 in hash-only runs).';
comment on table sor.workers is 'Registered Workers: a login role that is a member of sor_worker, with its kind (e.g. expense-reconciler). Functions identify the Worker by session_user.';
comment on trigger blocks_events on sor.blocks is 'Every block transition (opened, approved, rejected) writes its event; refuses changes to resolved blocks.';
comment on trigger events_chain on sor.events is 'Links every inserted event into its stream''s hash chain.';
comment on trigger events_refuse_truncate on sor.events is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger events_refuse_update_delete on sor.events is 'Append-only: refuses UPDATE (including ON CONFLICT DO UPDATE) and DELETE for every role.';
comment on trigger runs_events on sor.runs is 'Every run transition (start, state commit, overlay, finish, abandonment) writes its event; refuses writes to finished runs.';
comment on view sor_api.journal_blocks is 'Review and suspend blocks visible to the caller (auditor: all; tenant member or approver: its tenants); approvers find active blocks here.';
comment on view sor_api.journal_runs is 'Runs visible to the caller (auditor: all; tenant member or approver: its tenants). status reads abandoned as soon as the lease lapsed.';
comment on view sor_api.journal_steps is 'Committed steps with their recorded outputs, visible to the caller (auditor: all; tenant member: its tenants).';
comment on view sor_api.journal_tool_calls is 'Tool calls visible to the caller (auditor: all; tenant member: its tenants). A call still started after its run was abandoned is an unfinished call; arguments are NULL in hash-only runs.';
comment on view sor_api.journal_turns is 'Model turns visible to the caller (auditor: all; tenant member: its tenants). content is NULL in hash-only runs.';
comment on view sor_api.tenant_members is 'Memberships visible to the caller: a tenant member sees its own memberships, an auditor sees all.';
comment on view sor_api.tenants is 'Tenants visible to the caller: a tenant member sees its own tenants, an auditor sees all.';
