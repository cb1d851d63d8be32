package dev.pgsor.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pgsor.db.Certification;
import dev.pgsor.install.FlywayCli;
import dev.pgsor.release.NextRelease;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit's migrations bound their lock waits: the beforeEachMigrate callback, which Flyway runs
 * inside each script's transaction (the run's one transaction with group), gives it a lock_timeout
 * of 5s when the session has none (a session setting made in beforeMigrate would not reach the
 * scripts: Flyway runs that callback on a connection of its own). A script that would queue behind
 * an open transaction fails with 55P03 instead of making every later writer queue behind it; the
 * run rolls back whole and succeeds when run again. A session's own lock_timeout is kept, and
 * nothing of the bound stays on the connections Flyway used.
 */
@SorTest
class LockTimeoutTest {

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    /** A module of one versioned script, with the kit's callbacks, whose history is in a schema of its own. */
    static SorSchema.Module probeModule(Path dir, String name, String script) throws IOException {
        Path migrations = Files.createDirectories(dir.resolve(name).resolve("migrations"));
        Files.writeString(migrations.resolve("V1__" + name + ".sql"), script, StandardCharsets.UTF_8);
        return new SorSchema.Module(name, name + "_flyway", "flyway_schema_history_" + name,
                List.of("filesystem:" + migrations, SorSchema.CALLBACKS));
    }

    static final String PROBE = "create table public.lock_timeout_seen as"
            + " select pg_catalog.current_setting('lock_timeout') as lock_timeout;\n";

    @Test
    void theScriptsOfARunWaitAtMostFiveSecondsForALock(@TempDir Path dir) throws Exception {
        try (SorDatabase db = suite.fresh()) {
            assertThat(db.scalar("show lock_timeout")).isEqualTo("0");
            Migrator.migrate(db.admin(), List.of(probeModule(dir, "probe", PROBE)));
            assertThat(db.rows("select lock_timeout from public.lock_timeout_seen")).containsExactly(List.of("5s"));
        }
    }

    @Test
    void aSessionWithALockTimeoutOfItsOwnKeepsIt(@TempDir Path dir) throws Exception {
        try (SorDatabase db = suite.fresh()) {
            Flyway flyway = Flyway.configure(LockTimeoutTest.class.getClassLoader())
                    .configuration(Migrator.flyway(db.admin(), probeModule(dir, "probe", PROBE)).getConfiguration())
                    .initSql("set lock_timeout = '2s'")
                    .load();
            flyway.migrate();
            assertThat(db.rows("select lock_timeout from public.lock_timeout_seen")).containsExactly(List.of("2s"));
        }
    }

    @Test
    void theFlywayCommandLineTakesAnotherBoundFromInitSql(@TempDir Path dir) throws Exception {
        try (SorDatabase db = suite.fresh()) {
            probeModule(dir, "probe", PROBE);
            Path migrations = dir.resolve("probe").resolve("migrations");
            FlywayCli.Result run = FlywayCli.fromBuild().run(dir, db.admin(),
                    "-locations=filesystem:" + migrations + ",filesystem:" + Repo.path("db", "callbacks"),
                    "-defaultSchema=probe_flyway", "-schemas=probe_flyway", "-table=flyway_schema_history_probe",
                    "-initSql=set lock_timeout = '30s'", "migrate");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(db.rows("select lock_timeout from public.lock_timeout_seen")).containsExactly(List.of("30s"));
        }
    }

    @Test
    void theConnectionsFlywayUsedHaveNoLockTimeoutAfterTheRunSucceedsOrFails(@TempDir Path dir) throws Exception {
        try (SorDatabase db = suite.fresh()) {
            try (KeptConnections kept = new KeptConnections(db.admin())) {
                Flyway.configure(LockTimeoutTest.class.getClassLoader())
                        .configuration(Migrator.flyway(db.admin(), probeModule(dir, "probe", PROBE)).getConfiguration())
                        .dataSource(kept)
                        .load().migrate();
                assertThat(db.rows("select lock_timeout from public.lock_timeout_seen")).containsExactly(List.of("5s"));
                assertThat(kept.settings("lock_timeout")).isNotEmpty().containsOnly("0");
            }
            try (KeptConnections kept = new KeptConnections(db.admin())) {
                Throwable failed = catchThrowable(() -> Flyway.configure(LockTimeoutTest.class.getClassLoader())
                        .configuration(Migrator.flyway(db.admin(), probeModule(dir, "failing", "select 1 / 0;\n")).getConfiguration())
                        .dataSource(kept)
                        .load().migrate());
                assertThat(sqlState(failed)).as(String.valueOf(failed)).isEqualTo("22012");
                assertThat(kept.settings("lock_timeout")).isNotEmpty().containsOnly("0");
            }
        }
    }

    /**
     * The upgrade the DBA saw stall writers: a changed repeatable replaces the chain trigger of
     * sor.events while a Worker's transaction has appended an event and not yet committed.
     */
    @Test
    void aRunThatWaitsForALockFailsWith55P03LeavesNothingAppliedAndSucceedsWhenRunAgain(@TempDir Path dir) throws Exception {
        try (SorDatabase db = suite.fresh()) {
            db.addTenant("acme", "Acme Corp");
            Database worker = db.worker("lock-probe", "acme");
            NextRelease next = changedKernel(dir, suite);
            next.approve(db.approver());
            SorSchema.Module upgrade = next.module();

            Map<String, Object> before = state(db);
            try (Connection w = worker.connect()) {
                w.setAutoCommit(false);
                Sql.run(w, "select * from sor_api.append_event('acme', 'order-1', 'OrderPlaced', '{}')");

                // a value the upgrade cannot read as its wait is refused before anything is applied
                Throwable refused = catchThrowable(() -> Migrator.migrate(db.admin().withSetting("pgsor.upgrade_lock_wait", "soon"), List.of(upgrade)));
                assertThat(sqlState(refused)).as(String.valueOf(refused)).isEqualTo("22023");
                assertThat(refused).hasStackTraceContaining("pgsor.upgrade_lock_wait is 'soon'");
                assertThat(state(db)).as("nothing of the refused run is applied").isEqualTo(before);

                // the run waits for the kit's tables as long as the session says (60 s by default), then gives up
                Throwable failed = assertTimeoutPreemptively(Duration.ofMinutes(3),
                        () -> catchThrowable(() -> Migrator.migrate(db.admin().withSetting("pgsor.upgrade_lock_wait", "3s"), List.of(upgrade))),
                        "the run waited for the lock without a bound");
                assertThat(sqlState(failed)).as(String.valueOf(failed)).isEqualTo("55P03");
                assertThat(failed).hasStackTraceContaining("lock timeout: the upgrade could not take the tables of schema sor within 3 s");
                assertThat(state(db)).as("nothing of the failed run is applied").isEqualTo(before);

                // the Worker's transaction was not disturbed
                w.commit();
            }
            assertThat(db.count("select count(*) from sor.events where tenant_id = 'acme' and stream = 'order-1'")).isEqualTo(1);

            List<Migrator.Outcome> again = Migrator.migrate(db.admin(), List.of(upgrade));
            assertThat(again).extracting(Migrator.Outcome::executed).containsExactly(2);
            assertThat(db.rows("select script, success from sor_flyway.flyway_schema_history"
                    + " where installed_rank > ? order by installed_rank", before.get("last rank")))
                    .containsExactly(List.of("R__400_retry_delay.sql", true), List.of("R__910_policies_events.sql", true));
            assertThat((String) db.scalar("select pg_get_functiondef('sor.retry_delay(integer, interval, interval)'::regprocedure)"))
                    .contains("(rehearsed upgrade)");
            assertThat(db.rows("select operation, object_identity, outcome from sor.ddl_audit where audit_id > ?", before.get("last audit")))
                    .contains(List.of("redefine function", "sor.retry_delay(integer,interval,interval)", "recorded"));
            try (Connection c = db.admin().connect()) {
                assertThat(Certification.run(c)).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            }
        }
    }

    /**
     * The next release of the kernel, with two repeatables changed as an upgrade changes them: a
     * function of R__400 redefined (applied first, so a half-applied run would show), and R__910,
     * which replaces the triggers of sor.events. A database at this build's release takes it only
     * approved, as a DBA's upgrade does.
     */
    static NextRelease changedKernel(Path dir, SorDatabase suite) throws Exception {
        return NextRelease.make(NextRelease.after(0), dir, suite, d -> {
            Path retry = d.resolve("functions").resolve("R__400_retry_delay.sql");
            String body = Files.readString(retry, StandardCharsets.UTF_8);
            assertThat(body).contains("-- \"equal jitter\"");
            Files.writeString(retry, body.replace("-- \"equal jitter\"", "-- (rehearsed upgrade) \"equal jitter\""), StandardCharsets.UTF_8);
            Path events = d.resolve("policies").resolve("R__910_policies_events.sql");
            Files.writeString(events, Files.readString(events, StandardCharsets.UTF_8) + "-- rehearsed upgrade\n", StandardCharsets.UTF_8);
        });
    }

    /** What a run changes: the history, the definitions it replaces, the audit and the register. */
    static Map<String, Object> state(SorDatabase db) {
        return Map.of(
                "history", db.rows("select installed_rank, script, checksum, success from sor_flyway.flyway_schema_history order by 1"),
                "last rank", db.scalar("select max(installed_rank) from sor_flyway.flyway_schema_history"),
                "retry_delay", db.scalar("select pg_get_functiondef('sor.retry_delay(integer, interval, interval)'::regprocedure)"),
                "events triggers", db.rows("select tgname::text, pg_get_triggerdef(oid), tgenabled::text from pg_trigger"
                        + " where tgrelid = 'sor.events'::regclass and not tgisinternal order by 1"),
                "last audit", db.scalar("select coalesce(max(audit_id), 0) from sor.ddl_audit"),
                "register", db.count("select count(*) from sor_guard.register"));
    }

    /** The SQLSTATE of the first SQLException in a cause chain. */
    static String sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && e.getSQLState() != null) {
                return e.getSQLState();
            }
        }
        return null;
    }

    /**
     * A DataSource that hands out connections whose close() keeps them open, as a pool does, so
     * the settings Flyway leaves on them can be read after the run.
     */
    static final class KeptConnections implements DataSource, AutoCloseable {

        private final Database db;
        private final List<Connection> opened = new ArrayList<>();

        KeptConnections(Database db) {
            this.db = db;
        }

        /** The setting on every connection handed out. */
        List<String> settings(String name) throws SQLException {
            List<String> values = new ArrayList<>();
            for (Connection c : opened) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                values.add((String) Sql.scalar(c, "select pg_catalog.current_setting(?)", name));
            }
            return values;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection real = db.connect();
            opened.add(real);
            return (Connection) Proxy.newProxyInstance(LockTimeoutTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close") && method.getParameterCount() == 0) {
                            return null;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public void close() throws SQLException {
            for (Connection c : opened) {
                c.close();
            }
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) { }

        @Override
        public void setLoginTimeout(int seconds) { }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
