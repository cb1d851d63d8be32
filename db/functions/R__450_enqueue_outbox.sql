-- sor.enqueue_outbox: the one way domain functions queue a side effect, in the caller's
-- transaction, idempotent on (tenant_id, dedupe_key). The dedupe key is claimed in sor.dedupe_keys
-- by a trigger on every insert path (domain tools, commit_step's commands, a block's resume), so
-- it is unique per tenant across every partition of the outbox.
set role sor_owner;

create or replace function sor.tg_outbox__dedupe()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id)
  values (new.tenant_id, 'outbox', new.dedupe_key, new.outbox_id)
  on conflict on constraint dedupe_keys_pkey do nothing;
  if found then
    return new;
  end if;
  return null;
end
$$;
comment on function sor.tg_outbox__dedupe() is
  'BEFORE INSERT on sor.outbox: claims the row''s dedupe key (per tenant) in sor.dedupe_keys, or skips the row when the key is taken: a retried writer queues nothing twice, whatever partition the first row is in.';

create or replace function sor.enqueue_outbox(
  tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb,
  headers jsonb default '{}'::jsonb, dedupe_key text default null, max_attempts integer default 8,
  run_id uuid default null, step_id text default null, block_id bigint default null
) returns bigint
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _id bigint;
begin
  if enqueue_outbox.tenant_id is null
     or not sor.is_valid('label', enqueue_outbox.topic)
     or not sor.is_valid('label', enqueue_outbox.aggregate_type)
     or not sor.is_valid('label', enqueue_outbox.aggregate_id)
     or jsonb_typeof(coalesce(enqueue_outbox.payload, 'null'::jsonb)) <> 'object'
     or jsonb_typeof(coalesce(enqueue_outbox.headers, 'null'::jsonb)) <> 'object'
     or not sor.is_valid('label', enqueue_outbox.dedupe_key)
     or enqueue_outbox.max_attempts is null or enqueue_outbox.max_attempts not between 1 and 100 then
    raise exception 'invalid outbox row for tenant % (topic %)', coalesce(quote_literal(enqueue_outbox.tenant_id), 'NULL'),
          coalesce(quote_literal(enqueue_outbox.topic), 'NULL')
      using errcode = 'SR060',
            hint = 'tenant_id, topic, aggregate_type, aggregate_id and dedupe_key are required (at most 200 characters), payload and headers are JSON objects, max_attempts between 1 and 100.';
  end if;
  if sor.reserved_kind(null, null, enqueue_outbox.topic) is not null then
    perform sor.refuse_reserved(null, null, enqueue_outbox.topic);
  end if;
  if sor.over_cap(enqueue_outbox.payload) or sor.over_cap(enqueue_outbox.headers) then
    perform sor.check_size(enqueue_outbox.payload, 'the payload of outbox topic ' || enqueue_outbox.topic);
    perform sor.check_size(enqueue_outbox.headers, 'the headers of outbox topic ' || enqueue_outbox.topic);
  end if;
  perform 1 from sor.tenants t where t.tenant_id = enqueue_outbox.tenant_id;
  if not found then
    raise exception 'unknown tenant %', quote_literal(enqueue_outbox.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  insert into sor.outbox as o (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                               max_attempts, status, run_id, step_id, block_id)
  values (enqueue_outbox.tenant_id, enqueue_outbox.topic, enqueue_outbox.aggregate_type,
          enqueue_outbox.aggregate_id, enqueue_outbox.payload, enqueue_outbox.headers,
          enqueue_outbox.dedupe_key, enqueue_outbox.max_attempts,
          case when enqueue_outbox.block_id is null then 'pending' else 'deferred' end,
          enqueue_outbox.run_id, enqueue_outbox.step_id, enqueue_outbox.block_id)
  returning o.outbox_id into _id;
  if _id is null then
    select k.target_id into _id
      from sor.dedupe_keys k
     where k.tenant_id = enqueue_outbox.tenant_id and k.scope = 'outbox' and k.dedupe_key = enqueue_outbox.dedupe_key;
  end if;
  return _id;
end
$$;
comment on function sor.enqueue_outbox(text, text, text, text, jsonb, jsonb, text, integer, uuid, text, bigint) is
  'Internal: queues one side effect in the caller''s transaction (pending, or deferred when block_id names a review block). A known (tenant_id, dedupe_key) returns the existing outbox_id and changes nothing, so a retried Worker leaves one row. SR060 invalid input, SR009 payload or headers over 1 MiB, SR017 a topic reserved for the kit, SR002 unknown tenant.';

reset role;
