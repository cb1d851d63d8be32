package dev.pgsor.forensics;

import static dev.pgsor.support.CertifyChecks.assertFails;
import static dev.pgsor.support.CertifyChecks.failingAfterGuardOff;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.db.Certification;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The capstone certify() checks pass on a migrated database and each fails when its rule is broken. */
@SorTest(reconciler = true)
class CapstoneCertifyTest {

    static final String LOGGED = "kit tables are LOGGED (not UNLOGGED or temporary)";
    static final String SYNC = "synchronous_commit is not off for the database or a kit role";
    static final String PKEY = "kit tables have a primary key";
    static final String TENANT_KEYS = "tenant tables lead every primary and unique key with tenant_id";
    static final String EVENTS = "runs, tasks and outbox rows have the events of their state";
    static final String DEDUPE = "dedupe and idempotency keys are unique per tenant";
    static final String READERS = "forensic readers exist, decide access themselves and are granted to sor_auditor and sor_tenant";

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    @Test
    void aMigratedDatabaseIsCertifiedOnAllSixProperties() throws Exception {
        try (SorDatabase db = suite.fresh(); Connection c = db.admin().connect()) {
            List<Check> rows = Certification.run(c);
            assertThat(rows).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertThat(rows).extracting(Check::property).containsOnly("durable", "addressable", "governed", "replayable",
                    "inspectable", "policy-bound");
            assertThat(rows).extracting(Check::property).contains("durable", "addressable", "governed", "replayable",
                    "inspectable", "policy-bound");
            assertThat(rows).extracting(Check::check).contains(LOGGED, SYNC, PKEY, TENANT_KEYS, EVENTS, READERS, DEDUPE);
            assertThat(rows).filteredOn(r -> r.check().equals(SYNC)).singleElement()
                    .satisfies(r -> assertThat(r.detail()).containsPattern("^synchronous_commit (on|off|local|remote_write|remote_apply); fsync (on|off)"));
        }
    }

    @Test
    void anUnloggedKitTableFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "set role sor_owner; create unlogged table sor.scratch (tenant_id text, id integer,"
                + " primary key (tenant_id, id)); reset role"), "durable", LOGGED, "sor.scratch");
        assertFails(failingAfterGuardOff(suite, "alter table sor.idempotency_keys set unlogged"), "durable", LOGGED, "sor.idempotency_keys");
    }

    @Test
    void synchronousCommitOffForTheDatabaseOrAKitRoleFails() throws Exception {
        assertThat(failingAfterGuardOff(suite, db -> new String[] {"alter database " + db.name() + " set synchronous_commit = off"}))
                .anySatisfy(r -> {
                    assertThat(r.check()).isEqualTo(SYNC);
                    assertThat(r.detail()).startsWith("synchronous_commit off (off for every role in ");
                });
        List<Check> failing = failingAfterGuardOff(suite, db -> new String[] {
            "alter role sor_worker in database " + db.name() + " set synchronous_commit = off"});
        assertThat(failing).anySatisfy(r -> {
            assertThat(r.check()).isEqualTo(SYNC);
            assertThat(r.ok()).isFalse();
            assertThat(r.detail()).contains("off for sor_worker in ");
        });
    }

    @Test
    void aKitTableWithoutAPrimaryKeyFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "set role sor_owner; create table sor.scratch (note text); reset role"),
                "addressable", PKEY, "sor.scratch");
    }

    @Test
    void aTenantKeyNotLedByTenantIdFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "set role sor_owner; create unique index tasks_subject_idx on sor.tasks (subject, tenant_id); reset role"),
                "addressable", TENANT_KEYS, "sor.tasks tasks_subject_idx");
        assertFails(failingAfterGuardOff(suite, "set role sor_owner; create table sor.scratch (tenant_id text, id integer, primary key (id)); reset role"),
                "addressable", TENANT_KEYS, "sor.scratch scratch_pkey");
    }

    @Test
    void rowsWithoutTheirEventsFail() throws Exception {
        assertFails(failingAfterGuardOff(suite, "select sor_api.add_tenant('acme', 'Acme')",
                "alter table sor.runs disable trigger runs_events;"
                        + " insert into sor.runs (tenant_id, workflow, input_sha256, worker_role, worker_kind, lease_seconds, lease_expires_at)"
                        + " values ('acme', 'reconcile', sha256(''::bytea), 'w', 'k', 60, now() + interval '1 minute')"),
                "replayable", EVENTS, "sor.runs");
        // a finished task without its outcome (a claim has no event of its own: its outcome records it)
        assertFails(failingAfterGuardOff(suite, "select sor_api.add_tenant('acme', 'Acme')",
                "alter table sor.finished_tasks disable trigger finished_tasks_events_insert;"
                        + " insert into sor.finished_tasks (tenant_id, task_id, queue, subject, payload, priority, attempts, max_attempts,"
                        + " status, created_at, created_by, finished_at) values ('acme', 99, 'bank-rows', 'row', '{}', 0, 1, 5,"
                        + " 'completed', now(), 'w', now())"),
                "replayable", EVENTS, "sor.finished_tasks");
        assertFails(failingAfterGuardOff(suite, "select sor_api.add_tenant('acme', 'Acme')",
                "alter table sor.outbox disable trigger outbox_events_update;"
                        + " select sor.enqueue_outbox('acme', 'email.send', 'expense', 'e-1', '{}', '{}', 'e-1');"
                        + " update sor.outbox set status = 'dispatched', dispatched_at = now()"),
                "replayable", EVENTS, "sor.outbox");
    }

    @Test
    void aForensicReaderRevokedOrMadeInvokerFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "revoke execute on function sor_api.run_report(uuid) from sor_auditor"),
                "inspectable", READERS, "sor_api.run_report(pg_catalog.uuid)");
        assertFails(failingAfterGuardOff(suite, "alter function sor_api.what_happened(timestamptz, timestamptz, text) security invoker"),
                "inspectable", READERS, "sor_api.what_happened(timestamp with time zone,timestamp with time zone,pg_catalog.text)");
        assertFails(failingAfterGuardOff(suite, "revoke execute on function sor_api.run_timeline(uuid) from sor_tenant"),
                "inspectable", READERS, "sor_api.run_timeline(pg_catalog.uuid)");
    }

    @Test
    void aDedupeKeyThatIsNoLongerUniqueFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "alter table sor.dedupe_keys drop constraint dedupe_keys_pkey"),
                "policy-bound", DEDUPE, "constraint dedupe_keys_pkey on sor.dedupe_keys");
        assertFails(failingAfterGuardOff(suite, "alter table sor.dedupe_keys drop constraint dedupe_keys_pkey",
                "set role sor_owner; create unique index dedupe_keys_pkey on sor.dedupe_keys (tenant_id, scope, dedupe_key)"
                        + " where scope <> 'outbox'; reset role"),
                "policy-bound", DEDUPE, "constraint dedupe_keys_pkey on sor.dedupe_keys");
    }
}
