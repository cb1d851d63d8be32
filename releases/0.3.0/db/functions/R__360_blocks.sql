-- Blocks: an approver resolves the review or suspend block a step opened. Approving a review
-- releases its deferred commands to the outbox, rejecting it discards them; resolving a suspend
-- queues a resume command.
set role sor_owner;

create or replace function sor_api.resolve_block(block_id bigint, approved boolean, note text default null)
returns table (status text, released integer, discarded integer, resume_outbox_id bigint)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _b sor.blocks;
  _status text;
  _released integer := 0;
  _discarded integer := 0;
  _resume bigint;
begin
  if resolve_block.block_id is null then
    perform sor.journal_bad_input('block_id', 'Pass the id of an active block.');
  end if;
  if resolve_block.approved is null then
    perform sor.journal_bad_input('approved', 'Pass true to approve or false to reject.');
  end if;
  if resolve_block.note is not null and (length(resolve_block.note) > 2000 or resolve_block.note ~ '[\x01-\x08\x0b\x0c\x0e-\x1f]') then
    perform sor.journal_bad_input('note', 'A note has at most 2000 characters.');
  end if;
  select b.* into _b from sor.blocks b
   where b.block_id = resolve_block.block_id and sor_guard.is_member(b.tenant_id)
   for update;
  if not found then
    raise exception 'unknown block % for role %', resolve_block.block_id, session_user
      using errcode = 'SR042', hint = 'An approver resolves blocks of the tenants it is a member of.';
  end if;
  -- separation of duties: whoever runs the run does not resolve its own review
  if exists (select 1 from sor.runs r where r.tenant_id = _b.tenant_id and r.run_id = _b.run_id and r.worker_role = session_user) then
    raise exception 'role % runs run % and cannot resolve its own block %', session_user, _b.run_id, _b.block_id
      using errcode = 'SR045', hint = 'Another approver, who does not run the run, resolves the block.';
  end if;
  if _b.status <> 'active' then
    raise exception 'block % is already %', _b.block_id, _b.status
      using errcode = 'SR043', hint = 'A block is resolved once.';
  end if;
  _status := case when resolve_block.approved then 'approved' else 'rejected' end;
  update sor.blocks b
     set status = _status, resolved_at = pg_catalog.clock_timestamp(), resolved_by = session_user,
         approved = resolve_block.approved, note = resolve_block.note
   where b.tenant_id = _b.tenant_id and b.block_id = _b.block_id;

  if _b.kind = 'review' then
    update sor.outbox o
       set status = case when resolve_block.approved then 'pending' else 'discarded' end,
           available_at = pg_catalog.now()
     where o.tenant_id = _b.tenant_id and o.block_id = _b.block_id and o.status = 'deferred';
    if resolve_block.approved then
      get diagnostics _released = row_count;
    else
      get diagnostics _discarded = row_count;
    end if;
  else
    insert into sor.outbox as o (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                                 status, run_id, step_id, block_id)
    values (_b.tenant_id, 'resume', 'run', _b.run_id::text,
            jsonb_build_object('type', 'resume', 'run_id', _b.run_id, 'block_id', _b.block_id,
                               'approved', resolve_block.approved, 'note', resolve_block.note),
            jsonb_build_object('run_id', _b.run_id, 'step_id', _b.step_id, 'block_id', _b.block_id),
            encode(sha256(convert_to(jsonb_build_array(_b.run_id::text, 'resume', _b.block_id)::text, 'UTF8')), 'hex'),
            'pending', _b.run_id, _b.step_id, _b.block_id)
    returning o.outbox_id into _resume;
  end if;
  return query select _status, _released, _discarded, _resume;
end
$$;
comment on function sor_api.resolve_block(bigint, boolean, text) is
  'For approvers who are members of the block''s tenant: approves or rejects an active block. Review: approval releases the deferred commands (pending), rejection discards them. Suspend: queues one resume command (topic resume, payload with approved and note). SR033 malformed argument, SR042 unknown block (or a block of a tenant the caller is not a member of), SR043 already resolved, SR045 the caller runs the block''s run (separation of duties).';

reset role;
