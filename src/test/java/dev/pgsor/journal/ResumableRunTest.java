package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.awaitLapse;
import static dev.pgsor.journal.Journal.commit;
import static dev.pgsor.journal.Journal.startRun;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Crash;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs survive their Worker: a run whose lease lapsed (kill -9, a long pause) is resumed by the same
 * Worker with its run key, or taken over by another login of its kind, with a higher fencing token;
 * committed steps replay their recorded outputs, an in-flight tool call is retried by its key, the
 * previous holder's late writes are refused, an operator can cancel a run, and a lapsed run is
 * marked abandoned while any Worker is at work, whoever reads it.
 */
@SorTest
class ResumableRunTest {

    static SorDatabase db;
    static Database first;
    static Database second;
    static Database otherKind;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        first = db.worker("expense-reconciler", "acme");
        second = db.worker("expense-reconciler", "acme");
        otherKind = db.worker("mailer", "acme");
    }


    List<String> events(UUID run) {
        return db.rows("select type from sor.events where stream = ? order by version", "run-" + run).stream()
                .map(r -> (String) r.get(0)).toList();
    }

    @Test
    void theSameWorkerRestartedWithItsRunKeyResumesWhereItStopped() throws Exception {
        UUID run;
        UUID inFlight;
        try (Connection c = first.connect()) {
            run = startRun(c, "acme", "reconcile", "{\"day\": \"tue\"}", "night-1", 1);
            assertThat(commit(c, run, "fetch", 0, "{\"rows\": 3}")).containsExactly("committed", 1, false, "{\"rows\": 3}", null);
            inFlight = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'send_email', '{\"to\": \"alice\"}', 'mail-alice')", run);
            Crash.terminateMidStatement(db, c);
        }
        awaitLapse(db, run);

        try (Connection c = first.connect()) {
            // the restarted Worker starts its run again with the same key and input: resumed, same id
            assertThat(Sql.rows(c, "select run_id, replayed, status, version from sor_api.start_run('acme', 'reconcile', '{\"day\": \"tue\"}'::jsonb, 'night-1', 1)"))
                    .containsExactly(List.of(run, true, "running", 1));
            assertThat(db.rows("select fencing_token, resumed_by::text from sor.runs where run_id = ?", run))
                    .containsExactly(List.of(2L, first.user()));
            // the committed step replays its recorded output; the next one is new
            assertThat(commit(c, run, "fetch", 0, "{\"rows\": 99}")).containsExactly("committed", 1, true, "{\"rows\": 3}", null);
            // the call that was in flight is retried by its key: a new attempt takes the key over
            List<Object> retry = Sql.rows(c, "select tool_call_id, replayed, status from sor_api.begin_tool_call(?, 'send_email', '{\"to\": \"alice\"}', 'mail-alice')", run).get(0);
            assertThat(retry.get(0)).isNotEqualTo(inFlight);
            assertThat(retry.subList(1, 3)).containsExactly(false, "started");
            Sql.scalar(c, "select sor_api.finish_tool_call(?, '{\"sent\": true}')", retry.get(0));
            assertThat(db.rows("select status, error ->> 'interrupted', fencing_token from sor.tool_calls where tool_call_id = ?", inFlight))
                    .containsExactly(List.of("failed", "true", 1L));
            // and a retry of the retry is answered from the journal
            assertThat(Sql.rows(c, "select tool_call_id, replayed, status from sor_api.begin_tool_call(?, 'send_email', '{\"to\": \"alice\"}', 'mail-alice')", run))
                    .containsExactly(List.of(retry.get(0), true, "succeeded"));
            assertThat(commit(c, run, "notify", 1, "{\"sent\": 1}")).containsExactly("committed", 2, false, "{\"sent\": 1}", null);
            assertThat(Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run)).isEqualTo("succeeded");
        }
        assertThat(events(run)).containsExactly("run_started", "run_state_committed", "run_abandoned", "run_resumed",
                "run_state_committed", "run_succeeded");
        assertThat(db.count("select count(*) from sor.steps where run_id = ?", run)).isEqualTo(2);
    }

    @Test
    void anotherLoginOfTheKindTakesOverAndTheOldHoldersLateWritesAreRefused() throws Exception {
        try (Connection a = first.connect(); Connection b = second.connect(); Connection m = otherKind.connect()) {
            UUID run = startRun(a, "acme", "reconcile", "{}", null, 1);
            commit(a, run, "one", 0, "{\"a\": 1}");
            UUID call = (UUID) Sql.scalar(a, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', '{}', 'look-1')", run);
            // while the lease holds, nobody else takes the run
            assertRefused("SR036", () -> Sql.rows(b, "select * from sor_api.resume_run(?)", run));
            awaitLapse(db, run);
            // another kind, or a login of no Worker, does not see it
            assertRefused("SR034", () -> Sql.rows(m, "select * from sor_api.resume_run(?)", run));
            List<Object> resumed = Sql.rows(b, "select status, version, fencing_token, last_step_id, state::text, resumed_from::text,"
                    + " jsonb_array_length(in_flight_calls), in_flight_calls -> 0 ->> 'tool_call_id' from sor_api.resume_run(?, 30)", run).get(0);
            assertThat(resumed).containsExactly("running", 1, 2L, "one", "{\"a\": 1}", first.user(), 1, call.toString());
            // the previous holder is refused, saying why
            for (String late : List.of("select sor_api.heartbeat('%s')", "select sor_api.record_turn('%s', 'm', 'user', 1, 1, 'late')",
                    "select sor_api.finish_run('%s', 'succeeded')")) {
                SQLException e = assertRefused("SR036", () -> Sql.scalar(a, String.format(late, run)));
                assertThat(e.getMessage()).contains("taken over by " + second.user());
            }
            // its calls are the run's new holder's now
            assertRefused("SR034", () -> Sql.scalar(a, "select sor_api.finish_tool_call(?, '{}')", call));
            // the new holder works on
            assertThat(commit(b, run, "one", 0, "{\"a\": 2}")).containsExactly("committed", 1, true, "{\"a\": 1}", null);
            assertThat(Sql.scalar(b, "select sor_api.finish_run(?, 'succeeded')", run)).isEqualTo("succeeded");
            assertRefused("SR035", () -> Sql.rows(b, "select * from sor_api.resume_run(?)", run));
            assertThat(db.rows("select payload ->> 'from_worker', payload ->> 'to_worker', (payload ->> 'fencing_token')::int"
                    + " from sor.events where stream = ? and type = 'run_resumed'", "run-" + run))
                    .containsExactly(List.of(first.user(), second.user(), 2));
        }
    }

    /** Two logins of the kind resume the same lapsed run at once: exactly one takes it, every round. */
    @Test
    void twoResumersAtOnceOneWins() throws Exception {
        int rounds = 12;
        for (int round = 0; round < rounds; round++) {
            UUID run;
            try (Connection a = first.connect()) {
                run = startRun(a, "acme", "reconcile", "{}", null, 1);
            }
            awaitLapse(db, run);
            CyclicBarrier barrier = new CyclicBarrier(2);
            ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (Database who : List.of(first, second)) {
                threads.add(new Thread(() -> {
                    try (Connection c = who.connect()) {
                        barrier.await();
                        Sql.rows(c, "select * from sor_api.resume_run(?)", run);
                        outcomes.add("won " + who.user());
                    } catch (SQLException e) {
                        outcomes.add(e.getSQLState());
                    } catch (Exception e) {
                        outcomes.add(e.toString());
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(outcomes).as("round " + round).hasSize(2);
            assertThat(outcomes.stream().filter(o -> o.startsWith("won "))).as("round " + round + ": " + outcomes).hasSize(1);
            assertThat(outcomes.stream().filter(o -> !o.startsWith("won "))).as("round " + round + ": " + outcomes).containsExactly("SR036");
            assertThat(db.rows("select fencing_token, status from sor.runs where run_id = ?", run)).containsExactly(List.of(2L, "running"));
            assertThat(db.count("select count(*) from sor.events where stream = ? and type = 'run_resumed'", "run-" + run)).isOne();
        }
    }

    @Test
    void anOperatorCancelsARunAndItsWorkerStops() throws Exception {
        Database operator = db.sorAdmin();
        try (Connection c = first.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{}", null, 60);
            // a Worker holds no grant on it
            assertRefused("42501", () -> Sql.scalar(c, "select sor_api.cancel_run(?, 'mine')", run));
            assertRefused("SR033", () -> Sql.scalar(operator, "select sor_api.cancel_run(?, ' ')", run));
            assertThat(Sql.scalar(operator, "select sor_api.cancel_run(?, 'runaway spend on tenant acme')", run)).isEqualTo("cancelled");
            assertThat(Sql.scalar(operator, "select sor_api.cancel_run(?, 'again')", run)).isEqualTo("cancelled");
            assertRefused("SR035", () -> Sql.scalar(c, "select sor_api.heartbeat(?)", run));
            assertRefused("SR035", () -> Sql.rows(c, "select * from sor_api.resume_run(?)", run));
            assertThat(db.rows("select type, payload ->> 'cancelled_by', payload ->> 'reason' from sor.events"
                    + " where stream = ? and type = 'run_cancelled'", "run-" + run))
                    .containsExactly(List.of("run_cancelled", operator.user(), "runaway spend on tenant acme"));
            // a cancelled run ends as failed, its error saying so
            assertThat(db.rows("select status, error ->> 'cancelled', error ->> 'reason' from sor.runs where run_id = ?", run))
                    .containsExactly(List.of("failed", "true", "runaway spend on tenant acme"));
        }
        assertRefused("SR034", () -> Sql.scalar(operator, "select sor_api.cancel_run(?, 'x')", UUID.randomUUID()));
    }

    /** Nobody reads the lapsed run: another Worker at work marks it abandoned within its next heartbeat. */
    @Test
    void aLapsedRunIsMarkedAbandonedWhileAnyWorkerIsAtWork() throws Exception {
        UUID lapsed;
        try (Connection c = first.connect()) {
            lapsed = startRun(c, "acme", "reconcile", "{}", null, 1);
        }
        try (Connection c = second.connect()) {
            UUID busy = startRun(c, "acme", "reconcile", "{}", null, 60);
            awaitLapse(db, lapsed);
            assertThat(db.scalar("select status from sor.runs where run_id = ?", lapsed)).isEqualTo("running");
            Sql.scalar(c, "select sor_api.heartbeat(?)", busy);
            assertThat(db.scalar("select status from sor.runs where run_id = ?", lapsed)).isEqualTo("abandoned");
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", busy);
        }
        assertThat(events(lapsed)).containsExactly("run_started", "run_abandoned");
    }
}
