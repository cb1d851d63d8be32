package dev.pgsor.forensics;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.journal.Journal;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run names its tasks by id (sor.run_tasks): the tasks it enqueued and the attempts it claimed
 * through itself show in its timeline with how each attempt ended, and its report counts exactly
 * them, not whatever its Worker held in the run's time window; the claim takes the run's tenant
 * only; another Worker's run, a finished run and a lapsed lease are refused.
 */
@SorTest
class RunTasksTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        db.exec("select sor_api.create_queue('matching', 'rows to match')");
        worker = db.worker("matcher", "acme", "globex");
    }

    static long enqueue(Connection c, String tenant, String subject) throws Exception {
        return ((Number) Sql.scalar(c, "select sor_api.enqueue_task(?, 'matching', ?)", tenant, subject)).longValue();
    }

    /** Events the run appended to the tenant's streams carry its id in their metadata and show in its timeline and facts. */
    @Test
    void theEventsARunTaggedShowInItsTimelineAndFacts() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = Journal.startRun(c, "acme");
            UUID otherRun = Journal.startRun(c, "acme");
            Sql.run(c, "select * from sor_api.append_event('acme', 'invoice-7', 'Matched', '{}', jsonb_build_object('run_id', ?::text))", run);
            Sql.run(c, "select * from sor_api.append_events('acme', jsonb_build_array(jsonb_build_object('stream', 'invoice-8',"
                    + " 'type', 'Matched', 'metadata', jsonb_build_object('run_id', ?::text))))", run);
            // another run's event and an untagged one are not this run's
            Sql.run(c, "select * from sor_api.append_event('acme', 'invoice-9', 'Matched', '{}', jsonb_build_object('run_id', ?::text))", otherRun);
            Sql.run(c, "select * from sor_api.append_event('acme', 'invoice-10', 'Matched')");
            assertThat(Sql.rows(c, "select what, details ->> 'actor' from sor_api.run_timeline(?) where what like '%invoice-%' order by at, what", run))
                    .containsExactly(List.of("event Matched on invoice-7 v1", worker.user()), List.of("event Matched on invoice-8 v1", worker.user()));
            assertThat(Sql.scalar(c, "select (sor_api.run_report_facts(?) #>> '{counts,tagged_events}')::int", run)).isEqualTo(2);
            assertThat(Sql.scalar(c, "select (sor_api.run_report_facts(?) #>> '{counts,tagged_events}')::int", otherRun)).isEqualTo(1);
        }
    }

    @Test
    void theTasksOfARunAreNamedByIdInItsTimelineAndReport() throws Exception {
        try (Connection c = worker.connect()) {
            long globexTask = enqueue(c, "globex", "globex-row");
            UUID run = Journal.startRun(c, "acme");
            // enqueued in the run, and a repeat of its dedupe key links the same task once
            long first = ((Number) Sql.scalar(c, "select sor_api.enqueue_task_in_run(?, 'matching', 'row-1', '{}', 'row-1')", run)).longValue();
            assertThat(((Number) Sql.scalar(c, "select sor_api.enqueue_task_in_run(?, 'matching', 'row-1', '{}', 'row-1')", run)).longValue())
                    .isEqualTo(first);
            long second = ((Number) Sql.scalar(c, "select sor_api.enqueue_task_in_run(?, 'matching', 'row-2')", run)).longValue();
            // claimed in the run: the run's tenant only (the globex task stays)
            List<List<Object>> claimed = Sql.rows(c, "select task_id, tenant_id, fencing_token from sor_api.claim_tasks_in_run(?, 'matching', 10, '1 minute')", run);
            assertThat(claimed).extracting(r -> r.subList(0, 2)).containsExactly(List.of(first, "acme"), List.of(second, "acme"));
            long t1 = (Long) claimed.get(0).get(2);
            long t2 = (Long) claimed.get(1).get(2);
            Sql.run(c, "select sor_api.complete_task(?, ?, '{\"matched\": true}')", first, t1);
            Sql.run(c, "select sor_api.fail_task(?, ?, 'no match yet')", second, t2);
            // outside the run, the same Worker claims and completes another task: not the run's
            long other = enqueue(c, "acme", "row-3");
            List<Object> outside = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('matching', 5, '1 minute', 'acme')").get(0);
            assertThat(outside.get(0)).isEqualTo(other);
            Sql.run(c, "select sor_api.complete_task(?, ?)", other, outside.get(1));
            Sql.run(c, "select sor_api.finish_run(?, 'succeeded')", run);

            assertThat(db.rows("select tenant_id, task_id, link, fencing_token from sor.run_tasks order by task_id, link"))
                    .containsExactly(List.of("acme", first, "claimed", t1), List.of("acme", first, "enqueued", 0L),
                            List.of("acme", second, "claimed", t2), List.of("acme", second, "enqueued", 0L));
            assertThat(Sql.rows(c, "select what from sor_api.run_timeline(?) where source = 'sor.run_tasks' or what like 'task %' order by at", run))
                    .containsExactly(List.of("task " + first + " enqueued on matching: row-1"),
                            List.of("task " + second + " enqueued on matching: row-2"),
                            List.of("task " + first + " claimed on matching (fencing token " + t1 + ")"),
                            List.of("task " + second + " claimed on matching (fencing token " + t2 + ")"),
                            List.of("task " + first + " completed (fencing token " + t1 + ")"),
                            List.of("task " + second + " failed (fencing token " + t2 + ")"));
            assertThat(Sql.rows(c, "select f #>> '{tasks,claimed}', f #>> '{tasks,completed}', f #> '{tasks,claimed_task_ids}',"
                    + " f #> '{tasks,completed_task_ids}', f #> '{tasks,enqueued_task_ids}' from sor_api.run_report_facts(?) f", run).get(0))
                    .extracting(Object::toString)
                    .containsExactly("2", "1", "[" + first + ", " + second + "]", "[" + first + "]", "[" + first + ", " + second + "]");
            assertThat(globexTask).isPositive();
            assertThat(db.rows("select status from sor.tasks where task_id = ?", globexTask)).containsExactly(List.of("ready"));
        }
    }

    @Test
    void aRunThatIsNotTheCallersOrNotRunningIsRefused() throws Exception {
        Database stranger = db.worker("matcher", "acme");
        try (Connection c = worker.connect(); Connection s = stranger.connect()) {
            UUID run = Journal.startRun(c, "acme");
            assertRefused("SR034", () -> Sql.run(s, "select * from sor_api.claim_tasks_in_run(?, 'matching', 1, '1 minute')", run));
            assertRefused("SR034", () -> Sql.run(s, "select sor_api.enqueue_task_in_run(?, 'matching', 'x')", run));
            assertRefused("SR033", () -> Sql.run(c, "select * from sor_api.claim_tasks_in_run(null, 'matching', 1, '1 minute')"));
            assertRefused("SR050", () -> Sql.run(c, "select * from sor_api.claim_tasks_in_run(?, 'no-such-queue', 1, '1 minute')", run));
            Sql.run(c, "select sor_api.finish_run(?, 'succeeded')", run);
            assertRefused("SR035", () -> Sql.run(c, "select * from sor_api.claim_tasks_in_run(?, 'matching', 1, '1 minute')", run));
            assertRefused("SR035", () -> Sql.run(c, "select sor_api.enqueue_task_in_run(?, 'matching', 'x')", run));
        }
        assertThat(db.count("select count(*) from sor.run_tasks where run_id not in (select run_id from sor.runs where status = 'succeeded')")).isZero();
    }
}
