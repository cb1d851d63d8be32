-- Data in every table of a release, written through that release's own API as the roles that would
-- write it (the admin running this script switches with SET SESSION AUTHORIZATION, so session_user
-- is the Worker, the dispatcher or the approver, as the kit's membership rules read it). The same
-- script fills 0.1.0 and 0.2.0: events on many streams, tasks in every state, runs with turns,
-- tool calls (with idempotency keys), steps, a review block, outbox rows leased, dispatched and
-- failed, an approval, and the example domain's rows. One run (i = 4 of each tenant) stays running
-- across the upgrade, as do claimed tasks and leased outbox rows.
do $$ declare r text; begin
  foreach r in array array['up_worker','up_worker2','up_dispatcher','up_approver','up_alice','up_bob','up_auditor'] loop
    if not exists (select 1 from pg_roles where rolname = r) then execute format('create role %I login', r); end if;
  end loop; end $$;
grant sor_worker to up_worker, up_worker2;
grant sor_dispatcher to up_dispatcher;
grant sor_approver to up_approver;
grant sor_auditor to up_auditor;
grant sor_tenant to up_alice, up_bob;
select sor_api.add_tenant('acme', 'Acme Corp'), sor_api.add_tenant('globex', 'Globex');
select sor_api.add_member(t, r) from unnest(array['acme','globex']) t, unnest(array['up_worker','up_worker2','up_dispatcher']) r;
select sor_api.add_member('acme', 'up_alice'), sor_api.add_member('globex', 'up_bob');
select sor_api.register_worker('up_worker', 'expense-reconciler'), sor_api.register_worker('up_worker2', 'expense-reconciler');
select reconciler.setup_tenant('acme'), reconciler.setup_tenant('globex');
select x.* from unnest(array['acme','globex']) t, lateral reconciler.ingest_bank_rows(t, (select jsonb_agg(jsonb_build_object('bank_txn_id', t || '-txn-' || i, 'account_holder', 'Alice', 'holder_email', 'alice@example.com',
    'booked_on', date '2026-11-01' + i, 'description', (array['Airline ticket','Coffee shop','GitHub seats','Staples paper','Mystery'])[1 + i % 5], 'amount', 10 + i, 'currency', 'EUR')) from generate_series(1, 12) i)) x;
select sor_api.create_queue('upgrade-q', 'tasks across an upgrade', 2, '1 second', '1 minute');
select sor_api.create_queue('upgrade-once', 'tasks tried once, then dead', 1, '1 second', '1 minute');

set session authorization up_worker;
-- events on many streams, with expected versions
select count(*) from (select sor_api.append_event(t, 'order-' || s, 'order.noted', jsonb_build_object('n', v), '{}'::jsonb, v - 1)
  from unnest(array['acme','globex']) t, generate_series(1, 40) s, generate_series(1, 5) v order by t, s, v) x;
-- tasks in every state
select count(*) from (select sor_api.enqueue_task(t, 'upgrade-q', 'subject-' || i, jsonb_build_object('i', i), t || '-dedupe-' || i)
  from unnest(array['acme','globex']) t, generate_series(1, 30) i) x;
create temporary table claimed on commit preserve rows as select * from sor_api.claim_tasks('upgrade-q', 20, interval '1 hour');
select count(*) from (select sor_api.complete_task(c.task_id, c.fencing_token, jsonb_build_object('ok', true)) from (select * from claimed order by task_id limit 8) c) x;
select count(*) from (select sor_api.fail_task(c.task_id, c.fencing_token, 'transient') from (select * from claimed order by task_id offset 8 limit 6) c) x;
-- the rest of claimed stay claimed with a long lease; 40 stay ready; two die at their first failure
select count(*) from (select sor_api.enqueue_task('acme', 'upgrade-once', 'once-' || i, '{}'::jsonb, 'acme-once-' || i) from generate_series(1, 2) i) x;
create temporary table claimed_once on commit preserve rows as select * from sor_api.claim_tasks('upgrade-once', 2, interval '1 hour');
select count(*) from (select sor_api.fail_task(c.task_id, c.fencing_token, 'permanent') from claimed_once c) x;
reset session authorization;

-- runs with turns, tool calls, steps, commands (outbox rows), a block, idempotency keys
set session authorization up_worker;
create temporary table runs on commit preserve rows as
  select t as tenant_id, i, (sor_api.start_run(t, 'reconcile-nightly', jsonb_build_object('night', i), t || '-night-' || i, 3600)).*
  from unnest(array['acme','globex']) t, generate_series(1, 4) i;
select count(*) from (select sor_api.record_turn(r.run_id, 'model-x', 'assistant', 10, 20, 'thinking about ' || r.i) from runs r) x;
select count(*) from (select sor_api.call_tool(r.run_id, 'list_pending', '{}'::jsonb, r.tenant_id || '-list-' || r.i) from runs r) x;
select count(*) from (select sor_api.call_tool(r.run_id, 'record_expense', jsonb_build_object('bank_txn_id', r.tenant_id || '-txn-' || r.i, 'category', 'travel'), r.tenant_id || '-rec-' || r.i) from runs r) x;
select count(*) from (select sor_api.commit_step(r.run_id, 'step-1', r.version, jsonb_build_object('done', r.i),
  jsonb_build_array(jsonb_build_object('type', 'expense.recorded', 'payload', jsonb_build_object('i', r.i))),
  jsonb_build_array(jsonb_build_object('type', 'email', 'to', 'alice@example.com', 'i', r.i)))
  from runs r) x;
select count(*) from (select sor_api.commit_step(r.run_id, 'step-2', r.version + 1, jsonb_build_object('review', r.i), '[]'::jsonb,
  jsonb_build_array(jsonb_build_object('type', 'review', 'reason', 'large amount'), jsonb_build_object('type', 'email', 'to', 'bob@example.com')))
  from runs r where r.i = 2) x;
select count(*) from (select sor_api.finish_run(r.run_id, 'succeeded') from runs r where r.i = 1) x;
select count(*) from (select sor_api.finish_run(r.run_id, 'failed', '{"error":"boom"}'::jsonb) from runs r where r.i = 3) x;
-- i = 4 stays running across the upgrade; its tool call is answered by its idempotency key after it
reset session authorization;

set session authorization up_dispatcher;
create temporary table leased on commit preserve rows as select * from sor_api.lease_outbox(10, interval '1 hour');
select count(*) from (select sor_api.mark_dispatched(l.outbox_id, l.lease_token, 'provider-' || l.outbox_id) from (select * from leased order by outbox_id limit 3) l) x;
select count(*) from (select sor_api.mark_failed(l.outbox_id, l.lease_token, 'smtp 451') from (select * from leased order by outbox_id offset 3 limit 2) l) x;
reset session authorization;

set session authorization up_approver;
select sor_api.approve_ddl('drop table', 'reconciler.expenses', 'UPG-0', 'rehearsed on a copy', now() + interval '1 day');
reset session authorization;
