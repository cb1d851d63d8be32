-- Tool boundary checks for certify(): every registered tool function is a locked-down SECURITY
-- DEFINER function that neither PUBLIC nor Workers can execute directly, and its schema is one the
-- kit can enforce.
set role sor_owner;

create or replace function sor.certify__060_tools()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
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
$$;
comment on function sor.certify__060_tools() is
  'Tool boundary checks: tool functions locked down, schemas enforceable, Workers granted call_tool and list_tools.';

reset role;
