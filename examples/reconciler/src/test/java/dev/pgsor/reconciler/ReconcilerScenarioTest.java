package dev.pgsor.reconciler;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.cli.CliRunner;
import dev.pgsor.cli.ExitCode;
import dev.pgsor.demo.ReconcilerDemo;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's night as a suite, on a database that already holds another tenant (globex, with
 * pending bank rows and tasks, a queued email, a run whose lease lapsed): exact counts for the
 * demo's own tenants, the other tenant's rows untouched, tenant isolation, replay from events, the
 * reports, and a second run on the same database that proves the same things about its own rows.
 */
@SorTest(reconciler = true)
class ReconcilerScenarioTest {

    /** What may change in a tenant's rows, as one digest per table. */
    static final String TENANT_DIGEST = "select t, md5(coalesce(string_agg(r, ',' order by r), '')) from ("
            + " select 'tasks' t, x::text r from sor.tasks x where tenant_id = ?"
            + " union all select 'outbox', x::text from sor.outbox x where tenant_id = ?"
            + " union all select 'runs', x::text from sor.runs x where tenant_id = ?"
            + " union all select 'tool_calls', x::text from sor.tool_calls x where tenant_id = ?"
            + " union all select 'events', x::text from sor.events x where tenant_id = ?"
            + " union all select 'pending', x::text from reconciler.pending_transactions x where tenant_id = ?"
            + " union all select 'expenses', x::text from reconciler.expenses x where tenant_id = ?) d group by t order by t";

    static SorDatabase db;
    static ReconcilerDemo.Outcome outcome;
    static String printed;
    static UUID globexRun;
    static List<List<Object>> globexBefore;

    @BeforeAll
    static void runTheNight(SorDatabase database) throws Exception {
        db = database;
        seedAnotherTenant();
        globexBefore = globexDigest();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        outcome = new ReconcilerDemo(db.admin(), new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
        printed = buffer.toString(StandardCharsets.UTF_8);
        db.ownRoles(outcome.logins().all().toArray(String[]::new));
    }

    /** Tenant globex: two pending bank rows with their tasks, one expense with its queued email, and a running run whose lease lapses. */
    static void seedAnotherTenant() throws Exception {
        db.addTenant("globex", "Globex");
        db.exec("select reconciler.setup_tenant('globex')");
        db.exec("select reconciler.ingest_bank_rows('globex', '["
                + "{\"bank_txn_id\": \"GLOBEX-1\", \"account_holder\": \"Hank\", \"holder_email\": \"hank@globex.example\","
                + " \"booked_on\": \"2026-11-16\", \"description\": \"Taxi\", \"amount\": 20, \"currency\": \"USD\"},"
                + "{\"bank_txn_id\": \"GLOBEX-2\", \"account_holder\": \"Hank\", \"holder_email\": \"hank@globex.example\","
                + " \"booked_on\": \"2026-11-16\", \"description\": \"Lunch\", \"amount\": 15, \"currency\": \"USD\"}]')");
        Database worker = db.worker("expense-reconciler", "globex");
        try (Connection c = worker.connect()) {
            globexRun = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('globex', 'nightly-reconcile', '{}', 'g-1', 1)");
            assertThat(Sql.scalar(c, "select ok from sor_api.call_tool(?, 'record_expense',"
                    + " '{\"bank_txn_id\": \"GLOBEX-1\", \"category\": \"travel\"}', 'g-k1')", globexRun)).isEqualTo(true);
        }
        for (int i = 0; i < 100 && Boolean.FALSE.equals(db.scalar(
                "select lease_expires_at <= clock_timestamp() from sor.runs where run_id = ?", globexRun)); i++) {
            Thread.sleep(50);
        }
    }

    static List<List<Object>> globexDigest() {
        String[] t = new String[7];
        Arrays.fill(t, "globex");
        return db.rows(TENANT_DIGEST, (Object[]) t);
    }

    static Object[] tenants() {
        return new Object[] {outcome.tenants().toArray(String[]::new)};
    }

    @Test
    void everyBankRowOfTheDemosTenantsHasExactlyOneExpenseAndOneEmail() {
        int rows = ReconcilerDemo.TENANTS.size() * ReconcilerDemo.ROWS_PER_TENANT;
        assertThat(outcome.proven()).isTrue();
        assertThat(outcome.pendingRows()).isEqualTo(rows);
        assertThat(outcome.expenses()).isEqualTo(rows);
        assertThat(outcome.outboxRows()).isEqualTo(rows);
        assertThat(outcome.dispatched()).isEqualTo(rows);
        assertThat(outcome.emailsSent()).isEqualTo(rows);
        assertThat(outcome.providerRequests()).isEqualTo(rows);
        assertThat(db.count("select count(*) from reconciler.pending_transactions where status <> 'reconciled' and tenant_id = any(?)", tenants())).isZero();
        assertThat(db.count("select count(*) from sor.finished_tasks where queue = 'reconcile' and status = 'completed' and tenant_id = any(?)", tenants())).isEqualTo(rows);
        assertThat(db.count("select count(*) from sor.outbox where status = 'dispatched' and provider_ref is not null and tenant_id = any(?)", tenants())).isEqualTo(rows);
    }

    @Test
    void theOtherTenantsRowsAreUntouched() {
        assertThat(globexDigest()).isEqualTo(globexBefore);
        assertThat(db.rows("select status from sor.runs where run_id = ?", globexRun)).containsExactly(List.of("running"));
        assertThat(db.rows("select status, count(*) from sor.tasks where tenant_id = 'globex' group by 1")).containsExactly(List.of("ready", 2L));
        assertThat(db.rows("select status, count(*) from sor.outbox where tenant_id = 'globex' group by 1")).containsExactly(List.of("pending", 1L));
    }

    @Test
    void eachRunHasItsOwnTenantsAndLogins() {
        String tag = outcome.tag();
        assertThat(outcome.tenants()).containsExactly("alice-" + tag, "bob-" + tag, "carol-" + tag);
        assertThat(outcome.logins().all()).containsExactly("demo_" + tag + "_reconciler_1", "demo_" + tag + "_reconciler_2",
                "demo_" + tag + "_reconciler_3", "demo_" + tag + "_dispatcher", "demo_" + tag + "_auditor", "demo_" + tag + "_alice_app");
        assertThat(db.rows("select role_name::text, array_agg(tenant_id order by tenant_id)::text from sor.tenant_members"
                + " where role_name like 'demo\\_' || ? || '\\_%' group by 1 order by 1", tag))
                .containsExactly(List.of("demo_" + tag + "_alice_app", "{alice-" + tag + "}"),
                        List.of("demo_" + tag + "_dispatcher", "{alice-" + tag + ",bob-" + tag + ",carol-" + tag + "}"),
                        List.of("demo_" + tag + "_reconciler_1", "{alice-" + tag + ",bob-" + tag + ",carol-" + tag + "}"),
                        List.of("demo_" + tag + "_reconciler_2", "{alice-" + tag + ",bob-" + tag + ",carol-" + tag + "}"),
                        List.of("demo_" + tag + "_reconciler_3", "{alice-" + tag + ",bob-" + tag + ",carol-" + tag + "}"));
    }

    @Test
    void theGeneratedPasswordIsPrintedOnceAndLetsTheAuditorIn() {
        String password = outcome.logins().password();
        assertThat(outcome.logins().passwordGenerated()).isTrue();
        assertThat(password).hasSize(24);
        assertThat(printed.split(Pattern.quote(password), -1)).hasSize(2);
        assertThat(printed).contains("    their password: " + password + " (generated for this run and printed only here;"
                + " --login-password sets your own)");
        Database auditor = db.admin().as(outcome.logins().auditor(), password);
        assertThat((String) Sql.scalar(auditor, "select sor_api.run_report(?)", outcome.crashedRun())).contains(outcome.crashedRun().toString());
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
        assertThat(db.count("select count(*) from sor.events where type = 'task.lease_expired' and tenant_id = any(?)", tenants())).isPositive();
        assertThat(printed).contains(outcome.logins().reconciler2() + " died: the connection was terminated by an administrator"
                + " (pg_terminate_backend) or the server shut down (SQLSTATE 57P01)");
    }

    @Test
    void certifyPassesAndTheChainsVerify() {
        assertThat(outcome.failingChecks()).isZero();
        assertThat(outcome.acceptedChecks()).isZero();
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
        String bobTenant = outcome.tenants().get(1);
        Database bob = db.tenantUser(bobTenant);
        String join = "select distinct t.tenant_id, e.tenant_id from reconciler.expenses e"
                + " join reconciler.pending_transactions p on p.bank_txn_id = e.bank_txn_id"
                + " join sor_api.tenants t on true";
        assertThat(Sql.rows(bob, join)).containsExactly(List.of(bobTenant, bobTenant));
        assertRefused("42501", () -> Sql.run(bob, "select * from reconciler.category_rules"));
        Database stranger = db.tenantUser();
        assertThat(Sql.rows(stranger, "select * from reconciler.expenses")).isEmpty();
    }

    @Test
    void replayingTheEventsAloneReproducesTheExpenseRows() {
        String fromEvents = "select tenant_id, payload ->> 'bank_txn_id', payload ->> 'account_holder', payload ->> 'category_id',"
                + " (payload ->> 'amount')::numeric(12,2), payload ->> 'currency', (payload ->> 'booked_on')::date,"
                + " payload ->> 'description', (metadata ->> 'run_id')::uuid"
                + " from sor.events where type = 'ExpenseRecorded' and tenant_id = any(?) order by 1, 2";
        String fromTable = "select tenant_id, bank_txn_id, account_holder, category_id, amount, currency::text, booked_on,"
                + " description, run_id from reconciler.expenses where tenant_id = any(?) order by 1, 2";
        List<List<Object>> replayed = Sql.rows(db.admin(), fromEvents, tenants());
        assertThat(replayed).hasSize(outcome.expenses()).isEqualTo(Sql.rows(db.admin(), fromTable, tenants()));
    }

    @Test
    void workersCannotTouchTheDomainTablesOrIngest() {
        String alice = outcome.tenants().get(0);
        Database w = db.worker("expense-reconciler", alice);
        for (String sql : List.of("select * from reconciler.expenses", "insert into reconciler.expenses default values",
                "select reconciler.ingest_bank_rows('" + alice + "', '[]')", "select reconciler.tool_record_expense('{}', '{}')")) {
            assertRefused("42501", sql, () -> Sql.run(w, sql));
        }
    }

    @Test
    void badBankRowsAreRefusedAndLoadNothing() {
        String alice = outcome.tenants().get(0);
        long before = db.count("select count(*) from reconciler.pending_transactions");
        for (String rows : List.of("{}", "[1]", "[null]", "[[]]", "[{\"bank_txn_id\": \"X-0\"}, \"row\"]", "[{\"bank_txn_id\": \"X-1\"}]",
                "[{\"bank_txn_id\": \"X-2\", \"account_holder\": \"A\", \"holder_email\": \"a@b\", \"booked_on\": \"not a date\","
                        + " \"description\": \"d\", \"amount\": 1, \"currency\": \"EUR\"}]",
                "[{\"bank_txn_id\": \"X-3\", \"account_holder\": \"A\", \"holder_email\": \"a@b\", \"booked_on\": \"2026-11-17\","
                        + " \"description\": \"d\", \"amount\": 1, \"currency\": \"euro\"}]")) {
            assertRefused("SR100", rows, () -> Sql.run(db.admin(), "select reconciler.ingest_bank_rows(?, ?::jsonb)", alice, rows));
        }
        assertRefused("SR002", () -> Sql.run(db.admin(), "select reconciler.ingest_bank_rows('nope', '[]')"));
        assertThat(db.count("select count(*) from reconciler.pending_transactions")).isEqualTo(before);
    }

    @Test
    void theForensicReportsReadCorrectlyFromRowsAlone() {
        String crashed = (String) db.scalar("select sor_api.run_report(?)", outcome.crashedRun());
        assertThat(crashed).contains(outcome.crashedRun().toString()).contains("abandoned")
                .contains("ask_model").contains("which expense category fits this row?").contains("alice@example.com")
                .contains("Nothing recorded why it stopped").contains("While the run was open Worker " + outcome.logins().reconciler2()
                        + " held claims on ")
                .doesNotContain("(step )").doesNotContain("claimed 0 tasks");
        assertThat(printed).contains(crashed);
        Matcher held = Pattern.compile("held claims on (\\d+) tasks? of tenant \\S+ \\(.*\\) and completed (\\d+) of them").matcher(crashed);
        assertThat(held.find()).isTrue();
        assertThat(Integer.parseInt(held.group(1))).isGreaterThanOrEqualTo(Integer.parseInt(held.group(2)));
        UUID succeeded = (UUID) db.scalar("select run_id from sor.runs where status = 'succeeded'"
                + " and worker_role = ? order by started_at limit 1", outcome.logins().reconciler1());
        String ok = (String) db.scalar("select sor_api.run_report(?)", succeeded);
        assertThat(ok).contains(succeeded.toString()).contains("succeeded").doesNotContain("abandoned").doesNotContain("(step )");
    }

    @Test
    void theDemoExitsOneWhenAProofFails() {
        // a database that is not certified (PUBLIC may read a kit table): the night runs, the certificate proof fails
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("grant select on sor.tenants to public");
            Database admin = scratch.admin();
            CliRunner.Run run = CliRunner.run("demo", "--url", admin.url(), "--user", admin.user(), "--password", admin.password(),
                    "--login-password", "uncertified-run-pw");
            Matcher logins = Pattern.compile("(?m)^    logins: (.*)$").matcher(run.out());
            if (logins.find()) {
                scratch.ownRoles(logins.group(1).split(", "));
            }
            assertThat(run.status()).as(run.err()).isEqualTo(ExitCode.CHECKS_FAILED);
            assertThat(run.out()).contains("nothing is reachable by PUBLIC").contains("a proof failed (see above)");
        }
    }

    @Test
    void aSecondRunOnTheSameDatabaseThroughTheCliProvesTheSameForItsOwnRows() {
        List<List<Object>> firstRunRows = db.rows("select count(*) from reconciler.expenses where tenant_id = any(?)", tenants());
        Database admin = db.admin();
        CliRunner.Run run = CliRunner.run("demo", "--url", admin.url(), "--user", admin.user(), "--password", admin.password(),
                "--login-password", "second-run-pw");
        Matcher logins = Pattern.compile("(?m)^    logins: (.*)$").matcher(run.out());
        if (logins.find()) {
            db.ownRoles(logins.group(1).split(", "));
        }
        assertThat(run.status()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("    their password: the one given with --login-password").doesNotContain("second-run-pw")
                .contains("every proof holds")
                .contains("bank rows 36, expenses 36: each bank row has exactly one expense: true")
                .contains("outbox emails 36, dispatched 36, provider requests 36, emails delivered 36: each expense has exactly one email: true");
        assertThat(db.rows("select count(*) from reconciler.expenses where tenant_id = any(?)", tenants())).isEqualTo(firstRunRows);
        assertThat(db.count("select count(*) from sor.tenants where tenant_id like 'alice-%'")).isEqualTo(2);
        assertThat(globexDigest()).isEqualTo(globexBefore);
    }
}
