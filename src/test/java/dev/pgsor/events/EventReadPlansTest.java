package dev.pgsor.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's readers (tenant_events_since, read_subscription, subscribe from now, and events_since
 * read by a member, which walks each of its tenants in (tenant_id, tx_id, position)) read the
 * tenant's events after (or before) their position by the primary key (tenant_id, position,
 * occurred_at), never by walking the positions of every tenant nor by sorting all the tenant's
 * events: the index that repeated the key's leading columns is gone (V108), and each event written
 * pays for one index fewer. What a read fetched is counted in its transaction's own statistics
 * (pg_stat_xact_user_tables, summed over sor.events and its partitions, events_p<month> and
 * events_default).
 */
@SorTest
class EventReadPlansTest {

    static SorDatabase db;
    static Database acme;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenants("acme", "globex");
        acme = db.worker("projector", "acme");
        Database globex = db.worker("projector", "globex");
        // 6,000 events of globex around 3,000 of acme's
        try (Connection g = globex.connect(); Connection a = acme.connect()) {
            for (int b = 0; b < 3; b++) {
                Sql.run(g, "select count(*) from sor_api.append_events('globex', (select jsonb_agg(jsonb_build_object("
                        + "'stream', 'ledger-' || (i % 50), 'type', 'Noted')) from generate_series(1, 2000) i))");
                Sql.run(a, "select count(*) from sor_api.append_events('acme', (select jsonb_agg(jsonb_build_object("
                        + "'stream', 'book-' || (i % 50), 'type', 'Noted')) from generate_series(1, 1000) i))");
            }
        }
        db.exec("analyze sor.events");
    }

    /** This transaction's reads of sor.events so far, over its partitions: rows read by sequential scans (of the empty partitions
     * ahead, if any: none), rows fetched by index. */
    static long[] reads(Connection c) throws Exception {
        List<Object> r = Sql.rows(c, "select coalesce(sum(seq_tup_read), 0)::bigint, coalesce(sum(idx_tup_fetch), 0)::bigint"
                + " from pg_stat_xact_user_tables where schemaname = 'sor' and relname ~ '^events(_p[0-9]+|_default)?$'").get(0);
        return new long[] {((Number) r.get(0)).longValue(), ((Number) r.get(1)).longValue()};
    }

    @Test
    void theRedundantIndexIsGoneAndTheKeyRemains() {
        assertThat(db.count("select count(*) from pg_indexes where schemaname = 'sor' and indexname = 'events_tenant_position_idx'"))
                .isZero();
        assertThat(db.rows("select indexdef from pg_indexes where schemaname = 'sor' and indexname = 'events_pkey'"))
                .containsExactly(List.of("CREATE UNIQUE INDEX events_pkey ON ONLY sor.events USING btree (tenant_id, \"position\", occurred_at)"));
    }

    @Test
    void aTenantsReadersFetchItsEventsAfterTheirPositionOnlyNotTheOtherTenantsBefore() throws Exception {
        // from the start: the first 2,000 positions are globex's
        long from = 0;
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'books')");
        try (Connection c = acme.connect()) {
            c.setAutoCommit(false);
            long[] before = reads(c);
            List<List<Object>> page = Sql.rows(c, "select position, stream from sor_api.tenant_events_since('acme', ?, 100)", from);
            long[] after = reads(c);
            assertThat(page).hasSize(100).allSatisfy(r -> assertThat((String) r.get(1)).startsWith("book-"));
            assertThat(((Number) page.get(0).get(0)).longValue()).isGreaterThan(from);
            assertThat(after[0] - before[0]).as("events read by sequential scans").isZero();
            assertThat(after[1] - before[1]).as("events fetched by index").isBetween(100L, 400L);
            before = after;
            assertThat(Sql.rows(c, "select position from sor_api.read_subscription('acme', 'books', 100)")).hasSize(100);
            after = reads(c);
            assertThat(after[0] - before[0]).as("events read by sequential scans by read_subscription").isZero();
            assertThat(after[1] - before[1]).as("events fetched by read_subscription").isBetween(100L, 400L);
            c.commit();
        }
    }

    @Test
    void aSubscriptionFromNowFindsTheTenantsLastEventWithoutWalkingBackTheOthers() throws Exception {
        // 2,000 of globex's events after acme's last
        try (Connection g = db.worker("projector", "globex").connect()) {
            Sql.run(g, "select count(*) from sor_api.append_events('globex', (select jsonb_agg(jsonb_build_object("
                    + "'stream', 'ledger-' || (i % 50), 'type', 'Noted')) from generate_series(1, 2000) i))");
        }
        long last = ((Number) db.scalar("select max(position) from sor.events where tenant_id = 'acme'")).longValue();
        try (Connection c = acme.connect()) {
            c.setAutoCommit(false);
            long[] before = reads(c);
            assertThat(Sql.rows(c, "select last_position from sor_api.subscribe('acme', 'from-now', null, false)"))
                    .containsExactly(List.of(last));
            long[] after = reads(c);
            c.commit();
            assertThat(after[0] - before[0]).as("events read by sequential scans").isZero();
            assertThat(after[1] - before[1]).as("events fetched by index").isBetween(1L, 10L);
        }
    }
    @Test
    void aMembersReadOfTheLogFetchesItsTenantsEventsOnlyCallAfterCall() throws Exception {
        try (Connection c = acme.connect()) {
            c.setAutoCommit(false);
            // past the calls a cached plan is planned for its values: the plan kept after them too
            for (int call = 1; call <= 8; call++) {
                long[] before = reads(c);
                List<List<Object>> page = Sql.rows(c, "select position, tenant_id from sor_api.events_since(0, 100)");
                long[] after = reads(c);
                assertThat(page).as("call %d", call).hasSize(100).allSatisfy(r -> assertThat(r.get(1)).isEqualTo("acme"));
                assertThat(after[0] - before[0]).as("call %d: events read by sequential scans", call).isZero();
                assertThat(after[1] - before[1]).as("call %d: events fetched by index", call).isBetween(100L, 400L);
            }
            c.commit();
        }
    }
    @Test
    void aMemberOfTwoTenantsPagesThroughBothInTheLogsOrderSkippingNone() throws Exception {
        pagesThroughEveryEventOf(db.worker("projector", "acme", "globex"), "'acme', 'globex'");
    }

    @Test
    void aMemberOfFiveTenantsPagesThroughThemAllInTheLogsOrderSkippingNone() throws Exception {
        db.addTenants("initech", "umbrella", "hooli");
        Database three = db.worker("projector", "initech", "umbrella", "hooli");
        try (Connection c = three.connect()) {
            for (String t : List.of("initech", "umbrella", "hooli")) {
                Sql.run(c, "select count(*) from sor_api.append_events(?, (select jsonb_agg(jsonb_build_object("
                        + "'stream', 'note-' || (i % 7), 'type', 'Noted')) from generate_series(1, 300) i))", t);
            }
        }
        pagesThroughEveryEventOf(db.worker("projector", "acme", "globex", "initech", "umbrella", "hooli"),
                "'acme', 'globex', 'initech', 'umbrella', 'hooli'");
    }

    static void pagesThroughEveryEventOf(Database member, String tenants) throws Exception {
        List<List<Object>> expected = db.rows("select position from sor.events where tenant_id in (" + tenants + ")"
                + " and tx_id < pg_snapshot_xmin(pg_current_snapshot()) order by tx_id, position");
        List<Object> read = new java.util.ArrayList<>();
        try (Connection c = member.connect()) {
            long after = 0;
            for (int page = 0; page < 200; page++) {
                List<List<Object>> rows = Sql.rows(c, "select position from sor_api.events_since(?, 700)", after);
                if (rows.isEmpty()) {
                    break;
                }
                rows.forEach(r -> read.add(r.get(0)));
                after = ((Number) rows.get(rows.size() - 1).get(0)).longValue();
            }
        }
        assertThat(read).as("every event of both tenants, once, in (tx_id, position) order")
                .containsExactlyElementsOf(expected.stream().map(r -> r.get(0)).toList());
    }
}
