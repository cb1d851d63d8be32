-- Tool boundary grants: Workers list and call tools; tool functions themselves are granted to no one.
set role sor_owner;

grant execute on function sor_api.list_tools() to sor_worker;
grant execute on function sor_api.call_tool(uuid, text, jsonb, text) to sor_worker;

reset role;
