-- Verifying the hash chains of sor.events: the internal sweep sor.verify_event_chains (one row
-- per stream, the first broken link or NULLs), the auditor's sor_api.verify_events (broken links
-- only) and sor_api.verify_events_summary (one row of counts, what certify() reads).
set role sor_owner;

create or replace function sor.verify_event_chains(for_tenant text, for_stream text)
returns table (tenant_id text, stream text, events bigint, "position" bigint, version integer,
               expected_hash bytea, found_hash bytea, problem text, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  -- Each event is judged against its predecessor in version order. The events one statement
  -- appended to a stream share their prev_hash (the stream's link before the statement), so a
  -- group starts where prev_hash changes; a group's link is its one event's hash, or sha256 over
  -- its events' hashes in version order. Checks, first failing wins:
  --   version_gap         version is not the previous version + 1 (a deleted event, or a stream
  --                       whose first events are gone without a retired partition recording them)
  --   out_of_order        position is not above the previous event's (reordered events)
  --   prev_hash_mismatch  a group's prev_hash is not the link of the group before (deleted, spliced,
  --                       swapped, or an event of an earlier statement changed and re-hashed)
  --   hash_mismatch       hash is not sor_guard.event_hash() of the row's own content (a modified event)
  --   head_mismatch       the chain is intact but the stream's head row (sor.streams) names another last
  --                       version or link (events cut off the tail, or the last group changed)
  -- For version_gap and out_of_order expected/found are the previous event's hash and this event's
  -- prev_hash; for prev_hash_mismatch the link of the group before and this event's prev_hash; for
  -- hash_mismatch the recomputed and the stored hash.
  -- A stream whose oldest events left in a retired partition links its first remaining event to
  -- the link of the last retired group, recorded in sor.retired_stream_heads before the partition left.
  with boundary as (
    select distinct on (h.tenant_id, h.stream) h.tenant_id, h.stream, h.version, h.position, h.hash
      from sor.retired_stream_heads h
     where (verify_event_chains.for_tenant is null or h.tenant_id = verify_event_chains.for_tenant)
       and (verify_event_chains.for_stream is null or h.stream = verify_event_chains.for_stream)
     order by h.tenant_id, h.stream, h.version desc
  ), ev as materialized (
    select e.tenant_id, e.stream, e.position, e.version, e.prev_hash, e.hash,
           sor_guard.event_hash(e.prev_hash, e.tenant_id, e.stream, e.version, e.type, e.payload,
                          e.metadata, e.actor, e.occurred_at, e.position) as computed,
           coalesce(pg_catalog.lag(e.hash) over w, b.hash) as link_hash,
           coalesce(pg_catalog.lag(e.position) over w, b.position) as link_position,
           coalesce(pg_catalog.lag(e.version) over w, b.version) as link_version,
           b.hash as boundary_hash,
           pg_catalog.lag(e.version) over w is null or e.prev_hash is distinct from pg_catalog.lag(e.prev_hash) over w as starts
      from sor.events e
      left join boundary b on b.tenant_id = e.tenant_id and b.stream = e.stream
     where (verify_event_chains.for_tenant is null or e.tenant_id = verify_event_chains.for_tenant)
       and (verify_event_chains.for_stream is null or e.stream = verify_event_chains.for_stream)
    window w as (partition by e.tenant_id, e.stream order by e.version)
  ), grouped as (
    select ev.*,
           pg_catalog.count(*) filter (where ev.starts)
             over (partition by ev.tenant_id, ev.stream order by ev.version rows between unbounded preceding and current row) as grp
      from ev
  ), links as (
    select g.tenant_id, g.stream, g.grp,
           case when pg_catalog.count(*) = 1 then pg_catalog.string_agg(g.hash, ''::bytea)
                else sha256(pg_catalog.string_agg(g.hash, ''::bytea order by g.version)) end as link
      from grouped g
     group by g.tenant_id, g.stream, g.grp
  ), judged as (
    select g.*, case when g.grp = 1 then g.boundary_hash else l.link end as group_link,
           case when g.version <> coalesce(g.link_version, 0) + 1 then 'version_gap'
                when g.link_position is not null and g.position <= g.link_position then 'out_of_order'
                when g.starts and g.prev_hash is distinct from case when g.grp = 1 then g.boundary_hash else l.link end
                  then 'prev_hash_mismatch'
                when g.hash is distinct from g.computed then 'hash_mismatch'
           end as problem
      from grouped g
      left join links l on l.tenant_id = g.tenant_id and l.stream = g.stream and l.grp = g.grp - 1
  ), firsts as (
    select distinct on (j.tenant_id, j.stream) j.*
      from judged j
     where j.problem is not null
     order by j.tenant_id, j.stream, j.version
  ), streams as (
    select g.tenant_id, g.stream, pg_catalog.count(*) as events,
           (pg_catalog.array_agg(g.version order by g.version desc))[1] as last_version,
           (pg_catalog.array_agg(g.position order by g.version desc))[1] as last_position,
           pg_catalog.max(g.grp) as last_grp
      from grouped g
     group by g.tenant_id, g.stream
  ), heads as (
    -- the stream's head row must name its last link: a truncated tail leaves the head ahead
    select s.*, l.link as last_hash, h.version as head_version, h.last_hash as head_hash,
           h.version is distinct from s.last_version or h.last_hash is distinct from l.link as head_differs
      from streams s
      join links l on l.tenant_id = s.tenant_id and l.stream = s.stream and l.grp = s.last_grp
      left join sor.streams h on h.tenant_id = s.tenant_id and h.stream = s.stream
  )
  select s.tenant_id, s.stream, s.events,
         case when f.problem is null and s.head_differs then s.last_position else f.position end,
         case when f.problem is null and s.head_differs then s.last_version else f.version end,
         case when f.problem is null and s.head_differs then s.head_hash
              when f.problem = 'hash_mismatch' then f.computed
              when f.problem = 'prev_hash_mismatch' then f.group_link else f.link_hash end,
         case when f.problem is null and s.head_differs then s.last_hash
              when f.problem = 'hash_mismatch' then f.hash else f.prev_hash end,
         coalesce(f.problem, case when s.head_differs then 'head_mismatch' end),
         case when f.problem is null and s.head_differs then
                pg_catalog.format('the stream''s head records version %s, its last event is version %s',
                                  coalesce(s.head_version::text, '(no head)'), s.last_version)
         else case f.problem
           when 'version_gap' then pg_catalog.format('version %s follows version %s: expected version %s',
                                                     f.version, coalesce(f.link_version, 0), coalesce(f.link_version, 0) + 1)
           when 'out_of_order' then pg_catalog.format('position %s of version %s is not above position %s of version %s',
                                                      f.position, f.version, f.link_position, f.link_version)
           when 'prev_hash_mismatch' then pg_catalog.format('prev_hash of version %s is not the link of the events before it (up to version %s)',
                                                            f.version, coalesce(f.link_version::text, '(none)'))
           when 'hash_mismatch' then pg_catalog.format('content of version %s does not match its hash', f.version)
         end end
    from heads s
    left join firsts f on f.tenant_id = s.tenant_id and f.stream = s.stream
   order by s.tenant_id, s.stream
$$;
comment on function sor.verify_event_chains(text, text) is
  'One row per stream checked (all streams, one tenant''s, or one stream): the first broken link of its hash chain, or NULL problem when intact.';

create or replace function sor.check_verify_scope(for_tenant text, for_stream text)
returns void
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if check_verify_scope.for_stream is not null and check_verify_scope.for_tenant is null then
    raise exception 'stream % needs a tenant', pg_catalog.quote_literal(check_verify_scope.for_stream)
      using errcode = 'SR011', hint = 'Pass the tenant id with the stream, or neither to verify everything.';
  end if;
  if check_verify_scope.for_tenant is not null
     and not exists (select 1 from sor.tenants t where t.tenant_id = check_verify_scope.for_tenant) then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(check_verify_scope.for_tenant)
      using errcode = 'SR002', hint = 'List the tenants in sor_api.tenants.';
  end if;
  if check_verify_scope.for_stream is not null
     and not exists (select 1 from sor.events e
                      where e.tenant_id = check_verify_scope.for_tenant and e.stream = check_verify_scope.for_stream) then
    raise exception 'unknown stream % of tenant %', pg_catalog.quote_literal(check_verify_scope.for_stream),
          pg_catalog.quote_literal(check_verify_scope.for_tenant)
      using errcode = 'SR015', hint = 'A stream exists once its first event is appended; list streams in sor_api.events.';
  end if;
end
$$;
comment on function sor.check_verify_scope(text, text) is
  'Validates the scope of verify_events / verify_events_summary: SR011 stream without tenant, SR002 unknown tenant, SR015 unknown stream.';

create or replace function sor_api.verify_events(for_tenant text default null, for_stream text default null)
returns table (tenant_id text, stream text, "position" bigint, version integer,
               expected_hash text, found_hash text, problem text, detail text)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform sor.check_verify_scope(verify_events.for_tenant, verify_events.for_stream);
  return query
    select c.tenant_id, c.stream, c.position, c.version,
           pg_catalog.encode(c.expected_hash, 'hex'), pg_catalog.encode(c.found_hash, 'hex'),
           c.problem, c.detail
      from sor.verify_event_chains(verify_events.for_tenant, verify_events.for_stream) c
     where c.problem is not null
     order by c.tenant_id, c.stream;
  -- a partition of sor.events the kit neither made nor attached with an approval: its rows never
  -- went through an append, whatever their hashes say (one row, whatever the scope)
  return query
    select null::text, null::text, null::bigint, null::integer, null::text, null::text,
           'unrecorded_partition'::text, u.detail
      from sor_guard.unrecorded_partitions() u
     where u.parent_table = 'sor.events'
     order by u.partition_name;
end
$$;
comment on function sor_api.verify_events(text, text) is
  'Auditor: recomputes the hash chains of every stream (or one tenant''s, or one stream) and returns the first broken link of each broken stream, then one row (problem unrecorded_partition, no stream) for each partition of sor.events that the kit neither made nor attached with an approval; no rows when intact. SR002 unknown tenant, SR011 stream without tenant, SR015 unknown stream.';

create or replace function sor_api.verify_events_summary(for_tenant text default null, for_stream text default null)
returns table (streams bigint, events bigint, broken_streams bigint, intact boolean)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform sor.check_verify_scope(verify_events_summary.for_tenant, verify_events_summary.for_stream);
  return query
    select pg_catalog.count(*), coalesce(pg_catalog.sum(c.events), 0)::bigint,
           pg_catalog.count(*) filter (where c.problem is not null),
           pg_catalog.count(*) filter (where c.problem is not null) = 0
      from sor.verify_event_chains(verify_events_summary.for_tenant, verify_events_summary.for_stream) c;
end
$$;
comment on function sor_api.verify_events_summary(text, text) is
  'Auditor: one row of counts over the same scope as verify_events (streams and events checked, broken streams, intact).';

reset role;
