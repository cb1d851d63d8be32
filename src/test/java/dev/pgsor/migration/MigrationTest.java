package dev.pgsor.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Migrating empty databases with Flyway from the classpath: once, again, and concurrently. */
@SorTest(reconciler = true)
class MigrationTest {

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    @Test
    void freshDatabaseMigratesAndASecondMigrateIsANoOp() throws Exception {
        try (SorDatabase db = suite.empty()) {
            List<Migrator.Outcome> first = Migrator.migrate(db.admin(), SorSchema.ALL);
            assertThat(first.get(0).executed()).isGreaterThan(0);
            long applied = db.count("select count(*) from sor_flyway.flyway_schema_history where success");

            List<Migrator.Outcome> second = Migrator.migrate(db.admin(), SorSchema.ALL);
            assertThat(second).allSatisfy(o -> assertThat(o.executed()).isZero());
            assertThat(db.count("select count(*) from sor_flyway.flyway_schema_history")).isEqualTo(applied);
            assertThat(db.count("select count(*) from sor_flyway.flyway_schema_history where not success")).isZero();
            try (Connection c = db.admin().connect()) {
                assertThat(Certification.run(c)).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            }
        }
    }

    @Test
    void twoConcurrentMigrationsOfOneDatabaseLeaveItCorrect() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (SorDatabase db = suite.empty()) {
                List<Integer> executed = migrateTogether(List.of(db, db));
                assertThat(executed.get(0) + executed.get(1))
                        .as("each script runs once in all")
                        .isEqualTo((int) historyRows(db));
                assertThat(db.count("select count(*) from sor_flyway.flyway_schema_history where not success")).isZero();
                assertThat(db.count("select count(*) from (select script from sor_flyway.flyway_schema_history group by script having count(*) > 1) d")).isZero();
                try (Connection c = db.admin().connect()) {
                    assertThat(Certification.failing(Certification.run(c))).isZero();
                }
            }
        }
    }

    @Test
    void secondDatabaseOnTheSameServerMigratesConcurrentlyWithTheFirst() throws Exception {
        try (SorDatabase a = suite.empty(); SorDatabase b = suite.empty()) {
            List<Integer> executed = migrateTogether(List.of(a, b));
            assertThat(executed.get(0)).isEqualTo(executed.get(1)).isGreaterThan(0);
            for (SorDatabase db : List.of(a, b)) {
                try (Connection c = db.admin().connect()) {
                    assertThat(Certification.failing(Certification.run(c))).isZero();
                }
                assertThat(db.count("select count(*) from pg_namespace where nspname in ('sor', 'sor_api')")).isEqualTo(2);
            }
        }
    }

    /** The kernel's history rows that record a script (not Flyway's marker of the schema it created). */
    private static long historyRows(SorDatabase db) {
        return db.count("select count(*) from sor_flyway.flyway_schema_history where type <> 'SCHEMA'");
    }

    /**
     * Migrates each database on its own thread, all released together; returns the kernel scripts
     * each executed. The kit's roles are the cluster's: a run that waits for the other database's
     * run to release a role past its lock timeout fails with 55P03 having applied nothing, and is run
     * again, as docs/operate/install.md tells a DBA to (at most three times).
     */
    private static List<Integer> migrateTogether(List<SorDatabase> dbs) throws Exception {
        return Race.values(Race.together(dbs.size(), t -> {
            for (int attempt = 1; ; attempt++) {
                long before = historyRowsOrZero(dbs.get(t));
                try {
                    return Migrator.migrate(dbs.get(t).admin(), SorSchema.ALL).get(0).executed();
                } catch (org.flywaydb.core.api.FlywayException e) {
                    if (attempt >= 3 || !"55P03".equals(sqlState(e))) {
                        throw e;
                    }
                    assertThat(historyRowsOrZero(dbs.get(t))).as("a run that timed out applied nothing").isEqualTo(before);
                }
            }
        }));
    }

    private static long historyRowsOrZero(SorDatabase db) {
        return db.scalar("select to_regclass('sor_flyway.flyway_schema_history')") == null ? 0 : historyRows(db);
    }

    private static String sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }
}
