-- V080: the CDC publication also relays outbox rows that become pending after they were inserted.
--
-- Why: V042 published inserts of pending rows only, so a row that commit_step inserted 'deferred'
--      and sor_api.resolve_block released later (deferred -> pending, an UPDATE), or a dead row an
--      operator queued again (sor_api.retry_outbox, dead -> pending), never reached a CDC relay.
--      The publication now publishes inserts and updates under the row filter status = 'pending'.
--      PostgreSQL (15 and later) evaluates the filter on the old and the new row of an UPDATE: old
--      not pending and new pending is sent as an INSERT, so a release reaches the relay as a new
--      message; pending -> leased is sent as a DELETE, which Debezium's outbox event router drops;
--      an update that keeps a row pending is sent as an UPDATE, which the router ignores (it warns).
--      A row filter of a publication that publishes updates may only name replica identity
--      columns, and the primary key (tenant_id, outbox_id) does not hold status, so the outbox's
--      replica identity becomes FULL. FULL allows no column list on such a publication, so every
--      column is published (the router still maps event_id, aggregate_type, aggregate_id, topic,
--      payload; the relay reads dedupe_key as well). publish_via_partition_root = true keeps the
--      publication valid if sor.outbox becomes partitioned: changes are then published under
--      sor.outbox, with its filter; each partition must then carry REPLICA IDENTITY FULL itself
--      (set here for the partitions that exist; whoever creates a partition later sets it too).
--      Where the publication does not exist (wal_level not logical, or no privilege when V042
--      ran), it is created here under the same conditions, else a NOTICE is left.
-- Locks: ALTER TABLE ... REPLICA IDENTITY takes ACCESS EXCLUSIVE on sor.outbox (and each partition) for a catalog update
--        (no rewrite, no scan); lock_timeout bounds the wait. From then on every UPDATE and DELETE
--        of the outbox writes its old row into the WAL. ALTER PUBLICATION takes no lock on rows.
-- Reversal: alter publication sor_outbox_cdc set (publish = 'insert', publish_via_partition_root = false);
--           alter publication sor_outbox_cdc set table sor.outbox (tenant_id, outbox_id, event_id,
--             aggregate_type, aggregate_id, topic, payload, headers, dedupe_key, created_at) where (status = 'pending');
--           alter table sor.outbox replica identity default;   -- in this order
set local lock_timeout = '5s';

-- the table and, once it is partitioned, each of its partitions (pg_partition_tree lists nothing for a
-- table that is not); a partition created later needs the same, or its updates fail while published
do $$
declare
  _rel regclass;
begin
  for _rel in select 'sor.outbox'::regclass
              union
              select t.relid from pg_catalog.pg_partition_tree('sor.outbox'::regclass) t where t.isleaf loop
    execute pg_catalog.format('alter table %s replica identity full', _rel);
  end loop;
end
$$;

do $$
begin
  if pg_catalog.current_setting('wal_level') <> 'logical'
     and not exists (select 1 from pg_catalog.pg_publication p where p.pubname = 'sor_outbox_cdc') then
    raise notice 'wal_level is %, not logical: publication sor_outbox_cdc not created', pg_catalog.current_setting('wal_level');
    return;
  end if;
  if not exists (select 1 from pg_catalog.pg_publication p where p.pubname = 'sor_outbox_cdc') then
    if not (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user)
       and not pg_catalog.has_database_privilege(current_user, pg_catalog.current_database(), 'CREATE') then
      raise notice 'role % may not create publications here: publication sor_outbox_cdc not created', current_user;
      return;
    end if;
    create publication sor_outbox_cdc for table sor.outbox where (status = 'pending')
      with (publish = 'insert, update', publish_via_partition_root = true);
    if (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user) then
      alter publication sor_outbox_cdc owner to sor_owner;
    end if;
  else
    -- via the partition root first: a partitioned table takes a row filter only then
    alter publication sor_outbox_cdc set (publish = 'insert, update', publish_via_partition_root = true);
    alter publication sor_outbox_cdc set table sor.outbox where (status = 'pending');
  end if;
  comment on publication sor_outbox_cdc is
    'Logical replication of outbox rows as they become pending (inserted pending, or released or retried by an UPDATE, which the row filter sends as an insert) for a CDC relay: Debezium outbox event router with id=event_id, aggregatetype=aggregate_type, aggregateid=aggregate_id, type=topic, payload=payload; the dedupe_key column is the provider''s idempotency key.';
exception when insufficient_privilege then
  raise notice 'publication sor_outbox_cdc not changed: %', sqlerrm;
end
$$;
