-- sor_api.claim_tasks: claim up to batch due tasks of one queue for the calling Worker, with a
-- fresh fencing token and lease each. Expired leases are taken back first.
set role sor_owner;

create or replace function sor_api.claim_tasks(queue text, batch integer, lease interval)
returns table (task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer,
               fencing_token bigint, lease_expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
#variable_conflict use_column
declare
  _tenants text[];
begin
  perform 1 from sor.queues q where q.queue = claim_tasks.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(claim_tasks.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if claim_tasks.batch is null or claim_tasks.batch not between 1 and 1000 then
    raise exception 'batch % for queue % is out of range', coalesce(claim_tasks.batch::text, 'NULL'), claim_tasks.queue
      using errcode = 'SR051', hint = 'Claim between 1 and 1000 tasks at a time.';
  end if;
  if claim_tasks.lease is null or claim_tasks.lease <= '0'::interval or claim_tasks.lease > '1 day'::interval then
    raise exception 'lease % for queue % is out of range', coalesce(claim_tasks.lease::text, 'NULL'), claim_tasks.queue
      using errcode = 'SR052', hint = 'A lease is longer than 0 and at most 1 day; heartbeat_task extends it.';
  end if;
  _tenants := array(select m.tenant_id from sor.tenant_members m where m.role_name = session_user);

  -- One UPDATE claims both kinds of row, so the status-change trigger runs once per claim.
  -- Lapsed leases come first (they are the oldest work); a lapsed lease on the last allowed
  -- attempt makes the task dead instead.
  return query
  with lapsed as (
    select t.tenant_id, t.task_id
      from sor.tasks t
     where t.queue = claim_tasks.queue and t.status = 'claimed' and t.lease_expires_at <= now()
       and t.tenant_id = any (_tenants)
     order by t.lease_expires_at
     limit claim_tasks.batch
       for update skip locked
  ), due as (
    select t.tenant_id, t.task_id
      from sor.tasks t
     where t.queue = claim_tasks.queue and t.status in ('ready', 'failed') and t.run_after <= now()
       and t.tenant_id = any (_tenants)
     order by t.priority desc, t.run_after, t.task_id
     limit claim_tasks.batch
       for update skip locked
  ), picked as (
    select p.tenant_id, p.task_id
      from (select l.tenant_id, l.task_id from lapsed l
            union all
            select d.tenant_id, d.task_id from due d) p
     limit claim_tasks.batch
  ), claimed as (
    update sor.tasks t
       set status           = case when t.status = 'claimed' and t.attempts >= t.max_attempts then 'dead' else 'claimed' end,
           attempts         = case when t.status = 'claimed' and t.attempts >= t.max_attempts then t.attempts else t.attempts + 1 end,
           claimed_by       = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else session_user end,
           fencing_token    = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else pg_catalog.nextval('sor.fencing_tokens') end,
           lease            = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else claim_tasks.lease end,
           lease_expires_at = case when t.status = 'claimed' and t.attempts >= t.max_attempts then null else now() + claim_tasks.lease end,
           last_error       = case when t.status = 'claimed' then 'lease expired' else t.last_error end,
           finished_at      = case when t.status = 'claimed' and t.attempts >= t.max_attempts then now() end
      from picked p
     where t.tenant_id = p.tenant_id and t.task_id = p.task_id
    returning t.task_id, t.tenant_id, t.subject, t.payload, t.attempts, t.fencing_token, t.lease_expires_at, t.status
  )
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from claimed c
   where c.status = 'claimed'
   order by c.task_id;
end
$$;
comment on function sor_api.claim_tasks(text, integer, interval) is
  'Claims at most batch due tasks of a queue (FOR UPDATE SKIP LOCKED; priority, then age) for tenants the caller is a member of; takes back lapsed leases first. Every claimed task gets a new fencing token and a lease of the given length from the database clock. SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';

reset role;
