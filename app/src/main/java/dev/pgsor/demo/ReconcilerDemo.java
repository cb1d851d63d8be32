package dev.pgsor.demo;

import dev.pgsor.db.Certification;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.Migrator;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The chapter's night, end to end: three tenants' bank rows, three Reconciler Workers at once
 * (one of them crashes mid-run), a duplicate invocation, the dispatcher, then the evidence.
 */
public final class ReconcilerDemo {

    public static final List<String> TENANTS = List.of("alice", "bob", "carol");
    public static final int ROWS_PER_TENANT = 12;
    private static final String[] DESCRIPTIONS = {"Uber taxi to airport", "Lunch at Cafe Nero", "GitHub licence",
        "Staples printer paper", "Hotel Berlin", "AWS cloud invoice", "Coffee with client", "Rail ticket Paris",
        "Desk lamp", "Conference registration", "Restaurant team dinner", "SaaS subscription"};

    /** What the night left behind, read back from the database. */
    public record Outcome(int pendingRows, int expenses, int outboxRows, int dispatched, int emailsSent,
                          int providerRequests, int duplicateNewExpenses, UUID crashedRun, String crashedRunStatus,
                          int unfinishedToolCallsOfCrashedRun, boolean eventsVerify, int failingChecks,
                          List<List<String>> aliceView) { }

    private final Database admin;
    private final PrintStream out;
    private final String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));

    public ReconcilerDemo(Database admin, PrintStream out) {
        this.admin = admin;
        this.out = out;
    }

    public Outcome run() throws Exception {
        step("migrating the kernel and the Expense Reconciler domain with Flyway");
        for (Migrator.Outcome o : Migrator.migrate(admin, SorSchema.ALL)) {
            out.printf("    %s: %d migrations applied, schema version %s%n", o.module(), o.executed(), o.version());
        }
        step("creating tenants alice, bob, carol and the login roles of the Workers, the dispatcher, the tenants and the auditor");
        List<Database> workers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            workers.add(role("demo_reconciler_" + i, "sor_worker"));
        }
        Database dispatcher = role("demo_dispatcher", "sor_dispatcher");
        Database auditor = role("demo_auditor", "sor_auditor");
        Database aliceApp = role("demo_alice_app", "sor_tenant");
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            for (String t : TENANTS) {
                st.execute("select sor_api.add_tenant('" + t + "', '" + Character.toUpperCase(t.charAt(0)) + t.substring(1)
                        + "') where not exists (select 1 from sor.tenants where tenant_id = '" + t + "')");
                st.execute("select reconciler.setup_tenant('" + t + "')");
                for (Database w : workers) {
                    member(st, t, w.user());
                }
                member(st, t, dispatcher.user());
            }
            member(st, "alice", aliceApp.user());
            for (Database w : workers) {
                st.execute("select sor_api.register_worker('" + w.user() + "', 'expense-reconciler')"
                        + " where not exists (select 1 from sor.workers where role_name = '" + w.user() + "')");
            }
        }
        step("loading a night of bank rows: " + ROWS_PER_TENANT + " per tenant, one reconcile task each");
        try (Connection c = admin.connect(); PreparedStatement ps = c.prepareStatement(
                "select ingested, tasks_queued from reconciler.ingest_bank_rows(?, ?::jsonb)")) {
            for (String t : TENANTS) {
                ps.setString(1, t);
                ps.setString(2, bankRows(t));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.printf("    %s: %d rows ingested, %d tasks queued%n", t, rs.getInt(1), rs.getInt(2));
                }
            }
        }

        step("running three Workers concurrently; demo_reconciler_2 crashes in the middle of a tool call");
        AtomicReference<UUID> crashedRun = new AtomicReference<>();
        ReconcilerWorker.CrashPoint crash = (conn, runId, txn, recorded) -> {
            if (recorded == 2 && crashedRun.compareAndSet(null, runId)) {
                // the Worker asks its model (a call outside the database, journaled before it is made)
                try (PreparedStatement ps = conn.prepareStatement(
                        "select sor_api.begin_tool_call(?, 'ask_model', ?::jsonb)")) {
                    ps.setObject(1, runId);
                    ps.setString(2, "{\"bank_txn_id\": \"" + txn + "\", \"prompt\": \"which expense category fits this row?\"}");
                    ps.execute();
                }
                long pid;
                try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getLong(1);
                }
                try (Connection a = admin.connect(); Statement st = a.createStatement()) {
                    st.execute("select pg_terminate_backend(" + pid + ")");
                }
                out.printf("    crash: demo_reconciler_2's connection terminated while it asked its model about %s (run %s)%n", txn, runId);
            }
        };
        List<ReconcilerWorker> fleet = List.of(
                new ReconcilerWorker("demo_reconciler_1", workers.get(0), null),
                new ReconcilerWorker("demo_reconciler_2", workers.get(1), crash),
                new ReconcilerWorker("demo_reconciler_3", workers.get(2), null));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(fleet.size() + 1);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (ReconcilerWorker w : fleet) {
                results.add(pool.submit(() -> {
                    try {
                        w.work(stop::get);
                        return w.name() + " finished";
                    } catch (SQLException e) {
                        return w.name() + " died: " + e.getSQLState();
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long left;
            do {
                Thread.sleep(500);
                left = count("select count(*) from sor.tasks where queue = 'reconcile' and status <> 'completed'");
                out.printf("    tasks left: %d%n", left);
            } while (left > 0 && System.nanoTime() < deadline);
            stop.set(true);
            for (Future<String> f : results) {
                out.println("    " + f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        step("a duplicate invocation: the retry policy runs demo_reconciler_3 again on rows already reconciled");
        UUID firstRun = fleet.get(0).runs().get(0);
        List<String> replayRows = new ArrayList<>();
        String replayTenant;
        try (Connection c = admin.connect(); PreparedStatement ps = c.prepareStatement(
                "select tenant_id, jsonb_array_elements_text(input -> 'bank_txn_ids') from sor.runs where run_id = ?")) {
            ps.setObject(1, firstRun);
            try (ResultSet rs = ps.executeQuery()) {
                String tenant = null;
                while (rs.next()) {
                    tenant = rs.getString(1);
                    replayRows.add(rs.getString(2));
                }
                replayTenant = tenant;
            }
        }
        long outboxBefore = count("select count(*) from sor.outbox");
        int duplicates = fleet.get(2).reinvoke(replayTenant, replayRows, "retry-of-" + firstRun);
        out.printf("    %d rows of run %s handled again: %d new expenses, %d new emails queued%n",
                replayRows.size(), firstRun, duplicates, count("select count(*) from sor.outbox") - outboxBefore);

        step("waiting for the crashed run's lease to lapse, then sweeping");
        Thread.sleep(5500);
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            st.execute("select sor_api.sweep_abandoned_runs()");
        }

        step("dispatching the confirmation emails (the dedupe key is the provider's idempotency key)");
        EmailDispatcher.Sink sink = new EmailDispatcher.Sink();
        int dispatched = new EmailDispatcher(dispatcher, sink, TENANTS).drain();
        int again = new EmailDispatcher(dispatcher, sink, TENANTS).drain();
        out.printf("    %d emails dispatched; a second dispatcher pass found %d%n", dispatched, again);

        out.println();
        out.println("== certify()");
        List<Certification.Check> checks;
        try (Connection c = auditor.connect()) {
            checks = Certification.run(c);
        }
        Certification.print(checks, out);

        out.println();
        out.println("== what happened to the crashed run (sor_api.run_report, read from rows only)");
        String report = scalarAs(auditor, "select sor_api.run_report(?)", crashedRun.get());
        out.println(report);

        int pending = (int) count("select count(*) from reconciler.pending_transactions");
        int expenses = (int) count("select count(*) from reconciler.expenses");
        int outbox = (int) count("select count(*) from sor.outbox where topic = 'email.expense_confirmation'");
        boolean onePerRow = count("select count(*) from reconciler.pending_transactions p where (select count(*)"
                + " from reconciler.expenses e where e.tenant_id = p.tenant_id and e.bank_txn_id = p.bank_txn_id) <> 1") == 0;
        boolean onePerExpense = count("select count(*) from reconciler.expenses e where (select count(*) from sor.outbox o"
                + " where o.tenant_id = e.tenant_id and o.aggregate_id = e.bank_txn_id and o.status = 'dispatched') <> 1") == 0;
        boolean verify = count("select count(*) from sor_api.verify_events()") == 0;
        String crashedStatus = scalarAs(admin, "select status from sor.runs where run_id = ?", crashedRun.get());
        int unfinished = (int) count("select count(*) from sor.tool_calls where run_id = '" + crashedRun.get()
                + "' and status = 'started'");

        out.println();
        out.println("== proof");
        out.printf("    bank rows %d, expenses %d: each bank row has exactly one expense: %s%n", pending, expenses, onePerRow);
        out.printf("    outbox emails %d, dispatched %d, provider requests %d, emails delivered %d:"
                + " each expense has exactly one email: %s%n", outbox, dispatched, sink.requests(), sink.sent().size(), onePerExpense);
        out.printf("    duplicate invocation created %d expenses%n", duplicates);
        out.printf("    crashed run %s reads %s with %d unfinished tool call(s)%n", crashedRun.get(), crashedStatus, unfinished);
        out.printf("    the event hash chains verify: %s%n", verify);

        out.println();
        out.println("== as demo_alice_app: select ... from reconciler.expenses join sor_api.tenants (a join that would mix tenants)");
        List<List<String>> alice = new ArrayList<>();
        try (Connection c = aliceApp.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select t.display_name, e.bank_txn_id, e.category_id, e.amount::text from reconciler.expenses e"
                        + " join sor_api.tenants t on true order by e.bank_txn_id")) {
            while (rs.next()) {
                alice.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        for (List<String> row : alice.subList(0, Math.min(5, alice.size()))) {
            out.println("    " + String.join(" | ", row));
        }
        out.printf("    ... %d rows, tenants seen: %s%n", alice.size(),
                alice.stream().map(r -> r.get(0)).distinct().toList());
        return new Outcome(pending, expenses, outbox, dispatched, sink.sent().size(), sink.requests(), duplicates,
                crashedRun.get(), crashedStatus, unfinished, verify, (int) Certification.failing(checks), alice);
    }

    private void step(String what) {
        out.println("-- " + what);
    }

    private Database role(String name, String group) throws SQLException {
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            st.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + name + "') then"
                    + " create role " + name + " login in role " + group + "; end if; end $$");
            st.execute("alter role " + name + " password '" + password + "'");
        }
        return admin.as(name, password);
    }

    private static void member(Statement st, String tenant, String role) throws SQLException {
        st.execute("select sor_api.add_member('" + tenant + "', '" + role + "') where not exists (select 1 from"
                + " sor.tenant_members where tenant_id = '" + tenant + "' and role_name = '" + role + "')");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = admin.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String scalarAs(Database db, String sql, Object arg) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String bankRows(String tenant) {
        StringBuilder sb = new StringBuilder("[");
        String holder = Character.toUpperCase(tenant.charAt(0)) + tenant.substring(1);
        for (int i = 1; i <= ROWS_PER_TENANT; i++) {
            sb.append(i == 1 ? "" : ",").append(String.format(
                    "{\"bank_txn_id\": \"%s-%03d\", \"account_holder\": \"%s\", \"holder_email\": \"%s@example.com\","
                            + " \"booked_on\": \"2026-11-17\", \"description\": \"%s\", \"amount\": %d.%02d, \"currency\": \"EUR\"}",
                    tenant.toUpperCase(), i, holder, tenant, DESCRIPTIONS[(i - 1) % DESCRIPTIONS.length],
                    5 + (i * 7 + tenant.length() * 13) % 200, (i * 37) % 100));
        }
        return sb.append("]").toString();
    }
}
