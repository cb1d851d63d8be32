-- Functions a versioned migration defined and no repeatable file redefines. Landed migrations are
-- never edited, so their settings are set here. Every kit function runs with jit = off: the kit's
-- statements are short and key-driven, but the planner's cost estimates for its reads of the
-- catalog and of partitioned tables cross JIT's thresholds, and compiling them took far longer than
-- running them (certify() checks pg_proc.proconfig).
--
-- sor.ensure_policy (V003) is altered with the guard running, which records the change in
-- sor.ddl_audit and the register. sor_guard.pause (V060) belongs to the guard: R__005 alters it,
-- with the guard paused.
set role sor_owner;
alter function sor.ensure_policy(regclass, name, text, name[], text, text) set jit = off;
reset role;
