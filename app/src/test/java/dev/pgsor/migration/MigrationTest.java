package dev.pgsor.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification;
import dev.pgsor.db.Migrator;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestServer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MigrationTest {

    @Test
    void freshDatabaseMigratesAndASecondMigrateIsANoOp() throws Exception {
        try (TestDatabase db = TestServer.get().emptyDatabase()) {
            List<Migrator.Outcome> first = Migrator.migrateAll(db.admin());
            assertThat(first.get(0).executed()).isGreaterThan(0);
            long applied = db.count("select count(*) from flyway_schema_history where success");

            List<Migrator.Outcome> second = Migrator.migrateAll(db.admin());
            assertThat(second).allSatisfy(o -> assertThat(o.executed()).isZero());
            assertThat(db.count("select count(*) from flyway_schema_history")).isEqualTo(applied);
            assertThat(db.count("select count(*) from flyway_schema_history where not success")).isZero();
            try (Connection c = db.admin().connect()) {
                assertThat(Certification.run(c)).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            }
        }
    }

    @Test
    void twoConcurrentMigrationsOfOneDatabaseLeaveItCorrect() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (TestDatabase db = TestServer.get().emptyDatabase()) {
                List<Integer> executed = migrateTogether(List.of(db, db));
                assertThat(executed.get(0) + executed.get(1))
                        .as("each script runs once in all")
                        .isEqualTo((int) historyRows(db));
                assertThat(db.count("select count(*) from flyway_schema_history where not success")).isZero();
                assertThat(db.count("select count(*) from (select script from flyway_schema_history group by script having count(*) > 1) d")).isZero();
                try (Connection c = db.admin().connect()) {
                    assertThat(Certification.failing(Certification.run(c))).isZero();
                }
            }
        }
    }

    @Test
    void secondDatabaseOnTheSameServerMigratesConcurrentlyWithTheFirst() throws Exception {
        try (TestDatabase a = TestServer.get().emptyDatabase(); TestDatabase b = TestServer.get().emptyDatabase()) {
            List<Integer> executed = migrateTogether(List.of(a, b));
            assertThat(executed.get(0)).isEqualTo(executed.get(1)).isGreaterThan(0);
            for (TestDatabase db : List.of(a, b)) {
                try (Connection c = db.admin().connect()) {
                    assertThat(Certification.failing(Certification.run(c))).isZero();
                }
                assertThat(db.count("select count(*) from pg_namespace where nspname in ('sor', 'sor_api')")).isEqualTo(2);
            }
        }
    }

    private static long historyRows(TestDatabase db) {
        return db.count("select count(*) from flyway_schema_history");
    }

    /** Migrates each database on its own thread, all released together; returns the kernel scripts each executed. */
    private static List<Integer> migrateTogether(List<TestDatabase> dbs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(dbs.size());
        CountDownLatch ready = new CountDownLatch(dbs.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (TestDatabase db : dbs) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return Migrator.migrateAll(db.admin()).get(0).executed();
                }));
            }
            ready.await();
            go.countDown();
            List<Integer> out = new ArrayList<>();
            for (Future<Integer> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
