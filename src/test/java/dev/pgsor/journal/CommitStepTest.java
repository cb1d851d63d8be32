package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.commit;
import static dev.pgsor.journal.Journal.startRun;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Crash;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Verist storage contract in the database: optimistic commits, exactly-once steps, overlay. */
@SorTest(reconciler = true)
class CommitStepTest {

    static SorDatabase db;
    static Database worker;
    static Database approver;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        worker = db.worker("expense-reconciler", "acme");
        approver = db.approver("acme");
    }

    @Test
    void aCommitMergesStateWritesEventsAttributedToTheStepAndBumpsTheVersion() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            assertThat(commit(c, run, "extract", 0, "{\"a\": 1, \"nested\": {\"x\": 1}}",
                    "[{\"type\": \"extraction_completed\", \"payload\": {\"count\": 2}}, {\"type\": \"noted\"}]", "[]"))
                    .containsExactly("committed", 1, false, "{\"a\": 1, \"nested\": {\"x\": 1}}", null);
            assertThat(commit(c, run, "classify", 1, "{\"b\": 2, \"nested\": {\"y\": 2}}"))
                    .containsExactly("committed", 2, false, "{\"b\": 2, \"nested\": {\"y\": 2}}", null);
            assertThat(Sql.rows(c, "select version, state::text, last_step_id from sor_api.get_run(?)", run))
                    .containsExactly(List.of(2, "{\"a\": 1, \"b\": 2, \"nested\": {\"y\": 2}}", "classify"));
            assertThat(Sql.rows(db.admin(), "select type, payload::text, metadata->>'step_id', (metadata->>'version')::int"
                    + " from sor.events where stream = ? and metadata->>'version' is not null order by version", "run-" + run))
                    .containsExactly(List.of("extraction_completed", "{\"count\": 2}", "extract", 1),
                            List.of("noted", "{}", "extract", 1));
            assertThat(db.count("select count(*) from sor.events where stream = ? and type = 'run_state_committed'", "run-" + run))
                    .isEqualTo(2);
        }
    }

    @Test
    void aStepsEventsAreWrittenInOneStatementAsOneLinkOfTheRunsChain() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            String stream = "run-" + run;
            c.setAutoCommit(false);
            // (pg_stat_xact_* also holds this session's counts not yet flushed: read the difference)
            String updates = "select n_tup_upd from pg_stat_xact_user_tables where schemaname = 'sor' and relname = 'streams'";
            long before = (Long) Sql.scalar(c, updates);
            assertThat(commit(c, run, "extract", 0, "{}",
                    "[{\"type\": \"seen\", \"payload\": {\"n\": 1}}, {\"type\": \"seen\", \"payload\": {\"n\": 2}},"
                            + " {\"type\": \"seen\", \"payload\": {\"n\": 3}}]", "[]"))
                    .containsExactly("committed", 1, false, "{}", null);
            // the run's head row was written three times by the step: once for run_state_committed
            // (the runs row's trigger), and for the step's three events once to claim it and once to
            // move it (four times before: one move per event)
            assertThat((Long) Sql.scalar(c, updates) - before).isEqualTo(3L);
            c.commit();
            c.setAutoCommit(true);
            List<List<Object>> rows = Sql.rows(db.admin(), "select version, payload->>'n', encode(prev_hash, 'hex'), encode(hash, 'hex')"
                    + " from sor.events where stream = ? and type = 'seen' order by version", stream);
            assertThat(rows).hasSize(3);
            // consecutive versions after run_started and run_state_committed, one shared previous link
            assertThat(rows).extracting(r -> r.get(0)).containsExactly(3, 4, 5);
            assertThat(rows).extracting(r -> r.get(1)).containsExactly("1", "2", "3");
            assertThat(rows).extracting(r -> r.get(2)).containsOnly(rows.get(0).get(2));
            // the head's link is sha256 over the three hashes in version order
            assertThat(Sql.rows(db.admin(), "select s.version, encode(s.last_hash, 'hex') = encode(sha256(decode(?, 'hex')), 'hex')"
                    + " from sor.streams s where s.stream = ?", "" + rows.get(0).get(3) + rows.get(1).get(3) + rows.get(2).get(3), stream))
                    .containsExactly(List.of(5, true));
            assertThat(db.count("select count(*) from sor.verify_event_chains('acme', ?) where problem is not null", stream)).isZero();
        }
    }

    @Test
    void eightThreadsRacingOnOneExpectedVersionCommitExactlyOnce() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme");
        }
        for (int round = 0; round < 10; round++) {
            int expected = round;
            List<List<Object>> results = Race.values(Race.onConnections(worker, 8,
                    (c, t) -> commit(c, run, "step-" + expected + "-" + t, expected, "{\"winner\": " + t + "}")));
            assertThat(results).filteredOn(r -> r.get(0).equals("committed")).hasSize(1)
                    .allSatisfy(r -> assertThat(r.get(1)).isEqualTo(expected + 1));
            assertThat(results).filteredOn(r -> r.get(0).equals("conflict")).hasSize(7)
                    .allSatisfy(r -> assertThat(r.get(1)).isEqualTo(expected + 1));
        }
        assertThat(db.count("select version from sor.runs where run_id = ?", run)).isEqualTo(10);
        assertThat(db.count("select count(*) from sor.steps where run_id = ?", run)).isEqualTo(10);
    }

    @Test
    void theSameStepRacingCommitsOnceAndTheOthersReplayIt() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme");
        }
        List<List<Object>> results = Race.values(Race.onConnections(worker, 8,
                (c, t) -> commit(c, run, "only", 0, "{\"t\": " + t + "}", "[{\"type\": \"once\"}]", "[{\"type\": \"email.send\"}]")));
        assertThat(results).filteredOn(r -> r.get(2).equals(false)).hasSize(1);
        Object recorded = results.stream().filter(r -> r.get(2).equals(false)).findFirst().orElseThrow().get(3);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.get(0)).isEqualTo("committed");
            assertThat(r.get(1)).isEqualTo(1);
        });
        assertThat(results).allSatisfy(r -> assertThat(r.get(3)).isEqualTo(recorded));
        assertThat(db.count("select count(*) from sor.events where stream = ? and type = 'once'", "run-" + run)).isOne();
        assertThat(db.count("select count(*) from sor.outbox where run_id = ?", run)).isOne();
    }

    @Test
    void aReplayedStepReturnsItsRecordedOutputNotAConflict() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            commit(c, run, "s1", 0, "{\"v\": \"first\"}", "[{\"type\": \"e1\"}]", "[{\"type\": \"email.send\"}]");
            commit(c, run, "s2", 1, "{\"w\": 2}");
            assertNothingWritten(db, () -> {
                assertThat(commit(c, run, "s1", 0, "{\"v\": \"different\"}", "[{\"type\": \"e1\"}]", "[{\"type\": \"email.send\"}]"))
                        .containsExactly("committed", 1, true, "{\"v\": \"first\"}", null);
            });
            assertThat(commit(c, run, "s3", 1, "{}")).containsExactly("conflict", 2, false, null, null);
        }
    }

    @Test
    void anUnknownRunOrAnotherWorkersRunIsNotFound() throws Exception {
        Database other = db.worker("expense-reconciler", "acme");
        try (Connection c = worker.connect(); Connection o = other.connect()) {
            UUID theirs = startRun(o, "acme");
            assertNothingWritten(db, () -> {
                assertThat(commit(c, UUID.randomUUID(), "s1", 0, "{}")).containsExactly("not_found", null, false, null, null);
                assertThat(commit(c, UUID.randomUUID(), "s1", 3, "{}")).containsExactly("not_found", null, false, null, null);
                assertThat(commit(c, theirs, "s1", 0, "{}")).containsExactly("not_found", null, false, null, null);
            });
        }
    }

    @Test
    void aFinishedRunTakesNoMoreSteps_SR035() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            commit(c, run, "s1", 0, "{}");
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run);
            assertRefused("SR035", () -> commit(c, run, "s2", 1, "{}"));
            assertThat(commit(c, run, "s1", 0, "{}")).containsExactly("committed", 1, true, "{}", null);
        }
    }

    @Test
    void commandsBecomeOutboxRowsWithDeterministicDedupeKeys() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            commit(c, run, "notify", 0, "{}", "[]",
                    "[{\"type\": \"email.send\", \"to\": \"alice\"}, {\"type\": \"email.send\", \"to\": \"bob\"}]");
            List<List<Object>> rows = Sql.rows(db.admin(), "select topic, status, payload->>'to', dedupe_key, step_id,"
                    + " headers->>'ordinal', block_id from sor.outbox where run_id = ? order by outbox_id", run);
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0)).containsExactly("email.send", "pending", "alice",
                    db.scalar("select encode(sha256(convert_to(jsonb_build_array(?::text, 'notify', 1,"
                            + " '{\"type\": \"email.send\", \"to\": \"alice\"}'::jsonb)::text, 'UTF8')), 'hex')", run.toString()),
                    "notify", "1", null);
            assertThat(rows.get(1).subList(0, 3)).containsExactly("email.send", "pending", "bob");
        }
    }

    @Test
    void reviewDefersSiblingsUntilApprovedAndRejectionDiscardsThem() throws Exception {
        try (Connection c = worker.connect(); Connection a = approver.connect()) {
            for (boolean approve : new boolean[] {true, false}) {
                UUID run = startRun(c, "acme");
                List<Object> r = commit(c, run, "ask", 0, "{}", "[]",
                        "[{\"type\": \"email.send\"}, {\"type\": \"review\", \"reason\": \"large amount\"}, {\"type\": \"webhook\"}]");
                long block = ((Number) r.get(4)).longValue();
                assertThat(Sql.rows(db.admin(), "select status, block_id from sor.outbox where run_id = ? order by outbox_id", run))
                        .containsExactly(List.of("deferred", block), List.of("deferred", block));
                assertThat(Sql.rows(a, "select kind, status, command->>'reason' from sor_api.journal_blocks where block_id = ?", block))
                        .containsExactly(List.of("review", "active", "large amount"));
                assertThat(Sql.rows(c, "select active_block_id, active_block_kind from sor_api.get_run(?)", run))
                        .containsExactly(List.of(block, "review"));
                assertRefused("SR041", () -> commit(c, run, "again", 1, "{}", "[]", "[{\"type\": \"suspend\"}]"));
                assertThat(Sql.rows(a, "select status, released, discarded from sor_api.resolve_block(?, ?, 'checked')",
                        block, approve)).containsExactly(approve ? List.of("approved", 2, 0) : List.of("rejected", 0, 2));
                String expected = approve ? "pending" : "discarded";
                assertThat(Sql.rows(db.admin(), "select status from sor.outbox where run_id = ?", run))
                        .containsExactly(List.of(expected), List.of(expected));
                assertThat(Sql.rows(db.admin(), "select type from sor.events where stream = ? and type like 'block%' order by version",
                        "run-" + run)).containsExactly(List.of("block_opened"), List.of(approve ? "block_approved" : "block_rejected"));
                assertRefused("SR043", () -> Sql.rows(a, "select * from sor_api.resolve_block(?, true)", block));
                // the block is resolved: a new one may open
                assertThat(commit(c, run, "again", 1, "{}", "[]", "[{\"type\": \"review\"}]").get(0)).isEqualTo("committed");
            }
        }
    }

    @Test
    void suspendDiscardsSiblingsAndQueuesAResumeCommandWhenResolved() throws Exception {
        try (Connection c = worker.connect(); Connection a = approver.connect()) {
            UUID run = startRun(c, "acme");
            long block = ((Number) commit(c, run, "wait", 0, "{}", "[]",
                    "[{\"type\": \"email.send\"}, {\"type\": \"suspend\", \"until\": \"invoice\"}]").get(4)).longValue();
            assertThat(Sql.rows(db.admin(), "select topic, status, block_id from sor.outbox where run_id = ?", run))
                    .containsExactly(List.of("email.send", "discarded", block));
            List<Object> resolved = Sql.rows(a, "select status, released, discarded, resume_outbox_id from sor_api.resolve_block(?, true, 'invoice arrived')", block).get(0);
            assertThat(resolved.subList(0, 3)).containsExactly("approved", 0, 0);
            assertThat(Sql.rows(db.admin(), "select topic, status, payload->>'type', (payload->>'approved')::boolean, payload->>'note'"
                    + " from sor.outbox where outbox_id = ?", resolved.get(3)))
                    .containsExactly(List.of("resume", "pending", "resume", true, "invoice arrived"));
        }
    }

    @Test
    void anApproverOfAnotherTenantCannotResolveOrCorrect() throws Exception {
        Database stranger = db.approver("globex");
        try (Connection c = worker.connect(); Connection s = stranger.connect()) {
            UUID run = startRun(c, "acme");
            long block = ((Number) commit(c, run, "ask", 0, "{}", "[]", "[{\"type\": \"review\"}]").get(4)).longValue();
            assertNothingWritten(db, () -> {
                assertRefused("SR042", () -> Sql.rows(s, "select * from sor_api.resolve_block(?, true)", block));
                assertRefused("SR034", () -> Sql.scalar(s, "select sor_api.set_overlay(?, '{\"x\": 1}')", run));
                assertThat(Sql.rows(s, "select * from sor_api.journal_blocks")).isEmpty();
                assertRefused("42501", () -> Sql.rows(c, "select * from sor_api.resolve_block(?, true)", block));
            });
        }
    }

    @Test
    void overlayIsLastWriteWinsAndDoesNotBumpTheVersion() throws Exception {
        try (Connection c = worker.connect(); Connection a = approver.connect()) {
            UUID run = startRun(c, "acme");
            commit(c, run, "s1", 0, "{\"amount\": 10, \"category\": \"travel\"}");
            assertThat(Sql.scalar(a, "select sor_api.set_overlay(?, '{\"category\": \"meals\"}')::text", run))
                    .isEqualTo("{\"amount\": 10, \"category\": \"meals\"}");
            assertThat(Sql.scalar(a, "select sor_api.set_overlay(?, '{\"category\": \"lodging\", \"memo\": null}')::text", run))
                    .isEqualTo("{\"memo\": null, \"amount\": 10, \"category\": \"lodging\"}");
            assertThat(Sql.rows(c, "select version, state::text, overlay::text, effective_state::text from sor_api.get_run(?)", run))
                    .containsExactly(List.of(1, "{\"amount\": 10, \"category\": \"travel\"}",
                            "{\"memo\": null, \"category\": \"lodging\"}", "{\"memo\": null, \"amount\": 10, \"category\": \"lodging\"}"));
            assertThat(commit(c, run, "s2", 1, "{\"category\": \"computed\"}").get(1)).isEqualTo(2);
            assertThat(Sql.scalar(c, "select effective_state->>'category' from sor_api.get_run(?)", run)).isEqualTo("lodging");
            assertThat(db.count("select count(*) from sor.events where stream = ? and type = 'run_overlay_set'", "run-" + run)).isEqualTo(2);
        }
    }

    @Test
    void stateAndEventsNeverDivergeEvenWhenTheConnectionIsKilledDuringACommit() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme", "reconcile", "{}", null, 600);
        }
        int killed = 0;
        for (int round = 0; round < 40; round++) {
            Connection c = worker.connect();
            int pid = Crash.backendPid(c);
            int version = ((Number) Sql.scalar(c, "select version from sor_api.get_run(?)", run)).intValue();
            boolean killInsideTransaction = round % 2 == 0;
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(0, 20));
                    Crash.terminate(db, pid);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                if (killInsideTransaction) {
                    // the commit_step ran but its transaction never commits
                    c.setAutoCommit(false);
                    commit(c, run, "k-" + round, version, "{\"round\": " + round + "}",
                            "[{\"type\": \"a\"}, {\"type\": \"b\"}]", "[{\"type\": \"email.send\"}]");
                    killer.start();
                    Sql.scalar(c, "select pg_sleep(30)");
                    c.commit();
                } else {
                    // autocommitted steps back to back until the kill lands, wherever it lands
                    killer.start();
                    for (int i = 0; i < 1_000_000; i++) {
                        commit(c, run, "k-" + round + "-" + i, version + i, "{\"round\": " + round + "}",
                                "[{\"type\": \"a\"}, {\"type\": \"b\"}]", "[{\"type\": \"email.send\"}]");
                    }
                }
            } catch (SQLException e) {
                killed++;
            } finally {
                killer.join();
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the backend is gone
                }
            }
            assertThat(Sql.rows(db.admin(), """
                    select r.version,
                           (select count(*) from sor.steps s where s.run_id = r.run_id),
                           (select count(*) from sor.events e where e.stream = 'run-' || r.run_id and e.type = 'run_state_committed'),
                           (select count(*) from sor.events e where e.stream = 'run-' || r.run_id and e.type in ('a', 'b')),
                           (select count(*) from sor.outbox o where o.run_id = r.run_id),
                           (select count(distinct (s.output->>'round')) from sor.steps s where s.run_id = r.run_id
                              and r.state->>'round' = s.output->>'round' and s.version = r.version)
                      from sor.runs r where r.run_id = ?""", run).get(0))
                    .satisfies(row -> {
                        long v = ((Number) row.get(0)).longValue();
                        assertThat(row.get(1)).isEqualTo(v);
                        assertThat(row.get(2)).isEqualTo(v);
                        assertThat(row.get(3)).isEqualTo(2 * v);
                        assertThat(row.get(4)).isEqualTo(v);
                        assertThat(row.get(5)).isEqualTo(v == 0 ? 0L : 1L);
                    });
        }
        assertThat(killed).as("connections killed mid-commit").isEqualTo(40);
        assertThat(db.count("select count(*) from sor.steps where run_id = ? and step_id like 'k-%' and step_id not like 'k-%-%'", run))
                .isZero();
    }
}
