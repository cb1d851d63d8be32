package dev.pgsor.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reviews versioned migrations the way a DBA does before a change touches production data: it
 * flags destructive and lock-heavy statements on tables that already exist, unless the file's
 * header carries an explicit reviewed marker for that rule:
 * {@code -- lint: reviewed <rule> by <name>: <reason>}.
 * Function bodies and DO blocks (dollar-quoted text) are not inspected.
 */
public final class MigrationLinter {

    /** The rules, each with the safe alternative a finding prints. */
    public enum Rule {
        DROP("drop", "drops an object or column",
                "keep the object and stop using it; drop it in a later migration, rehearsed on a branch, with a drop-guard approval"),
        ALTER_COLUMN_TYPE("alter-column-type", "changes a column type (rewrites the table under ACCESS EXCLUSIVE)",
                "add a new column, backfill it in batches, switch readers, then drop the old column in a later reviewed migration"),
        SET_NOT_NULL("set-not-null", "sets NOT NULL without a validated NOT VALID check constraint (scans the table under ACCESS EXCLUSIVE)",
                "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; then SET NOT NULL, which uses the validated constraint"),
        CREATE_INDEX("create-index", "creates an index on an existing table without CONCURRENTLY (blocks writes while it builds)",
                "CREATE INDEX CONCURRENTLY in a migration of its own, run outside a transaction (Flyway: executeInTransaction=false)"),
        FOREIGN_KEY("foreign-key", "adds a foreign key to an existing table and validates it in one step",
                "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later statement"),
        VOLATILE_DEFAULT("volatile-default", "adds a column with a volatile DEFAULT (rewrites the table)",
                "add the column without a default (or with a constant or now()), backfill in batches, then SET DEFAULT"),
        LOCK_TIMEOUT("lock-timeout", "changes an existing table without SET lock_timeout first",
                "start the migration with SET lock_timeout = '5s', so a blocked statement fails instead of queueing every reader behind it"),
        MARKER("marker", "malformed lint marker",
                "write -- lint: reviewed <rule> by <name>: <reason> in the header, with a known rule");

        private final String id;
        private final String problem;
        private final String alternative;

        Rule(String id, String problem, String alternative) {
            this.id = id;
            this.problem = problem;
            this.alternative = alternative;
        }

        public String id() {
            return id;
        }

        public String problem() {
            return problem;
        }

        public String alternative() {
            return alternative;
        }

        static Rule byId(String id) {
            for (Rule r : values()) {
                if (r.id.equals(id) && r != MARKER) {
                    return r;
                }
            }
            return null;
        }
    }

    /** One finding: where, which rule, and what to do instead. */
    public record Finding(String file, int line, Rule rule, String detail) {
        public String format() {
            return file + ":" + line + ": [" + rule.id() + "] " + rule.problem() + ": " + detail
                    + "\n    safe alternative: " + rule.alternative();
        }
    }

    /** One statement of a file, with its line and its text normalised for matching. */
    record Statement(int line, String text) { }

    private static final Pattern MARKER = Pattern.compile(
            "^--\\s*lint:\\s*reviewed\\s+([a-z-]+)\\s+by\\s+(\\S[^:]*?)\\s*:\\s*(\\S.*)$");
    private static final String NAME = "((?:\"[^\"]+\"|[a-z_][a-z0-9_$]*)(?:\\.(?:\"[^\"]+\"|[a-z_][a-z0-9_$]*))?)";
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "^create\\s+(?:(?:global\\s+|local\\s+)?(?:temporary|temp|unlogged)\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?" + NAME);
    private static final Pattern ALTER_TABLE = Pattern.compile(
            "^alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?" + NAME + "\\s*(.*)$");
    private static final Pattern DROP = Pattern.compile("^drop\\s+(materialized\\s+view|foreign\\s+table|[a-z]+)\\s+"
            + "(?:concurrently\\s+)?(?:if\\s+exists\\s+)?" + NAME);
    private static final Pattern DROP_IN_ALTER = Pattern.compile("(?:^|,)\\s*drop\\s+(column|constraint)\\b");
    private static final Pattern TYPE_IN_ALTER = Pattern.compile(
            "(?:^|,)\\s*alter\\s+(?:column\\s+)?(\"[^\"]+\"|[a-z_][a-z0-9_$]*)\\s+(?:set\\s+data\\s+)?type\\b");
    private static final Pattern NOT_NULL_IN_ALTER = Pattern.compile(
            "(?:^|,)\\s*alter\\s+(?:column\\s+)?(\"[^\"]+\"|[a-z_][a-z0-9_$]*)\\s+set\\s+not\\s+null\\b");
    private static final Pattern NOT_VALID_CHECK = Pattern.compile(
            "add\\s+constraint\\s+(\"[^\"]+\"|[a-z_][a-z0-9_$]*)\\s+check\\s*\\(\\s*\\(?\\s*(\"[^\"]+\"|[a-z_][a-z0-9_$]*)\\s+is\\s+not\\s+null\\s*\\)?\\s*\\)\\s*not\\s+valid");
    private static final Pattern VALIDATE = Pattern.compile("validate\\s+constraint\\s+(\"[^\"]+\"|[a-z_][a-z0-9_$]*)");
    private static final Pattern FOREIGN_KEY = Pattern.compile("(?:^|,)\\s*add\\s+(?:constraint\\s+\\S+\\s+)?foreign\\s+key\\b");
    private static final Pattern ADD_COLUMN = Pattern.compile("(?:^|,)\\s*add\\s+(?:column\\s+)?(?!constraint\\b)(?!foreign\\b)(?!primary\\b)(?!unique\\b)(?!check\\b)[^,]*");
    private static final Pattern VOLATILE = Pattern.compile(
            "\\bdefault\\b.*\\b(random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v1|uuid_generate_v1mc|uuid_generate_v4|nextval|txid_current|pg_current_xact_id|setseed)\\s*\\(");
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^create\\s+(?:unique\\s+)?index\\s+(concurrently\\s+)?(?:if\\s+not\\s+exists\\s+)?(?:\\S+\\s+)?on\\s+(?:only\\s+)?" + NAME);
    private static final Pattern LOCK_TIMEOUT = Pattern.compile(
            "^set\\s+(?:local\\s+)?lock_timeout\\b|set_config\\s*\\(\\s*'lock_timeout'");

    private MigrationLinter() { }

    /** Lints the versioned migrations (V*.sql) under each directory that exists, in file order. */
    public static List<Finding> lintDirectories(List<Path> dirs) {
        List<Finding> out = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("V.+\\.sql")).sorted().toList()) {
                    out.addAll(lint(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Lints the text of one migration file; {@code file} only names it in the findings. */
    public static List<Finding> lint(String file, String sql) {
        List<Finding> findings = new ArrayList<>();
        Set<Rule> reviewed = new HashSet<>();
        readHeader(file, sql, reviewed, findings);

        List<Statement> statements = split(sql);
        Set<String> newTables = new HashSet<>();
        Set<String> notValidChecks = new HashSet<>();
        Set<String> validated = new HashSet<>();
        boolean lockTimeout = false;
        boolean lockTimeoutReported = false;

        for (Statement st : statements) {
            String s = st.text();
            List<Finding> here = new ArrayList<>();
            boolean touchesExisting = false;
            if (LOCK_TIMEOUT.matcher(s).find()) {
                lockTimeout = true;
            }
            Matcher m;
            if ((m = CREATE_TABLE.matcher(s)).find()) {
                newTables.add(unquote(m.group(1)));
            } else if ((m = CREATE_INDEX.matcher(s)).find()) {
                String table = unquote(m.group(2));
                if (!newTables.contains(table)) {
                    touchesExisting = true;
                    if (m.group(1) == null) {
                        here.add(new Finding(file, st.line(), Rule.CREATE_INDEX, "on " + table));
                    }
                }
            } else if ((m = DROP.matcher(s)).find()) {
                String what = m.group(1).trim();
                String name = unquote(m.group(2));
                if (!newTables.contains(name)) {
                    touchesExisting = what.equals("table") || what.equals("index");
                    here.add(new Finding(file, st.line(), Rule.DROP, "drop " + what + " " + name));
                }
            } else if ((m = ALTER_TABLE.matcher(s)).find()) {
                String table = unquote(m.group(1));
                String actions = m.group(2);
                for (Matcher c = NOT_VALID_CHECK.matcher(actions); c.find(); ) {
                    notValidChecks.add(table + "|" + unquote(c.group(1)) + "|" + unquote(c.group(2)));
                }
                for (Matcher v = VALIDATE.matcher(actions); v.find(); ) {
                    validated.add(table + "|" + unquote(v.group(1)));
                }
                if (!newTables.contains(table)) {
                    touchesExisting = true;
                    alterTable(file, st.line(), table, actions, notValidChecks, validated, here);
                }
            }
            if (touchesExisting && !lockTimeout && !lockTimeoutReported) {
                here.add(0, new Finding(file, st.line(), Rule.LOCK_TIMEOUT, "first change of an existing table"));
                lockTimeoutReported = true;
            }
            for (Finding f : here) {
                if (!reviewed.contains(f.rule())) {
                    findings.add(f);
                }
            }
        }
        return findings;
    }

    private static void alterTable(String file, int line, String table, String actions, Set<String> notValidChecks,
                                   Set<String> validated, List<Finding> here) {
        for (Matcher d = DROP_IN_ALTER.matcher(actions); d.find(); ) {
            here.add(new Finding(file, line, Rule.DROP, "alter table " + table + " drop " + d.group(1)));
        }
        for (Matcher t = TYPE_IN_ALTER.matcher(actions); t.find(); ) {
            here.add(new Finding(file, line, Rule.ALTER_COLUMN_TYPE, table + "." + unquote(t.group(1))));
        }
        for (Matcher n = NOT_NULL_IN_ALTER.matcher(actions); n.find(); ) {
            String column = unquote(n.group(1));
            boolean prepared = notValidChecks.stream().anyMatch(k -> {
                String[] p = k.split("\\|");
                return p[0].equals(table) && p[2].equals(column) && validated.contains(table + "|" + p[1]);
            });
            if (!prepared) {
                here.add(new Finding(file, line, Rule.SET_NOT_NULL, table + "." + column));
            }
        }
        if (FOREIGN_KEY.matcher(actions).find() && !actions.contains("not valid")) {
            here.add(new Finding(file, line, Rule.FOREIGN_KEY, "on " + table));
        }
        for (Matcher a = ADD_COLUMN.matcher(actions); a.find(); ) {
            if (VOLATILE.matcher(a.group()).find()) {
                here.add(new Finding(file, line, Rule.VOLATILE_DEFAULT, a.group().trim().replaceFirst("^,\\s*", "")));
            }
        }
    }

    /** Reads the markers of the header: the comment lines before the first statement. */
    private static void readHeader(String file, String sql, Set<Rule> reviewed, List<Finding> findings) {
        String[] lines = sql.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("--")) {
                break;
            }
            if (!line.toLowerCase(Locale.ROOT).replaceFirst("^--\\s*", "").startsWith("lint:")) {
                continue;
            }
            Matcher m = MARKER.matcher(line);
            Rule rule = m.matches() ? Rule.byId(m.group(1)) : null;
            if (rule == null) {
                findings.add(new Finding(file, i + 1, Rule.MARKER, line));
            } else {
                reviewed.add(rule);
            }
        }
    }

    /**
     * Splits SQL into statements: comments removed, string literals emptied, dollar-quoted bodies
     * replaced by $$ $$, whitespace collapsed, lower case; each with the line it starts on.
     */
    static List<Statement> split(String sql) {
        List<Statement> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int line = 1;
        int start = -1;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                line += count(sql, i, end);
                cur.append(' ');
                i = end;
                continue;
            }
            if (start < 0 && !Character.isWhitespace(c) && c != ';') {
                start = line;
            }
            if (c == '\'') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == '\'') {
                        if (j + 1 < n && sql.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                String literal = sql.substring(i, Math.min(j + 1, n));
                line += count(sql, i, Math.min(j + 1, n));
                cur.append(literal.equalsIgnoreCase("'lock_timeout'") ? "'lock_timeout'" : "''");
                i = j + 1;
                continue;
            }
            if (c == '"') {
                int j = sql.indexOf('"', i + 1);
                j = j < 0 ? n - 1 : j;
                cur.append(sql, i, j + 1);
                i = j + 1;
                continue;
            }
            if (c == '$') {
                Matcher tag = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$").matcher(sql).region(i, n);
                if (tag.lookingAt()) {
                    int end = sql.indexOf(tag.group(), tag.end());
                    end = end < 0 ? n : end + tag.group().length();
                    line += count(sql, i, end);
                    cur.append(" $$ $$ ");
                    i = end;
                    continue;
                }
            }
            if (c == ';') {
                add(out, start, cur);
                cur.setLength(0);
                start = -1;
                i++;
                continue;
            }
            cur.append(c);
            i++;
        }
        add(out, start, cur);
        return out;
    }

    private static void add(List<Statement> out, int start, StringBuilder text) {
        String s = text.toString().replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
        if (!s.isEmpty()) {
            out.add(new Statement(start, s));
        }
    }

    private static int count(String s, int from, int to) {
        int k = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                k++;
            }
        }
        return k;
    }

    private static String unquote(String name) {
        return name.replace("\"", "");
    }
}
