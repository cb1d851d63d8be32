package dev.pgsor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Bad input to any function of the contract, from every caller: each {@code sor_api} function a
 * role may execute (and each of the example domain module's {@code reconciler} schema, which
 * domain authors copy) is called with every argument NULL, and then with each argument in turn given
 * bad values of its type (empty, too long, a control character, JSON of the wrong shape, negative,
 * zero, the type's maximum, negative and huge intervals, infinite timestamps, arrays holding NULL)
 * and the other arguments plausible. A call may succeed (it is rolled back) or be refused; a
 * refusal must carry a SQLSTATE that has a row in docs/errors.md and a hint. A new function that
 * lets a NULL reach a NOT NULL column, a cast fail or an array subscript run off its end fails here.
 */
@SorTest(reconciler = true)
class BadInputSweepTest {

    /** Bad values of each argument type (NULL is tried for every argument at once, first). */
    private static final Map<String, List<String>> BAD = Map.of(
            "text", List.of("''", "repeat('x', 5000)", "E'a\\x01b'", "'ACME'", "'a b'", "' acme'", "'acme;drop'"),
            "jsonb", List.of("'[]'::jsonb", "'\"s\"'::jsonb", "'null'::jsonb", "'1'::jsonb", "'[{}]'::jsonb", "'[1]'::jsonb",
                    "'[null]'::jsonb", "'[[]]'::jsonb", "'[{}, \"x\"]'::jsonb", "'{\"a\": [1, {\"b\": null}]}'::jsonb", "'[{\"stream\": 5}]'::jsonb",
                    "'[{\"subject\": \"x\", \"delay\": \"soon\"}]'::jsonb", "'[{\"task_id\": \"x\"}]'::jsonb"),
            "integer", List.of("-1", "0", "2147483647", "-2147483648"),
            "bigint", List.of("-1", "0", "9223372036854775807"),
            "smallint", List.of("-1", "32767"),
            "numeric", List.of("'NaN'::numeric", "-1"),
            "interval", List.of("'-1 day'::interval", "'1000 years'::interval", "'0'::interval"),
            "timestamp with time zone", List.of("'infinity'::timestamptz", "'-infinity'::timestamptz",
                    "'1900-01-01'::timestamptz", "'9999-12-31'::timestamptz"),
            "text[]", List.of("'{NULL}'::text[]", "'{\"\"}'::text[]", "'{}'::text[]"));

    static SorDatabase db;
    static SortedSet<String> documented;
    static Map<String, String> byName;

    @BeforeAll
    static void setUp(SorDatabase database) throws IOException, SQLException {
        db = database;
        // a queue, a task, an event and a run that exist, which the plausible arguments name
        byName = Sweeps.setUpObjects(db);
        documented = Sweeps.documentedCodes();
    }

    /** What the sweep saw as one role. */
    private record Sweep(int calls, int refused, List<String> problems) { }

    @Test
    void aWorkersBadInputIsRefusedWithADocumentedCodeAndAHint() throws SQLException {
        assertClean("worker", sweep(db.worker("sweep", "acme"), true), 300);
    }

    @Test
    void aTenantUsersApproversAndDispatchersBadInputIsRefusedWithADocumentedCodeAndAHint() throws SQLException {
        assertClean("tenant user", sweep(db.tenantUser("acme"), true), 50);
        assertClean("approver", sweep(db.approver("acme"), true), 20);
        assertClean("dispatcher", sweep(db.dispatcher("acme"), true), 20);
    }

    @Test
    void anAuditorsAndAnAdminsBadInputIsRefusedWithADocumentedCodeAndAHint() throws SQLException {
        assertClean("auditor", sweep(db.auditor(), true), 50);
        Database admin = db.sorAdmin();
        db.addMember("acme", admin);
        assertClean("admin", sweep(admin, true), 100);
    }

    @Test
    void aSuperusersNullsAreRefusedWithADocumentedCodeAndAHint() throws SQLException {
        // the superuser may execute everything: every function once, with every argument NULL
        assertClean("superuser", sweep(db.admin(), false), 60);
    }

    private static void assertClean(String role, Sweep s, int atLeast) {
        System.out.printf("BadInputSweepTest: %s made %d calls, %d refused%n", role, s.calls(), s.refused());
        assertThat(s.calls()).as("calls made as the %s", role).isGreaterThanOrEqualTo(atLeast);
        assertThat(s.refused()).as("calls refused as the %s", role).isGreaterThan(0);
        assertThat(s.problems()).as("refusals as the %s without a documented SQLSTATE or without a hint", role).isEmpty();
    }

    private static Sweep sweep(Database role, boolean badValues) throws SQLException {
        List<Sweeps.Fn> fns = Sweeps.executable(role, 1, "sor_api", "reconciler");
        int calls = 0;
        int refused = 0;
        Map<String, String> problems = new LinkedHashMap<>();
        try (Connection c = role.connect()) {
            c.setAutoCommit(false);
            for (Sweeps.Fn fn : fns) {
                List<List<String>> argLists = new ArrayList<>();
                argLists.add(fn.types().stream().map(t -> "null::" + t).toList());
                if (badValues) {
                    for (int i = 0; i < fn.types().size(); i++) {
                        for (String bad : BAD.getOrDefault(fn.types().get(i), List.of())) {
                            List<String> args = new ArrayList<>(fn.plausible(byName));
                            args.set(i, bad);
                            argLists.add(args);
                        }
                    }
                }
                for (List<String> args : argLists) {
                    String call = fn.call(args);
                    calls++;
                    try (Statement st = c.createStatement()) {
                        st.execute("set local statement_timeout = '20s'");
                        st.execute(call);
                    } catch (PSQLException e) {
                        refused++;
                        String state = e.getSQLState();
                        String hint = e.getServerErrorMessage() == null ? null : e.getServerErrorMessage().getHint();
                        if (state == null || !documented.contains(state) || hint == null || hint.isBlank()) {
                            // one problem per function and SQLSTATE: the first call that shows it
                            String shown = call.length() > 300 ? call.substring(0, 300) + "..." : call;
                            problems.putIfAbsent(fn.name() + " " + state, shown + " -> " + state + " "
                                    + e.getMessage().lines().findFirst().orElse("") + " (hint: " + hint + ")");
                        }
                    } finally {
                        c.rollback();
                    }
                }
            }
        }
        return new Sweep(calls, refused, new ArrayList<>(problems.values()));
    }
}
