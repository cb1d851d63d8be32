-- sor_api.events: the event log as tenants and auditors read it. security_invoker: the caller's
-- column privileges and the forced row level security policies of sor.events decide which rows it
-- sees (a tenant member its tenants' events, an auditor all of them), across every partition.
set role sor_owner;

create or replace view sor_api.events
with (security_invoker = true, security_barrier = true) as
select e.position, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
       e.occurred_at, e.tx_id,
       pg_catalog.encode(e.prev_hash, 'hex') as prev_hash,
       pg_catalog.encode(e.hash, 'hex') as hash
  from sor.events e;
comment on view sor_api.events is
  'Events visible to the caller under the forced RLS of sor.events: a tenant member sees its tenants'' events, an auditor sees all. Hashes in hex.';

reset role;
