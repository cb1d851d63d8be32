-- V042: the publication a CDC relay (Debezium's outbox event router) reads instead of polling
-- the outbox.
--
-- Why: the publication is created only where the server allows it: wal_level = logical and a
--      migrating role that may create publications (a superuser, or a role with CREATE on the
--      database). Elsewhere the migration leaves a NOTICE and certify() reports the publication
--      as not applicable while wal_level is not logical. It publishes inserts of pending rows only,
--      with the columns the outbox router maps (event_id, aggregate_type, aggregate_id, topic,
--      payload) plus tenant_id, outbox_id, headers, dedupe_key and created_at. It is created by
--      the migrating admin after RESET ROLE (sor_owner has no CREATE on the database) and handed
--      to sor_owner when the admin is a superuser.
-- Locks: CREATE PUBLICATION takes no lock on the table's rows.
-- Reversal: drop publication if exists sor_outbox_cdc.

do $$
begin
  if exists (select 1 from pg_catalog.pg_publication p where p.pubname = 'sor_outbox_cdc') then
    return;
  end if;
  if pg_catalog.current_setting('wal_level') <> 'logical' then
    raise notice 'wal_level is %, not logical: publication sor_outbox_cdc not created', pg_catalog.current_setting('wal_level');
    return;
  end if;
  if not (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user)
     and not pg_catalog.has_database_privilege(current_user, pg_catalog.current_database(), 'CREATE') then
    raise notice 'role % may not create publications here: publication sor_outbox_cdc not created', current_user;
    return;
  end if;
  create publication sor_outbox_cdc
    for table sor.outbox (tenant_id, outbox_id, event_id, aggregate_type, aggregate_id, topic, payload,
                          headers, dedupe_key, created_at)
    where (status = 'pending')
    with (publish = 'insert');
  if (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user) then
    alter publication sor_outbox_cdc owner to sor_owner;
  end if;
  comment on publication sor_outbox_cdc is
    'Logical replication of new pending outbox rows for a CDC relay (Debezium outbox event router: id=event_id, aggregatetype=aggregate_type, aggregateid=aggregate_id, type=topic, payload=payload).';
exception when insufficient_privilege then
  raise notice 'publication sor_outbox_cdc not created: %', sqlerrm;
end
$$;
