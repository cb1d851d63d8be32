-- The Reconciler's tools. Each is a locked-down SECURITY DEFINER function (ctx jsonb, args jsonb)
-- returns jsonb, registered with sor.register_tool and reached only through sor_api.call_tool.
set role sor_owner;

create or replace function reconciler.tool_list_pending(ctx jsonb, args jsonb)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, reconciler, pg_temp
set jit = off
as $$
  select coalesce(jsonb_agg(jsonb_build_object('bank_txn_id', p.bank_txn_id, 'booked_on', p.booked_on,
                                               'description', p.description, 'amount', p.amount,
                                               'currency', p.currency) order by p.booked_on, p.bank_txn_id), '[]'::jsonb)
    from (select * from reconciler.pending_transactions p
           where p.tenant_id = ctx ->> 'tenant_id' and p.status = 'pending'
           order by p.booked_on, p.bank_txn_id
           limit coalesce((args ->> 'limit')::integer, 50)) p
$$;
comment on function reconciler.tool_list_pending(jsonb, jsonb) is 'Tool list_pending: the tenant''s pending bank rows, oldest first.';

create or replace function reconciler.tool_categorise(ctx jsonb, args jsonb)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, reconciler, pg_temp
set jit = off
as $$
declare
  _row reconciler.pending_transactions%rowtype;
  _rule reconciler.category_rules%rowtype;
begin
  select p.* into _row from reconciler.pending_transactions p
   where p.tenant_id = ctx ->> 'tenant_id' and p.bank_txn_id = args ->> 'bank_txn_id';
  if not found then
    raise exception 'unknown bank transaction % for tenant %', args ->> 'bank_txn_id', ctx ->> 'tenant_id'
      using errcode = 'SR101', hint = 'list_pending shows the tenant''s pending bank rows.';
  end if;
  select r.* into _rule from reconciler.category_rules r
   where r.tenant_id = _row.tenant_id and _row.description ~* r.pattern
   order by r.rule_id limit 1;
  return jsonb_build_object('bank_txn_id', _row.bank_txn_id,
                            'category', coalesce(_rule.category_id, 'uncategorised'),
                            'rule_id', _rule.rule_id);
end
$$;
comment on function reconciler.tool_categorise(jsonb, jsonb) is
  'Tool categorise: deterministic rules standing in for the model; the lowest matching rule wins, else uncategorised. SR101 unknown bank row.';

create or replace function reconciler.tool_record_expense(ctx jsonb, args jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, reconciler, sor, pg_temp
set jit = off
as $$
declare
  _tenant text := ctx ->> 'tenant_id';
  _row reconciler.pending_transactions%rowtype;
  _expense reconciler.expenses%rowtype;
  _created boolean := false;
  _outbox bigint;
begin
  select p.* into _row from reconciler.pending_transactions p
   where p.tenant_id = _tenant and p.bank_txn_id = args ->> 'bank_txn_id';
  if not found then
    raise exception 'unknown bank transaction % for tenant %', args ->> 'bank_txn_id', _tenant
      using errcode = 'SR101', hint = 'list_pending shows the tenant''s pending bank rows.';
  end if;
  perform 1 from reconciler.categories c where c.tenant_id = _tenant and c.category_id = args ->> 'category';
  if not found then
    raise exception 'unknown category % for tenant %', args ->> 'category', _tenant
      using errcode = 'SR102', hint = 'Use the category categorise returned.';
  end if;

  insert into reconciler.expenses (tenant_id, bank_txn_id, account_holder, category_id, amount, currency,
                                   booked_on, description, run_id, tool_call_id)
  values (_tenant, _row.bank_txn_id, _row.account_holder, args ->> 'category', _row.amount, _row.currency,
          _row.booked_on, _row.description, (ctx ->> 'run_id')::uuid, (ctx ->> 'tool_call_id')::uuid)
  on conflict on constraint expenses_source_key do nothing
  returning * into _expense;
  _created := found;

  if _created then
    update reconciler.pending_transactions p set status = 'reconciled'
     where p.tenant_id = _tenant and p.bank_txn_id = _row.bank_txn_id;
    perform sor.append_event(_tenant, 'expense-' || _row.bank_txn_id, 'ExpenseRecorded',
      jsonb_build_object('bank_txn_id', _row.bank_txn_id, 'account_holder', _row.account_holder,
                         'category_id', _expense.category_id, 'amount', _expense.amount, 'currency', _expense.currency,
                         'booked_on', _expense.booked_on, 'description', _expense.description),
      jsonb_build_object('run_id', ctx ->> 'run_id', 'tool_call_id', ctx ->> 'tool_call_id', 'tool', 'record_expense'));
  else
    select e.* into _expense from reconciler.expenses e where e.tenant_id = _tenant and e.bank_txn_id = _row.bank_txn_id;
  end if;

  -- the confirmation email, in the same transaction; its dedupe key makes a retry queue nothing
  _outbox := sor.enqueue_outbox(_tenant, 'email.expense_confirmation', 'expense', _row.bank_txn_id,
    jsonb_build_object('to', _row.holder_email,
                       'subject', format('Expense recorded: %s %s', _expense.amount, _expense.currency),
                       'body', format('Hello %s, your %s expense of %s %s on %s ("%s") was recorded as %s.',
                                      _row.account_holder, _expense.booked_on, _expense.amount, _expense.currency,
                                      _expense.booked_on, _expense.description, _expense.category_id)),
    '{}'::jsonb, 'expense-email:' || _row.bank_txn_id, 8, (ctx ->> 'run_id')::uuid, null, null);

  return jsonb_build_object('expense_id', _expense.expense_id, 'created', _created, 'outbox_id', _outbox,
                            'category', _expense.category_id);
end
$$;
comment on function reconciler.tool_record_expense(jsonb, jsonb) is
  'Tool record_expense: the expense, its ExpenseRecorded event and the confirmation-email outbox row in one transaction; idempotent on the natural key (tenant, bank transaction). SR101 unknown bank row, SR102 unknown category.';

select sor.register_tool('list_pending', 'List the tenant''s pending bank-statement rows, oldest first.',
  '{"type": "object", "additionalProperties": false,
    "properties": {"limit": {"type": "integer", "minimum": 1, "maximum": 500}}}',
  'reconciler.tool_list_pending(jsonb, jsonb)', array['expense-reconciler'], false);
select sor.register_tool('categorise', 'Choose the expense category of one pending bank row.',
  '{"type": "object", "required": ["bank_txn_id"], "additionalProperties": false,
    "properties": {"bank_txn_id": {"type": "string", "minLength": 1, "maxLength": 64}}}',
  'reconciler.tool_categorise(jsonb, jsonb)', array['expense-reconciler'], false);
select sor.register_tool('record_expense',
  'Record the categorised expense of one bank row and queue its confirmation email (idempotent).',
  '{"type": "object", "required": ["bank_txn_id", "category"], "additionalProperties": false,
    "properties": {"bank_txn_id": {"type": "string", "minLength": 1, "maxLength": 64},
                   "category": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}}}',
  'reconciler.tool_record_expense(jsonb, jsonb)', array['expense-reconciler'], true);

reset role;
