-- Claims and outbox checks for certify(): queue tables (declared queue in sor_guard.classes) are
-- built for SKIP LOCKED claiming (fillfactor below 100, a partial index on the rows a claim reads),
-- and the outbox is published for CDC where the server runs wal_level = logical. That the audit
-- triggers and the dispatcher's grants stay as installed is the register's check (030).
set role sor_owner;

create or replace function sor.certify__050_claims()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  with queue_rels as (
    select k.identity as tbl, c.oid, c.reloptions
      from sor_guard.classes k
      left join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(k.identity)
     where k.kind = 'table' and k.class = 'queue'
  ), queue_leaves as (
    -- a partitioned queue keeps its fillfactor on each partition
    select r.tbl, r.oid, r.reloptions from queue_rels r
     where r.oid is null or (select c.relkind from pg_catalog.pg_class c where c.oid = r.oid) <> 'p'
    union all
    select pg_catalog.format('%I.%I', n.nspname, c.relname), c.oid, c.reloptions
      from queue_rels r
      join pg_catalog.pg_inherits i on i.inhparent = r.oid
      join pg_catalog.pg_class c on c.oid = i.inhrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  ), publication as (
    select pt.attnames
      from pg_catalog.pg_publication_tables pt
     where pt.pubname = 'sor_outbox_cdc' and pt.schemaname = 'sor' and pt.tablename = 'outbox'
  )
  -- policy-bound: queue tables leave room for HOT updates
  select 'policy-bound', 'queue tables have fillfactor below 100', r.tbl,
         coalesce((select substr(o, length('fillfactor=') + 1)::int from unnest(r.reloptions) o where o like 'fillfactor=%'), 100) < 100
           and r.oid is not null,
         case when r.oid is null then 'table is missing'
              else 'fillfactor ' || coalesce((select substr(o, length('fillfactor=') + 1) from unnest(r.reloptions) o where o like 'fillfactor=%'), '100 (default)') end
    from queue_leaves r
  union all
  -- policy-bound: the claim's WHERE clause has a partial index on the rows it reads
  select 'policy-bound', 'queue tables have a partial index on the rows a claim reads', r.tbl,
         exists (select 1 from pg_catalog.pg_index i
                  where i.indrelid = r.oid and i.indisvalid and i.indpred is not null
                    and pg_catalog.pg_get_expr(i.indpred, i.indrelid) like '%status%'),
         coalesce((select pg_catalog.string_agg(ic.relname || ' where ' || pg_catalog.pg_get_expr(i.indpred, i.indrelid), '; ' order by ic.relname)
                     from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid
                    where i.indrelid = r.oid and i.indisvalid and i.indpred is not null
                      and pg_catalog.pg_get_expr(i.indpred, i.indrelid) like '%status%'),
                  'no valid partial index on status')
    from queue_rels r
  union all
  -- policy-bound: the one lease machine, checked once for both of its tables (sor.leases()): every
  -- held lease has its holder, a fencing token sor.fencing_tokens issued, and an expiry
  select 'policy-bound', 'held leases have a holder, an issued fencing token and an expiry', k.kind,
         pg_catalog.count(*) filter (where l.kind is not null
                                       and (l.holder is null or l.fencing_token is null or l.lease_expires_at is null
                                            or l.fencing_token > (select s.last_value from sor.fencing_tokens s))) = 0,
         pg_catalog.count(*) filter (where l.kind is not null
                                       and (l.holder is null or l.fencing_token is null or l.lease_expires_at is null
                                            or l.fencing_token > (select s.last_value from sor.fencing_tokens s)))
           || ' of ' || pg_catalog.count(l.kind) || ' held leases malformed'
    from (select 'sor.tasks' as kind union all select 'sor.outbox') k
    left join sor.leases() l on l.kind = k.kind and l.held
   group by k.kind
  union all
  -- durable: a published table whose replica identity is FULL (the row filter reads status) needs
  -- it on every partition too, or updates of that partition's rows fail while published
  select 'durable', 'outbox partitions carry the replica identity of the outbox', pg_catalog.format('%I.%I', n.nspname, c.relname),
         c.relreplident = 'f', case when c.relreplident = 'f' then 'replica identity full'
                                    else 'replica identity ' || c.relreplident::text || ': updates of its rows fail while sor.outbox is published with its row filter' end
    from pg_catalog.pg_inherits i
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where i.inhparent = 'sor.outbox'::regclass
     and (select p.relreplident from pg_catalog.pg_class p where p.oid = 'sor.outbox'::regclass) = 'f'
  union all
  -- durable: the outbox is published for a CDC relay wherever the server can decode it
  select 'durable', 'the outbox is published for CDC where wal_level is logical', 'publication sor_outbox_cdc',
         case when pg_catalog.current_setting('wal_level') <> 'logical' then true
              else coalesce((select array['event_id', 'aggregate_type', 'aggregate_id', 'topic', 'payload']::name[] <@ p.attnames
                               from publication p), false) end,
         case when pg_catalog.current_setting('wal_level') <> 'logical'
                then 'not applicable: wal_level is ' || pg_catalog.current_setting('wal_level')
              when not exists (select 1 from publication) then 'publication of sor.outbox is missing'
              else 'columns ' || (select array_to_string(p.attnames, ', ') from publication p) end
$$;
comment on function sor.certify__050_claims() is
  'Claims and outbox checks: held leases of both well-formed (sor.leases()), fillfactor (of each partition of a partitioned queue) and a partial index on the claimed rows of queue tables (declared queue), the CDC publication where wal_level is logical.';

reset role;
