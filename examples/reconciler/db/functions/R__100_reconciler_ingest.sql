-- Ingest: a night of bank-statement rows for one tenant. New rows become pending transactions and
-- one task each on queue "reconcile"; a re-ingested statement adds nothing (natural keys).
set role sor_owner;

create or replace function reconciler.ingest_bank_rows(tenant_id text, bank_rows jsonb)
returns table (ingested integer, tasks_queued integer)
language plpgsql
volatile
security definer
set search_path = pg_catalog, reconciler, sor, pg_temp
set jit = off
as $$
declare
  _ingested integer;
  _queued integer;
begin
  perform 1 from sor.tenants t where t.tenant_id = ingest_bank_rows.tenant_id;
  if not found then
    raise exception 'unknown tenant %', coalesce(quote_literal(ingest_bank_rows.tenant_id), 'NULL')
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  if jsonb_typeof(coalesce(ingest_bank_rows.bank_rows, 'null')) <> 'array' or jsonb_array_length(ingest_bank_rows.bank_rows) > 10000
     -- every element an object: jsonb_to_recordset refuses anything else with an error of its own
     or ingest_bank_rows.bank_rows @? 'strict $[*] ? (@.type() != "object")' then
    raise exception 'bank rows for tenant % must be a JSON array of at most 10000 objects', ingest_bank_rows.tenant_id
      using errcode = 'SR100', hint = 'Pass [{"bank_txn_id": ..., "account_holder": ..., "holder_email": ..., "booked_on": ..., "description": ..., "amount": ..., "currency": ...}, ...].';
  end if;
  begin
    with rows as (
      select r.* from jsonb_to_recordset(ingest_bank_rows.bank_rows)
        as r(bank_txn_id text, account_holder text, holder_email text, booked_on date, description text,
             amount numeric(12,2), currency text)
    ), inserted as (
      insert into reconciler.pending_transactions
             (tenant_id, bank_txn_id, account_holder, holder_email, booked_on, description, amount, currency)
      select ingest_bank_rows.tenant_id, r.bank_txn_id, r.account_holder, r.holder_email, r.booked_on,
             r.description, r.amount, r.currency
        from rows r
      on conflict on constraint pending_transactions_pkey do nothing
      returning bank_txn_id
    ), queued as (
      select sor.enqueue_task(ingest_bank_rows.tenant_id, 'reconcile', 'bank row ' || i.bank_txn_id,
                              jsonb_build_object('bank_txn_id', i.bank_txn_id), i.bank_txn_id) as task_id
        from inserted i
    )
    select (select count(*) from inserted), (select count(*) from queued) into _ingested, _queued;
  exception when not_null_violation or check_violation or invalid_text_representation
                 or invalid_datetime_format or datetime_field_overflow or numeric_value_out_of_range
                 or string_data_right_truncation then
    raise exception 'malformed bank row for tenant %: %', ingest_bank_rows.tenant_id, sqlerrm
      using errcode = 'SR100', hint = 'Every row needs bank_txn_id, account_holder, holder_email, booked_on (date), description, amount and a 3-letter currency.';
  end;
  return query select _ingested, _queued;
end
$$;
comment on function reconciler.ingest_bank_rows(text, jsonb) is
  'Loads bank-statement rows for a tenant: new rows become pending transactions plus one task each on queue reconcile; known rows are skipped. All or nothing. SR002 unknown tenant, SR100 malformed rows.';

grant usage on schema reconciler to sor_admin;
grant execute on function reconciler.ingest_bank_rows(text, jsonb) to sor_admin;

reset role;
