-- Flyway runs this callback after a migrate that failed (of the kernel, of the example domain, and
-- of every module that adds this location to its own). The run the beforeMigrate release callback
-- opened is closed as failed (sor_api.releases); nothing of it was applied (group = true: one
-- transaction), and its approval stays unused, so the same migrate is simply run again.
do $pgsor_release$
begin
  if pg_catalog.to_regprocedure('sor_guard.fail_release(text)') is not null then
    perform sor_guard.fail_release('${flyway:defaultSchema}.${flyway:table}');
  end if;
end
$pgsor_release$;
