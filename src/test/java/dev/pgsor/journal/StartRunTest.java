package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.startRun;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** start_run is idempotent on (workflow, key), per tenant, under races, rollbacks and expiry. */
@SorTest(reconciler = true)
class StartRunTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        worker = db.worker("expense-reconciler", "acme", "globex");
    }

    @Test
    void theSameStartTwiceGivesOneRun() throws Exception {
        try (Connection c = worker.connect()) {
            List<Object> first = Sql.rows(c, "select run_id, replayed, status, version from sor_api.start_run('acme', 'reconcile', '{\"day\": 1}', 'twice')").get(0);
            List<Object> second = Sql.rows(c, "select run_id, replayed, status, version from sor_api.start_run('acme', 'reconcile', '{\"day\": 1}', 'twice')").get(0);
            assertThat(first).containsExactly(first.get(0), false, "running", 0);
            assertThat(second).containsExactly(first.get(0), true, "running", 0);
            assertThat(db.count("select count(*) from sor.runs where idempotency_key = 'twice'")).isOne();
            assertThat(db.count("select count(*) from sor.events where stream = 'run-' || ? and type = 'run_started'",
                    first.get(0).toString())).isOne();
        }
    }

    @Test
    void eightThreadsRacingOneKeyGetOneRunAndAllSeeItsId() throws Exception {
        for (int round = 0; round < 10; round++) {
            String key = "race-" + round;
            List<UUID> ids = Race.values(Race.onConnections(worker, 8,
                    (c, t) -> startRun(c, "acme", "reconcile", "{\"round\": 1}", key, 60)));
            assertThat(ids.stream().distinct().count()).as("round " + round).isOne();
            assertThat(db.count("select count(*) from sor.runs where idempotency_key = ?", key)).isOne();
            assertThat(db.count("select count(*) from sor.events where stream = 'run-' || ?", ids.get(0).toString())).isOne();
        }
    }

    @Test
    void theSameKeyWithAnotherInputIsRefusedAndCreatesNothing_SR037() throws Exception {
        try (Connection c = worker.connect()) {
            startRun(c, "acme", "reconcile", "{\"day\": 2}", "other-input", 60);
            assertNothingWritten(db, () -> {
                assertRefused("SR037", () -> startRun(c, "acme", "reconcile", "{\"day\": 3}", "other-input", 60));
            });
            // another workflow is another scope: the key is free there
            UUID other = startRun(c, "acme", "pay-invoices", "{\"day\": 3}", "other-input", 60);
            assertThat(other).isNotNull();
        }
    }

    @Test
    void twoTenantsUsingTheSameKeyDoNotCollide() throws Exception {
        try (Connection c = worker.connect()) {
            UUID acme = startRun(c, "acme", "reconcile", "{\"x\": 1}", "shared-key", 60);
            UUID globex = startRun(c, "globex", "reconcile", "{\"x\": 2}", "shared-key", 60);
            assertThat(acme).isNotEqualTo(globex);
            assertThat(startRun(c, "globex", "reconcile", "{\"x\": 2}", "shared-key", 60)).isEqualTo(globex);
            assertThat(db.count("select count(*) from sor.idempotency_keys where idempotency_key = 'shared-key'")).isEqualTo(2);
        }
    }

    @Test
    void aFirstAttemptThatRolledBackDoesNotPoisonTheKey() throws Exception {
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            UUID lost = startRun(c, "acme", "reconcile", "{\"v\": 1}", "rolled-back", 60);
            c.rollback();
            c.setAutoCommit(true);
            UUID kept = startRun(c, "acme", "reconcile", "{\"v\": 2}", "rolled-back", 60);
            assertThat(kept).isNotEqualTo(lost);
            assertThat(db.count("select count(*) from sor.runs where idempotency_key = 'rolled-back'")).isOne();
        }
    }

    @Test
    void keysExpireAfterTheRetentionWindowAndTheSweepDeletesThem() throws Exception {
        Database sweeper = db.worker("janitor", "globex");
        db.addTenant("initech", "Initech");
        db.exec("select sor_api.configure_tenant('initech', idempotency_retention => interval '1 second')");
        db.addMember("initech", worker);
        try (Connection c = worker.connect()) {
            UUID first = startRun(c, "initech", "reconcile", "{\"v\": 1}", "short-lived", 60);
            assertRefused("SR037", () -> startRun(c, "initech", "reconcile", "{\"v\": 2}", "short-lived", 60));
            Thread.sleep(1200);
            try (Connection s = sweeper.connect()) {
                assertThat(((Number) Sql.scalar(s, "select sor_api.sweep_idempotency_keys()")).intValue()).isGreaterThanOrEqualTo(1);
            }
            assertThat(db.count("select count(*) from sor.idempotency_keys where tenant_id = 'initech'")).isZero();
            UUID second = startRun(c, "initech", "reconcile", "{\"v\": 2}", "short-lived", 60);
            assertThat(second).isNotEqualTo(first);
            assertThat(db.count("select count(*) from sor.runs where tenant_id = 'initech'")).isEqualTo(2);
            // an expired key that was not swept yet is free as well
            Thread.sleep(1200);
            UUID third = startRun(c, "initech", "reconcile", "{\"v\": 3}", "short-lived", 60);
            assertThat(third).isNotIn(first, second);
        }
    }

    @Test
    void aWorkerReadsBackOnlyItsOwnRuns() throws Exception {
        Database other = db.worker("expense-reconciler", "acme");
        try (Connection mine = worker.connect(); Connection theirs = other.connect()) {
            UUID run = startRun(mine, "acme");
            UUID foreign = startRun(theirs, "acme");
            assertThat(Sql.rows(mine, "select run_id from sor_api.my_runs()")).extracting(r -> r.get(0))
                    .contains(run).doesNotContain(foreign);
            assertThat(Sql.rows(mine, "select status, version from sor_api.get_run(?)", run))
                    .containsExactly(List.of("running", 0));
            assertRefused("SR034", () -> Sql.rows(mine, "select * from sor_api.get_run(?)", foreign));
            assertRefused("SR034", () -> Sql.rows(mine, "select * from sor_api.run_tool_calls(?)", foreign));
        }
    }

    @Test
    void aWorkerReadsItsRunsAPageAtATimeOfOneStatusOrAny() throws Exception {
        Database pager = db.worker("expense-reconciler", "acme", "globex");
        Database other = db.worker("expense-reconciler", "acme");
        try (Connection c = pager.connect(); Connection theirs = other.connect()) {
            List<UUID> started = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                started.add(startRun(c, i % 2 == 0 ? "acme" : "globex", "reconcile", "{\"page\": " + i + "}", "page-" + i, 60));
            }
            UUID lapsing = startRun(c, "acme", "reconcile", "{\"page\": 7}", "page-7", 1);
            Sql.run(c, "select sor_api.finish_run(?, 'succeeded')", started.get(1));
            Sql.run(c, "select sor_api.finish_run(?, 'succeeded')", started.get(4));
            Sql.run(c, "select sor_api.finish_run(?, 'failed', '{\"why\": \"bank down\"}')", started.get(5));
            UUID foreign = startRun(theirs, "acme");
            Thread.sleep(1200);

            List<Object> all = Sql.rows(c, "select run_id from sor_api.my_runs()").stream().map(r -> r.get(0)).toList();
            assertThat(all).hasSize(8).doesNotContain(foreign);
            // pages of 3 in the order of my_runs(), each after the last run of the page before
            List<Object> paged = new java.util.ArrayList<>();
            Object cursor = null;
            for (int page = 0; page < 4; page++) {
                List<Object> got = Sql.rows(c, "select run_id from sor_api.my_runs(null, ?::uuid, 3)", cursor)
                        .stream().map(r -> r.get(0)).toList();
                assertThat(got.size()).as("page " + page).isEqualTo(List.of(3, 3, 2, 0).get(page));
                paged.addAll(got);
                cursor = got.isEmpty() ? cursor : got.get(got.size() - 1);
            }
            assertThat(paged).isEqualTo(all);
            // one status at a time; the lapsed run reads abandoned (marked before the page is read)
            assertThat(Sql.rows(c, "select run_id from sor_api.my_runs('succeeded', null, 10)")).extracting(r -> r.get(0))
                    .containsExactlyInAnyOrder(started.get(1), started.get(4));
            assertThat(Sql.rows(c, "select run_id, status from sor_api.my_runs('failed', null, 10)"))
                    .containsExactly(List.of(started.get(5), "failed"));
            assertThat(Sql.rows(c, "select run_id, status from sor_api.my_runs('abandoned', null, 10)"))
                    .containsExactly(List.of(lapsing, "abandoned"));
            assertThat(Sql.rows(c, "select run_id from sor_api.my_runs('running', null, 10)")).extracting(r -> r.get(0))
                    .containsExactlyInAnyOrder(started.get(0), started.get(2), started.get(3), started.get(6));
            assertThat(Sql.rows(c, "select run_id from sor_api.my_runs('running', ?, 10)", started.get(2))).extracting(r -> r.get(0))
                    .containsExactly(started.get(3), started.get(6));
            assertThat(db.count("select count(*) from sor.runs where run_id = ? and status = 'abandoned'", lapsing)).isOne();

            // bad arguments change nothing and say what to pass
            assertNothingWritten(db, () -> {
                assertRefused("SR033", () -> Sql.rows(c, "select * from sor_api.my_runs('done', null, 10)"));
                assertRefused("SR016", () -> Sql.rows(c, "select * from sor_api.my_runs(null, null, 0)"));
                assertRefused("SR016", () -> Sql.rows(c, "select * from sor_api.my_runs(null, null, 10001)"));
                assertRefused("SR016", () -> Sql.rows(c, "select * from sor_api.my_runs(null, null, null)"));
                // a cursor that is not one of the caller's runs: another Worker's, or none
                assertRefused("SR034", () -> Sql.rows(c, "select * from sor_api.my_runs(null, ?, 10)", foreign));
                assertRefused("SR034", () -> Sql.rows(c, "select * from sor_api.my_runs(null, ?, 10)", UUID.randomUUID()));
            });
        }
    }

    @Test
    void anUnregisteredOrNonMemberWorkerCannotStartARun() throws Exception {
        Database unregistered = db.loginRole("unreg", "sor_worker");
        db.addMember("acme", unregistered);
        Database outsider = db.worker("expense-reconciler");
        assertNothingWritten(db, () -> {
            try (Connection u = unregistered.connect(); Connection o = outsider.connect()) {
                assertRefused("SR030", () -> startRun(u, "acme"));
                assertRefused("SR008", () -> startRun(o, "acme"));
                assertRefused("SR008", () -> startRun(o, "nosuch"));
            }
        });
    }
}
