-- V110: wake-up channels another login cannot name.
--
-- Why: a wake-up channel was 'sor_events_' or 'sor_tasks_' followed by 20 hex digits of
--      md5(tenant id) or md5(queue name): anyone who knew or guessed a tenant's id could compute
--      it. LISTEN and NOTIFY need no privilege, so any login of the server (a Worker of another
--      tenant included) could LISTEN on a tenant's channel and learn the moment each of its
--      transactions appended events, or NOTIFY on it in a loop and keep the tenant's readers
--      waking and reading for nothing. The channel is now derived from a secret of the database,
--      held in sor.wakeup_secret, which only the kit's definer functions read: a login learns a
--      channel only by asking sor_api.wakeup_channel (or subscribe, subscriptions), which answer
--      a tenant's members (and auditors) only. The name is 'sor_events_' or 'sor_tasks_' and 32 hex
--      digits of sha256(secret, kind, key). Channels change with this migration: a reader or
--      claimer that listens asks for its channel again (on every reconnect, as the docs say).
-- Locks: a new table; no existing row is read or written.
-- Reversal: drop table sor.wakeup_secret; then the functions of the earlier release.
set local lock_timeout = '5s';
set role sor_owner;

create table sor.wakeup_secret (
  singleton  boolean     not null default true,
  secret     bytea       not null default pg_catalog.decode(
                                    pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '')
                                    || pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''), 'hex'),
  rotated_at timestamptz not null default pg_catalog.clock_timestamp(),
  rotated_by name        not null default session_user,
  constraint wakeup_secret_pkey primary key (singleton),
  constraint wakeup_secret_singleton check (singleton),
  constraint wakeup_secret_length check (pg_catalog.length(secret) = 32)
);
comment on table sor.wakeup_secret is
  'One row: the secret every wake-up channel name is derived from (sor.wakeup_channel), so that no login can name a tenant''s or a queue''s channel without asking sor_api.wakeup_channel. Read only by the kit''s definer functions; replaced by sor_api.rotate_wakeup_channels.';
comment on column sor.wakeup_secret.secret is '32 random bytes (two gen_random_uuid() values, 244 random bits).';
comment on column sor.wakeup_secret.rotated_at is 'When the secret was made or last replaced.';
comment on column sor.wakeup_secret.rotated_by is 'The login that made or last replaced it.';

-- the secret is made before row level security is forced (its policy, for sor_owner, is in R__912)
insert into sor.wakeup_secret default values;

alter table sor.wakeup_secret enable row level security;
alter table sor.wakeup_secret force row level security;

reset role;
