-- V050: sor.tools, the registry of the tools Workers may call through sor_api.call_tool.
--
-- Why: Workers never run raw SQL; they call allow-listed tools. A tool is a SECURITY DEFINER
--      function (ctx jsonb, args jsonb) returns jsonb, registered with a JSON Schema for its input
--      and the worker kinds allowed to call it. Registering a tool is a migration (owner) operation.
-- Locks: creates a new table only.
-- Reversal: drop table sor.tools (guarded: needs an approval); Workers then can call nothing.
set role sor_owner;

create table sor.tools (
  tool_name     text        not null,
  description   text        not null,
  input_schema  jsonb       not null,
  function_oid  regprocedure not null,
  allowed_kinds text[]      not null default '{}',
  side_effects  boolean     not null default true,
  enabled       boolean     not null default true,
  registered_at timestamptz not null default pg_catalog.now(),
  registered_by name        not null default session_user,
  constraint tools_pkey primary key (tool_name),
  constraint tools_name_format check (tool_name ~ '^[a-z][a-z0-9_]{0,63}$'),
  constraint tools_description_length check (pg_catalog.length(description) between 1 and 2000),
  constraint tools_schema_object check (pg_catalog.jsonb_typeof(input_schema) = 'object')
);
comment on table sor.tools is
  'Tools Workers may call through sor_api.call_tool: name, description, JSON Schema of the input, implementing function and allowed worker kinds. Written only by sor.register_tool in migrations.';
comment on column sor.tools.function_oid is 'SECURITY DEFINER function (ctx jsonb, args jsonb) returns jsonb, executable by neither PUBLIC nor Workers.';
comment on column sor.tools.allowed_kinds is 'Worker kinds (sor.workers.kind) allowed to call the tool; empty means nobody.';
comment on column sor.tools.side_effects is 'Whether the tool writes: a read-only tool can be retried freely, a writing tool should be called with an idempotency key.';

reset role;
