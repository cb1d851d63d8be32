package dev.pgsor.db;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Older pg-sor installs kept each module's Flyway history table in schema {@code public}
 * ({@code public.flyway_schema_history} for the kernel); pg-sor now keeps it in the module's own
 * history schema ({@link SorSchema.Module#historySchema()}). {@link #relocate} moves a table left in
 * {@code public} to its new place, but only when it is provably the module's own: it records the
 * module's first versioned script and no script the module does not have. An application's own
 * {@code public.flyway_schema_history} is never touched.
 */
public final class HistoryTables {

    /** A history table that was moved. */
    public record Move(String module, String from, String to) { }

    /** A history table in public that is the module's, but cannot be moved safely: both places hold history. */
    public static final class Conflict extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message);
        }
    }

    private HistoryTables() { }

    /**
     * Moves each module's history table that an older install left in public into the module's
     * history schema, in one transaction per table (ACCESS EXCLUSIVE on the table, so a Flyway run
     * started meanwhile waits). An empty table at the new place (left by a first run of the new
     * configuration that stopped in beforeMigrate) is dropped first. Returns what it moved.
     */
    public static List<Move> relocate(Database admin, List<SorSchema.Module> modules) throws SQLException {
        List<Move> moves = new ArrayList<>();
        for (SorSchema.Module m : modules) {
            if (m.historySchema().equals("public")) {
                continue;
            }
            String legacy = quote("public") + "." + quote(m.historyTable());
            String target = quote(m.historySchema()) + "." + quote(m.historyTable());
            if (!Boolean.TRUE.equals(exists(admin, legacy))) {
                continue;
            }
            Scripts scripts = scripts(admin, m);
            try (Connection c = admin.connect()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("set local lock_timeout = '10s'");
                    if (!exists(c, legacy)) {
                        c.rollback();
                        continue;
                    }
                    st.execute("lock table " + legacy + " in access exclusive mode");
                    if (!isModulesHistory(c, legacy, scripts)) {
                        c.rollback();
                        continue;
                    }
                    if (exists(c, target)) {
                        if (recordsScripts(c, target)) {
                            throw new Conflict("both public." + m.historyTable() + " and " + m.historySchema() + "."
                                    + m.historyTable() + " record scripts of module " + m.name()
                                    + ": keep the one that matches the database and drop the other (docs/operate/install.md)");
                        }
                        st.execute("drop table " + target);
                    }
                    st.execute("create schema if not exists " + quote(m.historySchema()));
                    st.execute("alter table " + legacy + " set schema " + quote(m.historySchema()));
                    c.commit();
                    moves.add(new Move(m.name(), "public." + m.historyTable(), m.historySchema() + "." + m.historyTable()));
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
        return moves;
    }

    private static boolean exists(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static boolean recordsScripts(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from " + table + " where type not in ('SCHEMA', 'BASELINE')")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** The module's script names and its first versioned script, as Flyway resolves them. */
    private record Scripts(Set<String> all, String first) { }

    private static Scripts scripts(Database admin, SorSchema.Module m) {
        Set<String> all = new TreeSet<>();
        MigrationInfo lowest = null;
        for (MigrationInfo i : Migrator.flyway(admin, m).info().all()) {
            if (i.getScript() == null) {
                continue;
            }
            all.add(i.getScript());
            if (i.getVersion() != null && (lowest == null || i.getVersion().compareTo(lowest.getVersion()) < 0)) {
                lowest = i;
            }
        }
        return new Scripts(all, lowest == null ? null : lowest.getScript());
    }

    private static boolean exists(Database admin, String qualified) throws SQLException {
        try (Connection c = admin.connect()) {
            return exists(c, qualified);
        }
    }

    /** True when the table records the module's first versioned script and nothing the module lacks. */
    private static boolean isModulesHistory(Connection c, String table, Scripts scripts) throws SQLException {
        if (scripts.first() == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("select count(*) filter (where success and script = ?),"
                + " count(*) filter (where type not in ('SCHEMA', 'BASELINE', 'DELETE') and script <> all(?))"
                + " from " + table)) {
            ps.setString(1, scripts.first());
            ps.setArray(2, c.createArrayOf("text", scripts.all().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0 && rs.getLong(2) == 0;
            }
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
