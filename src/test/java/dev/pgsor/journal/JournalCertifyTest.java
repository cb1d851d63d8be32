package dev.pgsor.journal;

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

/** The journal's certify() checks pass on a migrated database and each fails when its rule is broken. */
@SorTest
class JournalCertifyTest {

    static final String TRIGGERS = "state transitions write their events from ENABLE ALWAYS triggers";
    static final String ONE_BLOCK = "dedupe and idempotency keys are unique per tenant";
    static final String HASH_ONLY = "hash-only runs hold no content";
    static final String RLS = "tenant tables have row level security enabled and forced";
    static final String REGISTER = "the live catalog matches the register of protected objects";
    static final String DIVERGE = "run versions agree with their committed steps and events";

    /** A hash-only run inserted by the superuser, bypassing the functions. */
    static final String HASH_ONLY_RUN = "select sor_api.add_tenant('acme', 'Acme');"
            + " insert into sor.runs (tenant_id, workflow, input_sha256, worker_role, worker_kind, lease_seconds, lease_expires_at, hash_only)"
            + " values ('acme', 'reconcile', sha256(''::bytea), 'w', 'k', 60, now() + interval '1 minute', true)";

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    @Test
    void aMigratedDatabaseWithAJournalIsCertified() throws Exception {
        try (SorDatabase db = suite.fresh(); Connection c = db.admin().connect()) {
            List<Check> rows = Certification.run(c);
            assertThat(rows).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertThat(rows).extracting(Check::check).contains(TRIGGERS, ONE_BLOCK, HASH_ONLY, RLS, REGISTER, DIVERGE);
        }
        assertThat(failingAfterGuardOff(suite, HASH_ONLY_RUN)).isEmpty();
    }

    @Test
    void aDisabledOrReplicaOnlyTransitionTriggerFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "alter table sor.runs disable trigger runs_events"), TRIGGERS, "runs_events on sor.runs");
        assertFails(failingAfterGuardOff(suite, "alter table sor.blocks enable replica trigger blocks_events"), TRIGGERS, "blocks_events on sor.blocks");
        assertFails(failingAfterGuardOff(suite, "alter table sor.blocks enable trigger blocks_events"), TRIGGERS, "blocks_events on sor.blocks");
    }

    @Test
    void aMissingOrNonUniqueActiveBlockIndexFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "drop index sor.blocks_one_active_idx"), ONE_BLOCK, "index sor.blocks_one_active_idx");
        assertFails(failingAfterGuardOff(suite, "drop index sor.blocks_one_active_idx",
                "set role sor_owner; create index blocks_one_active_idx on sor.blocks (tenant_id, run_id) where status = 'active'; reset role;"),
                ONE_BLOCK, "index sor.blocks_one_active_idx");
    }

    @Test
    void contentInAHashOnlyRowFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, HASH_ONLY_RUN, "alter table sor.turns drop constraint turns_hash_only_check",
                "insert into sor.turns (tenant_id, run_id, turn_no, model, role, content, content_sha256, hash_only)"
                        + " select tenant_id, run_id, 1, 'm', 'user', 'leak', sha256('leak'::bytea), true from sor.runs"),
                HASH_ONLY, "sor.turns");
        assertFails(failingAfterGuardOff(suite, HASH_ONLY_RUN,
                "select sor.append_event('acme', 'run-' || run_id, 'run_failed', '{\"error\": \"leak\"}') from sor.runs"),
                HASH_ONLY, "sor.events");
        assertFails(failingAfterGuardOff(suite, HASH_ONLY_RUN, "alter table sor.runs drop constraint runs_hash_only_check",
                "update sor.runs set input = '{\"leak\": 1}'"), HASH_ONLY, "sor.runs");
        assertFails(failingAfterGuardOff(suite, HASH_ONLY_RUN, "alter table sor.tool_calls drop constraint tool_calls_hash_only_check",
                "insert into sor.tool_calls (tenant_id, run_id, tool_name, args, args_sha256, hash_only)"
                        + " select tenant_id, run_id, 't', '{\"leak\": 1}', sha256(''::bytea), true from sor.runs"),
                HASH_ONLY, "sor.tool_calls");
    }

    @Test
    void journalTablesWithoutForcedRowLevelSecurityFail() throws Exception {
        assertFails(failingAfterGuardOff(suite, "alter table sor.idempotency_keys no force row level security"), RLS, "sor.idempotency_keys");
        assertFails(failingAfterGuardOff(suite, "alter table sor.workers disable row level security"), REGISTER, "table sor.workers");
    }

    @Test
    void grantingAnInternalFunctionFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "grant execute on function sor.tool_call_begin(uuid, text, jsonb, text) to sor_worker"),
                REGISTER, "function sor.tool_call_begin(pg_catalog.uuid,pg_catalog.text,pg_catalog.jsonb,pg_catalog.text)");
        assertFails(failingAfterGuardOff(suite, "grant execute on function sor.tool_call_finish(uuid, jsonb, jsonb) to sor_admin"),
                REGISTER, "function sor.tool_call_finish(pg_catalog.uuid,pg_catalog.jsonb,pg_catalog.jsonb)");
    }

    @Test
    void aRunVersionWithoutItsStepFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, HASH_ONLY_RUN, "update sor.runs set version = 1, last_step_id = 'ghost'"), DIVERGE, "sor.runs");
    }
}
