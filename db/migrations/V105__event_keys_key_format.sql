-- V105: sor.event_keys' key format as a flat conjunction.
--
-- Why: V102 wrote the check with BETWEEN inside an AND; PostgreSQL stores that as an AND nested in
--      an AND, deparses it with both levels of parentheses, and a dump restores it flattened: the
--      restored database's definition text differs from the register's, and certify() reports the
--      constraint as changed. Written flat, the definition is the same before and after a dump.
-- Locks: ACCESS EXCLUSIVE on sor.event_keys for the swap (new in this release; a database that
--        upgrades holds no rows in it yet).
-- Reversal: none needed: the rule is the same.
-- lint: reviewed drop by pg-sor maintainers: the constraint is replaced in the same migration by the same rule, on a table new in this release
set lock_timeout = '5s';

set role sor_owner;

alter table sor.event_keys drop constraint event_keys_key_format;
alter table sor.event_keys add constraint event_keys_key_format
  check (pg_catalog.length(idempotency_key) >= 1 and pg_catalog.length(idempotency_key) <= 255
         and idempotency_key !~ '[[:cntrl:]]');

reset role;
