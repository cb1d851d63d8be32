-- Subscriptions: named readers of a tenant's events whose checkpoint the server keeps
-- (sor.subscriptions, V100), and wake-ups so that readers need not poll.
--
--   sor_api.subscribe           creates a subscription (idempotent), from the start or from now
--   sor_api.read_subscription   the tenant's events after the checkpoint, in position order up
--                               to the tenant's reader horizon (R__130), never skipping one
--   sor_api.ack_subscription    moves the checkpoint forward to an event read; never back
--   sor_api.subscriptions       a tenant's subscriptions and their checkpoints
--   sor_api.unsubscribe         removes one
--   sor_api.wakeup_channel      the LISTEN channel a reader (events) or claimer (tasks) waits on
--
-- Every function is SECURITY DEFINER and decides by session_user: a member of the tenant (or an
-- auditor) subscribes, reads and acknowledges; anyone else gets SR008, the same answer as for an
-- unknown tenant. A subscription sees only its tenant's events, whoever asks.
set role sor_owner;

-- The channel a wake-up is sent on: opaque (a digest of the key), so a channel name is always a
-- valid identifier under 64 bytes whatever the tenant id or queue name; and secret (the digest is
-- keyed with sor.wakeup_secret, which only the kit's definer functions read), so a login that may
-- not ask sor_api.wakeup_channel for it cannot name it: LISTEN and NOTIFY need no privilege, and a
-- channel anyone could compute would tell another tenant's login when a tenant appends, and let
-- it wake the tenant's readers for nothing. NULL when the secret row is missing (certify reports
-- it): the wake-ups then stop, the writes do not.
create or replace function sor.wakeup_channel(kind text, key text)
returns text
language sql
stable
strict
set jit = off
as $$
  select 'sor_' || wakeup_channel.kind || '_'
         || pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(
              w.secret || pg_catalog.convert_to(wakeup_channel.kind || ':' || wakeup_channel.key, 'UTF8')), 'hex'), 32)
    from sor.wakeup_secret w
   where w.singleton
$$;
comment on function sor.wakeup_channel(text, text) is
  'The NOTIFY channel of a wake-up: sor_<kind>_<32 hex digits of sha256(the database''s wake-up secret, kind:key)>; kind events or outbox (key: the tenant id) or tasks (key: the queue, a slash and the listening login). Only the kit''s definer functions read the secret (sor.wakeup_secret), so no login can name a channel it was not given by sor_api.wakeup_channel. NULL when the secret is missing.';

-- A listener of a queue's task wake-ups is registered by its backend's process id, its login and
-- the login's tenants when it asks for the channel (sor_api.wakeup_channel('tasks', queue), for an existing queue);
-- rows of backends that ended are removed on the way. In a read-only transaction nothing is
-- registered (a standby).
create or replace function sor.task_listen(queue text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  if not exists (select 1 from sor.queues q where q.queue = task_listen.queue) then
    return;
  end if;
  delete from sor.task_listeners l
   where not exists (select 1 from pg_catalog.pg_stat_get_activity(l.pid) a);
  insert into sor.task_listeners as l (queue, pid, role_name, tenant_ids)
  values (task_listen.queue, pg_catalog.pg_backend_pid(), session_user, sor_guard.member_tenants())
  on conflict on constraint task_listeners_pkey do update
     set listened_at = pg_catalog.clock_timestamp(), role_name = excluded.role_name, tenant_ids = excluded.tenant_ids;
exception when read_only_sql_transaction then
  null;
end
$$;
comment on function sor.task_listen(text) is
  'Registers the calling backend, its login and the login''s tenants (sor_guard.member_tenants) as a listener of a queue''s task wake-ups (sor.task_listeners) and removes the rows of backends that ended; nothing for an unknown queue or in a read-only transaction. Called by sor_api.wakeup_channel(''tasks'', queue).';

-- A wake-up for a queue's claimers, called by the enqueue paths after a task was queued: a NOTIFY
-- on the channel of each login with a live backend that asked for the queue's channel and was
-- registered for a tenant whose tasks were queued (its login's tenants when it asked). A
-- notifying commit serialises with every other notifying commit of the server (a third of four
-- clients' enqueues, V112), so a tenant's listeners make only that tenant's enqueues notify; and
-- each login has its own channel of the queue, so a listener hears the enqueues of its own
-- tenants only, not another tenant's on the same queue. NOTIFY folds identical notifications
-- within a transaction: one per login however many tasks it queues. A queue nobody of the tenant
-- listens to costs a probe of sor.task_listeners and no NOTIFY. tenant_ids NULL (the call of the
-- earlier release's code) notifies every live listener.
drop function if exists sor.wake_tasks(text);
create or replace function sor.wake_tasks(queue text, tenant_ids text[] default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  perform pg_catalog.pg_notify(c.channel, '')
     from (select distinct sor.wakeup_channel('tasks', l.queue || '/' || l.role_name) as channel
             from sor.task_listeners l
            where l.queue = wake_tasks.queue
              and (wake_tasks.tenant_ids is null or l.tenant_ids && wake_tasks.tenant_ids)
              and exists (select 1 from pg_catalog.pg_stat_get_activity(l.pid) a)) c
    where c.channel is not null;
end
$$;
comment on function sor.wake_tasks(text, text[]) is
  'Called by the enqueue paths after tasks of the given tenants were queued: notifies (empty payload) the queue''s channel of each login with a live backend registered by sor_api.wakeup_channel(''tasks'', queue) for one of those tenants (its login''s tenants when it asked; every live listener when tenant_ids is NULL); one notification per transaction and login.';

create or replace function sor_api.wakeup_channel(kind text, key text)
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _channel text;
begin
  if wakeup_channel.kind is null or wakeup_channel.kind not in ('events', 'tasks', 'outbox') or wakeup_channel.key is null then
    raise exception 'no wake-up channel for kind % and key %', coalesce(pg_catalog.quote_literal(wakeup_channel.kind), 'NULL'),
                    coalesce(pg_catalog.quote_literal(wakeup_channel.key), 'NULL')
      using errcode = 'SR011',
            hint = 'Ask for kind ''events'' with a tenant id (appends of that tenant), ''tasks'' with a queue name (tasks enqueued on it) or ''outbox'' with a tenant id (outbox rows of that tenant ready to lease); then LISTEN on the name returned, quoted as an identifier.';
  end if;
  if wakeup_channel.kind = 'events' then
    perform sor_guard.require_reader(wakeup_channel.key);
  elsif wakeup_channel.kind = 'outbox' then
    perform sor_guard.require_member(wakeup_channel.key);
  else
    -- the asking connection listens: the enqueue paths notify the queue while it is alive
    perform sor.task_listen(wakeup_channel.key);
  end if;
  -- a queue's channel is the asking login's own: it hears the enqueues of its own tenants only
  _channel := sor.wakeup_channel(wakeup_channel.kind,
                                 case when wakeup_channel.kind = 'tasks' then wakeup_channel.key || '/' || session_user
                                      else wakeup_channel.key end);
  if _channel is null then
    raise exception 'the wake-up channels have no secret: sor.wakeup_secret holds no row'
      using errcode = '55000', hint = 'An admin runs sor_api.rotate_wakeup_channels() to make one; read or claim by polling meanwhile.';
  end if;
  return _channel;
end
$$;
comment on function sor_api.wakeup_channel(text, text) is
  'The channel to LISTEN on for wake-ups: kind events with a tenant id the caller may read (one NOTIFY, empty payload, per transaction that appended events of the tenant, while the tenant has a subscription), outbox with a tenant id the caller is a member of (one NOTIFY per statement that made outbox rows of the tenant ready to lease, payload how many), or tasks with a queue (the asking login''s own channel of the queue: one NOTIFY, empty payload, per transaction that queued tasks of one of the login''s tenants on it, while a connection that asked is alive: asking registers the calling connection and the login''s tenants in sor.task_listeners). A wake-up says only that something may be there: read or claim as usual. The name is derived from the database''s wake-up secret: no login can name a channel without asking here, and sor_api.rotate_wakeup_channels changes every name. SR011 bad kind or key; SR008 for events of a tenant the caller may not read (an auditor: SR002 no such tenant), or the outbox of a tenant it is not a member of; 55000 no secret (an admin rotates to make one).';

-- A new secret: every channel gets a new name. Listeners keep listening on the old names and get
-- no wake-up there, so they ask for their channels again (readers and claimers are told to ask on
-- every reconnect); an admin rotates when a login that was given a channel should no longer hear
-- it (a member removed from a tenant) or when a channel name was seen where it should not be.
create or replace function sor_api.rotate_wakeup_channels()
returns timestamptz
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _at timestamptz;
begin
  insert into sor.wakeup_secret as w (singleton) values (true)
  on conflict on constraint wakeup_secret_pkey do update
     set secret = excluded.secret, rotated_at = excluded.rotated_at, rotated_by = excluded.rotated_by
  returning w.rotated_at into _at;
  return _at;
end
$$;
comment on function sor_api.rotate_wakeup_channels() is
  'Admin: replaces the database''s wake-up secret (or makes it when missing), so every wake-up channel gets a new name from the next transaction on; returns when. Readers and claimers ask sor_api.wakeup_channel (or subscribe, subscriptions) again and LISTEN on the new names; the old names carry no wake-up.';

-- A wake-up for a tenant's readers, called by the append paths after they insert: a NOTIFY on the
-- tenant's channel when it has a subscription. NOTIFY folds identical notifications within a
-- transaction, so a transaction sends one per tenant however many events it appends. Tenants
-- without subscriptions cost a probe of sor.subscriptions and no NOTIFY (which would serialise
-- commits on the notification queue).
create or replace function sor.wake_events(tenant_id text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  if exists (select 1 from sor.subscriptions s where s.tenant_id = wake_events.tenant_id) then
    perform pg_catalog.pg_notify(c.channel, '')
       from (select sor.wakeup_channel('events', wake_events.tenant_id) as channel) c
      where c.channel is not null;
  end if;
end
$$;
comment on function sor.wake_events(text) is
  'Called by the append paths after an insert: notifies the tenant''s wake-up channel (empty payload) when the tenant has a subscription; one notification per transaction and tenant.';

-- The cursor of a subscription, locked when asked for update; SR015 when there is none.
create or replace function sor.subscription(tenant_id text, name text, for_update boolean default false)
returns sor.subscriptions
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _s sor.subscriptions;
begin
  if subscription.for_update then
    select s.* into _s from sor.subscriptions s
     where s.tenant_id = subscription.tenant_id and s.name = subscription.name for update;
  else
    select s.* into _s from sor.subscriptions s
     where s.tenant_id = subscription.tenant_id and s.name = subscription.name;
  end if;
  if _s.tenant_id is null then
    raise exception 'tenant % has no subscription %', pg_catalog.quote_literal(subscription.tenant_id),
                    coalesce(pg_catalog.quote_literal(subscription.name), 'NULL')
      using errcode = 'SR015',
            hint = 'Create it with sor_api.subscribe(tenant_id, name); sor_api.subscriptions(tenant_id) lists the tenant''s subscriptions.';
  end if;
  return _s;
end
$$;
comment on function sor.subscription(text, text, boolean) is
  'The subscription row (locked FOR UPDATE when asked), or SR015 when the tenant has no subscription of that name.';

create or replace function sor_api.subscribe(tenant_id text, name text, stream_prefix text default null,
                                             from_start boolean default true)
returns table (subscription text, prefix text, last_position bigint, created boolean, channel text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
-- the tenant's events are read in the primary key's order, never sorted: the only plan without a
-- sort walks the key from the tenant's bound (a sort, or an incremental sort over another index of
-- the tenant, would take every event of the tenant first)
set enable_sort = off
set enable_incremental_sort = off
set jit = off
as $$
declare
  _s sor.subscriptions;
  _created boolean := false;
  _tx xid8 := '0'::xid8;
  _pos bigint := 0;
  _horizon bigint;
begin
  perform sor_guard.require_reader(subscribe.tenant_id);
  if subscribe.name is null or not sor.is_valid('slug', subscribe.name) then
    raise exception 'subscription name % is not a slug', coalesce(pg_catalog.quote_literal(subscribe.name), 'NULL')
      using errcode = 'SR011', hint = 'Name a subscription with a lowercase slug of 1 to 100 characters, such as billing.projector.';
  end if;
  if subscribe.stream_prefix is not null
     and not sor.is_valid('stream_prefix', subscribe.stream_prefix) then
    raise exception 'stream prefix % is not the start of a stream name', pg_catalog.quote_literal(subscribe.stream_prefix)
      using errcode = 'SR011', hint = 'Pass NULL for every stream of the tenant, or a category with its dash (order-) or a longer start of a stream name.';
  end if;
  if subscribe.from_start is null then
    raise exception 'from_start is required'
      using errcode = 'SR011', hint = 'Pass true to read the tenant''s events from its first, false to read only those appended from now on.';
  end if;
  if not subscribe.from_start then
    -- from now: the checkpoint is the tenant's last event below its reader horizon (R__130), read
    -- in the statement after the horizon's, so with a snapshot that sees every event below it
    _horizon := sor.tenant_horizon(subscribe.tenant_id);
    -- bounded and ordered as rows of the primary key (as tenant_events_since reads), so it walks
    -- back the tenant's events only, never every tenant's positions
    select e.tx_id, e.position into _tx, _pos
      from sor.events e
     where (e.tenant_id, e.position) < (subscribe.tenant_id, _horizon)
       and (e.tenant_id, e.position) > (subscribe.tenant_id, 0::bigint)
     order by e.tenant_id desc, e.position desc
     limit 1;
    _tx := coalesce(_tx, '0'::xid8);
    _pos := coalesce(_pos, 0);
  end if;
  insert into sor.subscriptions as s (tenant_id, name, stream_prefix, last_tx_id, last_position)
  values (subscribe.tenant_id, subscribe.name, subscribe.stream_prefix, _tx, _pos)
  on conflict on constraint subscriptions_pkey do nothing
  returning s.* into _s;
  _created := _s.tenant_id is not null;
  if not _created then
    _s := sor.subscription(subscribe.tenant_id, subscribe.name);
    if _s.stream_prefix is distinct from subscribe.stream_prefix then
      raise exception 'subscription % of tenant % exists for %', pg_catalog.quote_literal(subscribe.name),
                      pg_catalog.quote_literal(subscribe.tenant_id),
                      coalesce('streams starting with ' || pg_catalog.quote_literal(_s.stream_prefix), 'every stream')
        using errcode = 'SR018',
              hint = 'Subscribe again with the same stream prefix to get the subscription back, or choose another name; sor_api.unsubscribe removes one.';
    end if;
  end if;
  return query select _s.name, _s.stream_prefix, _s.last_position, _created,
                      sor.wakeup_channel('events', _s.tenant_id);
end
$$;
comment on function sor_api.subscribe(text, text, text, boolean) is
  'Creates the tenant''s named subscription to its events (every stream, or those starting with stream_prefix), with its checkpoint at the start (from_start) or after the last event visible now; subscribing again with the same prefix returns it as it is (created false). Returns the LISTEN channel of its wake-ups. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR011 bad name or prefix; SR018 the name exists with another prefix; SR086 (from now) at REPEATABLE READ or SERIALIZABLE, or on a standby.';

create or replace function sor_api.read_subscription(tenant_id text, name text, max_rows integer default 100)
returns table ("position" bigint, stream text, version integer, type text, payload jsonb, metadata jsonb,
               actor name, occurred_at timestamptz, tx_id xid8, hash text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
-- the tenant's events are read in the primary key's order, never sorted: the only plan without a
-- sort walks the key from the tenant's bound (a sort, or an incremental sort over another index of
-- the tenant, would take every event of the tenant first)
set enable_sort = off
set enable_incremental_sort = off
set jit = off
as $$
declare
  _rows bigint;
  _s sor.subscriptions;
  _horizon bigint;
begin
  perform sor_guard.require_reader(read_subscription.tenant_id);
  perform sor.check_max_rows(read_subscription.max_rows);
  select s.* into _s from sor.subscriptions s
   where s.tenant_id = read_subscription.tenant_id and s.name = read_subscription.name;
  if _s.tenant_id is null then
    perform sor.subscription(read_subscription.tenant_id, read_subscription.name);
  end if;
  perform sor.check_horizon_context();
  -- a reader that has read everything and polls again answers without the horizon (R__130)
  if sor.reader_caught_up(_s.tenant_id, _s.last_position, 'subscription:' || _s.tenant_id || ':' || _s.name) then
    return;
  end if;
  -- the tenant's reader horizon (R__130): the tenant's events below it are all the ones there
  -- will ever be, and the next statement's snapshot sees them; other tenants never hold it back
  _horizon := sor.tenant_horizon(_s.tenant_id);
  return query
    select e.position, e.stream, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at, e.tx_id,
           pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     -- bounded as rows of the primary key, in its order (as sor_api.tenant_events_since reads)
     where (e.tenant_id, e.position) > (_s.tenant_id, _s.last_position)
       and (e.tenant_id, e.position) < (_s.tenant_id, _horizon)
       and (_s.stream_prefix is null
            or pg_catalog.left(e.stream, pg_catalog.length(_s.stream_prefix)) = _s.stream_prefix)
     order by e.tenant_id, e.position
     limit read_subscription.max_rows;
  get diagnostics _rows = row_count;
  perform sor.reader_page_read('subscription:' || _s.tenant_id || ':' || _s.name, _rows);
end
$$;
comment on function sor_api.read_subscription(text, text, integer) is
  'The subscription''s events after its checkpoint, in position order, up to the tenant''s reader horizon (sor.tenant_horizon: held back only by the tenant''s own transactions in flight): reading again without an acknowledgement returns the same events (at least once); acknowledging the last one read and reading again never skips one. On the primary, at READ COMMITTED. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR015 no such subscription; SR016 max_rows out of 1..10000; SR086 at REPEATABLE READ or SERIALIZABLE, or on a standby.';

create or replace function sor_api.ack_subscription(tenant_id text, name text, up_to_position bigint)
returns table (last_position bigint, moved boolean)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _s sor.subscriptions;
  _tx xid8;
  _horizon bigint;
begin
  perform sor_guard.require_reader(ack_subscription.tenant_id);
  if ack_subscription.up_to_position is null or ack_subscription.up_to_position < 1 then
    raise exception 'up_to_position % is not a position', coalesce(ack_subscription.up_to_position::text, 'NULL')
      using errcode = 'SR011', hint = 'Pass the position of the last event of read_subscription you have processed.';
  end if;
  _s := sor.subscription(ack_subscription.tenant_id, ack_subscription.name, true);
  -- only an event read_subscription can have returned: below the tenant's horizon, so no event
  -- before it can still appear
  _horizon := sor.tenant_horizon(_s.tenant_id);
  select e.tx_id into _tx
    from sor.events e
   where e.position = ack_subscription.up_to_position and e.tenant_id = _s.tenant_id
     and (_s.stream_prefix is null
          or pg_catalog.left(e.stream, pg_catalog.length(_s.stream_prefix)) = _s.stream_prefix)
     and e.position < _horizon;
  if _tx is null then
    raise exception 'no event at position % for subscription % of tenant %', ack_subscription.up_to_position,
                    pg_catalog.quote_literal(_s.name), pg_catalog.quote_literal(_s.tenant_id)
      using errcode = 'SR015',
            hint = 'Acknowledge a position read_subscription returned for this subscription.';
  end if;
  if ack_subscription.up_to_position <= _s.last_position then
    -- already acknowledged (a retried or late acknowledgement): the checkpoint never goes back
    return query select _s.last_position, false;
    return;
  end if;
  update sor.subscriptions s
     set last_tx_id = _tx, last_position = ack_subscription.up_to_position,
         acked_at = pg_catalog.clock_timestamp(), acked_by = session_user
   where s.tenant_id = _s.tenant_id and s.name = _s.name;
  return query select ack_subscription.up_to_position, true;
end
$$;
comment on function sor_api.ack_subscription(text, text, bigint) is
  'Moves the subscription''s checkpoint forward to the event at up_to_position (one read_subscription returned): the next read starts after it. An acknowledgement at or before the checkpoint changes nothing (moved false): the checkpoint never goes back. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR011 bad position; SR015 no such subscription; SR015 no event of the subscription at that position below the tenant''s reader horizon; SR086 at REPEATABLE READ or SERIALIZABLE, or on a standby.';

create or replace function sor_api.subscriptions(tenant_id text)
returns table (name text, stream_prefix text, last_position bigint, created_at timestamptz, created_by name,
               acked_at timestamptz, acked_by name, channel text)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform sor_guard.require_reader(subscriptions.tenant_id);
  return query
    select s.name, s.stream_prefix, s.last_position, s.created_at, s.created_by, s.acked_at, s.acked_by,
           sor.wakeup_channel('events', s.tenant_id)
      from sor.subscriptions s
     where s.tenant_id = subscriptions.tenant_id
     order by s.name;
end
$$;
comment on function sor_api.subscriptions(text) is
  'The tenant''s subscriptions with their checkpoints, by name. SR008 not a reader of the tenant (an auditor: SR002 no such tenant).';

create or replace function sor_api.unsubscribe(tenant_id text, name text)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform sor_guard.require_reader(unsubscribe.tenant_id);
  perform sor.subscription(unsubscribe.tenant_id, unsubscribe.name, true);
  delete from sor.subscriptions s where s.tenant_id = unsubscribe.tenant_id and s.name = unsubscribe.name;
  return true;
end
$$;
comment on function sor_api.unsubscribe(text, text) is
  'Removes the tenant''s subscription and its checkpoint. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR015 no such subscription.';

reset role;
