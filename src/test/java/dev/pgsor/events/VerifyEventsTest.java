package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * verify_events() finds the first broken link of a stream after a superuser breaks its chain:
 * a modified row, a deleted row, two swapped rows, a spliced-in forged row. Each test damages its
 * own stream; the auditor verifies.
 */
@SorTest(reconciler = true)
class VerifyEventsTest {

    static SorDatabase db;
    static Database acmeWorker;
    static Database globexWorker;
    static Database acmeUser;
    static Database auditor;

    static final String VERIFY = "select tenant_id, stream, position, version, expected_hash, found_hash, problem"
            + " from sor_api.verify_events(?, ?)";

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        acmeWorker = db.worker("expense-reconciler", "acme");
        globexWorker = db.worker("expense-reconciler", "globex");
        acmeUser = db.tenantUser("acme");
        auditor = db.auditor();
    }

    /** Five events; returns their positions, index 0 = version 1. */
    private static List<Long> stream(String stream) throws Exception {
        List<Long> positions = Events.append(acmeWorker, "acme", stream, 5);
        assertThat(Sql.rows(auditor, VERIFY, "acme", stream)).isEmpty();
        return positions;
    }

    private static String hash(String stream, int version) {
        return (String) db.scalar("select encode(hash, 'hex') from sor.events where tenant_id = 'acme' and stream = ? and version = ?",
                stream, version);
    }

    private static String prevHash(String stream, int version) {
        return (String) db.scalar("select encode(prev_hash, 'hex') from sor.events where tenant_id = 'acme' and stream = ? and version = ?",
                stream, version);
    }

    private static String recomputed(String stream, int version) {
        return (String) db.scalar("select encode(sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                + " actor, occurred_at, position), 'hex') from sor.events where tenant_id = 'acme' and stream = ? and version = ?",
                stream, version);
    }

    private static List<List<Object>> verify(String stream) {
        return Sql.rows(auditor, VERIFY, "acme", stream);
    }

    private static List<Object> row(String stream, long position, int version, String expected, String found, String problem) {
        return Arrays.asList("acme", stream, position, version, expected, found, problem);
    }

    @Test
    void intactChainsReturnNoRowsAndTheSummaryCountsThem() throws Exception {
        stream("intact-1");
        Events.append(globexWorker, "globex", "intact-1", 2);
        assertThat(Sql.rows(auditor, VERIFY, "globex", "intact-1")).isEmpty();
        assertThat(Sql.rows(auditor, "select streams, events, broken_streams, intact from sor_api.verify_events_summary('acme', 'intact-1')"))
                .containsExactly(List.of(1L, 5L, 0L, true));
        assertThat(Sql.rows(auditor, "select streams, events, broken_streams, intact from sor_api.verify_events_summary('globex', 'intact-1')"))
                .containsExactly(List.of(1L, 2L, 0L, true));
    }

    @Test
    void modifiedPayloadIsTheFirstBrokenLink() throws Exception {
        List<Long> p = stream("modified-1");
        String stored = hash("modified-1", 3);
        Tamper.events(db, "update sor.events set payload = '{\"n\": 999}' where stream = 'modified-1' and version = 3");
        assertThat(verify("modified-1")).containsExactly(
                row("modified-1", p.get(2), 3, recomputed("modified-1", 3), stored, "hash_mismatch"));
    }

    @Test
    void modifiedRowWithARecomputedHashBreaksTheNextLink() throws Exception {
        List<Long> p = stream("rehashed-1");
        String oldHash = hash("rehashed-1", 2);
        Tamper.events(db, "update sor.events set payload = '{\"n\": 999}' where stream = 'rehashed-1' and version = 2",
                "update sor.events set hash = sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                        + " actor, occurred_at, position) where stream = 'rehashed-1' and version = 2");
        assertThat(verify("rehashed-1")).containsExactly(
                row("rehashed-1", p.get(2), 3, hash("rehashed-1", 2), oldHash, "prev_hash_mismatch"));
    }

    @Test
    void deletedRowIsAVersionGap() throws Exception {
        List<Long> p = stream("deleted-1");
        String v2 = hash("deleted-1", 2);
        String v3 = hash("deleted-1", 3);
        Tamper.events(db, "delete from sor.events where stream = 'deleted-1' and version = 3");
        assertThat(verify("deleted-1")).containsExactly(row("deleted-1", p.get(3), 4, v2, v3, "version_gap"));
    }

    @Test
    void deletedFirstRowIsAVersionGap() throws Exception {
        List<Long> p = stream("deleted-2");
        String v1 = hash("deleted-2", 1);
        Tamper.events(db, "delete from sor.events where stream = 'deleted-2' and version = 1");
        assertThat(verify("deleted-2")).containsExactly(row("deleted-2", p.get(1), 2, null, v1, "version_gap"));
    }

    @Test
    void swappedContentOfTwoRowsIsFound() throws Exception {
        List<Long> p = stream("swapped-1");
        String stored = hash("swapped-1", 2);
        Tamper.events(db, """
                update sor.events e set payload = o.payload
                  from sor.events o
                 where e.stream = 'swapped-1' and o.stream = 'swapped-1' and e.tenant_id = o.tenant_id
                   and ((e.version = 2 and o.version = 3) or (e.version = 3 and o.version = 2))""");
        assertThat(verify("swapped-1")).containsExactly(
                row("swapped-1", p.get(1), 2, recomputed("swapped-1", 2), stored, "hash_mismatch"));
    }

    @Test
    void swappedPositionsAreFoundEvenWhenTheForgerRehashesTheChain() throws Exception {
        List<Long> p = stream("reordered-1");
        Tamper.events(db,
                "update sor.events set position = -1 where stream = 'reordered-1' and version = 2",
                "update sor.events set position = " + p.get(1) + " where stream = 'reordered-1' and version = 3",
                "update sor.events set position = " + p.get(2) + " where stream = 'reordered-1' and version = 2",
                Tamper.rehash("acme", "reordered-1", 2));
        assertThat(recomputed("reordered-1", 3)).isEqualTo(hash("reordered-1", 3));
        assertThat(verify("reordered-1")).containsExactly(
                row("reordered-1", p.get(1), 3, hash("reordered-1", 2), prevHash("reordered-1", 3), "out_of_order"));
    }

    @Test
    void swappedVersionsAreFound() throws Exception {
        List<Long> p = stream("reordered-2");
        String v1 = hash("reordered-2", 1);
        String v2 = hash("reordered-2", 2);
        Tamper.events(db,
                "update sor.events set version = 100 where stream = 'reordered-2' and version = 2",
                "update sor.events set version = 2 where stream = 'reordered-2' and version = 3",
                "update sor.events set version = 3 where stream = 'reordered-2' and version = 100");
        assertThat(verify("reordered-2")).containsExactly(row("reordered-2", p.get(2), 2, v1, v2, "prev_hash_mismatch"));
    }

    @Test
    void splicedInForgedRowIsFound() throws Exception {
        List<Long> p = stream("spliced-1");
        String v2 = hash("spliced-1", 2);
        Tamper.events(db,
                "update sor.events set version = version + 1000 where stream = 'spliced-1' and version >= 3",
                "update sor.events set version = version - 999 where stream = 'spliced-1' and version > 1000",
                "with v as (select nextval('sor.events_position_seq') as pos, now() as at)"
                        + " insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, actor, occurred_at, tx_id, prev_hash, hash)"
                        + " select 'acme', v.pos, 'spliced-1', 3, 'Refunded', '{\"amount\": 500}', '{}', 'wacme', v.at, pg_current_xact_id(),"
                        + " '\\x" + v2 + "'::bytea, sor_guard.event_hash('\\x" + v2 + "'::bytea, 'acme', 'spliced-1', 3, 'Refunded',"
                        + " '{\"amount\": 500}', '{}', 'wacme', v.at, v.pos) from v");
        String forged = hash("spliced-1", 3);
        assertThat(recomputed("spliced-1", 3)).isEqualTo(forged);
        assertThat(verify("spliced-1")).containsExactly(row("spliced-1", p.get(2), 4, forged, v2, "out_of_order"));
    }

    @Test
    void naiveSpliceWithAForgedHashIsFoundAtTheForgedRow() throws Exception {
        stream("spliced-2");
        String v5 = hash("spliced-2", 5);
        Tamper.events(db,
                "insert into sor.events (tenant_id, position, stream, version, type, payload, prev_hash, hash)"
                        + " values ('acme', nextval('sor.events_position_seq'), 'spliced-2', 6, 'Refunded', '{\"amount\": 500}',"
                        + " '\\x" + v5 + "'::bytea, sha256('forged'))");
        long forgedPosition = (Long) db.scalar("select position from sor.events where stream = 'spliced-2' and version = 6");
        assertThat(verify("spliced-2")).containsExactly(row("spliced-2", forgedPosition, 6,
                recomputed("spliced-2", 6), hash("spliced-2", 6), "hash_mismatch"));
    }

    @Test
    void everyScopeReportsTheBrokenStream() throws Exception {
        List<Long> p = stream("scoped-1");
        Events.append(globexWorker, "globex", "scoped-1", 2);
        Tamper.events(db, "update sor.events set type = 'Forged' where tenant_id = 'acme' and stream = 'scoped-1' and version = 1");
        List<Object> expected = row("scoped-1", p.get(0), 1, recomputed("scoped-1", 1), hash("scoped-1", 1), "hash_mismatch");
        assertThat(Sql.rows(auditor, VERIFY, "acme", null)).contains(expected);
        assertThat(Sql.rows(auditor, VERIFY, null, null)).contains(expected)
                .noneMatch(r -> r.get(0).equals("globex"));
        assertThat(Sql.rows(auditor, VERIFY, "globex", "scoped-1")).isEmpty();
        assertThat(Sql.rows(auditor, "select broken_streams > 0, intact from sor_api.verify_events_summary('acme', 'scoped-1')"))
                .containsExactly(List.of(true, false));
    }

    @Test
    void badScopesAreRefused() {
        assertRefused("SR011", () -> Sql.run(auditor, "select * from sor_api.verify_events(null, 'expense-1')"));
        assertRefused("SR002", () -> Sql.run(auditor, "select * from sor_api.verify_events('initech')"));
        assertRefused("SR015", () -> Sql.run(auditor, "select * from sor_api.verify_events('acme', 'never-1')"));
        assertRefused("SR015", () -> Sql.run(auditor, "select * from sor_api.verify_events_summary('acme', 'never-1')"));
    }

    @Test
    void onlyAuditorsVerify_42501() {
        for (var role : List.of(acmeWorker, acmeUser)) {
            assertRefused("42501", () -> Sql.run(role, "select * from sor_api.verify_events()"));
            assertRefused("42501", () -> Sql.run(role, "select * from sor_api.verify_events_summary()"));
        }
    }
}
