package dev.pgsor.contract;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.Sql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the sweeps over every callable function share: the functions a role may execute, plausible
 * arguments by type and by name, and the SQLSTATEs `docs/errors.md` documents.
 */
final class Sweeps {

    private static final Pattern CODE_ROW = Pattern.compile("(?m)^\\|\\s*([0-9A-Z]{5})\\s*\\|");

    /** A plausible value of each argument type: the caller's tenant, an empty object, one. */
    static final Map<String, String> PLAUSIBLE = Map.ofEntries(
            Map.entry("text", "'acme'"), Map.entry("jsonb", "'{}'::jsonb"), Map.entry("integer", "1"),
            Map.entry("bigint", "1"), Map.entry("smallint", "1"), Map.entry("numeric", "1"),
            Map.entry("boolean", "true"), Map.entry("interval", "'1 second'::interval"),
            Map.entry("timestamp with time zone", "now()"), Map.entry("text[]", "'{acme}'::text[]"),
            Map.entry("uuid", "gen_random_uuid()"));

    /** One function: its name, whether it is a procedure, its argument types and names. */
    record Fn(String name, boolean procedure, List<String> types, List<String> names) {

        /** A call of it with these arguments (SQL expressions). */
        String call(List<String> args) {
            return (procedure ? "call " : "select * from ") + name + "(" + String.join(", ", args) + ")";
        }

        /** Each argument plausible by its name, else by its type, else NULL of its type. */
        List<String> plausible(Map<String, String> byName) {
            List<String> args = new ArrayList<>();
            for (int j = 0; j < types.size(); j++) {
                String t = types.get(j);
                args.add(byName.getOrDefault(names.get(j), PLAUSIBLE.getOrDefault(t, "null::" + t)));
            }
            return args;
        }
    }

    private Sweeps() { }

    /**
     * Tenants acme and globex, and in acme a queue, a task, an event and a run that exist; returns
     * plausible values by argument name that name them, so that a call gets past its first checks
     * and reaches the code behind them.
     */
    static Map<String, String> setUpObjects(SorDatabase db) throws SQLException {
        db.addTenants("acme", "globex");
        Sql.run(db.sorAdmin(), "select sor_api.create_queue('sweep', 'sweep of every function')");
        Database owner = db.worker("sweep-owner", "acme");
        Map<String, String> byName = byName();
        byName.put("task_id", String.valueOf(Sql.scalar(owner, "select sor_api.enqueue_task('acme', 'sweep', 'row 0')")));
        Sql.run(owner, "select sor_api.append_event('acme', 'order-1', 'Noted', '{}'::jsonb, '{}'::jsonb, null)");
        byName.put("run_id", "'" + Sql.scalar(owner, "select run_id from sor_api.start_run('acme', 'sweep')") + "'::uuid");
        return byName;
    }

    private static Map<String, String> byName() {
        return new HashMap<>(Map.ofEntries(
                Map.entry("queue", "'sweep'"), Map.entry("stream", "'order-1'"), Map.entry("for_stream", "'order-1'"),
                Map.entry("type", "'Noted'"), Map.entry("name", "'audit.copy'"), Map.entry("kind", "'tasks'"),
                Map.entry("subject", "'row 1'"), Map.entry("workflow", "'sweep'"), Map.entry("version", "'0.4.0'"),
                Map.entry("role_name", "session_user::text"), Map.entry("tenant", "'acme'"), Map.entry("for_tenant", "'acme'"),
                Map.entry("tasks", "'[{\"subject\": \"row 2\"}]'::jsonb"),
                Map.entry("events", "'[{\"stream\": \"order-2\", \"type\": \"Noted\"}]'::jsonb")));
    }

    /** The SQLSTATEs with a row in docs/errors.md. */
    static SortedSet<String> documentedCodes() throws IOException {
        SortedSet<String> documented = new TreeSet<>();
        Matcher m = CODE_ROW.matcher(Files.readString(Repo.path("docs/errors.md"), StandardCharsets.UTF_8));
        while (m.find()) {
            documented.add(m.group(1));
        }
        return documented;
    }

    /** The functions and procedures of the schemas that the role may execute, with at least minArgs arguments. */
    static List<Fn> executable(Database role, int minArgs, String... schemas) throws SQLException {
        return executable(role, minArgs, false, schemas);
    }

    /** The same, only the volatile ones (those that may write) when writersOnly. */
    static List<Fn> executable(Database role, int minArgs, boolean writersOnly, String... schemas) throws SQLException {
        List<Fn> fns = new ArrayList<>();
        for (List<Object> r : Sql.rows(role, "select p.pronamespace::regnamespace::text || '.' || p.proname, p.prokind = 'p',"
                + " array(select pg_catalog.format_type(t, null) from unnest(p.proargtypes) with ordinality u(t, o) order by o)::text[],"
                + " coalesce(p.proargnames[1:p.pronargs], array[]::text[])"
                + " from pg_catalog.pg_proc p"
                + " where p.pronamespace::regnamespace::text = any (?::text[]) and p.pronargs >= ?"
                + " and p.prokind in ('f', 'p') and (not ? or p.provolatile = 'v')"
                + " and pg_catalog.has_function_privilege(p.oid, 'execute')"
                + " order by p.proname, p.oid", "{" + String.join(",", schemas) + "}", minArgs, writersOnly)) {
            String[] types = (String[]) ((java.sql.Array) r.get(2)).getArray();
            String[] names = (String[]) ((java.sql.Array) r.get(3)).getArray();
            List<String> argNames = new ArrayList<>();
            for (int i = 0; i < types.length; i++) {
                argNames.add(i < names.length && names[i] != null ? names[i] : "");
            }
            fns.add(new Fn((String) r.get(0), (Boolean) r.get(1), List.of(types), argNames));
        }
        return fns;
    }
}
