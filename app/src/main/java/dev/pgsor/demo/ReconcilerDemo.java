package dev.pgsor.demo;

import dev.pgsor.db.Certification;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
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
import java.util.Locale;
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
 *
 * <p>Safe on any database: every run makes tenants and login roles of its own, named with a short
 * tag ({@code alice-k3f9}, {@code demo_k3f9_reconciler_1}), so it touches no other tenant's rows
 * (its Workers and its dispatcher are members of its three tenants only, and the crashed Worker
 * marks only its own lapsed run abandoned), a second run on the same database proves the same
 * things about its own rows, and the proofs are read as the run's auditor login, scoped to the
 * run's tenants. The logins keep the password given, or a generated one that is printed once.
 */
public final class ReconcilerDemo {

    /** The tenants' base names; a run's tenants are these with its tag ({@code alice-k3f9}). */
    public static final List<String> TENANTS = List.of("alice", "bob", "carol");
    public static final int ROWS_PER_TENANT = 12;
    private static final String[] DESCRIPTIONS = {"Uber taxi to airport", "Lunch at Cafe Nero", "GitHub licence",
        "Staples printer paper", "Hotel Berlin", "AWS cloud invoice", "Coffee with client", "Rail ticket Paris",
        "Desk lamp", "Conference registration", "Restaurant team dinner", "SaaS subscription"};
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * How to run: the logins' password (null: generate one and print it once), and the failing
     * certify rows to accept (a managed service without the drop guard, docs/operate/install.md).
     */
    public record Options(String loginPassword, List<Certification.Accept> accept) {
        public Options {
            accept = List.copyOf(accept);
        }

        public static Options defaults() {
            return new Options(null, List.of());
        }
    }

    /** The logins a run made: one per role, all with the same password. */
    public record Logins(String reconciler1, String reconciler2, String reconciler3, String dispatcher, String auditor,
                         String aliceApp, String password, boolean passwordGenerated) {
        public List<String> all() {
            return List.of(reconciler1, reconciler2, reconciler3, dispatcher, auditor, aliceApp);
        }
    }

    /** What the night left behind, read back from the database as the run's auditor, for the run's tenants only. */
    public record Outcome(String tag, List<String> tenants, Logins logins, int pendingRows, int expenses, int outboxRows,
                          int dispatched, int emailsSent, int providerRequests, int duplicateNewExpenses, boolean oneExpensePerRow,
                          boolean oneEmailPerExpense, UUID crashedRun, String crashedRunStatus,
                          int unfinishedToolCallsOfCrashedRun, boolean eventsVerify,
                          List<Certification.Check> certificate, int failingChecks, int acceptedChecks,
                          List<List<String>> aliceView) {

        /** Every proof holds: exactly one expense and one email per bank row, no duplicate, the crash visible, chains intact, certified. */
        public boolean proven() {
            int rows = tenants.size() * ROWS_PER_TENANT;
            return failingChecks == 0 && eventsVerify && oneExpensePerRow && oneEmailPerExpense && pendingRows == rows && expenses == rows && outboxRows == rows
                    && dispatched == rows && emailsSent == rows && duplicateNewExpenses == 0 && crashedRun != null
                    && "abandoned".equals(crashedRunStatus) && unfinishedToolCallsOfCrashedRun == 1;
        }
    }

    private final Database admin;
    private final PrintStream out;
    private final Options options;

    public ReconcilerDemo(Database admin, PrintStream out) {
        this(admin, out, Options.defaults());
    }

    public ReconcilerDemo(Database admin, PrintStream out, Options options) {
        this.admin = admin;
        this.out = out;
        this.options = options;
    }

    public Outcome run() throws Exception {
        step("migrating the kernel and the Expense Reconciler domain with Flyway");
        for (Migrator.Outcome o : Migrator.migrate(admin, SorSchema.ALL)) {
            out.printf("    %s: %d migrations applied, schema version %s%n", o.module(), o.executed(), o.version());
        }

        boolean generated = options.loginPassword() == null;
        String password = generated ? HexFormat.of().formatHex(RANDOM.generateSeed(12)) : options.loginPassword();
        String chosen = null;
        Logins logins = null;
        for (int attempt = 0; logins == null; attempt++) {
            chosen = newTag();
            logins = setUp(chosen, password, generated, attempt >= 4);
        }
        String tag = chosen;
        List<String> tenants = TENANTS.stream().map(t -> t + "-" + tag).toList();
        List<Database> workers = List.of(admin.as(logins.reconciler1(), password), admin.as(logins.reconciler2(), password),
                admin.as(logins.reconciler3(), password));
        Database dispatcher = admin.as(logins.dispatcher(), password);
        Database auditor = admin.as(logins.auditor(), password);
        Database aliceApp = admin.as(logins.aliceApp(), password);
        out.printf("    this run's tag: %s; tenants %s%n", tag, String.join(", ", tenants));
        out.printf("    logins: %s%n", String.join(", ", logins.all()));
        out.printf("    their password: %s%n", generated
                ? password + " (generated for this run and printed only here; --login-password sets your own)"
                : "the one given with --login-password");

        step("loading a night of bank rows: " + ROWS_PER_TENANT + " per tenant, one reconcile task each");
        try (Connection c = admin.connect(); PreparedStatement ps = c.prepareStatement(
                "select ingested, tasks_queued from reconciler.ingest_bank_rows(?, ?::jsonb)")) {
            for (String t : tenants) {
                ps.setString(1, t);
                ps.setString(2, bankRows(t));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.printf("    %s: %d rows ingested, %d tasks queued%n", t, rs.getInt(1), rs.getInt(2));
                }
            }
        }

        String crashing = logins.reconciler2();
        step("running three Workers concurrently; " + crashing + " crashes in the middle of a tool call");
        AtomicReference<UUID> crashedRun = new AtomicReference<>();
        Database crashingLogin = workers.get(1);
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
                // the process dies: its connection is terminated (by its own login, which needs no admin power)
                try (Connection killer = crashingLogin.connect(); Statement st = killer.createStatement()) {
                    st.execute("select pg_terminate_backend(" + pid + ")");
                }
                out.printf("    crash: %s's connection terminated while it asked its model about %s (run %s)%n", crashing, txn, runId);
            }
        };
        List<ReconcilerWorker> fleet = List.of(
                new ReconcilerWorker(logins.reconciler1(), workers.get(0), null),
                new ReconcilerWorker(logins.reconciler2(), workers.get(1), crash),
                new ReconcilerWorker(logins.reconciler3(), workers.get(2), null));
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
                        return w.name() + " died: " + words(e.getSQLState()) + " (SQLSTATE " + e.getSQLState() + ")";
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long left;
            do {
                Thread.sleep(500);
                left = count(auditor, "select count(*) from sor.tasks where queue = 'reconcile' and status <> 'completed'"
                        + " and tenant_id = any(?)", tenants);
                out.printf("    tasks left: %d%n", left);
            } while (left > 0 && System.nanoTime() < deadline);
            stop.set(true);
            for (Future<String> f : results) {
                out.println("    " + f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        step("a duplicate invocation: the retry policy runs " + logins.reconciler3() + " again on rows already reconciled");
        int duplicates = 0;
        UUID firstRun = firstSucceededRun(auditor, fleet);
        if (firstRun == null) {
            out.println("    no run succeeded, so there is nothing to invoke again");
        } else {
            List<String> replayRows = new ArrayList<>();
            String replayTenant = null;
            try (Connection c = auditor.connect(); PreparedStatement ps = c.prepareStatement(
                    "select tenant_id, jsonb_array_elements_text(input -> 'bank_txn_ids') from sor.runs where run_id = ?")) {
                ps.setObject(1, firstRun);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        replayTenant = rs.getString(1);
                        replayRows.add(rs.getString(2));
                    }
                }
            }
            long outboxBefore = count(auditor, "select count(*) from sor.outbox where tenant_id = any(?)", tenants);
            duplicates = fleet.get(2).reinvoke(replayTenant, replayRows, "retry-of-" + firstRun);
            out.printf("    %d rows of run %s handled again: %d new expenses, %d new emails queued%n", replayRows.size(), firstRun,
                    duplicates, count(auditor, "select count(*) from sor.outbox where tenant_id = any(?)", tenants) - outboxBefore);
        }

        step("waiting for the crashed run's lease to lapse; " + crashing + " restarts and lists its runs (its lapsed run reads abandoned)");
        if (crashedRun.get() != null) {
            for (int i = 0; i < 300 && !Boolean.TRUE.equals(scalar(auditor,
                    "select lease_expires_at <= clock_timestamp() from sor.runs where run_id = ?", crashedRun.get())); i++) {
                Thread.sleep(100);
            }
            try (Connection c = crashingLogin.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) filter (where status = 'abandoned') from sor_api.my_runs()")) {
                rs.next();
                out.printf("    %s has %d abandoned run(s)%n", crashing, rs.getInt(1));
            }
        } else {
            out.println("    no run crashed");
        }

        step("dispatching the confirmation emails (the dedupe key is the provider's idempotency key)");
        EmailDispatcher.Sink sink = new EmailDispatcher.Sink();
        int dispatched = new EmailDispatcher(dispatcher, sink, tenants).drain();
        int again = new EmailDispatcher(dispatcher, sink, tenants).drain();
        out.printf("    %d emails dispatched; a second dispatcher pass found %d%n", dispatched, again);

        out.println();
        out.println("== certify() as " + logins.auditor());
        List<Certification.Check> checks;
        try (Connection c = auditor.connect()) {
            checks = Certification.run(c);
        }
        Certification.print(checks, options.accept(), out);
        Certification.Verdict verdict = Certification.judge(checks, options.accept());

        out.println();
        out.println("== what happened to the crashed run (sor_api.run_report, read from rows only, as " + logins.auditor() + ")");
        if (crashedRun.get() != null) {
            out.println((String) scalar(auditor, "select sor_api.run_report(?)", crashedRun.get()));
        } else {
            out.println("no run crashed");
        }

        int pending = (int) count(auditor, "select count(*) from reconciler.pending_transactions where tenant_id = any(?)", tenants);
        int expenses = (int) count(auditor, "select count(*) from reconciler.expenses where tenant_id = any(?)", tenants);
        int outbox = (int) count(auditor, "select count(*) from sor.outbox where topic = 'email.expense_confirmation'"
                + " and tenant_id = any(?)", tenants);
        boolean onePerRow = count(auditor, "select count(*) from reconciler.pending_transactions p where p.tenant_id = any(?)"
                + " and (select count(*) from reconciler.expenses e where e.tenant_id = p.tenant_id and e.bank_txn_id = p.bank_txn_id) <> 1",
                tenants) == 0;
        boolean onePerExpense = count(auditor, "select count(*) from reconciler.expenses e where e.tenant_id = any(?)"
                + " and (select count(*) from sor.outbox o where o.tenant_id = e.tenant_id and o.aggregate_id = e.bank_txn_id"
                + " and o.status = 'dispatched') <> 1", tenants) == 0;
        boolean verify = true;
        for (String t : tenants) {
            verify &= count(auditor, "select count(*) from sor_api.verify_events(?)", t) == 0;
        }
        String crashedStatus = crashedRun.get() == null ? null
                : (String) scalar(auditor, "select status from sor.runs where run_id = ?", crashedRun.get());
        int unfinished = crashedRun.get() == null ? 0 : (int) count(auditor,
                "select count(*) from sor.tool_calls where run_id = ? and status = 'started'", crashedRun.get());

        out.println();
        out.println("== proof (this run's tenants only: " + String.join(", ", tenants) + ")");
        out.printf("    bank rows %d, expenses %d: each bank row has exactly one expense: %s%n", pending, expenses, onePerRow);
        out.printf("    outbox emails %d, dispatched %d, provider requests %d, emails delivered %d:"
                + " each expense has exactly one email: %s%n", outbox, dispatched, sink.requests(), sink.sent().size(), onePerExpense);
        out.printf("    duplicate invocation created %d expenses%n", duplicates);
        out.printf("    crashed run %s reads %s with %d unfinished tool call(s)%n", crashedRun.get(), crashedStatus, unfinished);
        out.printf("    the event hash chains verify: %s%n", verify);

        out.println();
        out.println("== as " + logins.aliceApp() + ": select ... from reconciler.expenses join sor_api.tenants (a join that would mix tenants)");
        List<List<String>> aliceView = new ArrayList<>();
        try (Connection c = aliceApp.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select t.display_name, e.bank_txn_id, e.category_id, e.amount::text from reconciler.expenses e"
                        + " join sor_api.tenants t on true order by e.bank_txn_id")) {
            while (rs.next()) {
                aliceView.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        for (List<String> row : aliceView.subList(0, Math.min(5, aliceView.size()))) {
            out.println("    " + String.join(" | ", row));
        }
        out.printf("    ... %d rows, tenants seen: %s%n", aliceView.size(),
                aliceView.stream().map(r -> r.get(0)).distinct().toList());

        return new Outcome(tag, tenants, logins, pending, expenses, outbox, dispatched, sink.sent().size(), sink.requests(),
                duplicates, onePerRow, onePerExpense, crashedRun.get(), crashedStatus, unfinished, verify, checks,
                verdict.failing().size(), verdict.accepted().size(), aliceView);
    }

    private void step(String what) {
        out.println("-- " + what);
    }

    /** A tag for one run: a letter and three letters or digits. */
    private static String newTag() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder().append(alphabet.charAt(RANDOM.nextInt(24)));
        for (int i = 0; i < 3; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /**
     * Creates the run's login roles and tenants in one transaction; returns null when the tag is
     * taken (a role or tenant of that name exists), unless {@code last}, then it fails.
     */
    private Logins setUp(String tag, String password, boolean generated, boolean last) throws SQLException {
        step("creating tenants " + String.join(", ", TENANTS.stream().map(t -> t + "-" + tag).toList())
                + " and the login roles of the Workers, the dispatcher, the tenant's app and the auditor");
        String p = "demo_" + tag + "_";
        Logins logins = new Logins(p + "reconciler_1", p + "reconciler_2", p + "reconciler_3", p + "dispatcher", p + "auditor",
                p + "alice_app", password, generated);
        List<String> tenants = TENANTS.stream().map(t -> t + "-" + tag).toList();
        try (Connection c = admin.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String w : List.of(logins.reconciler1(), logins.reconciler2(), logins.reconciler3())) {
                    createLogin(st, w, "sor_worker", password);
                }
                createLogin(st, logins.dispatcher(), "sor_dispatcher", password);
                createLogin(st, logins.auditor(), "sor_auditor", password);
                createLogin(st, logins.aliceApp(), "sor_tenant", password);
                for (String t : tenants) {
                    call(c, "select sor_api.add_tenant(?, ?)", t, Character.toUpperCase(t.charAt(0)) + t.substring(1, t.indexOf('-')));
                    call(c, "select reconciler.setup_tenant(?)", t);
                    for (String w : List.of(logins.reconciler1(), logins.reconciler2(), logins.reconciler3(), logins.dispatcher())) {
                        call(c, "select sor_api.add_member(?, ?)", t, w);
                    }
                }
                call(c, "select sor_api.add_member(?, ?)", tenants.get(0), logins.aliceApp());
                for (String w : List.of(logins.reconciler1(), logins.reconciler2(), logins.reconciler3())) {
                    call(c, "select sor_api.register_worker(?, 'expense-reconciler')", w);
                }
                c.commit();
                return logins;
            } catch (SQLException e) {
                c.rollback();
                // 42710: a role of that name exists; SR004: a tenant of that id exists
                if (!last && ("42710".equals(e.getSQLState()) || "SR004".equals(e.getSQLState()))) {
                    out.println("    tag " + tag + " is taken on this server; choosing another");
                    return null;
                }
                throw e;
            }
        }
    }

    private static void createLogin(Statement st, String name, String group, String password) throws SQLException {
        st.execute("create role " + name + " login in role " + group + " password '" + password.replace("'", "''") + "'");
        // the session defaults docs/operate/sessions.md recommends for every Worker and Dispatcher login
        st.execute("alter role " + name + " set idle_in_transaction_session_timeout = '1min'");
        st.execute("alter role " + name + " set lock_timeout = '10s'");
    }

    private static void call(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    /** The first run (by start) of any of the fleet's Workers that succeeded, or null. */
    private static UUID firstSucceededRun(Database auditor, List<ReconcilerWorker> fleet) throws SQLException {
        List<UUID> runs = new ArrayList<>();
        for (ReconcilerWorker w : fleet) {
            runs.addAll(w.runs());
        }
        if (runs.isEmpty()) {
            return null;
        }
        try (Connection c = auditor.connect(); PreparedStatement ps = c.prepareStatement(
                "select run_id from sor.runs where run_id = any(?) and status = 'succeeded' order by started_at, run_id limit 1")) {
            ps.setArray(1, c.createArrayOf("uuid", runs.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? (UUID) rs.getObject(1) : null;
            }
        }
    }

    /** A SQLSTATE in words, as the forensic report says it (sor.sqlstate_words). */
    private String words(String sqlState) {
        if (sqlState == null) {
            return "its connection failed";
        }
        try {
            return (String) scalar(admin, "select sor.sqlstate_words(?)", sqlState);
        } catch (SQLException e) {
            return "SQLSTATE " + sqlState;
        }
    }

    private static long count(Database db, String sql, Object arg) throws SQLException {
        return ((Number) scalar(db, sql, arg)).longValue();
    }

    private static Object scalar(Database db, String sql, Object arg) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg instanceof List<?> list) {
                ps.setArray(1, c.createArrayOf("text", list.toArray()));
            } else {
                ps.setObject(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        }
    }

    private static String bankRows(String tenant) {
        StringBuilder sb = new StringBuilder("[");
        String base = tenant.substring(0, tenant.indexOf('-'));
        String holder = Character.toUpperCase(base.charAt(0)) + base.substring(1);
        for (int i = 1; i <= ROWS_PER_TENANT; i++) {
            sb.append(i == 1 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"bank_txn_id\": \"%s-%03d\", \"account_holder\": \"%s\", \"holder_email\": \"%s@example.com\","
                            + " \"booked_on\": \"2026-11-17\", \"description\": \"%s\", \"amount\": %d.%02d, \"currency\": \"EUR\"}",
                    base.toUpperCase(Locale.ROOT), i, holder, base, DESCRIPTIONS[(i - 1) % DESCRIPTIONS.length],
                    5 + (i * 7 + base.length() * 13) % 200, (i * 37) % 100));
        }
        return sb.append("]").toString();
    }
}
