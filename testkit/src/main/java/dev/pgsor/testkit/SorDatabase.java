package dev.pgsor.testkit;

import dev.pgsor.runtime.Database;
import dev.pgsor.schema.SorSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A migrated database of one test class (injected by {@link SorExtension}), with the ways to
 * become the caller a real client would be: a registered Worker, a tenant member, an auditor, an
 * approver, a dispatcher, each a login role of its own that is dropped with the database.
 * The superuser {@link #admin()} is for setting up and for proving what an admin can do, never
 * for proving a policy.
 */
public final class SorDatabase implements AutoCloseable {

    private static final String PASSWORD = "pw-for-tests";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final SorServer server;
    private final String name;
    private final List<SorSchema.Module> modules;
    private final List<String> roles = new ArrayList<>();
    private final Set<String> watched = new LinkedHashSet<>();

    SorDatabase(SorServer server, String name, List<SorSchema.Module> modules) {
        this.server = server;
        this.name = name;
        this.modules = List.copyOf(modules);
    }

    /** The database's name on the server. */
    public String name() {
        return name;
    }

    /** The modules migrated into it, in order (empty for {@link #empty()}). */
    public List<SorSchema.Module> modules() {
        return modules;
    }

    /** Which server the kit runs on: "embedded", "container IMAGE" or "server URL". */
    public String serverMode() {
        return server.mode();
    }

    /** The superuser that migrates: only for setting up and for proving what the admin can do. */
    public Database admin() {
        return server.maintenance().withDatabaseName(name);
    }

    /**
     * Creates a login role, unique on the server and named after {@code base}, that is a member of
     * the given group roles; it is dropped when this database is closed.
     */
    public Database loginRole(String base, String... groups) {
        identifier(base);
        String role = server.newName(base);
        StringBuilder sql = new StringBuilder("create role " + role + " login password '" + PASSWORD + "'");
        if (groups.length > 0) {
            for (String g : groups) {
                identifier(g);
            }
            sql.append(" in role ").append(String.join(", ", groups));
        }
        exec(sql.toString());
        synchronized (roles) {
            roles.add(role);
        }
        return admin().as(role, PASSWORD);
    }

    /** A login role in sor_worker, registered (sor_api.register_worker) with the kind and a member of the tenants. */
    public Database worker(String kind, String... tenants) {
        Database w = loginRole("worker", "sor_worker");
        scalar("select sor_api.register_worker(?, ?)", w.user(), kind);
        addMembers(w, tenants);
        return w;
    }

    /** A login role in sor_tenant (an application user of the tenants), a member of the tenants. */
    public Database tenantUser(String... tenants) {
        Database u = loginRole("tenant", "sor_tenant");
        addMembers(u, tenants);
        return u;
    }

    /** A login role in sor_approver, a member of the tenants. */
    public Database approver(String... tenants) {
        Database a = loginRole("approver", "sor_approver");
        addMembers(a, tenants);
        return a;
    }

    /** A login role in sor_auditor: reads everything through the forensic functions and views. */
    public Database auditor() {
        return loginRole("auditor", "sor_auditor");
    }

    /** A login role in sor_dispatcher, a member of the tenants whose outbox rows it leases and marks. */
    public Database dispatcher(String... tenants) {
        Database d = loginRole("dispatcher", "sor_dispatcher");
        addMembers(d, tenants);
        return d;
    }

    /** A login role in sor_admin: the kit's operator (tenants, queues, retries), not a superuser. */
    public Database sorAdmin() {
        return loginRole("admin", "sor_admin");
    }

    /** Adds a tenant (sor_api.add_tenant) as the admin. */
    public void addTenant(String tenantId, String displayName) {
        scalar("select sor_api.add_tenant(?, ?)", tenantId, displayName);
    }

    /** Adds tenants, each displayed by its id. */
    public void addTenants(String... tenantIds) {
        for (String t : tenantIds) {
            addTenant(t, t);
        }
    }

    /** Makes the role a member of the tenant (sor_api.add_member) as the admin. */
    public void addMember(String tenantId, Database role) {
        scalar("select sor_api.add_member(?, ?)", tenantId, role.user());
    }

    private void addMembers(Database role, String... tenants) {
        for (String t : tenants) {
            addMember(t, role);
        }
    }

    /** Executes SQL as the admin (several statements allowed); a failure is an IllegalStateException. */
    public void exec(String sql) {
        SorServer.exec(admin(), sql);
    }

    /**
     * Runs SQL as the superuser with the drop guard's event triggers paused (sor_guard.pause), in
     * one transaction: a change only a superuser can make past the guard. For tests that prove
     * certify() sees what the guard did not refuse; never a way to set up a test's fixtures.
     */
    public void pastTheGuard(String sql) {
        exec("begin; select sor_guard.pause(true); " + sql + "; select sor_guard.pause(false); commit;");
    }

    /** Runs a query as the admin and returns the first column of the first row. */
    public Object scalar(String sql, Object... args) {
        return Sql.scalar(admin(), sql, args);
    }

    /** Runs a query as the admin and returns the first column of the first row as a long. */
    public long count(String sql, Object... args) {
        return ((Number) scalar(sql, args)).longValue();
    }

    /** Runs a query as the admin and returns every row. */
    public List<List<Object>> rows(String sql, Object... args) {
        return Sql.rows(admin(), sql, args);
    }

    /** Another fresh database cloned from the same migrated template; the caller closes it. */
    public SorDatabase fresh() {
        return server.freshDatabase(modules);
    }

    /** A fresh, empty database on the same server (nothing migrated); the caller closes it. */
    public SorDatabase empty() {
        return server.emptyDatabase();
    }

    /**
     * Adds schemas whose tables {@link #digest()} (and so {@link SorAssertions#assertNothingWritten})
     * compares, besides sor, sor_api and the registered domain schemas (sor.kit_schemas()).
     */
    public void watchSchemas(String... schemas) {
        watched.addAll(List.of(schemas));
    }

    /**
     * A digest of everything a call could write, read as the admin: for each table of the kit's
     * schemas (sor, sor_api, the domain schemas and the guard's sor_guard) and the watched ones, its row count and the md5 of its ordered rows; for each of
     * their standalone sequences (a counter such as sor.fencing_tokens), its last value. Sequences
     * owned by an identity or serial column are left out: a rolled-back insert advances them too.
     */
    public Map<String, String> digest() {
        List<String> schemas = new ArrayList<>(watched);
        if (Boolean.TRUE.equals(scalar("select to_regproc('sor.kit_schemas') is not null"))) {
            rows("select s::text from sor.kit_schemas() s").forEach(r -> schemas.add((String) r.get(0)));
        }
        if (Boolean.TRUE.equals(scalar("select to_regnamespace('sor_guard') is not null"))) {
            schemas.add("sor_guard");
        }
        List<List<Object>> relations = rows("select format('%I.%I', n.nspname, c.relname), c.relkind::text"
                + " from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
                + " where n.nspname = any(?) and (c.relkind in ('r', 'p') and not c.relispartition"
                + " or c.relkind = 'S' and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_class'::regclass"
                + " and d.objid = c.oid and d.deptype in ('a', 'i')))"
                + " order by 1", (Object) schemas.toArray(String[]::new));
        if (relations.isEmpty()) {
            return Map.of();
        }
        List<String> parts = new ArrayList<>();
        for (List<Object> r : relations) {
            String rel = (String) r.get(0);
            String label = "'" + rel.replace("'", "''") + "'";
            parts.add("S".equals(r.get(1))
                    ? "select " + label + ", (select 'sequence at ' || last_value || case when is_called then '' else ' (unused)' end"
                            + " from " + rel + ")"
                    : "select " + label + ", (select count(*) || ' rows, md5 ' || coalesce(md5(string_agg(x::text, ','"
                            + " order by x::text)), '-') from " + rel + " x)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (List<Object> row : rows(String.join(" union all ", parts))) {
            out.put((String) row.get(0), (String) row.get(1));
        }
        return out;
    }

    /**
     * Takes login roles created outside the kit (by the code under test) into this database's
     * cleanup: they are dropped after the database.
     */
    public void ownRoles(String... roleNames) {
        synchronized (roles) {
            roles.addAll(List.of(roleNames));
        }
    }

    /** Terminates the database's sessions, drops it, then drops the login roles it created or owns. */
    @Override
    public void close() {
        try (Connection c = server.maintenance().connect(); Statement st = c.createStatement()) {
            st.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + name
                    + "' and pid <> pg_backend_pid()");
            st.execute("drop database if exists " + name);
            for (String role : roles) {
                st.execute("drop role if exists \"" + role.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cleanup of " + name + " failed: " + e.getMessage(), e);
        }
    }

    private static void identifier(String s) {
        if (!IDENTIFIER.matcher(s).matches()) {
            throw new IllegalArgumentException("not a plain lower-case identifier: " + s);
        }
    }
}
