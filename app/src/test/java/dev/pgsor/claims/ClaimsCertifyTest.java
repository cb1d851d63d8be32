package dev.pgsor.claims;

import static dev.pgsor.support.CertifyChecks.assertFails;
import static dev.pgsor.support.CertifyChecks.failingAfter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.db.Certification;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every claims and outbox check of certify() passes on a migrated database and fails when its rule is broken. */
@SorTest(reconciler = true)
class ClaimsCertifyTest {

    static final String FILLFACTOR = "queue tables have fillfactor below 100";
    static final String READY_INDEX = "queue tables have a partial index on ready rows";
    static final String TRIGGERS = "task and outbox status changes are written by ENABLE ALWAYS triggers";
    static final String DISPATCHER = "sor_dispatcher executes only lease_outbox, mark_dispatched and mark_failed";
    static final String PUBLICATION = "the outbox is published for CDC where wal_level is logical";

    static SorDatabase db;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
    }

    @Test
    void migratedDatabasePassesEveryClaimsCheck() throws Exception {
        try (Connection c = db.admin().connect()) {
            List<Check> rows = Certification.run(c);
            assertThat(rows).extracting(Check::check).contains(FILLFACTOR, READY_INDEX, TRIGGERS, DISPATCHER, PUBLICATION);
            assertThat(rows).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            String expected = "logical".equals(db.scalar("select current_setting('wal_level')"))
                    ? "columns " : "not applicable: wal_level is ";
            assertThat(rows).filteredOn(r -> r.check().equals(PUBLICATION)).extracting(Check::detail)
                    .allSatisfy(d -> assertThat(d).startsWith(expected));
        }
    }

    @Test
    void queueTableAtFullFillfactorFails() throws Exception {
        assertFails(failingAfter(db, "alter table sor.tasks set (fillfactor = 100)"), FILLFACTOR, "sor.tasks");
        assertFails(failingAfter(db, "alter table sor.outbox reset (fillfactor)"), FILLFACTOR, "sor.outbox");
    }

    @Test
    void missingOrNonPartialReadyIndexFails() throws Exception {
        assertFails(failingAfter(db, "drop index sor.tasks_ready_idx"), READY_INDEX, "sor.tasks tasks_ready_idx");
        assertFails(failingAfter(db, "drop index sor.outbox_ready_idx",
                "set role sor_owner; create index outbox_ready_idx on sor.outbox (available_at); reset role;"),
                READY_INDEX, "sor.outbox outbox_ready_idx");
    }

    @Test
    void silencedStatusChangeTriggerFails() throws Exception {
        assertFails(failingAfter(db, "alter table sor.tasks disable trigger tasks_events_update"), TRIGGERS, "sor.tasks tasks_events_update");
        assertFails(failingAfter(db, "alter table sor.outbox enable trigger outbox_events_insert"), TRIGGERS, "sor.outbox outbox_events_insert");
        assertFails(failingAfter(db, "alter table sor.outbox enable replica trigger outbox_notify_update"), TRIGGERS, "sor.outbox outbox_notify_update");
        assertFails(failingAfter(db, "set role sor_owner; create or replace trigger tasks_events_insert after insert on sor.tasks"
                + " referencing new table as new_rows for each statement execute function sor.tg_outbox__notify_insert();"
                + " alter table sor.tasks enable always trigger tasks_events_insert; reset role;"), TRIGGERS, "sor.tasks tasks_events_insert");
    }

    @Test
    void dispatcherWithAnExtraOrAMissingFunctionFails() throws Exception {
        assertFails(failingAfter(db, "grant execute on function sor_api.claim_tasks(text, integer, interval) to sor_dispatcher"),
                DISPATCHER, "sor_api.claim_tasks(text,integer,interval)");
        assertFails(failingAfter(db, "revoke execute on function sor_api.mark_failed(bigint, bigint, text) from sor_dispatcher"),
                DISPATCHER, "sor_api.mark_failed(bigint,bigint,text)");
    }

    @Test
    void missingOrNarrowedPublicationFails() throws Exception {
        Assumptions.assumeTrue("logical".equals(db.scalar("select current_setting('wal_level')")),
                "the publication exists only where wal_level is logical");
        assertFails(failingAfter(db, "drop publication sor_outbox_cdc"), PUBLICATION, "publication sor_outbox_cdc");
        assertFails(failingAfter(db, "alter publication sor_outbox_cdc set table sor.outbox (tenant_id, outbox_id, event_id)"),
                PUBLICATION, "publication sor_outbox_cdc");
    }
}
