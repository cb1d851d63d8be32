package dev.pgsor.claims;

import static dev.pgsor.support.CertifyChecks.assertFails;
import static dev.pgsor.support.CertifyChecks.failingAfter;
import static dev.pgsor.support.CertifyChecks.failingAfterGuardOff;
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

/**
 * Every claims and outbox check of certify() passes on a migrated database and fails when its rule
 * is broken; what the drop guard protects (the status-change triggers, the dispatcher's grants) is
 * broken past the paused guard and read back from the register check.
 */
@SorTest
class ClaimsCertifyTest {

    static final String FILLFACTOR = "queue tables have fillfactor below 100";
    static final String CLAIM_INDEX = "queue tables have a partial index on the rows a claim reads";
    static final String TRIGGERS = "state transitions write their events from ENABLE ALWAYS triggers";
    static final String REGISTER = "the live catalog matches the register of protected objects";
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
            assertThat(rows).extracting(Check::check).contains(FILLFACTOR, CLAIM_INDEX, TRIGGERS, REGISTER, PUBLICATION);
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
        // the outbox is partitioned: each partition keeps its own fillfactor
        assertFails(failingAfter(db, "alter table sor.outbox_default reset (fillfactor)"), FILLFACTOR, "sor.outbox_default");
    }

    @Test
    void missingOrNonPartialClaimIndexFails() throws Exception {
        assertFails(failingAfter(db, "drop index sor.tasks_ready_idx", "drop index sor.tasks_claimed_idx"),
                CLAIM_INDEX, "sor.tasks");
        assertFails(failingAfter(db, "drop index sor.outbox_due_idx",
                "set role sor_owner; create index outbox_ready_idx on sor.outbox (available_at); reset role;"),
                CLAIM_INDEX, "sor.outbox");
    }

    @Test
    void silencedStatusChangeTriggerFails() throws Exception {
        List<Check> disabled = failingAfterGuardOff(db, "alter table sor.tasks disable trigger tasks_events_update");
        assertFails(disabled, TRIGGERS, "tasks_events_update on sor.tasks");
        assertFails(disabled, REGISTER, "trigger tasks_events_update on sor.tasks");
        assertFails(failingAfterGuardOff(db, "alter table sor.outbox enable trigger outbox_events_update"),
                TRIGGERS, "outbox_events_update on sor.outbox");
        assertFails(failingAfterGuardOff(db, "alter table sor.outbox enable replica trigger outbox_notify_update"),
                REGISTER, "trigger outbox_notify_update on sor.outbox");
        assertFails(failingAfterGuardOff(db, "set role sor_owner; create or replace trigger tasks_events_extra after insert on sor.tasks"
                + " referencing new table as new_rows for each statement execute function sor.tg_outbox__notify_insert();"
                + " alter table sor.tasks enable always trigger tasks_events_extra; reset role;"),
                REGISTER, "trigger tasks_events_extra on sor.tasks");
    }

    @Test
    void aDispatcherGrantWidenedOrNarrowedPastTheGuardFails() throws Exception {
        assertFails(failingAfterGuardOff(db, "grant execute on function sor_api.claim_tasks(text, integer, interval) to sor_dispatcher"),
                REGISTER, "function sor_api.claim_tasks(pg_catalog.text,integer,interval)");
        assertFails(failingAfterGuardOff(db, "revoke execute on function sor_api.mark_failed(bigint, bigint, text) from sor_dispatcher"),
                REGISTER, "function sor_api.mark_failed(bigint,bigint,pg_catalog.text)");
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
