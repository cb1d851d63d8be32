package dev.pgsor.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the live catalog's fingerprint ({@link CatalogFingerprint}, the CLI's own SQL) with a
 * release manifest, as rows in certify's shape (property {@code release}): one failing row per
 * object that differs from the release, that the release has and the database lacks, or that the
 * database has in the kit's schemas and the release does not (docs/certify.md).
 *
 * <p>Scope: the schemas of the release's modules (sor, sor_api, sor_guard, and the example's
 * reconciler when it is installed) and the kit's event triggers. Objects of other domain schemas
 * registered with the kit are not the release's and are not compared (certify() still checks
 * them); anything they add to a kit schema or a kit table (a trigger, a policy, a grant) is.
 */
public final class ReleaseCheck {

    /** The check of every object outside partitions. */
    public static final String OBJECTS = "protected objects are as the release has them";
    /** The check of the partitions of the kit's partitioned tables. */
    public static final String PARTITIONS = "partitions are the release's monthly partitions";
    /** The check of each module's Flyway history against the release's scripts. */
    public static final String SCRIPTS = "the applied scripts are the release's";

    /**
     * Where each module's Flyway history table may be: its own history schema (SorSchema), or
     * schema public where an install older than that keeps it.
     */
    static final Map<String, List<String>> HISTORY = Map.of(
            "kernel", List.of(dev.pgsor.schema.SorSchema.KERNEL.historySchema() + "." + dev.pgsor.schema.SorSchema.KERNEL.historyTable(),
                    "public." + dev.pgsor.schema.SorSchema.KERNEL.historyTable()),
            "reconciler", List.of(dev.pgsor.schema.SorSchema.RECONCILER.historySchema() + "." + dev.pgsor.schema.SorSchema.RECONCILER.historyTable(),
                    "public." + dev.pgsor.schema.SorSchema.RECONCILER.historyTable()));

    private static final int SHOWN = 160;

    private ReleaseCheck() { }

    /**
     * Reads the fingerprint of the database and compares it with the manifest, then each installed
     * module's Flyway history with the release's scripts.
     */
    public static List<Certification.Check> run(Connection connection, ReleaseManifest manifest) throws SQLException {
        CatalogFingerprint.Snapshot live = CatalogFingerprint.read(connection, manifest.schemas());
        List<Certification.Check> rows = new ArrayList<>(compare(manifest, live));
        rows.addAll(scripts(connection, manifest, live));
        return rows;
    }

    /**
     * The scripts each installed module's Flyway history records as applied (the latest successful
     * row of each script, read from the history table itself) against the release's: a checksum
     * that differs, a script of the release not applied, a script applied that the release does not
     * have. The history is the migrating admin's record, which a superuser can edit: it says which
     * scripts ran, the catalog comparison says what they left.
     */
    static List<Certification.Check> scripts(Connection connection, ReleaseManifest manifest, CatalogFingerprint.Snapshot live)
            throws SQLException {
        String release = manifest.version();
        Set<String> liveSchemas = new TreeSet<>();
        live.objects().stream().filter(o -> o.kind().equals("schema")).forEach(o -> liveSchemas.add(o.schema()));
        List<Certification.Check> rows = new ArrayList<>();
        int compared = 0;
        for (ReleaseManifest.Module m : manifest.modules()) {
            if (m.schemas().stream().noneMatch(liveSchemas::contains)) {
                continue;
            }
            List<String> places = HISTORY.getOrDefault(m.name(), List.of());
            String table = null;
            for (String place : places) {
                try (java.sql.PreparedStatement ps = connection.prepareStatement("select pg_catalog.to_regclass(?) is not null")) {
                    ps.setString(1, place);
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            table = place;
                            break;
                        }
                    }
                }
            }
            if (table == null) {
                rows.add(new Certification.Check("release", SCRIPTS, "module " + m.name(), false,
                        "no Flyway history table of module " + m.name() + " (looked for " + String.join(", ", places) + ")"));
                continue;
            }
            Map<String, Long> applied = new TreeMap<>();
            try (Statement st = connection.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("select script, checksum from " + table
                         + " where success and type not in ('BASELINE', 'SCHEMA', 'DELETE') order by installed_rank")) {
                while (rs.next()) {
                    long checksum = rs.getLong(2);
                    applied.put(rs.getString(1), rs.wasNull() ? null : checksum);
                }
            }
            Map<String, ReleaseManifest.Script> expected = new TreeMap<>();
            manifest.scripts().stream().filter(s -> s.module().equals(m.name()) && !s.type().equals("callback"))
                    .forEach(s -> expected.put(s.script(), s));
            for (ReleaseManifest.Script s : expected.values()) {
                compared++;
                if (!applied.containsKey(s.script())) {
                    rows.add(new Certification.Check("release", SCRIPTS, m.name() + " " + s.script(), false,
                            "not applied: release " + release + " has it (" + table + ")"));
                } else if (!Objects.equals(applied.get(s.script()), s.checksum())) {
                    rows.add(new Certification.Check("release", SCRIPTS, m.name() + " " + s.script(), false,
                            "applied with checksum " + applied.get(s.script()) + ", release " + release + "'s is " + s.checksum()
                                    + " (" + table + ")"));
                }
            }
            for (String script : applied.keySet()) {
                if (!expected.containsKey(script)) {
                    rows.add(new Certification.Check("release", SCRIPTS, m.name() + " " + script, false,
                            "applied, not in release " + release + " (" + table + ")"));
                }
            }
        }
        if (rows.isEmpty()) {
            rows.add(new Certification.Check("release", SCRIPTS, "release " + release, true,
                    compared + " scripts, all applied as release " + release + " has them"));
        }
        return rows;
    }

    /** The rows: failing ones first by check and object, then one passing row per check that found nothing. */
    public static List<Certification.Check> compare(ReleaseManifest manifest, CatalogFingerprint.Snapshot live) {
        String release = manifest.version();
        Set<String> liveSchemas = new TreeSet<>();
        for (CatalogFingerprint.Obj o : live.objects()) {
            if (o.kind().equals("schema")) {
                liveSchemas.add(o.schema());
            }
        }
        // a module none of whose schemas exists is not installed: its objects are not expected
        Set<String> skipped = new LinkedHashSet<>();
        for (ReleaseManifest.Module m : manifest.modules()) {
            if (m.schemas().stream().noneMatch(liveSchemas::contains)) {
                skipped.add(m.name());
            }
        }
        boolean sameMajor = manifest.postgresMajor() == live.major();
        Map<String, ReleaseManifest.Entry> expected = new TreeMap<>();
        manifest.objects().forEach((k, e) -> {
            if (!skipped.contains(e.module())) {
                expected.put(k, e);
            }
        });

        List<Certification.Check> objectRows = new ArrayList<>();
        List<Certification.Check> partitionRows = new ArrayList<>();
        int objectsCompared = 0;
        Set<String> partitionsSeen = new TreeSet<>();

        // objects outside monthly partitions: by key
        Map<String, CatalogFingerprint.Obj> plain = new TreeMap<>();
        Map<String, List<CatalogFingerprint.Obj>> monthly = new TreeMap<>();
        for (CatalogFingerprint.Obj o : live.objects()) {
            if (o.partition() != null && o.partition().monthly()) {
                monthly.computeIfAbsent(o.partition().table(), t -> new ArrayList<>()).add(o);
            } else {
                plain.put(o.key(), o);
            }
            if (o.partition() != null) {
                partitionsSeen.add(o.partition().table());
            }
        }
        Set<String> templateKeys = new TreeSet<>();
        expected.keySet().stream().filter(k -> k.contains(CatalogFingerprint.MONTH)).forEach(templateKeys::add);

        // extra and missing tables: their columns, constraints, indexes, ... are not repeated
        Set<String> extraTables = new TreeSet<>();
        Set<String> missingTables = new TreeSet<>();
        for (String k : plain.keySet()) {
            if (k.startsWith("table ") && !expected.containsKey(k)) {
                extraTables.add(k.substring("table ".length()));
            }
        }
        for (String k : expected.keySet()) {
            if (k.startsWith("table ") && !templateKeys.contains(k) && !plain.containsKey(k)) {
                missingTables.add(k.substring("table ".length()));
            }
        }

        for (CatalogFingerprint.Obj o : plain.values()) {
            boolean inPartition = o.partition() != null;
            List<Certification.Check> rows = inPartition ? partitionRows : objectRows;
            ReleaseManifest.Entry e = expected.get(o.key());
            if (e == null) {
                String table = tableOf(o);
                if (table != null && extraTables.contains(table) && !o.kind().equals("table")) {
                    continue;
                }
                rows.add(fail(inPartition, o.actual(), extraDetail(o, release, plain, extraTables)));
            } else {
                if (!inPartition) {
                    objectsCompared++;
                }
                String diff = diff(e.attrs(), o.attrs(), o.kind(), sameMajor);
                if (diff != null) {
                    rows.add(fail(inPartition, o.actual(), "differs from release " + release + ": " + diff));
                }
            }
        }
        for (ReleaseManifest.Entry e : expected.values()) {
            if (templateKeys.contains(e.key()) || plain.containsKey(e.key())) {
                continue;
            }
            String table = tableOf(e.key(), e.attrs());
            if (table != null && missingTables.contains(table) && !e.key().startsWith("table ")) {
                continue;
            }
            boolean inPartition = e.attrs().containsKey("partition_of") || isChildOfPartition(e, manifest);
            if (!inPartition) {
                objectsCompared++;
            }
            (inPartition ? partitionRows : objectRows).add(fail(inPartition, e.key(), "missing: release " + release
                    + " has it, this database does not" + (e.key().startsWith("table ") && missingTables.contains(table)
                    ? " (nor its columns, constraints, indexes, triggers and policies)" : "")));
        }

        // monthly partitions: each against the release's template of its table
        for (Map.Entry<String, List<CatalogFingerprint.Obj>> p : monthly.entrySet()) {
            CatalogFingerprint.Partition partition = p.getValue().get(0).partition();
            String template = partition.template();
            String month = CatalogFingerprint.relname(partition.table());
            String token = CatalogFingerprint.relname(template);
            Map<String, ReleaseManifest.Entry> shape = new TreeMap<>();
            for (String k : templateKeys) {
                if (template.equals(tableOf(k, expected.get(k).attrs()))) {
                    shape.put(k, expected.get(k));
                }
            }
            if (shape.isEmpty()) {
                partitionRows.add(fail(true, "table " + partition.table(), "not in release " + release + ": the release has no"
                        + " monthly partitions of " + partition.parent()));
                continue;
            }
            Map<String, CatalogFingerprint.Obj> have = new TreeMap<>();
            p.getValue().forEach(o -> have.put(o.key(), o));
            for (CatalogFingerprint.Obj o : have.values()) {
                ReleaseManifest.Entry e = shape.get(o.key());
                if (e == null) {
                    partitionRows.add(fail(true, o.actual(), "not in release " + release + ": the release's monthly partitions of "
                            + partition.parent() + " have no " + o.kind() + " like it"));
                } else {
                    String diff = diff(e.attrs(), o.attrs(), o.kind(), sameMajor);
                    if (diff != null) {
                        partitionRows.add(fail(true, o.actual(), "differs from the release's monthly partitions of "
                                + partition.parent() + ": " + diff.replace(token, month)));
                    }
                }
            }
            for (ReleaseManifest.Entry e : shape.values()) {
                if (!have.containsKey(e.key())) {
                    partitionRows.add(fail(true, e.key().replace(token, month), "missing: the release's monthly partitions of "
                            + partition.parent() + " have it, " + partition.table() + " does not"));
                }
            }
        }

        List<Certification.Check> rows = new ArrayList<>();
        objectRows.sort((a, b) -> a.object().compareTo(b.object()));
        partitionRows.sort((a, b) -> a.object().compareTo(b.object()));
        rows.addAll(objectRows);
        if (objectRows.isEmpty()) {
            rows.add(new Certification.Check("release", OBJECTS, "release " + release, true,
                    objectsCompared + " objects, all as release " + release + " has them"
                            + (skipped.isEmpty() ? "" : "; not installed, not compared: module " + String.join(", ", skipped))
                            + (sameMajor ? "" : "; views compared without qualifiers (the release was rendered on PostgreSQL "
                                    + manifest.postgresMajor() + ", this server is " + live.major() + ")")));
        }
        rows.addAll(partitionRows);
        if (partitionRows.isEmpty()) {
            rows.add(new Certification.Check("release", PARTITIONS, "release " + release, true,
                    partitionsSeen.size() + " partitions, all as release " + release + " makes them"));
        }
        return rows;
    }

    private static Certification.Check fail(boolean partition, String object, String detail) {
        return new Certification.Check("release", partition ? PARTITIONS : OBJECTS, object, false, detail);
    }

    private static String extraDetail(CatalogFingerprint.Obj o, String release, Map<String, CatalogFingerprint.Obj> plain,
                                      Set<String> extraTables) {
        StringBuilder d = new StringBuilder("not in release " + release);
        if (o.kind().equals("table") && o.partition() != null) {
            d.append(": a partition of ").append(o.partition().parent()).append(" (").append(o.partition().bound())
             .append(") that is not a monthly partition the kit makes (named ")
             .append(CatalogFingerprint.relname(o.partition().parent())).append("_pYYYYMM, bounds that calendar month,"
                     + " made by sor_api.maintain_partitions)");
        }
        if (o.kind().equals("table")) {
            String table = o.actual().substring("table ".length());
            long children = plain.values().stream().filter(c -> !c.kind().equals("table") && table.equals(tableOf(c))).count();
            if (children > 0) {
                d.append(o.partition() != null ? "; " : ": ").append("with ").append(children)
                 .append(" columns, constraints, indexes, triggers and policies of its own");
            }
        }
        return d.toString();
    }

    /** The table a table's object belongs to, by its actual name, or NULL. */
    private static String tableOf(CatalogFingerprint.Obj o) {
        return tableOf(o.actual(), o.attrs());
    }

    /** The table an object belongs to (the table itself for a table), or NULL for objects of no table. */
    private static String tableOf(String key, Map<String, Object> attrs) {
        String kind = CatalogFingerprint.kindOf(key);
        String name = key.substring(kind.length() + 1);
        return switch (kind) {
            case "table" -> name;
            case "index" -> (String) attrs.get("table");
            case "column" -> name.substring(0, name.lastIndexOf('.'));
            case "constraint", "trigger", "rule", "policy" -> name.substring(name.lastIndexOf(" on ") + 4);
            default -> null;
        };
    }

    private static boolean isChildOfPartition(ReleaseManifest.Entry e, ReleaseManifest manifest) {
        String table = tableOf(e.key(), e.attrs());
        if (table == null) {
            return false;
        }
        ReleaseManifest.Entry t = manifest.objects().get("table " + table);
        return t != null && t.attrs().containsKey("partition_of");
    }

    /**
     * What differs, attribute by attribute ({@code using: (tenant_id IN ...) -> true}), or NULL.
     * Across server major versions a view's exact definition is not compared, only its definition
     * without qualifiers.
     */
    static String diff(Map<String, Object> release, Map<String, Object> live, String kind, boolean sameMajor) {
        Set<String> names = new TreeSet<>(release.keySet());
        names.addAll(live.keySet());
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            if (!sameMajor && kind.equals("view") && n.equals("definition_sha256")) {
                continue;
            }
            Object a = release.get(n);
            Object b = live.get(n);
            if (Objects.equals(a, b)) {
                continue;
            }
            if (a instanceof List<?> la && b instanceof List<?> lb) {
                List<Object> removed = new ArrayList<>(la);
                removed.removeAll(lb);
                List<Object> added = new ArrayList<>(lb);
                added.removeAll(la);
                parts.add(n + ": " + (removed.isEmpty() ? "" : "without " + shown(removed)) + (removed.isEmpty() || added.isEmpty() ? "" : ", ")
                        + (added.isEmpty() ? "" : "with " + shown(added)));
            } else {
                parts.add(n + ": " + shown(a) + " -> " + shown(b));
            }
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static String shown(Object value) {
        if (value == null) {
            return "(none)";
        }
        String s = value instanceof String str ? str : Json.write(value);
        s = s.replaceAll("\\s+", " ");
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "... (sha256 " + CatalogFingerprint.sha256(s).substring(0, 12) + ")";
    }
}
