package dev.pgsor.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The fingerprint of the kit's objects as the live catalog has them, read with the CLI's own SQL
 * over pg_catalog ({@code pgsor/catalog_fingerprint.sql}), never through a kit function, view or
 * table: a superuser who replaced kit functions, or edited the guard's register, cannot change what
 * it sees. The release manifest records the fingerprint of a fresh install; {@code certify
 * --release} compares a database's with it.
 *
 * <p>Monthly partitions vary by database (they are made for the months around the install and
 * afterwards by {@code sor_api.maintain_partitions}). A partition of a kit partitioned table named
 * {@code <table>_pYYYYMM} whose bounds are that calendar month is fingerprinted as a template: its
 * name is replaced by {@code <table>_p{YYYYMM}} in every name and attribute of it and of its
 * columns, constraints, indexes, triggers and policies, and its bounds by {@code monthly}. Every
 * monthly partition of a table must then have the one shape the release records for it. Any other
 * partition (the default ones) is fingerprinted by its own name.
 */
public final class CatalogFingerprint {

    /** What stands for the month in a monthly partition's name. */
    public static final String MONTH = "{YYYYMM}";

    /** A monthly partition's bounds, as its template records them. */
    public static final String MONTHLY = "monthly";

    /**
     * One object as it is compared.
     *
     * @param key       its name in the release: kind and name ({@code policy p on sor.t}); a monthly
     *                  partition's objects carry {@link #MONTH} instead of the month
     * @param actual    its name in this database (the month filled in)
     * @param schema    the schema it lives in (of its table, for a table's objects); NULL for an event trigger
     * @param partition the partition it belongs to (the partition's own row included), with its parent, or NULL
     * @param attrs     its attributes, sorted by name
     */
    public record Obj(String key, String actual, String schema, Partition partition, Map<String, Object> attrs) {

        /** The kind: the key's words up to the name (function, event trigger, ...). */
        public String kind() {
            return kindOf(key);
        }
    }

    /**
     * A partition of a kit partitioned table.
     *
     * @param table    the partition, schema-qualified
     * @param parent   its partitioned table
     * @param bound    its bounds as PostgreSQL prints them in UTC
     * @param template the template name when it is a monthly partition ({@code sor.events_p{YYYYMM}}), else NULL
     */
    public record Partition(String table, String parent, String bound, String template) {
        public boolean monthly() {
            return template != null;
        }
    }

    /** The fingerprint of a database: the server's major version and every object, sorted by actual name. */
    public record Snapshot(int major, List<Obj> objects) { }

    private static final Pattern BOUND = Pattern.compile("FOR VALUES FROM \\('([^']+)'\\) TO \\('([^']+)'\\)");
    private static final DateTimeFormatter PG_TIMESTAMPTZ = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendPattern("X")
            .toFormatter();
    private static final String[] KINDS = {"event trigger", "constraint", "function", "sequence", "trigger", "column", "policy",
        "schema", "index", "table", "rule", "type", "view"};

    private CatalogFingerprint() { }

    /** The kind of a key: {@code event trigger sor_guard_1_start} is an event trigger. */
    public static String kindOf(String key) {
        for (String k : KINDS) {
            if (key.startsWith(k + " ")) {
                return k;
            }
        }
        throw new IllegalArgumentException("not an object key: " + key);
    }

    /**
     * Reads the fingerprint of every object of the schemas (and the kit's event triggers), in a
     * read-only transaction whose settings make every name and expression render the same way.
     */
    public static Snapshot read(Connection connection, Set<String> schemas) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        List<Row> rows = new ArrayList<>();
        int major;
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("set transaction read only");
                // names qualified whatever the caller's search_path; instants in UTC; ISO dates
                st.execute("set local search_path = ''");
                st.execute("set local timezone = 'UTC'");
                st.execute("set local datestyle = 'ISO, MDY'");
                st.execute("set local intervalstyle = 'postgres'");
                st.execute("set local extra_float_digits = 1");
                try (ResultSet rs = st.executeQuery("select pg_catalog.current_setting('server_version_num')::int / 10000")) {
                    rs.next();
                    major = rs.getInt(1);
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(query())) {
                Array array = connection.createArrayOf("text", schemas.stream().sorted().toArray());
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6)));
                    }
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
        return new Snapshot(major, objects(rows));
    }

    private record Row(String kind, String name, String rel, String parent, String bound, String attrs) { }

    private static List<Obj> objects(List<Row> rows) {
        Set<String> partitioned = rows.stream()
                .filter(r -> r.kind().equals("table")
                        && "partitioned table".equals(((Map<?, ?>) Json.parse(r.attrs())).get("relkind")))
                .map(Row::name).collect(Collectors.toSet());
        Map<String, Partition> partitions = new HashMap<>();
        for (Row r : rows) {
            if (r.kind().equals("table") && r.parent() != null && partitioned.contains(r.parent())) {
                partitions.put(r.name(), new Partition(r.name(), r.parent(), r.bound(), monthlyTemplate(r.name(), r.parent(), r.bound())));
            }
        }
        List<Obj> objects = new ArrayList<>();
        for (Row r : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> attrs = new TreeMap<>((Map<String, Object>) Json.parse(r.attrs()));
            if (r.kind().equals("view")) {
                String definition = (String) attrs.remove("definition");
                attrs.put("definition_sha256", sha256(definition));
                attrs.put("definition_unqualified_sha256", sha256(unqualified(definition)));
            }
            String key = r.kind() + " " + r.name();
            Partition p = r.rel() == null ? null : partitions.get(r.rel());
            String schema = schemaOf(r);
            if (p != null && p.monthly()) {
                String month = relname(p.table());
                String template = relname(p.template());
                Map<String, Object> replaced = new TreeMap<>();
                attrs.forEach((k, v) -> replaced.put(k, replace(v, month, template)));
                if (r.kind().equals("table")) {
                    replaced.put("partition_bound", MONTHLY);
                }
                objects.add(new Obj(key.replace(month, template), key, schema, p, replaced));
            } else {
                objects.add(new Obj(key, key, schema, p, attrs));
            }
        }
        objects.sort((a, b) -> a.actual().compareTo(b.actual()));
        return objects;
    }

    private static String schemaOf(Row r) {
        return switch (r.kind()) {
            case "event trigger" -> null;
            case "schema" -> r.name();
            default -> {
                String qualified = r.rel() != null ? r.rel() : r.name();
                yield qualified.substring(0, qualified.indexOf('.'));
            }
        };
    }

    /**
     * The template name of a monthly partition ({@code sor.events_p{YYYYMM}}) when the partition is
     * named {@code <parent>_pYYYYMM} and its bounds are that calendar month; NULL otherwise. The kit
     * makes the bounds in the time zone of the session that called it: each bound may be up to 14
     * hours before or 12 hours after midnight UTC of the first of its month.
     */
    static String monthlyTemplate(String table, String parent, String bound) {
        String schema = table.substring(0, table.indexOf('.'));
        if (!schema.equals(parent.substring(0, parent.indexOf('.')))) {
            return null;
        }
        Matcher name = Pattern.compile(Pattern.quote(relname(parent)) + "_p(\\d{4})(\\d{2})").matcher(relname(table));
        Matcher range = BOUND.matcher(bound == null ? "" : bound);
        if (!name.matches() || !range.matches()) {
            return null;
        }
        int year = Integer.parseInt(name.group(1));
        int month = Integer.parseInt(name.group(2));
        if (month < 1 || month > 12) {
            return null;
        }
        OffsetDateTime start = OffsetDateTime.of(year, month, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        try {
            if (!near(OffsetDateTime.parse(range.group(1), PG_TIMESTAMPTZ), start)
                    || !near(OffsetDateTime.parse(range.group(2), PG_TIMESTAMPTZ), start.plusMonths(1))) {
                return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
        return schema + "." + relname(parent) + "_p" + MONTH;
    }

    private static boolean near(OffsetDateTime bound, OffsetDateTime midnightUtc) {
        return !bound.isBefore(midnightUtc.minusHours(14)) && !bound.isAfter(midnightUtc.plusHours(12));
    }

    /** The relation's name without its schema: {@code sor.events} is {@code events}. */
    static String relname(String qualified) {
        return qualified.substring(qualified.indexOf('.') + 1);
    }

    private static Object replace(Object value, String from, String to) {
        if (value instanceof String s) {
            return s.replace(from, to);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> replace(v, from, to)).toList();
        }
        return value;
    }

    /**
     * A view's definition without qualifiers ({@code t.col}, {@code sor.f}): PostgreSQL 16 stopped
     * printing the relation name of columns in single-table views, so the same view renders
     * differently on 15 and 17. Compared only across server major versions.
     */
    static String unqualified(String definition) {
        return definition.replaceAll("(?<![\\w$\".])(?:[A-Za-z_][\\w$]*|\"[^\"]+\")\\.(?=[A-Za-z_\"])", "");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The objects by key, in key order, for a fingerprint whose keys are unique (a manifest's). */
    static Map<String, Obj> byKey(List<Obj> objects) {
        Map<String, Obj> map = new LinkedHashMap<>();
        for (Obj o : objects) {
            map.put(o.key(), o);
        }
        return map;
    }

    private static String query() {
        try (InputStream in = CatalogFingerprint.class.getResourceAsStream("/pgsor/catalog_fingerprint.sql")) {
            if (in == null) {
                throw new IllegalStateException("pgsor/catalog_fingerprint.sql is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
