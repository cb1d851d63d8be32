package dev.pgsor.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.cli.CliRunner;
import dev.pgsor.cli.ExitCode;
import dev.pgsor.db.Certification;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pg-sor installs into an application's existing database: one whose public schema holds the
 * application's tables and its own Flyway history (public.flyway_schema_history). The kit and the
 * reconciler keep their history tables in their own schemas, so no baseline is needed, whichever
 * module runs first; an older install's history table in public is moved by pg-sor migrate, and
 * copied into the module's own schema by the beforeMigrate callback of a plain Flyway run.
 */
@SorTest
class ExistingDatabaseTest {

    static SorDatabase suite;
    @TempDir
    static Path appMigrations;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        suite = database;
        Files.writeString(appMigrations.resolve("V1__invoices.sql"),
                "create table invoices (invoice_id integer primary key, customer text not null);\n"
                        + "insert into invoices values (1, 'Initech'), (2, 'Globex');\n");
        Files.writeString(appMigrations.resolve("V2__customers.sql"), "create table customers (name text primary key);\n");
    }

    /** The application's own Flyway project, with Flyway's defaults: history in public.flyway_schema_history. */
    static void migrateTheApplication(Database db) {
        Flyway.configure(ExistingDatabaseTest.class.getClassLoader()).dataSource(db.url(), db.user(), db.password())
                .locations("filesystem:" + appMigrations).loggers("slf4j").load().migrate();
    }

    static List<List<Object>> applicationState(SorDatabase db) {
        return db.rows("select (select string_agg(invoice_id || ':' || customer, ',' order by invoice_id) from public.invoices),"
                + " (select string_agg(script, ',' order by installed_rank) from public.flyway_schema_history),"
                + " (select count(*) from pg_tables where schemaname = 'public')");
    }

    static long failing(SorDatabase db) throws SQLException {
        try (Connection c = db.admin().connect()) {
            return Certification.failing(Certification.run(c));
        }
    }

    static List<List<Object>> applicationAsInstalled() {
        return List.of(List.of("1:Initech,2:Globex", "V1__invoices.sql,V2__customers.sql", 3L));
    }

    @Test
    void theKitThenTheReconcilerInstallIntoADatabaseWithAnApplicationInPublic() throws Exception {
        try (SorDatabase db = suite.empty()) {
            migrateTheApplication(db.admin());
            List<Migrator.Outcome> outcomes = Migrator.migrate(db.admin(), SorSchema.ALL);
            assertThat(outcomes).extracting(Migrator.Outcome::version).containsExactly(dev.pgsor.support.Repo.kernelVersion(), "002");
            assertThat(applicationState(db)).isEqualTo(applicationAsInstalled());
            assertThat(db.rows("select count(*) from sor_flyway.flyway_schema_history where type = 'BASELINE'"
                    + " union all select count(*) from reconciler_flyway.flyway_schema_history_reconciler where type = 'BASELINE'"))
                    .containsExactly(List.of(0L), List.of(0L));
            assertThat(failing(db)).isZero();
        }
    }

    @Test
    void theReconcilerFirstStopsBeforeItsFirstScriptAndThenBothInstallInEitherOrderOfFirstRuns() throws Exception {
        try (SorDatabase db = suite.empty()) {
            migrateTheApplication(db.admin());
            assertThatThrownBy(() -> Migrator.migrate(db.admin(), List.of(SorSchema.RECONCILER)))
                    .isInstanceOf(FlywayException.class)
                    .hasStackTraceContaining("55000")
                    .hasStackTraceContaining("pg-sor: the kernel is not migrated in database " + db.name());
            assertThat(db.rows("select (select count(*) from reconciler_flyway.flyway_schema_history_reconciler where type not in ('SCHEMA', 'BASELINE')),"
                    + " to_regnamespace('reconciler') is null, to_regnamespace('sor') is null"))
                    .containsExactly(List.of(0L, true, true));

            CliRunner.Run run = CliRunner.run("migrate", "--url", db.admin().url(), "--user", db.admin().user(), "--password", db.admin().password());
            assertThat(run.status()).as(run.err()).isEqualTo(ExitCode.OK);
            assertThat(run.out()).containsPattern("(?m)^kernel: schema version none -> " + dev.pgsor.support.Repo.kernelVersion() + ", \\d+ scripts applied$")
                    .containsPattern("(?m)^reconciler: schema version none -> 002, \\d+ scripts applied$");
            assertThat(applicationState(db)).isEqualTo(applicationAsInstalled());
            assertThat(failing(db)).isZero();
        }
    }

    /** An install made before the history tables moved: both in public, the reconciler's baselined at 0 there. */
    static void installTheOldWay(Database db) {
        for (SorSchema.Module m : SorSchema.ALL) {
            Flyway.configure(ExistingDatabaseTest.class.getClassLoader()).dataSource(db.url(), db.user(), db.password())
                    .locations(m.locations().toArray(String[]::new)).table(m.historyTable()).defaultSchema("public")
                    .createSchemas(false).baselineOnMigrate(!m.equals(SorSchema.KERNEL)).baselineVersion("0")
                    .loggers("slf4j").load().migrate();
        }
    }

    @Test
    void pgSorMigrateMovesAnOlderInstallsHistoryOutOfPublicAndLeavesTheApplicationsAlone() throws Exception {
        try (SorDatabase db = suite.empty()) {
            installTheOldWay(db.admin());
            long kernelRows = db.count("select count(*) from public.flyway_schema_history");
            CliRunner.Run run = CliRunner.run("migrate", "--url", db.admin().url(), "--user", db.admin().user(), "--password", db.admin().password());
            assertThat(run.status()).as(run.err()).isEqualTo(ExitCode.OK);
            assertThat(run.out()).isEqualTo(
                    "kernel: moved the Flyway history table public.flyway_schema_history to sor_flyway.flyway_schema_history"
                            + " (pg-sor keeps it in the module's own schema)\n"
                            + "reconciler: moved the Flyway history table public.flyway_schema_history_reconciler to"
                            + " reconciler_flyway.flyway_schema_history_reconciler (pg-sor keeps it in the module's own schema)\n"
                            + "kernel: schema version " + dev.pgsor.support.Repo.kernelVersion() + " -> " + dev.pgsor.support.Repo.kernelVersion() + ", up to date (no script applied)\n"
                            + "reconciler: schema version 002 -> 002, up to date (no script applied)\n");
            assertThat(db.count("select count(*) from sor_flyway.flyway_schema_history")).isEqualTo(kernelRows);
            assertThat(db.count("select count(*) from pg_tables where schemaname = 'public'")).isZero();
            assertThat(failing(db)).isZero();

            // an application's own history in public is not pg-sor's: a later migrate leaves it where it is
            migrateTheApplication(db.admin());
            CliRunner.Run again = CliRunner.run("migrate", "--url", db.admin().url(), "--user", db.admin().user(), "--password", db.admin().password());
            assertThat(again.out()).doesNotContain("moved");
            assertThat(applicationState(db)).isEqualTo(applicationAsInstalled());
        }
    }

    @Test
    void flywayOnAnOlderInstallCarriesItsHistoryIntoItsOwnSchemaInTheSameRun() throws Exception {
        try (SorDatabase db = suite.empty()) {
            installTheOldWay(db.admin());
            List<List<Object>> kernelHistory = db.rows("select version, script, checksum, success"
                    + " from public.flyway_schema_history order by installed_rank");
            long reconcilerRows = db.count("select count(*) from public.flyway_schema_history_reconciler");

            // the README's commands with the real Flyway command line (history in sor_flyway), with no hand step
            FlywayCli cli = FlywayCli.fromBuild();
            FlywayCli.Result kernel = cli.run(dev.pgsor.support.Repo.root(), db.admin(), "migrate");
            assertThat(kernel.exitCode()).as(kernel.toString()).isZero();
            assertThat(kernel.output()).as(kernel.toString()).contains("pg-sor: moved this module's Flyway history from public.flyway_schema_history"
                    + " to sor_flyway.flyway_schema_history", "Schema \"sor_flyway\" is up to date. No migration necessary.");
            FlywayCli.Result reconciler = cli.run(dev.pgsor.support.Repo.root(), db.admin(), "-configFiles=examples/reconciler/flyway.toml", "migrate");
            assertThat(reconciler.exitCode()).as(reconciler.toString()).isZero();
            assertThat(reconciler.output()).as(reconciler.toString()).contains("Schema \"reconciler_flyway\" is up to date. No migration necessary.");

            // every row, in order (after the new table's own schema-creation row, where it has one); nothing ran again
            assertThat(db.rows("select version, script, checksum, success from sor_flyway.flyway_schema_history"
                    + " where type <> 'SCHEMA' order by installed_rank")).isEqualTo(kernelHistory);
            assertThat(db.count("select count(*) from reconciler_flyway.flyway_schema_history_reconciler where type <> 'SCHEMA'"))
                    .isEqualTo(reconcilerRows);
            // the old tables stay, marked, and a second run (here through the Java API) copies nothing again
            assertThat(db.rows("select obj_description('public.flyway_schema_history'::regclass) like 'pg-sor: %copied to sor_flyway.flyway_schema_history%'"))
                    .containsExactly(List.of(true));
            assertThat(Migrator.migrate(db.admin(), SorSchema.ALL)).extracting(Migrator.Outcome::executed).containsExactly(0, 0);
            assertThat(db.count("select count(*) from sor_flyway.flyway_schema_history where type <> 'SCHEMA'"))
                    .isEqualTo(kernelHistory.size());
            assertThat(failing(db)).isZero();
        }
    }
}
