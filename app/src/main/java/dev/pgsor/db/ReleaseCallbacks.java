package dev.pgsor.db;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two Flyway callbacks that carry a release into the database it migrates:
 * {@code db/callbacks/beforeMigrate__pgsor_release.sql} and {@code afterMigrate__pgsor_release.sql}.
 * Both hold the release's version, its manifest's digest and the manifest's text (before its digest
 * line), and call the guard's release functions ({@code db/functions/R__204_release_window.sql}):
 * before a migrate, an upgrade from another release needs that release approved and may change only
 * what the release changes; after it, the release is recorded as installed. They are generated with
 * the manifest ({@code pg-sor release}) and are not in it: a manifest cannot list a file that carries
 * its own digest.
 */
public final class ReleaseCallbacks {

    /** The callback that opens a release run. */
    public static final String BEFORE = "beforeMigrate__pgsor_release.sql";

    /** The callback that records the release. */
    public static final String AFTER = "afterMigrate__pgsor_release.sql";

    private static final String QUOTE = "$pgsor_manifest$";

    private static final String CONTRACT_QUOTE = "$pgsor_contract$";

    private ReleaseCallbacks() { }

    /** True for the name of a generated release callback (not listed in a manifest). */
    public static boolean generated(String name) {
        return BEFORE.equals(name) || AFTER.equals(name);
    }

    /**
     * The two callbacks' texts, by file name, for this manifest and the release's contract snapshot
     * (db/contract.txt), which the afterMigrate callback records after the kernel's run.
     */
    public static Map<String, String> render(ReleaseManifest manifest, String contract) {
        String body = manifest.body();
        if (contract.contains(CONTRACT_QUOTE) || contract.contains("${") || !contract.contains("\ncontract_version ")) {
            throw new IllegalArgumentException("not a contract snapshot a callback can carry (db/contract.txt)");
        }
        if (body.contains(QUOTE) || body.contains("${")) {
            throw new IllegalArgumentException("release " + manifest.version()
                    + ": the manifest's text holds " + QUOTE + " or ${, which a callback cannot carry");
        }
        String version = manifest.version();
        if (!version.matches("[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?")) {
            throw new IllegalArgumentException("not a release version: " + version);
        }
        String digest = manifest.digest();
        // the text starts on the line after its opening quote: "$" before "{" would read as a
        // Flyway placeholder
        String call = "'" + version + "', '" + digest + "',\n      pg_catalog.ltrim(" + QUOTE + "\n" + body + QUOTE + ", E'\\n'))";
        Map<String, String> files = new LinkedHashMap<>();
        files.put(BEFORE, header(version, """
                -- Flyway runs this callback before every migrate of the kernel, of the example domain, and of
                -- every module that adds this location (classpath:pgsor/kernel/callbacks, or filesystem:db/callbacks)
                -- to its own; it acts for the kernel's and the example domain's history tables only.
                --
                -- On a database that holds an earlier release, the upgrade needs this release approved once
                -- (sor_api.approve_release with the version and digest below): without it the migrate stops here,
                -- with SQLSTATE SR026 and the call to make in its hint, before any script runs. With it, the run
                -- is opened: while it lasts, the drop guard lets the migrating role change exactly the protected
                -- objects this release changes, and a trigger on the history table refuses (SR027) any script
                -- Flyway records that the manifest does not hold with that checksum; the run rolls back whole.
                -- On a fresh database, and on one that holds a release before 0.3.0, there is nothing to check yet.
                """) + """
                select pg_catalog.set_config('lock_timeout', '5s', true)
                 where pg_catalog.current_setting('lock_timeout') = '0';
                do $pgsor_release$
                begin
                  if pg_catalog.to_regprocedure('sor_guard.begin_release(text,text,text,text)') is null then
                    return;
                  end if;
                  if sor_guard.begin_release('${flyway:defaultSchema}.${flyway:table}', """ + call + """
                  then
                    if not exists (select 1 from pg_catalog.pg_trigger t
                                    where t.tgrelid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', '${flyway:defaultSchema}', '${flyway:table}'))
                                      and t.tgname = 'pgsor_release_check') then
                      begin
                        execute pg_catalog.format(
                          'create trigger pgsor_release_check before insert on %I.%I for each row execute function sor_guard.tg_history__release_check()',
                          '${flyway:defaultSchema}', '${flyway:table}');
                      exception when duplicate_object or unique_violation then
                        null;  -- a concurrent migrate of this database created it first: the same trigger
                      end;
                    end if;
                  end if;
                end
                $pgsor_release$;
                """);
        files.put(AFTER, header(version, """
                -- Flyway runs this callback after every migrate (even when nothing was pending) of the kernel,
                -- of the example domain, and of every module that adds this location to its own; it acts for the
                -- kernel's and the example domain's history tables only. It closes the run the beforeMigrate
                -- callback opened: an approved upgrade consumes its approval and is recorded as upgraded
                -- (sor_api.releases); a fresh install, or the first run after an upgrade from a release before
                -- 0.3.0, is recorded as installed. After the kernel's run it records the release's contract
                -- snapshot (db/contract.txt), which sor_api.check_contract compares a client's with.
                """) + """
                select pg_catalog.set_config('lock_timeout', '5s', true)
                 where pg_catalog.current_setting('lock_timeout') = '0';
                do $pgsor_release$
                begin
                  if pg_catalog.to_regprocedure('sor_guard.end_release(text,text,text,text)') is null then
                    return;
                  end if;
                  perform sor_guard.end_release('${flyway:defaultSchema}.${flyway:table}', """ + call + """
                ;
                  if '${flyway:defaultSchema}.${flyway:table}' = 'sor_flyway.flyway_schema_history'
                     and pg_catalog.to_regprocedure('sor_guard.record_contract(text)') is not null then
                    perform sor_guard.record_contract(pg_catalog.ltrim(""" + CONTRACT_QUOTE + "\n" + contract + CONTRACT_QUOTE + """
                , E'\\n'));
                  end if;
                end
                $pgsor_release$;
                """);
        return files;
    }

    private static String header(String version, String what) {
        return "-- Generated with the manifest of pg-sor " + version + " (releases/" + version
                + "/manifest.json) by pg-sor release: do not edit.\n" + what;
    }
}
