package dev.pgsor.tenancy;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lock table the whole server shares is closed to every kit login: no Worker, Dispatcher,
 * tenant user, auditor, approver or kit admin may take an advisory lock (42501), so none can fill
 * the table with session-level locks that outlive every timeout, after which no session of any
 * database could take a lock nor a new connection start. The kit's own announcement still takes its
 * two, as the kit's definer role; another application's login granted a function by name still may.
 */
@SorTest
class SharedLockTableTest {

    static SorDatabase db;
    static Database worker;
    static Database otherWorker;
    static List<String> lockFunctions;
    static ExecutorService pool;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        worker = db.worker("expense-reconciler", "acme");
        otherWorker = db.worker("expense-reconciler", "globex");
        lockFunctions = db.rows("select p.oid::regprocedure::text from pg_proc p"
                        + " where p.pronamespace = 'pg_catalog'::regnamespace and p.proname ~ '^pg_(try_)?advisory_(xact_)?lock(_shared)?$'"
                        + " order by 1").stream().map(r -> (String) r.get(0)).toList();
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void everyAdvisoryLockFunctionIsCounted() {
        assertThat(lockFunctions).hasSize(16).contains("pg_advisory_lock(bigint)", "pg_try_advisory_xact_lock_shared(integer,integer)");
    }

    @Test
    void noKitLoginMayTakeAnAdvisoryLock_42501() throws Exception {
        Map<String, Database> logins = Map.of("worker", worker, "dispatcher", db.dispatcher("acme"),
                "tenant user", db.tenantUser("acme"), "auditor", db.auditor(), "approver", db.approver("acme"),
                "kit admin", db.sorAdmin());
        for (var login : logins.entrySet()) {
            try (Connection c = login.getValue().connect()) {
                for (String f : lockFunctions) {
                    String call = "select " + f.replace("bigint", "42").replace("integer,integer", "4, 2");
                    assertRefused("42501", login.getKey() + ": " + call, () -> Sql.run(c, call));
                }
                assertThat(Sql.scalar(c, "select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()"))
                        .as(login.getKey()).isEqualTo(0L);
            }
        }
        // the unlock functions release only the caller's own locks and stay open
        try (Connection c = worker.connect()) {
            Sql.run(c, "select pg_advisory_unlock_all()");
            assertThat(Sql.scalar(c, "select pg_advisory_unlock(42)")).isEqualTo(false);
        }
        assertThat(db.rows("select ok from sor.certify_raw() where check_name = 'kit roles cannot take advisory locks'"))
                .containsExactly(List.of(true));
    }

    /**
     * A Worker that tries to fill the lock table (a hundred thousand session-level locks, then idle)
     * is refused at its first; meanwhile another tenant's Worker appends, its announcement takes its
     * two locks as the kit's role, and new connections start. Ten rounds, the two released together.
     */
    @Test
    void aWorkerCannotFillTheServersLockTable() throws Exception {
        for (int round = 0; round < 10; round++) {
            CountDownLatch go = new CountDownLatch(1);
            Future<String> hostile = pool.submit(() -> {
                try (Connection c = worker.connect()) {
                    go.await();
                    Sql.run(c, "select count(pg_advisory_lock(k)) from generate_series(1, 100000) k");
                    return "taken";
                } catch (java.sql.SQLException e) {
                    return e.getSQLState();
                }
            });
            int r = round;
            Future<Long> append = pool.submit(() -> {
                try (Connection c = otherWorker.connect()) {
                    go.await();
                    c.setAutoCommit(false);
                    Sql.run(c, "select sor_api.append_event('globex', 'locks-' || ?::int, 'Noted')", r);
                    long held = (Long) Sql.scalar(c, "select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()");
                    c.commit();
                    return held;
                }
            });
            go.countDown();
            assertThat(hostile.get(60, TimeUnit.SECONDS)).isEqualTo("42501");
            assertThat(append.get(60, TimeUnit.SECONDS)).isEqualTo(2L);
        }
        assertThat(db.scalar("select count(*) from sor.events where tenant_id = 'globex' and stream like 'locks-%'")).isEqualTo(10L);
        assertThat(db.scalar("select count(*) from pg_locks l join pg_database d on d.oid = l.database"
                + " where l.locktype = 'advisory' and d.datname = current_database()")).isEqualTo(0L);
        try (Connection fresh = otherWorker.connect()) {
            assertThat(Sql.scalar(fresh, "select 1")).isEqualTo(1);
        }
    }

    /** Another application's login of this database, granted a function by name, takes its locks; certify names no kit role. */
    @Test
    void anotherApplicationGrantedByNameKeepsItsLocks() throws Exception {
        Database app = db.loginRole("other_app");
        db.exec("grant execute on function pg_try_advisory_lock(bigint) to " + app.user());
        try (Connection c = app.connect()) {
            assertThat(Sql.scalar(c, "select pg_try_advisory_lock(7)")).isEqualTo(true);
            assertRefused("42501", "a function not granted", () -> Sql.run(c, "select pg_advisory_lock(8)"));
            assertThat(Sql.scalar(c, "select pg_advisory_unlock(7)")).isEqualTo(true);
        } finally {
            db.exec("revoke execute on function pg_try_advisory_lock(bigint) from " + app.user());
        }
        assertThat(db.rows("select ok from sor.certify_raw() where check_name = 'kit roles cannot take advisory locks'"))
                .containsExactly(List.of(true));
    }

    /**
     * The roles that migrate keep the two locks Flyway serialises its runs with: the database's
     * owner (when no superuser and no kit login) by name, a managed service's admin through
     * sor_owner, which it may act as (ManagedInstallTest migrates as one after a superuser closed them).
     */
    @Test
    void theDatabaseOwnerKeepsFlywaysLocks() throws Exception {
        Database deployer = db.loginRole("deployer");
        try (SorDatabase owned = db.fresh()) {
            owned.exec("alter database " + owned.name() + " owner to " + deployer.user());
            owned.exec(java.nio.file.Files.readString(dev.pgsor.support.Repo.path("db", "policies", "R__905_policies_storage.sql")));
            for (String f : List.of("pg_try_advisory_xact_lock(bigint)", "pg_try_advisory_lock(bigint)")) {
                assertThat(owned.scalar("select has_function_privilege(?, ?, 'EXECUTE')", deployer.user(), f)).as(f).isEqualTo(true);
            }
            assertThat(owned.scalar("select has_function_privilege(?, 'pg_advisory_lock(bigint)', 'EXECUTE')", deployer.user()))
                    .isEqualTo(false);
            assertThat(owned.rows("select p.oid::regprocedure::text from pg_proc p where p.proname ~ 'advisory'"
                    + " and has_function_privilege('sor_owner', p.oid, 'EXECUTE') order by 1")).containsExactly(
                    List.of("pg_advisory_unlock(bigint)"), List.of("pg_advisory_unlock(integer,integer)"),
                    List.of("pg_advisory_unlock_all()"), List.of("pg_advisory_unlock_shared(bigint)"),
                    List.of("pg_advisory_unlock_shared(integer,integer)"), List.of("pg_advisory_xact_lock(bigint)"),
                    List.of("pg_try_advisory_lock(bigint)"), List.of("pg_try_advisory_xact_lock(bigint)"),
                    List.of("pg_try_advisory_xact_lock_shared(bigint)"), List.of("pg_try_advisory_xact_lock_shared(integer,integer)"));
        }
    }
}
