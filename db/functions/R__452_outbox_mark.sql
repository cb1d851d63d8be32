-- The dispatcher's outcome calls on a leased outbox row: mark_dispatched and mark_failed, each one
-- UPDATE guarded by the lease as a task's settle is (sor.lease_held: holder, token, not lapsed);
-- sor.refuse_outbox_call explains a refusal.
set role sor_owner;

create or replace function sor.refuse_outbox_call(outbox_id bigint, lease_token bigint, action text)
returns void
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _row sor.outbox;
begin
  select o.* into _row from sor.outbox o
   where o.outbox_id = refuse_outbox_call.outbox_id and sor_guard.is_member(o.tenant_id);
  if found and _row.status = 'dispatched' then
    raise exception 'outbox row % is already dispatched (provider_ref %)', _row.outbox_id, _row.provider_ref
      using errcode = 'SR063', hint = 'Another lease delivered it; with the dedupe key as the provider''s idempotency key the provider saw one message.';
  end if;
  perform sor.refuse_lease_call('outbox', refuse_outbox_call.outbox_id, refuse_outbox_call.lease_token, refuse_outbox_call.action,
                                found, _row.status, _row.status = 'leased', _row.leased_by, _row.lease_token,
                                _row.lease_expires_at);
end
$$;
comment on function sor.refuse_outbox_call(bigint, bigint, text) is
  'Raises the reason a mark_dispatched or mark_failed call was refused: SR063 already dispatched, else by sor.refuse_lease_call on the row as the dispatcher may see it: SR061 unknown row, SR062 stale or NULL lease token (or another holder), SR057 lease lapsed.';

create or replace function sor_api.mark_dispatched(outbox_id bigint, lease_token bigint, provider_ref text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _now timestamptz := sor.lease_clock();
begin
  if mark_dispatched.provider_ref is null or length(mark_dispatched.provider_ref) not between 1 and 500 then
    raise exception 'provider_ref of outbox row % must have 1 to 500 characters', coalesce(mark_dispatched.outbox_id::text, 'NULL')
      using errcode = 'SR060', hint = 'Pass the provider''s message id, e.g. the email service''s id for the sent message.';
  end if;
  update sor.outbox o
     set status = 'dispatched', provider_ref = mark_dispatched.provider_ref, dispatched_at = _now,
         leased_by = null, lease_token = null, lease_expires_at = null
   where o.outbox_id = mark_dispatched.outbox_id and o.status = 'leased'
     and sor.lease_held(o.leased_by, o.lease_token, o.lease_expires_at, mark_dispatched.lease_token, _now)
     and sor_guard.is_member(o.tenant_id);
  if not found then
    perform sor.refuse_outbox_call(mark_dispatched.outbox_id, mark_dispatched.lease_token, 'mark_dispatched');
  end if;
end
$$;
comment on function sor_api.mark_dispatched(bigint, bigint, text) is
  'Dispatcher: records that a leased row was delivered, with the provider''s reference, if the dispatcher holds the lease (sor.lease_held: its holder, the current token, not lapsed), as a task''s completion. SR060 no provider_ref, SR061 unknown row (or a row of a tenant the dispatcher is not a member of), SR062 stale token or another holder, SR057 lease lapsed, SR063 already dispatched.';

create or replace function sor_api.mark_failed(outbox_id bigint, lease_token bigint, error text)
returns table (status text, available_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _row record;
begin
  if not sor.is_valid('error_text', mark_failed.error) then
    raise exception 'error of outbox row % must have 1 to 4000 characters', coalesce(mark_failed.outbox_id::text, 'NULL')
      using errcode = 'SR060', hint = 'Describe the failure; it is kept as last_error.';
  end if;
  select o.tenant_id, o.created_at,
         sor.lease_retry_at(o.attempts, o.max_attempts, '2 seconds'::interval, '1 hour'::interval) as retry_at
    into _row
    from sor.outbox o
   where o.outbox_id = mark_failed.outbox_id and o.status = 'leased'
     and sor.lease_held(o.leased_by, o.lease_token, o.lease_expires_at, mark_failed.lease_token, _now)
     and sor_guard.is_member(o.tenant_id)
     for update;
  if not found then
    perform sor.refuse_outbox_call(mark_failed.outbox_id, mark_failed.lease_token, 'mark_failed');
  end if;
  return query
  update sor.outbox o
     set status = case when _row.retry_at is null then 'dead' else 'failed' end,
         available_at = coalesce(_row.retry_at, o.available_at),
         last_error = mark_failed.error,
         leased_by = null, lease_token = null, lease_expires_at = null
   where o.tenant_id = _row.tenant_id and o.outbox_id = mark_failed.outbox_id and o.created_at = _row.created_at
  returning o.status, o.available_at;
end
$$;
comment on function sor_api.mark_failed(bigint, bigint, text) is
  'Dispatcher: records a failed delivery of a leased row: failed, due again after a jittered exponential backoff (2 s doubling, capped at 1 hour), or dead once attempts reach max_attempts (sor.lease_retry_at, as a task''s failure). SR060 no error text, SR061 unknown row (or a row of a tenant the dispatcher is not a member of), SR062 stale token or another holder, SR057 lease lapsed, SR063 already dispatched.';

reset role;
