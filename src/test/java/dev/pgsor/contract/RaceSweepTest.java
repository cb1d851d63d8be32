package dev.pgsor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * A call racing its own retry: as a Worker, a dispatcher, an approver and an admin, every function
 * of sor_api the role may execute is called with plausible arguments (the same queue, stream, task
 * and run, the same idempotency and dedupe keys, new each round) on two connections released
 * together, each call its own transaction, for several rounds; a batch (ten tasks or events, each
 * with its key) is given to the second call in the opposite order. Each call must succeed or be refused with a SQLSTATE that docs/errors.md documents and a
 * hint; a deadlock (40P01), a serialization failure (40001), a unique violation (23505) or an
 * internal error (XX000) is a failure whatever the docs say: the kit takes its locks in one order
 * and answers a retry as the retry of what was done.
 */
@SorTest
class RaceSweepTest {

    /** Never an answer to a call racing its retry. */
    private static final Set<String> NEVER = Set.of("40P01", "40001", "23505", "XX000");

    /** Too slow to race in every round (each call verifies the whole kit). */
    private static final Set<String> SKIPPED = Set.of("sor_api.certify");

    private static final int ROUNDS = 3;

    static SorDatabase db;
    static SortedSet<String> documented;
    static Map<String, String> byName;

    @BeforeAll
    static void setUp(SorDatabase database) throws IOException, SQLException {
        db = database;
        // a queue, a task, an event and a run that exist, which the plausible arguments name
        byName = Sweeps.setUpObjects(db);
        // the same key in both calls of a race (a new one each round, ROUND below), so that an
        // idempotent call meets its retry; batches of ten with keys, which the second call of a
        // race gives in the opposite order
        byName.put("idempotency_key", "'race-key-ROUND'");
        byName.put("dedupe_key", "'race-key-ROUND'");
        byName.put("expected_version", "1");
        StringBuilder tasks = new StringBuilder("'[");
        StringBuilder events = new StringBuilder("'[");
        for (int i = 0; i < 10; i++) {
            tasks.append(i > 0 ? ", " : "").append("{\"subject\": \"row ").append(i).append("\", \"dedupe_key\": \"race-ROUND-").append(i).append("\"}");
            events.append(i > 0 ? ", " : "").append("{\"stream\": \"race-ROUND-").append(i).append("\", \"type\": \"Noted\", \"idempotency_key\": \"race-ROUND-")
                    .append(i).append("\"}");
        }
        byName.put("tasks", tasks.append("]'::jsonb").toString());
        byName.put("events", events.append("]'::jsonb").toString());
        documented = Sweeps.documentedCodes();
    }

    /** What the sweep saw as one role. */
    private record Sweep(int races, int succeeded, int refused, List<String> problems) { }

    @Test
    void aWorkersCallsRacingTheirRetriesSucceedOrAreRefusedWithADocumentedCode() throws Exception {
        assertClean("worker", sweep("worker", db.worker("race", "acme")), 40);
    }

    @Test
    void aDispatchersAndAnApproversCallsRacingTheirRetriesSucceedOrAreRefusedWithADocumentedCode() throws Exception {
        assertClean("dispatcher", sweep("dispatcher", db.dispatcher("acme")), 10);
        assertClean("approver", sweep("approver", db.approver("acme")), 10);
    }

    @Test
    void anAdminsCallsRacingTheirRetriesSucceedOrAreRefusedWithADocumentedCode() throws Exception {
        Database admin = db.sorAdmin();
        db.addMember("acme", admin);
        assertClean("admin", sweep("admin", admin), 30);
    }

    /**
     * Every two of a Worker's functions that may write, racing each other on the Worker's own
     * claimed task (its id and fencing token), its own run and the same stream and keys: both
     * succeed, or one or both are refused with a documented SQLSTATE and a hint.
     */
    @Test
    void aWorkersWritesRacingEachOtherOnItsOwnTaskAndRunSucceedOrAreRefusedWithADocumentedCode() throws Exception {
        Database worker = db.worker("pairs", "acme");
        List<Sweeps.Fn> fns = Sweeps.executable(worker, 0, true, "sor_api").stream().filter(f -> !SKIPPED.contains(f.name())).toList();
        int races = 0;
        int succeeded = 0;
        int refused = 0;
        Map<String, String> problems = new LinkedHashMap<>();
        try (Connection setup = worker.connect(); Connection c0 = worker.connect(); Connection c1 = worker.connect()) {
            Connection[] racers = {c0, c1};
            for (Connection c : racers) {
                Sql.run(c, "set statement_timeout = '20s'");
            }
            for (int i = 0; i < fns.size(); i++) {
                for (int j = i + 1; j < fns.size(); j++) {
                    Sql.run(setup, "select sor_api.enqueue_task('acme', 'sweep', 'pair')");
                    List<Object> claim = Sql.rows(setup, "select task_id, fencing_token from sor_api.claim_tasks('sweep', 1, '1 minute')").get(0);
                    Map<String, String> names = new HashMap<>(byName);
                    names.put("task_id", claim.get(0).toString());
                    names.put("fencing_token", claim.get(1).toString());
                    names.put("run_id", "'" + Sql.scalar(setup, "select run_id from sor_api.start_run('acme', 'sweep')") + "'::uuid");
                    String key = "pair-" + i + "-" + j;
                    String[] calls = {pairCall(fns.get(i), names, claim).replace("ROUND", key), pairCall(fns.get(j), names, claim).replace("ROUND", key)};
                    races++;
                    List<Race.Outcome<Boolean>> outcomes = Race.together(2, thread -> {
                        try (Statement st = racers[thread].createStatement()) {
                            return st.execute(calls[thread]);
                        }
                    });
                    for (int t = 0; t < 2; t++) {
                        Race.Outcome<Boolean> o = outcomes.get(t);
                        if (o.ok()) {
                            succeeded++;
                        } else {
                            refused++;
                            String problem = problem(o);
                            if (problem != null) {
                                problems.putIfAbsent(fns.get(t == 0 ? i : j).name() + " " + o.sqlState(),
                                        calls[t] + " racing " + calls[1 - t] + " -> " + problem);
                            }
                        }
                    }
                }
            }
        }
        assertClean("worker, in pairs", new Sweep(races, succeeded, refused, new ArrayList<>(problems.values())), 200);
    }

    /** A call of the function with the names' values; a batch of completions or failures names the claimed task. */
    private static String pairCall(Sweeps.Fn fn, Map<String, String> names, List<Object> claim) {
        List<String> args = fn.plausible(names);
        String item = "{\"task_id\": " + claim.get(0) + ", \"fencing_token\": " + claim.get(1);
        if (fn.name().equals("sor_api.complete_tasks")) {
            args.set(0, "'[" + item + ", \"result\": {}}]'::jsonb");
        } else if (fn.name().equals("sor_api.fail_tasks")) {
            args.set(0, "'[" + item + ", \"error\": \"timeout\"}]'::jsonb");
        }
        return fn.call(args);
    }

    /** Why a refusal is not an answer to a race (a code never given, undocumented, or no hint), or null. */
    private static String problem(Race.Outcome<?> o) {
        String state = o.sqlState();
        String hint = o.error() instanceof PSQLException e && e.getServerErrorMessage() != null
                ? e.getServerErrorMessage().getHint() : null;
        if (state == null || NEVER.contains(state) || !documented.contains(state) || hint == null || hint.isBlank()) {
            return state + " " + o.error().getMessage().lines().findFirst().orElse("") + " (hint: " + hint + ")";
        }
        return null;
    }

    private static void assertClean(String role, Sweep s, int atLeast) {
        System.out.printf("RaceSweepTest: %s ran %d races, %d calls succeeded, %d refused%n", role, s.races(), s.succeeded(), s.refused());
        assertThat(s.races()).as("races run as the %s", role).isGreaterThanOrEqualTo(atLeast);
        assertThat(s.succeeded()).as("calls that succeeded as the %s", role).isGreaterThan(0);
        assertThat(s.problems()).as("answers to a call racing its retry as the %s", role).isEmpty();
    }

    private static Sweep sweep(String label, Database role) throws Exception {
        int races = 0;
        int succeeded = 0;
        int refused = 0;
        Map<String, String> problems = new LinkedHashMap<>();
        for (Sweeps.Fn fn : Sweeps.executable(role, 0, "sor_api")) {
            if (SKIPPED.contains(fn.name())) {
                continue;
            }
            List<String> args = fn.plausible(byName);
            List<String> reversed = new ArrayList<>();
            for (String a : args) {
                reversed.add(a.endsWith("::jsonb") && a.startsWith("'[")
                        ? "(select jsonb_agg(x order by o desc) from jsonb_array_elements(" + a + ") with ordinality as t(x, o))" : a);
            }
            for (int round = 0; round < ROUNDS; round++) {
                races++;
                String key = label + "-" + round;
                String[] calls = {fn.call(args).replace("ROUND", key), fn.call(reversed).replace("ROUND", key)};
                List<Race.Outcome<Boolean>> outcomes = Race.onConnections(role, 2, (c, thread) -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("set statement_timeout = '20s'");
                        return st.execute(calls[thread]);
                    }
                });
                for (Race.Outcome<Boolean> o : outcomes) {
                    if (o.ok()) {
                        succeeded++;
                        continue;
                    }
                    refused++;
                    String problem = problem(o);
                    if (problem != null) {
                        problems.putIfAbsent(fn.name() + " " + o.sqlState(), calls[0] + " -> " + problem);
                    }
                }
            }
        }
        return new Sweep(races, succeeded, refused, new ArrayList<>(problems.values()));
    }
}
