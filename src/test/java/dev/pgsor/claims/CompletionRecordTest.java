package dev.pgsor.claims;

import static dev.pgsor.testkit.SorAssertions.assertCertified;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.journal.Journal;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A queue's completion record (V109): by default a completed task is recorded twice, by its
 * sor.finished_tasks row and by a task.completed event in the hash-chained log; a queue set to
 * {@code row} keeps the finished row as the completion's one record and appends no event, while
 * its failures, lapsed leases and dead tasks still write theirs. Only an admin sets it; the run
 * reports count a completion either way.
 */
@SorTest
class CompletionRecordTest {

    static SorDatabase db;
    static Database admin;
    static Database worker;
    static final AtomicInteger QUEUES = new AtomicInteger();

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme");
        admin = db.sorAdmin();
        worker = db.worker("completer", "acme");
    }

    /** A new queue with the given completion record, set by the admin (event: the default, never set). */
    static String queue(String record) throws Exception {
        String q = "cr" + QUEUES.incrementAndGet();
        Sql.run(admin, "select sor_api.create_queue(?, 'completion record queue', 2, '1 second', '1 minute')", q);
        if (!record.equals("event")) {
            assertThat(Sql.scalar(admin, "select sor_api.set_completion_record(?, ?)", q, record)).isEqualTo(record);
        }
        return q;
    }

    /** Queues one task and claims it: [task_id, fencing_token]. */
    static List<Object> claimedTask(Connection c, String q, String subject) throws Exception {
        long id = ((Number) Sql.scalar(c, "select sor_api.enqueue_task('acme', ?, ?)", q, subject)).longValue();
        List<Object> claim = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks(?, 1, '1 minute')", q).get(0);
        assertThat(claim.get(0)).isEqualTo(id);
        return claim;
    }

    static List<List<Object>> eventsOf(long taskId) {
        return db.rows("select type, payload ->> 'fencing_token', payload ->> 'claimed_by' from sor.events"
                + " where tenant_id = 'acme' and stream = ? order by version", "task-" + taskId);
    }

    @Test
    void aRowQueuesCompletionIsItsFinishedRowAloneAndTheDefaultQueueAlsoWritesItsEvent() throws Exception {
        String rows = queue("row");
        String events = queue("event");
        try (Connection c = worker.connect()) {
            List<Object> r = claimedTask(c, rows, "rows-1");
            List<Object> e = claimedTask(c, events, "events-1");
            Sql.run(c, "select sor_api.complete_task(?, ?, '{\"n\": 1}')", r.get(0), r.get(1));
            Sql.run(c, "select sor_api.complete_task(?, ?, '{\"n\": 2}')", e.get(0), e.get(1));
            // the finished rows of both hold the attempt's whole record
            for (List<Object> t : List.of(r, e)) {
                assertThat(db.rows("select status, claimed_by::text, fencing_token, attempts, claimed_at is not null and claimed_at <= finished_at"
                        + " from sor.finished_tasks where task_id = ?", t.get(0)))
                        .containsExactly(List.of("completed", worker.user(), t.get(1), 1, true));
            }
            // the row queue's completion wrote no event and made no stream head, and its row says so;
            // the other queue's did both
            assertThat(db.rows("select task_id, completion_event from sor.finished_tasks where task_id in (?, ?) order by task_id",
                    r.get(0), e.get(0))).containsExactlyInAnyOrder(List.of(r.get(0), false), List.of(e.get(0), true));
            assertThat(eventsOf((Long) r.get(0))).isEmpty();
            assertThat(db.count("select count(*) from sor.streams where tenant_id = 'acme' and stream = ?", "task-" + r.get(0))).isZero();
            assertThat(eventsOf((Long) e.get(0))).containsExactly(List.of("task.completed", e.get(1).toString(), worker.user()));
            // the same completion again (a retry after a lost answer) is quiet on both and writes nothing
            Sql.run(c, "select sor_api.complete_task(?, ?, '{\"n\": 1}')", r.get(0), r.get(1));
            assertThat(eventsOf((Long) r.get(0))).isEmpty();
            assertThat(db.count("select count(*) from sor.finished_tasks where task_id = ?", r.get(0))).isEqualTo(1);
            // a stale token on the finished row-queue task is still refused as stale
            assertRefused("SR056", () -> Sql.run(c, "select sor_api.complete_task(?, ?)", r.get(0), (Long) r.get(1) + 1000));
        }
        assertThat(db.rows("select intact, broken_streams::bigint from sor_api.verify_events_summary()")).containsExactly(List.of(true, 0L));
        // certify's replayable check asks an event of every finished task but the completions written without one
        assertCertified(db);
        assertThat(db.rows("select ok, detail from sor.certify__070_capstone()"
                + " where check_name = 'runs, tasks and outbox rows have the events of their state' and object = 'sor.finished_tasks'"))
                .containsExactly(List.of(true, "every row has its events"));
    }

    /** Certify still finds a completion written as an event whose event is missing: the row queue's exemption is the row's own mark. */
    @Test
    void certifyStillFindsACompletionMarkedAsAnEventThatHasNone() throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.addTenants("acme");
            Database w = scratch.worker("completer", "acme");
            scratch.exec("select sor_api.create_queue('lean', 'rows only'); select sor_api.set_completion_record('lean', 'row');"
                    + " select sor_api.create_queue('full', 'events too')");
            String check = "select ok, detail from sor.certify__070_capstone()"
                    + " where check_name = 'runs, tasks and outbox rows have the events of their state' and object = 'sor.finished_tasks'";
            try (Connection c = w.connect()) {
                List<Object> lean = claimedTask(c, "lean", "lean-1");
                Sql.run(c, "select sor_api.complete_task(?, ?)", lean.get(0), lean.get(1));
                assertThat(scratch.rows(check)).containsExactly(List.of(true, "every row has its events"));
                // the trigger off (past the guard): a completion of the full queue, marked as an event, gets none
                scratch.pastTheGuard("alter table sor.finished_tasks disable trigger finished_tasks_events_insert");
                List<Object> lost = claimedTask(c, "full", "full-1");
                Sql.run(c, "select sor_api.complete_task(?, ?)", lost.get(0), lost.get(1));
                scratch.pastTheGuard("alter table sor.finished_tasks enable always trigger finished_tasks_events_insert");
            }
            assertThat(scratch.rows(check)).containsExactly(List.of(false, "1 rows without their events"));
        }
    }

    /** The row's mark is honoured only where the queue records completions as rows: a dead task, or a row written by hand on another queue, gets its event. */
    @Test
    void aFinishedRowMarkedWithoutItsEventGetsItAnywayUnlessItsQueueRecordsRows() throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.addTenants("acme");
            scratch.exec("select sor_api.create_queue('lean', 'rows only'); select sor_api.set_completion_record('lean', 'row');"
                    + " select sor_api.create_queue('full', 'events too')");
            // written by hand as the owner (a superuser here), each marked as written without its event
            scratch.exec("insert into sor.finished_tasks (tenant_id, task_id, queue, subject, payload, priority, attempts, max_attempts,"
                    + " status, claimed_by, fencing_token, created_at, created_by, finished_at, claimed_at, completion_event) values"
                    + " ('acme', 900000001, 'full', 'by hand', '{}', 0, 1, 5, 'completed', 'someone', 1, now(), 'someone', now(), now(), false),"
                    + " ('acme', 900000002, 'lean', 'by hand', '{}', 0, 5, 5, 'dead', 'someone', 2, now(), 'someone', now(), now(), false),"
                    + " ('acme', 900000003, 'lean', 'by hand', '{}', 0, 1, 5, 'completed', 'someone', 3, now(), 'someone', now(), now(), false)");
            assertThat(scratch.rows("select stream, type from sor.events where stream in ('task-900000001', 'task-900000002', 'task-900000003')"
                    + " order by stream")).containsExactly(List.of("task-900000001", "task.completed"), List.of("task-900000002", "task.dead"));
            assertThat(scratch.rows("select ok from sor.certify__070_capstone()"
                    + " where check_name = 'runs, tasks and outbox rows have the events of their state' and object = 'sor.finished_tasks'"))
                    .containsExactly(List.of(true));
        }
    }

    /**
     * The statement of a 0.3.0 function that is running as the upgrade commits is planned again
     * against the new catalog: its call of sor.finish_task with five arguments must still find the
     * function (a "function does not exist" is not a state a Worker can retry), and reads as a
     * completion written as an event.
     */
    @Test
    void theFiveArgumentCallOfTheReleaseBeforeStillFindsFinishTask() throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.addTenants("acme");
            scratch.exec("select sor_api.create_queue('old', 'old callers')");
            scratch.exec("insert into sor.tasks (tenant_id, queue, subject, payload, max_attempts) values ('acme', 'old', 'from 0.3.0', '{}', 5)");
            assertThat(scratch.rows("select f.status, f.result::text, f.completion_event"
                    + " from sor.tasks t cross join lateral sor.finish_task(t, 'completed', '{\"ok\": true}'::jsonb, null, now()) f"))
                    .containsExactly(List.of("completed", "{\"ok\": true}", true));
        }
    }

    /**
     * Workers complete tasks, one at a time and in batches, while an admin switches the queue's
     * record back and forth: every completion is recorded once by its row, an event exactly when
     * its row says so (or, at most one, when the queue went back to events as it completed), the
     * quota's count comes back to zero, and certify and the hash chains hold. Three rounds.
     */
    @Test
    void completionsRacingASwitchOfTheRecordKeepEveryRowAndItsMark() throws Exception {
        for (int round = 0; round < 3; round++) {
            String q = queue("event");
            int tasks = 300;
            try (Connection c = worker.connect()) {
                Sql.run(c, "select count(*) from sor_api.enqueue_tasks('acme', ?, (select jsonb_agg(jsonb_build_object('subject', 'race-' || g))"
                        + " from generate_series(1, ?) g))", q, tasks);
            }
            AtomicBoolean working = new AtomicBoolean(true);
            AtomicInteger switches = new AtomicInteger();
            List<Race.Outcome<Integer>> outcomes = Race.together(4, thread -> {
                if (thread == 3) {
                    // the admin: switches until the Workers are done
                    try (Connection a = admin.connect()) {
                        while (working.get()) {
                            Sql.run(a, "select sor_api.set_completion_record(?, ?)", q, switches.incrementAndGet() % 2 == 1 ? "row" : "event");
                        }
                    }
                    return 0;
                }
                int done = 0;
                try (Connection c = worker.connect()) {
                    while (true) {
                        List<List<Object>> claimed = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks(?, ?, '1 minute')", q, thread + 1);
                        if (claimed.isEmpty()) {
                            break;
                        }
                        if (claimed.size() == 1) {
                            Sql.run(c, "select sor_api.complete_task(?, ?)", claimed.get(0).get(0), claimed.get(0).get(1));
                        } else {
                            String batch = "[" + String.join(",", claimed.stream()
                                    .map(t -> "{\"task_id\": " + t.get(0) + ", \"fencing_token\": " + t.get(1) + "}").toList()) + "]";
                            Sql.run(c, "select count(*) from sor_api.complete_tasks(?::jsonb)", batch);
                        }
                        done += claimed.size();
                    }
                } finally {
                    if (thread == 0) {
                        working.set(false);
                    }
                }
                return done;
            });
            working.set(false);
            assertThat(Race.values(outcomes).stream().mapToInt(Integer::intValue).sum()).isEqualTo(tasks);
            assertThat(switches.get()).isGreaterThan(1);
            assertThat(db.count("select count(*) from sor.tasks where queue = ?", q)).isZero();
            // every task finished once, completed; marked both ways over the round
            assertThat(db.rows("select count(*), count(*) filter (where status = 'completed'), count(distinct task_id)"
                    + " from sor.finished_tasks where queue = ?", q)).containsExactly(List.of((long) tasks, (long) tasks, (long) tasks));
            // a row marked as an event has exactly one; a row marked without has none, or one when the queue went back to events as it completed
            assertThat(db.count("select count(*) from sor.finished_tasks f where f.queue = ? and f.completion_event"
                    + " and (select count(*) from sor.events e where e.tenant_id = f.tenant_id and e.stream = 'task-' || f.task_id) <> 1", q)).isZero();
            assertThat(db.count("select count(*) from sor.finished_tasks f where f.queue = ? and not f.completion_event"
                    + " and (select count(*) from sor.events e where e.tenant_id = f.tenant_id and e.stream = 'task-' || f.task_id) > 1", q)).isZero();
        }
        // over the rounds, completions were written both ways
        assertThat(db.rows("select count(*) filter (where completion_event) > 0, count(*) filter (where not completion_event) > 0"
                + " from sor.finished_tasks where subject like 'race-%'")).containsExactly(List.of(true, true));
        // the queue's tasks no longer count against the tenant's quota
        assertThat(db.scalar("select pending from sor_api.quotas('acme') where kind = 'tasks'"))
                .isEqualTo(db.scalar("select count(*) from sor.tasks where tenant_id = 'acme'"));
        assertThat(db.rows("select intact, broken_streams::bigint from sor_api.verify_events_summary()")).containsExactly(List.of(true, 0L));
        assertCertified(db);
    }

    @Test
    void aRowQueueStillWritesTheEventsOfFailuresAndDeadTasks() throws Exception {
        String rows = queue("row");
        try (Connection c = worker.connect()) {
            List<Object> first = claimedTask(c, rows, "flaky");
            Sql.run(c, "select * from sor_api.fail_task(?, ?, 'smtp 451')", first.get(0), first.get(1));
            // max_attempts 2: the second failure makes it dead
            Sql.run(db.admin(), "update sor.tasks set run_after = now() - interval '1 second' where task_id = ?", first.get(0));
            List<Object> second = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks(?, 1, '1 minute')", rows).get(0);
            assertThat(second.get(0)).isEqualTo(first.get(0));
            assertThat(Sql.rows(c, "select status from sor_api.fail_task(?, ?, 'smtp 550')", second.get(0), second.get(1)))
                    .containsExactly(List.of("dead"));
            assertThat(eventsOf((Long) first.get(0))).containsExactly(
                    List.of("task.failed", first.get(1).toString(), worker.user()),
                    List.of("task.dead", second.get(1).toString(), worker.user()));
            // an operator's retry of the dead task writes task.retried; its completion then writes no event
            Sql.run(admin, "select sor_api.retry_task(?)", first.get(0));
            List<Object> third = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks(?, 1, '1 minute')", rows).get(0);
            Sql.run(c, "select sor_api.complete_task(?, ?)", third.get(0), third.get(1));
            assertThat(eventsOf((Long) first.get(0))).extracting(x -> x.get(0))
                    .containsExactly("task.failed", "task.dead", "task.retried");
            assertThat(db.rows("select status, fencing_token from sor.finished_tasks where task_id = ?", first.get(0)))
                    .containsExactly(List.of("completed", third.get(1)));
        }
        assertThat(db.rows("select intact, broken_streams::bigint from sor_api.verify_events_summary()")).containsExactly(List.of(true, 0L));
    }

    @Test
    void aBatchOverBothKindsOfQueueWritesTheEventsOfTheEventQueuesTasksOnly() throws Exception {
        String rows = queue("row");
        String events = queue("event");
        try (Connection c = worker.connect()) {
            List<Object> a = claimedTask(c, rows, "a");
            List<Object> b = claimedTask(c, events, "b");
            List<Object> d = claimedTask(c, rows, "d");
            String batch = "[" + String.join(",", List.of(a, b, d).stream()
                    .map(t -> "{\"task_id\": " + t.get(0) + ", \"fencing_token\": " + t.get(1) + "}").toList()) + "]";
            assertThat(Sql.rows(c, "select ordinal from sor_api.complete_tasks(?::jsonb)", batch))
                    .containsExactly(List.of(1), List.of(2), List.of(3));
            assertThat(db.count("select count(*) from sor.finished_tasks where task_id in (?, ?, ?) and status = 'completed'",
                    a.get(0), b.get(0), d.get(0))).isEqualTo(3);
            assertThat(eventsOf((Long) a.get(0))).isEmpty();
            assertThat(eventsOf((Long) d.get(0))).isEmpty();
            assertThat(eventsOf((Long) b.get(0))).extracting(x -> x.get(0)).containsExactly("task.completed");
            // the live counts of the tenant's quota went down for all three
            assertThat(db.count("select count(*) from sor.tasks where task_id in (?, ?, ?)", a.get(0), b.get(0), d.get(0))).isZero();
        }
    }

    @Test
    void switchingBackToEventsWritesTheEventsAgainAndTheLastChangeIsKept() throws Exception {
        String q = queue("row");
        List<Object> set = db.rows("select completion_record, completion_record_set_by::text, completion_record_set_at is not null"
                + " from sor.queues where queue = ?", q).get(0);
        assertThat(set).containsExactly("row", admin.user(), true);
        Object at = db.scalar("select completion_record_set_at from sor.queues where queue = ?", q);
        // the same record again changes nothing, not even the time of the last change
        assertThat(Sql.scalar(admin, "select sor_api.set_completion_record(?, 'row')", q)).isEqualTo("row");
        assertThat(db.scalar("select completion_record_set_at from sor.queues where queue = ?", q)).isEqualTo(at);
        try (Connection c = worker.connect()) {
            List<Object> before = claimedTask(c, q, "before");
            Sql.run(c, "select sor_api.complete_task(?, ?)", before.get(0), before.get(1));
            assertThat(Sql.scalar(admin, "select sor_api.set_completion_record(?, 'event')", q)).isEqualTo("event");
            List<Object> after = claimedTask(c, q, "after");
            Sql.run(c, "select sor_api.complete_task(?, ?)", after.get(0), after.get(1));
            assertThat(eventsOf((Long) before.get(0))).isEmpty();
            assertThat(eventsOf((Long) after.get(0))).extracting(x -> x.get(0)).containsExactly("task.completed");
            // each finished row keeps the record it was written with
            assertThat(db.rows("select completion_event from sor.finished_tasks where task_id in (?, ?) order by task_id",
                    before.get(0), after.get(0))).containsExactly(List.of(false), List.of(true));
        }
        assertCertified(db);
        assertThat(db.rows("select completion_record from sor.queues where queue = ?", q)).containsExactly(List.of("event"));
    }

    @Test
    void onlyAnAdminSetsTheRecordAndBadInputIsRefusedWithNothingWritten() throws Exception {
        String q = queue("event");
        // a Worker cannot call it at all
        try (Connection c = worker.connect()) {
            assertRefusedAndNothingWritten(db, "42501", () -> Sql.run(c, "select sor_api.set_completion_record(?, 'row')", q));
        }
        assertRefusedAndNothingWritten(db, "SR059", "unknown record", () -> Sql.run(admin, "select sor_api.set_completion_record(?, 'none')", q));
        assertRefusedAndNothingWritten(db, "SR059", "NULL record", () -> Sql.run(admin, "select sor_api.set_completion_record(?, null)", q));
        assertRefusedAndNothingWritten(db, "SR059", "case matters", () -> Sql.run(admin, "select sor_api.set_completion_record(?, 'ROW')", q));
        assertRefusedAndNothingWritten(db, "SR050", "unknown queue", () -> Sql.run(admin, "select sor_api.set_completion_record('no-such-queue', 'row')"));
        assertRefusedAndNothingWritten(db, "SR050", "NULL queue", () -> Sql.run(admin, "select sor_api.set_completion_record(null, 'row')"));
        // the table refuses a value the function would not write, even from the owner
        assertRefused("23514", () -> db.exec("update sor.queues set completion_record = 'none' where queue = '" + q + "'"));
        assertThat(db.rows("select completion_record, completion_record_set_at from sor.queues where queue = ?", q))
                .containsExactly(java.util.Arrays.asList("event", null));
    }

    @Test
    void aRunsReportAndTimelineCountACompletionRecordedByItsFinishedRow() throws Exception {
        String q = queue("row");
        try (Connection c = worker.connect()) {
            // the run names its task: claimed through the run, completed
            UUID run = Journal.startRun(c, "acme");
            long id = ((Number) Sql.scalar(c, "select sor_api.enqueue_task_in_run(?, ?, 'in-run')", run, q)).longValue();
            List<Object> claim = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks_in_run(?, ?, 1, '1 minute')", run, q).get(0);
            assertThat(claim.get(0)).isEqualTo(id);
            Sql.run(c, "select sor_api.complete_task(?, ?)", id, claim.get(1));
            Sql.run(c, "select sor_api.finish_run(?, 'succeeded')", run);
            assertThat(eventsOf(id)).isEmpty();
            assertThat(Sql.rows(c, "select f #>> '{tasks,claimed}', f #>> '{tasks,completed}', f #> '{tasks,completed_task_ids}'"
                    + " from sor_api.run_report_facts(?) f", run).get(0)).extracting(Object::toString)
                    .containsExactly("1", "1", "[" + id + "]");
            assertThat(Sql.rows(c, "select source, what from sor_api.run_timeline(?) where what like 'task % completed%'", run))
                    .containsExactly(List.of("sor.finished_tasks", "task " + id + " completed (fencing token " + claim.get(1) + ")"));

            // a run that does not name its tasks: the Worker's claim and completion within its window
            UUID window = Journal.startRun(c, "acme");
            List<Object> t = claimedTask(c, q, "in-window");
            Sql.run(c, "select sor_api.complete_task(?, ?)", t.get(0), t.get(1));
            Sql.run(c, "select sor_api.finish_run(?, 'succeeded')", window);
            assertThat(Sql.rows(c, "select f #>> '{tasks,claimed}', f #>> '{tasks,completed}', f #> '{tasks,completed_task_ids}'"
                    + " from sor_api.run_report_facts(?) f", window).get(0)).extracting(Object::toString)
                    .containsExactly("1", "1", "[" + t.get(0) + "]");
        }
    }
}
