-- Turns: a Worker journals each model turn of its run (model, role, token counts, content or, in
-- hash-only runs, only the content's sha256).
set role sor_owner;

create or replace function sor_api.record_turn(
  run_id uuid, model text, role text, input_tokens integer default 0, output_tokens integer default 0,
  content text default null, content_sha256 text default null
) returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
  _digest bytea;
  _turn integer;
begin
  perform sor.current_worker();
  perform sor.journal_check_id(record_turn.model, 'model', 200);
  if record_turn.role is null or record_turn.role not in ('system', 'user', 'assistant', 'tool') then
    perform sor.journal_bad_input('role', 'A turn''s role is system, user, assistant or tool.');
  end if;
  if record_turn.input_tokens is null or record_turn.output_tokens is null
     or record_turn.input_tokens < 0 or record_turn.output_tokens < 0 then
    perform sor.journal_bad_input('input_tokens/output_tokens', 'Token counts are zero or more.');
  end if;
  _r := sor.worker_run(record_turn.run_id, true);
  _digest := sor.journal_digest(record_turn.content, record_turn.content_sha256, _r.hash_only, 'content');
  select coalesce(max(t.turn_no), 0) + 1 into _turn
    from sor.turns t where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id;
  insert into sor.turns (tenant_id, run_id, turn_no, model, role, input_tokens, output_tokens,
                         content, content_sha256, hash_only)
  values (_r.tenant_id, _r.run_id, _turn, record_turn.model, record_turn.role, record_turn.input_tokens,
          record_turn.output_tokens, case when _r.hash_only then null else record_turn.content end,
          _digest, _r.hash_only);
  return _turn;
end
$$;
comment on function sor_api.record_turn(uuid, text, text, integer, integer, text, text) is
  'Journals one model turn of a running run of the calling Worker and returns its number (1, 2, ...). In a hash-only run the content is never stored: pass content (hashed, then dropped) or content_sha256. SR033 malformed argument or negative token count, SR034 unknown run, SR035 not running, SR036 lease lapsed, SR039 sha256 missing or mismatched, SR009 over 1 MiB, SR008 no longer a member of the run''s tenant.';

reset role;
