package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chain is linked once per statement: the events one append_events call writes to a stream
 * share the stream's link before the call, and the stream's next link is sha256 over their hashes.
 * A batch is refused as a whole, naming its event; a forged, deleted or reordered event of a batch
 * is found by verify_events and by the ledger.
 */
@SorTest
class StatementChainTest {

    static SorDatabase db;
    static Database worker;
    static Database globexWorker;
    static Database auditor;

    static final String VERIFY = "select version, problem from sor_api.verify_events('acme', ?)";

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        worker = db.worker("expense-reconciler", "acme");
        globexWorker = db.worker("expense-reconciler", "globex");
        auditor = db.auditor();
    }

    /** A batch of {@code count} events: stream a-... and stream b-... alternating, then one single append to each. */
    private static void twoStreams(String a, String b, int count) throws Exception {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"stream\": \"").append(i % 2 == 0 ? a : b)
                    .append("\", \"type\": \"Imported\", \"payload\": {\"row\": ").append(i).append("}}");
        }
        try (Connection c = worker.connect()) {
            Events.append(c, "acme", a, "Opened", "{}");
            assertThat(Sql.scalar(c, "select count(*) from sor_api.append_events('acme', ?::jsonb)", batch.append(']').toString()))
                    .isEqualTo((long) count);
            Events.append(c, "acme", a, "Closed", "{}");
            Events.append(c, "acme", b, "Closed", "{}");
        }
    }

    private static List<Object> problem(int version, String problem) {
        return Arrays.asList(version, problem);
    }

    @Test
    void aBatchIsOneLinkPerStreamAndVerifies() throws Exception {
        twoStreams("linked-1", "linked-2", 8);
        // the batch's four events of linked-1 share the link of version 1, and version 6 links to sha256 of their hashes
        assertThat(db.rows("select count(distinct prev_hash), bool_and(prev_hash = (select hash from sor.events"
                + " where stream = 'linked-1' and version = 1)) from sor.events where stream = 'linked-1' and version between 2 and 5"))
                .containsExactly(List.of(1L, true));
        assertThat(db.scalar("select (select prev_hash from sor.events where stream = 'linked-1' and version = 6)"
                + " = sha256(string_agg(hash, ''::bytea order by version)) from sor.events where stream = 'linked-1' and version between 2 and 5"))
                .isEqualTo(true);
        // a new stream's batch starts from no link; the head holds the last link
        assertThat(db.rows("select count(*) filter (where prev_hash is null), min(version), max(version) from sor.events"
                + " where stream = 'linked-2' and version <= 4")).containsExactly(List.of(4L, 1, 4));
        assertThat(db.scalar("select h.last_hash = e.hash and h.version = 5 from sor.streams h join sor.events e"
                + " on e.tenant_id = h.tenant_id and e.stream = h.stream and e.version = h.version where h.stream = 'linked-2'"))
                .isEqualTo(true);
        assertThat(Sql.rows(auditor, VERIFY, "linked-1")).isEmpty();
        assertThat(Sql.rows(auditor, VERIFY, "linked-2")).isEmpty();
    }

    @Test
    void aForgedEventOfABatchIsFoundAtItsRow() throws Exception {
        twoStreams("forged-1", "forged-2", 8);
        Tamper.events(db, "update sor.events set payload = '{\"row\": 999}' where stream = 'forged-1' and version = 3");
        assertThat(Sql.rows(auditor, VERIFY, "forged-1")).containsExactly(problem(3, "hash_mismatch"));
    }

    @Test
    void aForgedAndRehashedEventOfABatchBreaksTheNextLink() throws Exception {
        twoStreams("rehashed-1", "rehashed-2", 8);
        Tamper.events(db, "update sor.events set payload = '{\"row\": 999}' where stream = 'rehashed-1' and version = 3",
                "update sor.events set hash = sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                        + " actor, occurred_at, position) where stream = 'rehashed-1' and version = 3");
        assertThat(Sql.rows(auditor, VERIFY, "rehashed-1")).containsExactly(problem(6, "prev_hash_mismatch"));
    }

    @Test
    void aForgedLastBatchIsFoundByTheHead() throws Exception {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 3; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"stream\": \"tail-1\", \"type\": \"Imported\"}");
        }
        Sql.run(worker, "select count(*) from sor_api.append_events('acme', ?::jsonb)", batch.append(']').toString());
        Tamper.events(db, "update sor.events set payload = '{\"row\": 999}' where stream = 'tail-1' and version = 2",
                "update sor.events set hash = sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                        + " actor, occurred_at, position) where stream = 'tail-1' and version = 2");
        assertThat(Sql.rows(auditor, VERIFY, "tail-1")).containsExactly(problem(3, "head_mismatch"));
    }

    @Test
    void aDeletedEventOfABatchIsAVersionGap() throws Exception {
        twoStreams("deleted-1", "deleted-2", 8);
        Tamper.events(db, "delete from sor.events where stream = 'deleted-1' and version = 4");
        assertThat(Sql.rows(auditor, VERIFY, "deleted-1")).containsExactly(problem(5, "version_gap"));
    }

    @Test
    void reorderedEventsOfABatchAreFoundEvenWhenRehashed() throws Exception {
        twoStreams("reordered-1", "reordered-2", 8);
        List<List<Object>> p = db.rows("select position from sor.events where stream = 'reordered-1' and version in (3, 4) order by version");
        Tamper.events(db,
                "update sor.events set position = -1 where stream = 'reordered-1' and version = 3",
                "update sor.events set position = " + p.get(0).get(0) + " where stream = 'reordered-1' and version = 4",
                "update sor.events set position = " + p.get(1).get(0) + " where stream = 'reordered-1' and version = 3",
                "update sor.events set hash = sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                        + " actor, occurred_at, position) where stream = 'reordered-1' and version in (3, 4)");
        assertThat(Sql.rows(auditor, VERIFY, "reordered-1")).containsExactly(problem(4, "out_of_order"));
        // swapping the two rows' contents instead keeps the positions and changes the link of the batch
        Tamper.events(db,
                "update sor.events e set payload = o.payload from sor.events o where e.stream = 'reordered-2' and o.stream = 'reordered-2'"
                        + " and ((e.version = 2 and o.version = 3) or (e.version = 3 and o.version = 2))",
                "update sor.events set hash = sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                        + " actor, occurred_at, position) where stream = 'reordered-2' and version in (2, 3)");
        assertThat(Sql.rows(auditor, VERIFY, "reordered-2")).containsExactly(problem(5, "prev_hash_mismatch"));
    }

    @Test
    void theLedgerFindsARehashedEventOfASealedBatch() throws Exception {
        // on a database of its own: the other tests' damage would be in its blocks too
        try (SorDatabase fresh = db.fresh()) {
            fresh.addTenants("acme");
            Database own = fresh.worker("expense-reconciler", "acme");
            Sql.run(own, "select count(*) from sor_api.append_events('acme', ?::jsonb)",
                    "[{\"stream\": \"sealed-1\", \"type\": \"A\"}, {\"stream\": \"sealed-1\", \"type\": \"B\"},"
                    + " {\"stream\": \"sealed-1\", \"type\": \"C\"}]");
            fresh.exec("select count(*) from sor_api.seal_ledger()");
            assertThat(fresh.rows("select problem from sor_api.verify_ledger()")).isEmpty();
            Tamper.events(fresh, "update sor.events set payload = '{\"row\": 999}' where stream = 'sealed-1' and version = 2",
                    "update sor.events set hash = sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                            + " actor, occurred_at, position) where stream = 'sealed-1' and version = 2");
            assertThat(fresh.rows("select problem from sor_api.verify_ledger()")).containsExactly(List.of("events_rehashed"));
            assertThat(Sql.rows(fresh.auditor(), VERIFY, "sealed-1")).containsExactly(problem(3, "head_mismatch"));
        }
    }

    @Test
    void aBatchWithAReservedNameABadRowOrAnotherTenantsRowIsRefusedWholeAndNamesTheRow() throws Exception {
        String ok = "{\"stream\": \"whole-1\", \"type\": \"Imported\"}";
        try (Connection c = worker.connect()) {
            assertThat(assertRefusedAndNothingWritten(db, "SR017", "a reserved event type in the third event",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[" + ok + ", " + ok + ", {\"stream\": \"whole-1\", \"type\": \"Task.Claimed\"}, " + ok + "]")).getMessage())
                    .contains("event 3 of the batch");
            assertThat(assertRefusedAndNothingWritten(db, "SR017", "a reserved stream in the fourth event",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[" + ok + ", " + ok + ", " + ok + ", {\"stream\": \"outbox-7\", \"type\": \"Imported\"}]")).getMessage())
                    .contains("event 4 of the batch");
            assertThat(assertRefusedAndNothingWritten(db, "SR011", "a payload that is not an object",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[" + ok + ", {\"stream\": \"whole-1\", \"type\": \"Imported\", \"payload\": [1]}]")).getMessage())
                    .contains("event 2 of the batch");
            assertThat(assertRefusedAndNothingWritten(db, "SR011", "an event that is not an object",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)", "[" + ok + ", 7]")).getMessage())
                    .contains("event 2 of the batch");
            assertThat(assertRefusedAndNothingWritten(db, "SR011", "another tenant's event",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[" + ok + ", {\"tenant_id\": \"globex\", \"stream\": \"whole-1\", \"type\": \"Imported\"}]")).getMessage())
                    .contains("event 2 of the batch");
            // naming the batch's own tenant is allowed
            assertThat(Sql.rows(c, "select ordinal, version from sor_api.append_events('acme', ?::jsonb)",
                    "[{\"tenant_id\": \"acme\", \"stream\": \"whole-1\", \"type\": \"Imported\"}, " + ok + "]"))
                    .containsExactly(List.of(1, 1), List.of(2, 2));
        }
    }

    @Test
    void taskEventsWrittenByAStatementTriggerTakeTheSamePath() throws Exception {
        db.exec("select sor_api.create_queue('chain-q', 'statement links')");
        try (Connection c = worker.connect()) {
            Sql.run(c, "select count(*) from sor_api.enqueue_tasks('acme', 'chain-q', ?::jsonb)",
                    "[{\"subject\": \"a\"}, {\"subject\": \"b\"}, {\"subject\": \"c\"}]");
            assertThat(Sql.scalar(c, "select count(*) from sor_api.claim_tasks('chain-q', 3, interval '5 minutes')")).isEqualTo(3L);
            // a claim writes no event; three lapsed claims taken back by one claim write three in one statement
            assertThat(db.scalar("select count(*) from sor.events where tenant_id = 'acme' and stream like 'task-%'")).isEqualTo(0L);
            db.exec("update sor.tasks set lease_expires_at = lease_expires_at - interval '1 hour' where queue = 'chain-q'");
            assertThat(Sql.scalar(c, "select count(*) from sor_api.claim_tasks('chain-q', 3, interval '5 minutes')")).isEqualTo(3L);
        }
        assertThat(db.scalar("select count(*) from sor.events where tenant_id = 'acme' and stream like 'task-%' and type = 'task.lease_expired'")).isEqualTo(3L);
        assertThat(db.scalar("select count(distinct tx_id) from sor.events where tenant_id = 'acme' and stream like 'task-%'")).isEqualTo(1L);
        assertThat(db.scalar("select count(*) from sor_api.verify_events('acme') where stream like 'task-%'")).isEqualTo(0L);
        assertThat(db.scalar("select count(*) from sor.streams h join sor.events e on e.tenant_id = h.tenant_id and e.stream = h.stream"
                + " and e.version = h.version and e.hash = h.last_hash where h.tenant_id = 'acme' and h.stream like 'task-%'")).isEqualTo(3L);
    }
    @Test
    void theKitsSerializedStreamsGetTheirHeadAtTheirFirstLinkWithoutAClaim() throws Exception {
        db.exec("select sor_api.create_queue('heads-q', 'heads made by the chain', 3, '1 second', '1 minute')");
        try (Connection c = globexWorker.connect()) {
            Sql.run(c, "select count(*) from sor_api.enqueue_tasks('globex', 'heads-q', ?::jsonb)",
                    "[{\"subject\": \"a\"}, {\"subject\": \"b\"}, {\"subject\": \"c\"}]");
            List<List<Object>> claimed = Sql.rows(c,
                    "select task_id, fencing_token from sor_api.claim_tasks('heads-q', 3, interval '5 minutes') order by task_id");
            assertThat(claimed).hasSize(3);
            // the first fails (its stream starts at version 1), the second is completed alone, the
            // third in a batch: each stream's head is made at its first link, by the chain trigger
            Sql.run(c, "select * from sor_api.fail_task(?, ?, 'boom')", claimed.get(0).get(0), claimed.get(0).get(1));
            Sql.run(c, "select sor_api.complete_task(?, ?)", claimed.get(1).get(0), claimed.get(1).get(1));
            // one row written for the new stream's head: inserted at its link, never claimed and updated
            // (the counts since the transaction began: a backend's counts of earlier transactions may
            // not be flushed yet)
            String written = "select n_tup_ins, n_tup_upd from pg_stat_xact_user_tables where schemaname = 'sor' and relname = 'streams'";
            c.setAutoCommit(false);
            List<Object> before = Sql.rows(c, written).get(0);
            Sql.run(c, "select * from sor_api.complete_tasks(jsonb_build_array(jsonb_build_object('task_id', ?::bigint, 'fencing_token', ?::bigint)))",
                    claimed.get(2).get(0), claimed.get(2).get(1));
            List<Object> after = Sql.rows(c, written).get(0);
            assertThat(List.of((Long) after.get(0) - (Long) before.get(0), (Long) after.get(1) - (Long) before.get(1)))
                    .containsExactly(1L, 0L);
            c.commit();
            c.setAutoCommit(true);
            // the failed one again: its stream has a head, which moves to version 2
            db.exec("update sor.tasks set run_after = now() where queue = 'heads-q'");
            List<List<Object>> again = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('heads-q', 3, interval '5 minutes')");
            assertThat(again).hasSize(1);
            Sql.run(c, "select sor_api.complete_task(?, ?)", again.get(0).get(0), again.get(0).get(1));
        }
        String heads = "select h.version, h.last_position = e.position and h.last_hash = e.hash from sor.streams h"
                + " join sor.events e on e.tenant_id = h.tenant_id and e.stream = h.stream and e.version = h.version"
                + " join sor.finished_tasks t on t.tenant_id = h.tenant_id and 'task-' || t.task_id = h.stream"
                + " where t.queue = 'heads-q' order by t.task_id";
        assertThat(db.rows(heads)).containsExactly(List.of(2, true), List.of(1, true), List.of(1, true));
        assertThat(db.scalar("select count(*) from sor_api.verify_events('globex') where stream like 'task-%'")).isEqualTo(0L);
    }

    @Test
    void rowsStartingAStreamThatHasAHeadAreRefusedForTheSuperuserToo() throws Exception {
        try (Connection c = worker.connect()) {
            Events.append(c, "acme", "fork-1", "Opened", "{}");
        }
        String head = (String) db.scalar("select encode(last_hash, 'hex') from sor.streams where tenant_id = 'acme' and stream = 'fork-1'");
        // a second chain of a stream that has one: version 1, no prev_hash, the database's stamps
        assertRefusedAndNothingWritten(db, "SR011", "a second first event", () -> Sql.run(db.admin(),
                "insert into sor.events (tenant_id, position, stream, version, type, prev_hash, hash)"
                + " values ('acme', nextval('sor.events_position_seq'), 'fork-1', 1, 'Forged', null, sha256('x'))"));
        // and in a statement of several streams, one of them new: nothing of it is written
        assertRefusedAndNothingWritten(db, "SR011", "a second first event beside a new stream", () -> Sql.run(db.admin(),
                "insert into sor.events (tenant_id, position, stream, version, type, prev_hash, hash)"
                + " values ('acme', nextval('sor.events_position_seq'), 'fork-2', 1, 'Forged', null, sha256('y')),"
                + " ('acme', nextval('sor.events_position_seq'), 'fork-1', 1, 'Forged', null, sha256('x'))"));
        assertThat(db.scalar("select count(*) from sor.streams where tenant_id = 'acme' and stream = 'fork-2'")).isEqualTo(0L);
        // a new stream's first row that is not the database's (another actor) makes no head either
        assertRefusedAndNothingWritten(db, "SR011", "a forged first event", () -> Sql.run(db.admin(),
                "insert into sor.events (tenant_id, position, stream, version, type, actor, prev_hash, hash)"
                + " values ('acme', nextval('sor.events_position_seq'), 'fork-3', 1, 'Forged', 'sor_owner', null, sha256('z'))"));
        assertThat(db.scalar("select count(*) from sor.streams where tenant_id = 'acme' and stream = 'fork-3'")).isEqualTo(0L);
        assertThat(db.scalar("select encode(last_hash, 'hex') from sor.streams where tenant_id = 'acme' and stream = 'fork-1'")).isEqualTo(head);
        assertThat(db.rows(VERIFY, "fork-1")).isEmpty();
    }
}
