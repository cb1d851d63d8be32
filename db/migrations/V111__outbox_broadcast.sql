-- V111: the outbox's broadcast on sor_outbox, a switch an admin turns.
--
-- Why: each statement that makes outbox rows pending notifies each tenant's wake-up channel
--      (R__460, named with the database's secret, V110). It also notified sor_outbox, the
--      dispatchers' channel of 0.2.0 and 0.3.0, with the number of rows of every tenant together:
--      a fixed name any login of the server may LISTEN on, which tells it how many rows some
--      tenant's outbox got, and when. A database setting could not turn it off on a managed
--      service (PostgreSQL refuses ALTER DATABASE ... SET of a parameter it does not know to a
--      role that is not a superuser), so the switch is a column of the kit's, set by an admin
--      (sor_api.set_outbox_broadcast). A new install starts with it off. A database this run
--      upgrades keeps it on when its dispatchers may be listening on sor_outbox: when it holds
--      outbox rows or a dispatcher's login is a member of one of its tenants (roles are the
--      cluster's, memberships the database's: a new install beside another kit database starts off).
-- Locks: ACCESS EXCLUSIVE on sor.wakeup_secret (one row) for the added columns.
-- Reversal: alter table sor.wakeup_secret drop column outbox_broadcast, drop column
--      outbox_broadcast_set_at, drop column outbox_broadcast_set_by; then the functions of the
--      earlier release.
set local lock_timeout = '5s';
set role sor_owner;

alter table sor.wakeup_secret
  add column outbox_broadcast boolean not null default false,
  add column outbox_broadcast_set_at timestamptz,
  add column outbox_broadcast_set_by name;
comment on column sor.wakeup_secret.outbox_broadcast is
  'Whether the outbox''s wake-ups are also sent on sor_outbox (every tenant''s rows together, under a fixed name any login may LISTEN on), besides each tenant''s channel. Set by sor_api.set_outbox_broadcast.';
comment on column sor.wakeup_secret.outbox_broadcast_set_at is 'When outbox_broadcast was last set by sor_api.set_outbox_broadcast (NULL: as the migration left it).';
comment on column sor.wakeup_secret.outbox_broadcast_set_by is 'The login that last set outbox_broadcast (NULL: the migration).';

-- the owner's policy (R__912 ensures it again) before the row is read under forced row level security
select sor.ensure_policy('sor.wakeup_secret', 'wakeup_secret_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');

update sor.wakeup_secret w
   set outbox_broadcast = true
 where w.singleton
   and (exists (select 1 from sor.outbox o)
        or exists (select 1 from sor.tenant_members m join pg_catalog.pg_roles r on r.rolname = m.role_name
                    where pg_catalog.pg_has_role(r.oid, 'sor_dispatcher', 'MEMBER')));

reset role;
