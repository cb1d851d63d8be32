-- The tool boundary: register_tool (owner, in migrations), list_tools and call_tool (Workers).
set role sor_owner;

create or replace function sor.register_tool(
  tool_name text, description text, input_schema jsonb, function_oid regprocedure,
  allowed_kinds text[], side_effects boolean default true, enabled boolean default true
) returns void
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _problem text;
  _proc pg_catalog.pg_proc%rowtype;
  _path text;
begin
  if not sor.is_valid('tool_name', register_tool.tool_name) then
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
$$;
comment on function sor.register_tool(text, text, jsonb, regprocedure, text[], boolean, boolean) is
  'Registers or updates a tool (called by migrations as the owner). SR073 malformed name, description, schema or signature; SR074 the function is not a locked-down SECURITY DEFINER function.';

create or replace function sor_api.list_tools()
returns table (tool_name text, description text, input_schema jsonb, side_effects boolean)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _kind text := (sor.current_worker()).kind;
begin
  return query
    select t.tool_name, t.description, t.input_schema, t.side_effects
      from sor.tools t
     where t.enabled and _kind = any (t.allowed_kinds)
     order by t.tool_name;
end
$$;
comment on function sor_api.list_tools() is
  'The tools the calling Worker''s kind may call, with their descriptions and input schemas. SR030 for a caller that is not a registered Worker.';

create or replace function sor_api.call_tool(run_id uuid, tool text, args jsonb, idempotency_key text default null)
returns table (tool_call_id uuid, ok boolean, result jsonb, error jsonb, replayed boolean)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
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
  _kind := (sor.current_worker()).kind;
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
  if _error is null then
    _result := coalesce(_result, 'null'::jsonb);
  end if;
  perform sor.tool_call_finish(_begin.tool_call_id, _result, _error);
  return query select _begin.tool_call_id, _error is null, _result, _error, false;
end
$$;
comment on function sor_api.call_tool(uuid, text, jsonb, text) is
  'The only way a Worker acts: checks the allow-list for its kind, validates args against the tool''s JSON Schema (SR072 names the path), journals the call, runs the tool in a subtransaction (a failing tool leaves its error in the journal and none of its writes; ok = false), and replays a finished call for a repeated idempotency key.';

reset role;
