package dev.pgsor.reconciler;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.demo.ReconcilerDemo;
import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's night as a suite: exact counts, tenant isolation, replay from events, the reports. */
@SorTest(reconciler = true)
class ReconcilerScenarioTest {

    static SorDatabase db;
    static ReconcilerDemo.Outcome outcome;
    static String printed;

    @BeforeAll
    static void runTheNight(SorDatabase database) throws Exception {
        db = database;
        db.ownRoles("demo_reconciler_1", "demo_reconciler_2", "demo_reconciler_3", "demo_dispatcher", "demo_auditor",
                "demo_alice_app");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        outcome = new ReconcilerDemo(db.admin(), new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
        printed = buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyBankRowHasExactlyOneExpenseAndOneEmail() {
        int rows = ReconcilerDemo.TENANTS.size() * ReconcilerDemo.ROWS_PER_TENANT;
        assertThat(outcome.pendingRows()).isEqualTo(rows);
        assertThat(outcome.expenses()).isEqualTo(rows);
        assertThat(outcome.outboxRows()).isEqualTo(rows);
        assertThat(outcome.dispatched()).isEqualTo(rows);
        assertThat(outcome.emailsSent()).isEqualTo(rows);
        assertThat(outcome.providerRequests()).isEqualTo(rows);
        assertThat(db.count("select count(*) from reconciler.pending_transactions where status <> 'reconciled'")).isZero();
        assertThat(db.count("select count(*) from sor.finished_tasks where queue = 'reconcile' and status = 'completed'")).isEqualTo(rows);
        assertThat(db.count("select count(*) from sor.outbox where status = 'dispatched' and provider_ref is not null")).isEqualTo(rows);
    }

    @Test
    void theDuplicateInvocationChangedNothing() {
        assertThat(outcome.duplicateNewExpenses()).isZero();
        assertThat(db.count("select count(*) from (select tenant_id, bank_txn_id from reconciler.expenses"
                + " group by 1, 2 having count(*) > 1) d")).isZero();
        assertThat(printed).contains("new expenses, 0 new emails queued");
    }

    @Test
    void theCrashedRunIsAbandonedWithItsUnfinishedToolCallVisible() {
        assertThat(outcome.crashedRunStatus()).isEqualTo("abandoned");
        assertThat(outcome.unfinishedToolCallsOfCrashedRun()).isOne();
        assertThat(Sql.rows(db.admin(), "select tool_name, args ->> 'bank_txn_id' is not null from sor.tool_calls where run_id = ? and status = 'started'",
                outcome.crashedRun())).containsExactly(List.of("ask_model", true));
        assertThat(db.count("select count(*) from sor.events where type = 'task.lease_expired'")).isPositive();
    }

    @Test
    void certifyPassesAndTheChainsVerify() {
        assertThat(outcome.failingChecks()).isZero();
        assertThat(outcome.eventsVerify()).isTrue();
    }

    @Test
    void aliceSeesOnlyAlicesRowsEvenInAJoinThatWouldMixTenants() {
        assertThat(outcome.aliceView()).hasSize(ReconcilerDemo.ROWS_PER_TENANT)
                .allSatisfy(r -> assertThat(r.get(0)).isEqualTo("Alice"))
                .allSatisfy(r -> assertThat(r.get(1)).startsWith("ALICE-"));
    }

    @Test
    void aSecondCustomersJoinReturnsOnlyTheCallersRows() throws Exception {
        Database bob = db.tenantUser("bob");
        String join = "select distinct t.tenant_id, e.tenant_id from reconciler.expenses e"
                + " join reconciler.pending_transactions p on p.bank_txn_id = e.bank_txn_id"
                + " join sor_api.tenants t on true";
        assertThat(Sql.rows(bob, join)).containsExactly(List.of("bob", "bob"));
        assertRefused("42501", () -> Sql.run(bob, "select * from reconciler.category_rules"));
        Database stranger = db.tenantUser();
        assertThat(Sql.rows(stranger, "select * from reconciler.expenses")).isEmpty();
    }

    @Test
    void replayingTheEventsAloneReproducesTheExpenseRows() {
        String fromEvents = "select tenant_id, payload ->> 'bank_txn_id', payload ->> 'account_holder', payload ->> 'category_id',"
                + " (payload ->> 'amount')::numeric(12,2), payload ->> 'currency', (payload ->> 'booked_on')::date,"
                + " payload ->> 'description', (metadata ->> 'run_id')::uuid"
                + " from sor.events where type = 'ExpenseRecorded' order by 1, 2";
        String fromTable = "select tenant_id, bank_txn_id, account_holder, category_id, amount, currency::text, booked_on,"
                + " description, run_id from reconciler.expenses order by 1, 2";
        List<List<Object>> replayed = Sql.rows(db.admin(), fromEvents);
        assertThat(replayed).hasSize(outcome.expenses()).isEqualTo(Sql.rows(db.admin(), fromTable));
    }

    @Test
    void workersCannotTouchTheDomainTablesOrIngest() {
        Database w = db.worker("expense-reconciler", "alice");
        for (String sql : List.of("select * from reconciler.expenses", "insert into reconciler.expenses default values",
                "select reconciler.ingest_bank_rows('alice', '[]')", "select reconciler.tool_record_expense('{}', '{}')")) {
            assertRefused("42501", sql, () -> Sql.run(w, sql));
        }
    }

    @Test
    void badBankRowsAreRefusedAndLoadNothing() {
        long before = db.count("select count(*) from reconciler.pending_transactions");
        for (String rows : List.of("{}", "[{\"bank_txn_id\": \"X-1\"}]",
                "[{\"bank_txn_id\": \"X-2\", \"account_holder\": \"A\", \"holder_email\": \"a@b\", \"booked_on\": \"not a date\","
                        + " \"description\": \"d\", \"amount\": 1, \"currency\": \"EUR\"}]",
                "[{\"bank_txn_id\": \"X-3\", \"account_holder\": \"A\", \"holder_email\": \"a@b\", \"booked_on\": \"2026-11-17\","
                        + " \"description\": \"d\", \"amount\": 1, \"currency\": \"euro\"}]")) {
            assertRefused("SR100", rows, () -> Sql.run(db.admin(), "select reconciler.ingest_bank_rows('alice', ?::jsonb)", rows));
        }
        assertRefused("SR002", () -> Sql.run(db.admin(), "select reconciler.ingest_bank_rows('nope', '[]')"));
        assertThat(db.count("select count(*) from reconciler.pending_transactions")).isEqualTo(before);
    }

    @Test
    void theForensicReportsReadCorrectlyFromRowsAlone() {
        String crashed = (String) db.scalar("select sor_api.run_report(?)", outcome.crashedRun());
        assertThat(crashed).contains(outcome.crashedRun().toString()).contains("abandoned")
                .contains("ask_model").contains("which expense category fits this row?").contains("alice@example.com");
        assertThat(printed).contains(crashed);
        java.util.UUID succeeded = (java.util.UUID) db.scalar("select run_id from sor.runs where status = 'succeeded'"
                + " and worker_role = 'demo_reconciler_1' order by started_at limit 1");
        String ok = (String) db.scalar("select sor_api.run_report(?)", succeeded);
        assertThat(ok).contains(succeeded.toString()).contains("succeeded").doesNotContain("abandoned");
    }
}
