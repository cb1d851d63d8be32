-- Stream heads, partitions, retention and the ledger: refusal triggers (ENABLE ALWAYS), policies and
-- grants. Runs after every partitioned table has its own policies: prepares every partition and
-- makes three months ready (sor_api.maintain_partitions keeps it so between releases); the
-- afterMigrate callback registers the new ones with the guard.
set role sor_owner;

-- stream heads: only the chain trigger and the definer functions touch them (as the owner)
select sor.ensure_policy('sor.streams', 'streams_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.streams', 'streams_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy streams_owner_all on sor.streams is 'The chain trigger and the definer functions read and move stream heads as sor_owner.';
comment on policy streams_auditor_select on sor.streams is 'Auditors read every stream head.';
grant select on sor.streams to sor_auditor;

select sor.ensure_policy('sor.retired_stream_heads', 'retired_stream_heads_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.retired_stream_heads', 'retired_stream_heads_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy retired_stream_heads_owner_all on sor.retired_stream_heads is 'sor_api.retire_partition records the heads as sor_owner.';
comment on policy retired_stream_heads_auditor_select on sor.retired_stream_heads is 'Auditors read every retired stream head.';
grant select on sor.retired_stream_heads, sor.retired_partitions, sor.retention_policies, sor.ledger_blocks to sor_auditor;
grant select on sor.retired_partitions, sor.retention_policies to sor_admin;

-- the append-only tables of this release refuse UPDATE, DELETE and TRUNCATE for every role
do $$
declare
  _t text;
begin
  foreach _t in array array['ledger_blocks', 'retired_partitions', 'retired_stream_heads', 'retention_policies'] loop
    execute format('create or replace trigger %I before update or delete on sor.%I for each row execute function sor_guard.tg_events__refuse_change()',
                   _t || '_refuse_update_delete', _t);
    execute format('create or replace trigger %I before truncate on sor.%I for each statement execute function sor_guard.tg_events__refuse_change()',
                   _t || '_refuse_truncate', _t);
    execute format('alter table sor.%I enable always trigger %I', _t, _t || '_refuse_update_delete');
    execute format('alter table sor.%I enable always trigger %I', _t, _t || '_refuse_truncate');
    execute format('comment on trigger %I on sor.%I is %L', _t || '_refuse_update_delete', _t, 'Append-only: refuses UPDATE and DELETE of any row, for every role.');
    execute format('comment on trigger %I on sor.%I is %L', _t || '_refuse_truncate', _t, 'Append-only: refuses TRUNCATE for every role.');
  end loop;
end
$$;

grant execute on function sor_api.append_events(text, jsonb) to sor_worker;
grant execute on function sor_api.maintain_partitions(integer) to sor_admin, sor_dispatcher;
grant execute on function sor_api.set_retention(text, interval, text) to sor_admin;
grant execute on function sor_api.retire_partition(text) to sor_admin;
grant select on sor_api.partitions to sor_admin, sor_auditor;
grant execute on function sor.partition_list() to sor_admin, sor_auditor;
grant execute on function sor_api.seal_ledger(integer) to sor_admin, sor_dispatcher, sor_auditor;
grant execute on function sor_api.ledger_digest() to sor_admin, sor_auditor;
grant execute on function sor_api.verify_ledger(jsonb) to sor_auditor;

-- every partition gets what it does not inherit; the next months are made ready
select count(*) from sor.make_partitions(3);

reset role;
