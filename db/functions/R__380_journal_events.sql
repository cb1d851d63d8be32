-- Trigger functions that write the audit trail of runs and blocks into sor.events (stream
-- run-<run_id>), so no code path that changes a run or a block can skip its event. Hash-only runs
-- contribute only sha256s to the payloads.
set role sor_owner;

create or replace function sor.tg_runs__events()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _stream text := 'run-' || new.run_id::text;
  _meta jsonb := jsonb_build_object('run_id', new.run_id);
begin
  if tg_op = 'INSERT' then
    perform sor.append_event(new.tenant_id, _stream, 'run_started',
      jsonb_build_object('workflow', new.workflow, 'worker_role', new.worker_role, 'worker_kind', new.worker_kind,
                         'input_sha256', encode(new.input_sha256, 'hex'), 'hash_only', new.hash_only,
                         'lease_expires_at', new.lease_expires_at, 'idempotency_key', new.idempotency_key),
      _meta);
    return null;
  end if;
  if old.run_id <> new.run_id or old.tenant_id <> new.tenant_id or old.worker_kind <> new.worker_kind
     or (old.worker_role <> new.worker_role and new.fencing_token <= old.fencing_token)
     or new.fencing_token < old.fencing_token
     or old.hash_only <> new.hash_only or old.input_sha256 <> new.input_sha256 then
    raise exception 'the identity of run % cannot change', old.run_id
      using errcode = 'SR035', hint = 'Runs keep their tenant, Worker kind, input and hash-only mode for life; only a resume (a higher fencing token) hands a run to another Worker of its kind.';
  end if;
  if new.fencing_token > old.fencing_token then
    -- a resume: only of a run whose lease lapsed, back to running, nothing else in the same change
    if not (old.status = 'abandoned' or (old.status = 'running' and sor.lease_lapsed(old.lease_expires_at)))
       or new.status <> 'running' or new.version <> old.version or new.state <> old.state then
      raise exception 'run % cannot be resumed from %', old.run_id, old.status
        using errcode = 'SR035', hint = 'Only a run whose lease lapsed is resumed (sor_api.resume_run), and a resume changes nothing but its holder and lease.';
    end if;
    perform sor.append_event(new.tenant_id, _stream, 'run_resumed',
      jsonb_build_object('from', old.status, 'from_worker', old.worker_role, 'to_worker', new.worker_role,
                         'fencing_token', new.fencing_token, 'version', new.version, 'last_step_id', new.last_step_id,
                         'lease_expires_at', new.lease_expires_at),
      _meta);
    return null;
  end if;
  if old.status <> 'running' and (new.status <> old.status or new.version <> old.version or new.state <> old.state) then
    raise exception 'run % is %', old.run_id, old.status
      using errcode = 'SR035', hint = 'A finished or cancelled run takes no more writes; an abandoned one takes them again once resumed (sor_api.resume_run).';
  end if;
  if new.version <> old.version then
    if new.version <> old.version + 1 then
      raise exception 'run % version must advance by one (from % to %)', old.run_id, old.version, new.version
        using errcode = 'SR035', hint = 'Versions advance only through commit_step.';
    end if;
    perform sor.append_event(new.tenant_id, _stream, 'run_state_committed',
      jsonb_build_object('version', new.version, 'step_id', new.last_step_id), _meta || jsonb_build_object('step_id', new.last_step_id));
  end if;
  if new.overlay <> old.overlay then
    perform sor.append_event(new.tenant_id, _stream, 'run_overlay_set',
      jsonb_build_object('keys', (select coalesce(jsonb_agg(k order by k), '[]'::jsonb)
                                    from jsonb_each(new.overlay) e(k, v)
                                   where not (old.overlay ? e.k) or old.overlay -> e.k <> e.v)),
      _meta);
  end if;
  if new.status <> old.status then
    perform sor.append_event(new.tenant_id, _stream,
      case when new.status = 'failed' and coalesce(current_setting('sor.cancel_reason', true), '') <> ''
           then 'run_cancelled' else 'run_' || new.status end,
      jsonb_build_object('from', old.status, 'to', new.status, 'version', new.version,
                         'finished_at', new.finished_at,
                         'error', case when new.hash_only then null else new.error end,
                         'error_sha256', encode(new.error_sha256, 'hex'))
      || case when new.status = 'failed' and coalesce(current_setting('sor.cancel_reason', true), '') <> ''
              then jsonb_build_object('cancelled_by', session_user::text,
                                      'reason', nullif(current_setting('sor.cancel_reason', true), ''))
              else '{}'::jsonb end,
      _meta);
  end if;
  return null;
end
$$;
comment on function sor.tg_runs__events() is
  'AFTER INSERT/UPDATE on sor.runs: refuses identity changes and writes to finished runs (SR035), and appends run_started, run_state_committed, run_overlay_set, run_resumed and run_<status> events to stream run-<id>. Heartbeats write no event.';

create or replace function sor.tg_blocks__events()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _stream text := 'run-' || new.run_id::text;
  _meta jsonb := jsonb_build_object('run_id', new.run_id, 'step_id', new.step_id, 'block_id', new.block_id);
begin
  if tg_op = 'INSERT' then
    perform sor.append_event(new.tenant_id, _stream, 'block_opened',
      jsonb_build_object('block_id', new.block_id, 'kind', new.kind, 'step_id', new.step_id), _meta);
    return null;
  end if;
  if old.status <> 'active' or old.block_id <> new.block_id or old.run_id <> new.run_id or old.kind <> new.kind then
    raise exception 'block % is % and cannot change', old.block_id, old.status
      using errcode = 'SR043', hint = 'A block is resolved once, by sor_api.resolve_block.';
  end if;
  if new.status <> old.status then
    perform sor.append_event(new.tenant_id, _stream, 'block_' || new.status,
      jsonb_build_object('block_id', new.block_id, 'kind', new.kind, 'approved', new.approved,
                         'resolved_by', new.resolved_by, 'note', new.note), _meta);
  end if;
  return null;
end
$$;
comment on function sor.tg_blocks__events() is
  'AFTER INSERT/UPDATE on sor.blocks: appends block_opened and block_approved / block_rejected events to the run''s stream and refuses any change to a resolved block (SR043).';

reset role;

set role sor_owner;
select sor_guard.classify('function', 'sor.tg_runs__events()', 'audit');
select sor_guard.classify('function', 'sor.tg_blocks__events()', 'audit');
reset role;
