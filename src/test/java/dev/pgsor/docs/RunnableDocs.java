package dev.pgsor.docs;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;

/**
 * Runnable SQL in the documentation. A fenced {@code sql} block is runnable when the line right
 * before its fence is a marker naming the role that runs it:
 *
 * <pre>
 * &lt;!-- run as: admin --&gt;                  the superuser that migrates
 * &lt;!-- run as: reconciler_1 --&gt;           a login role an earlier block of the same page created
 * &lt;!-- run as: reconciler_1, expect SR013 --&gt;   the block's last statement must fail with SR013
 * </pre>
 *
 * A page's runnable blocks run in page order against a fresh migrated database (kernel and the
 * reconciler), one connection per role, so session state carries from block to block; psql
 * variables set by {@code \gset} carry across the whole page, as they do across {@code \connect}.
 * Login roles the page creates are dropped with its database.
 */
final class RunnableDocs {

    /** One runnable block: where it is, who runs it, what it must do. */
    record Block(String file, int line, String role, String expect, String sql) {

        String where() {
            return file + ":" + line;
        }
    }

    static final Pattern MARKER = Pattern.compile(
            "<!--\\s*run as:\\s*([a-z_][a-z0-9_]*)\\s*(?:,\\s*expect\\s+([0-9A-Z]{5})\\s*)?-->");
    private static final String PASSWORD = "pw-for-docs";

    private RunnableDocs() { }

    /** README.md and every page under docs/, repository-relative, in a stable order. */
    static List<String> pages() {
        List<String> out = new ArrayList<>();
        out.add("README.md");
        Path docs = Repo.path("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> walk = Files.walk(docs)) {
                walk.filter(p -> p.toString().endsWith(".md"))
                    .map(p -> Repo.root().relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The text of a repository file. */
    static String read(String file) {
        try {
            return Files.readString(Repo.path(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The runnable blocks of a page. A marker must stand on the line right before a {@code ```sql}
     * fence, and a line that starts like a marker must be one: a typo never turns a block silently
     * into an unchecked one.
     */
    static List<Block> blocks(String file, String markdown) {
        String[] lines = markdown.split("\n", -1);
        List<Block> out = new ArrayList<>();
        boolean inFence = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (inFence || !line.matches("<!--\\s*run\\b.*")) {
                continue;
            }
            Matcher m = MARKER.matcher(line);
            if (!m.matches()) {
                throw new AssertionFailedError(file + ":" + (i + 1) + ": malformed marker " + line
                        + " (expected <!-- run as: ROLE --> or <!-- run as: ROLE, expect SQLSTATE -->)");
            }
            if (i + 1 >= lines.length || !lines[i + 1].strip().equals("```sql")) {
                throw new AssertionFailedError(file + ":" + (i + 1) + ": a marker must stand right before a ```sql fence");
            }
            int first = i + 2;
            int close = first;
            while (close < lines.length && !lines[close].strip().equals("```")) {
                close++;
            }
            if (close >= lines.length) {
                throw new AssertionFailedError(file + ":" + (i + 2) + ": the sql block is not closed");
            }
            StringBuilder sql = new StringBuilder();
            for (int k = first; k < close; k++) {
                sql.append(lines[k]).append('\n');
            }
            out.add(new Block(file, first + 1, m.group(1), m.group(2), sql.toString()));
        }
        return out;
    }

    /**
     * Runs a page's blocks in order in the given (fresh) database; the login roles the page creates
     * are handed to it, so they are dropped when it is closed. A block that fails, or that succeeds
     * where its marker expects a refusal, fails with the file and line of the statement.
     */
    static void run(SorDatabase db, List<Block> blocks) {
        Set<String> rolesBefore = roles(db);
        Map<String, String> variables = new HashMap<>();
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (Block block : blocks) {
                Connection c = connections.get(block.role());
                if (c == null) {
                    c = connect(db, block, rolesBefore);
                    connections.put(block.role(), c);
                }
                runBlock(c, block, variables);
            }
        } finally {
            for (Connection c : connections.values()) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the database is dropped next
                }
            }
            Set<String> created = roles(db);
            created.removeAll(rolesBefore);
            db.ownRoles(created.toArray(String[]::new));
        }
    }

    private static void runBlock(Connection c, Block block, Map<String, String> variables) {
        List<PsqlScript.Statement> statements;
        try {
            statements = PsqlScript.split(block.sql());
        } catch (IllegalArgumentException e) {
            throw new AssertionFailedError(block.where() + ": not runnable by psql: " + e.getMessage());
        }
        if (statements.isEmpty()) {
            throw new AssertionFailedError(block.where() + ": a runnable block without a statement");
        }
        for (int k = 0; k < statements.size(); k++) {
            PsqlScript.Statement st = statements.get(k);
            boolean last = k == statements.size() - 1;
            String sql = PsqlScript.interpolate(st.sql(), variables);
            String where = block.file() + ":" + (block.line() + st.line() - 1) + " (as " + block.role() + ")";
            try (Statement s = c.createStatement()) {
                boolean hasRows = s.execute(sql);
                if (st.gset()) {
                    gset(s, hasRows, st.gsetPrefix(), variables, where);
                }
            } catch (SQLException e) {
                if (last && e.getSQLState() != null && e.getSQLState().equals(block.expect())) {
                    return;
                }
                throw new AssertionFailedError(where + ": SQLSTATE " + e.getSQLState() + ": " + e.getMessage()
                        + "\n  statement: " + sql, e);
            }
            if (last && block.expect() != null) {
                throw new AssertionFailedError(where + ": expected SQLSTATE " + block.expect()
                        + " from the block's last statement, but it succeeded\n  statement: " + sql);
            }
        }
    }

    /** psql's \gset: exactly one row; each column becomes a variable (NULL unsets it). */
    private static void gset(Statement s, boolean hasRows, String prefix, Map<String, String> variables, String where)
            throws SQLException {
        if (!hasRows) {
            throw new AssertionFailedError(where + ": \\gset after a statement that returns no rows");
        }
        try (ResultSet rs = s.getResultSet()) {
            if (!rs.next()) {
                throw new AssertionFailedError(where + ": no rows returned for \\gset");
            }
            ResultSetMetaData md = rs.getMetaData();
            Map<String, String> row = new HashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.put(prefix + md.getColumnLabel(i), rs.getString(i));
            }
            if (rs.next()) {
                throw new AssertionFailedError(where + ": more than one row returned for \\gset");
            }
            row.forEach((name, value) -> {
                if (value == null) {
                    variables.remove(name);
                } else {
                    variables.put(name, value);
                }
            });
        }
    }

    private static Connection connect(SorDatabase db, Block block, Set<String> rolesBefore) {
        try {
            if (block.role().equals("admin")) {
                return db.admin().connect();
            }
            Object canLogin = db.scalar("select rolcanlogin from pg_catalog.pg_roles where rolname = ?", block.role());
            if (!Boolean.TRUE.equals(canLogin) || rolesBefore.contains(block.role())) {
                throw new AssertionFailedError(block.where() + ": runs as " + block.role()
                        + ", which is not a login role created by an earlier block of this page");
            }
            db.exec("alter role " + block.role() + " password '" + PASSWORD + "'");
            Database as = db.admin().as(block.role(), PASSWORD);
            return as.connect();
        } catch (SQLException e) {
            throw new AssertionFailedError(block.where() + ": cannot connect as " + block.role() + ": " + e.getMessage(), e);
        }
    }

    private static Set<String> roles(SorDatabase db) {
        Set<String> out = new HashSet<>();
        for (List<Object> r : Sql.rows(db.admin(), "select rolname::text from pg_catalog.pg_roles")) {
            out.add((String) r.get(0));
        }
        return out;
    }
}
