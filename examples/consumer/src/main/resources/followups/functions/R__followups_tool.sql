-- The schedule_followup tool: a locked-down SECURITY DEFINER function (ctx jsonb, args jsonb)
-- returns jsonb, reached only through sor_api.call_tool, which checks the Worker's kind, the
-- run's tenant and the arguments against the schema below before calling it.
set role sor_owner;

create or replace function followups.tool_schedule_followup(ctx jsonb, args jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, followups, pg_temp
set jit = off
as $$
declare
  _row followups.followups%rowtype;
begin
  insert into followups.followups (tenant_id, customer, due_on, note, run_id)
  values (ctx ->> 'tenant_id', args ->> 'customer', (args ->> 'due_on')::date, coalesce(args ->> 'note', ''),
          (ctx ->> 'run_id')::uuid)
  returning * into _row;
  return jsonb_build_object('followup_id', _row.followup_id, 'customer', _row.customer, 'due_on', _row.due_on);
end
$$;
comment on function followups.tool_schedule_followup(jsonb, jsonb) is
  'Tool schedule_followup: records a follow-up with a customer of the run''s tenant.';
revoke execute on function followups.tool_schedule_followup(jsonb, jsonb) from public;

select sor.register_tool('schedule_followup', 'Schedule a follow-up with a customer of the tenant.',
  '{"type": "object", "required": ["customer", "due_on"], "additionalProperties": false,
    "properties": {"customer": {"type": "string", "minLength": 1, "maxLength": 200},
                   "due_on": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                   "note": {"type": "string", "maxLength": 2000}}}',
  'followups.tool_schedule_followup(jsonb, jsonb)', array['account-manager']);

reset role;
