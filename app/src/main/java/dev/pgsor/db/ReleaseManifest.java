package dev.pgsor.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a release of pg-sor is, kept outside any database: {@code releases/<version>/manifest.json}.
 * One JSON object per line, in a fixed order (releases/README.md): a header (the release, the
 * server major version it was rendered on, the schemas of each module), every Flyway script of each
 * module with its Flyway checksum (callbacks, which Flyway does not checksum, with their sha256),
 * the fingerprint of every object a fresh install leaves in the kit's schemas
 * ({@link CatalogFingerprint}), and last the digest: {@code sha256:} and the sha256 of every byte
 * of the file before that line. An approver names a release by its version and that digest.
 */
public final class ReleaseManifest {

    /** The header's format name. */
    public static final String FORMAT = "pg-sor release manifest 1";

    /**
     * One Flyway script of a module.
     *
     * @param module   the module ("kernel", "reconciler")
     * @param script   its name, as Flyway reports it (relative to its location)
     * @param type     versioned, repeatable or callback
     * @param version  the version of a versioned script, else NULL
     * @param checksum Flyway's checksum (versioned and repeatable scripts), else NULL
     * @param sha256   the sha256 of a callback's bytes, else NULL
     */
    public record Script(String module, String script, String type, String version, Long checksum, String sha256) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("script", script);
            m.put("module", module);
            m.put("type", type);
            if (version != null) {
                m.put("version", version);
            }
            if (checksum != null) {
                m.put("checksum", checksum);
            }
            if (sha256 != null) {
                m.put("sha256", sha256);
            }
            return m;
        }
    }

    /**
     * One object of a fresh install.
     *
     * @param key    kind and name ({@code function sor_api.read_stream(text,bigint,integer)})
     * @param module the module whose schema holds it
     * @param attrs  its fingerprint, attribute by attribute
     */
    public record Entry(String key, String module, Map<String, Object> attrs) {
        public Entry {
            attrs = new TreeMap<>(attrs);
        }
    }

    /**
     * A module as a release installs it: its name and schemas (the order of modules is the order of
     * installation; event triggers belong to the first, the kernel).
     */
    public record Module(String name, List<String> schemas) { }

    private final String version;
    private final int postgresMajor;
    private final List<Module> modules;
    private final List<Script> scripts;
    private final Map<String, Entry> objects;

    public ReleaseManifest(String version, int postgresMajor, List<Module> modules, List<Script> scripts, Map<String, Entry> objects) {
        this.version = Objects.requireNonNull(version, "version");
        this.postgresMajor = postgresMajor;
        this.modules = List.copyOf(modules);
        List<String> order = modules.stream().map(Module::name).toList();
        this.scripts = scripts.stream()
                .sorted(Comparator.comparing((Script s) -> order.indexOf(s.module())).thenComparing(Script::script))
                .toList();
        this.objects = new TreeMap<>(objects);
    }

    public String version() {
        return version;
    }

    public int postgresMajor() {
        return postgresMajor;
    }

    public List<Module> modules() {
        return modules;
    }

    public List<Script> scripts() {
        return scripts;
    }

    /** Every object, by key, in key order. */
    public Map<String, Entry> objects() {
        return objects;
    }

    /** Every schema of the release's modules. */
    public Set<String> schemas() {
        Set<String> all = new LinkedHashSet<>();
        modules.forEach(m -> all.addAll(m.schemas()));
        return all;
    }

    /** The module whose schemas include the schema (the first module for NULL: event triggers). */
    public String moduleOf(String schema) {
        if (schema == null) {
            return modules.get(0).name();
        }
        for (Module m : modules) {
            if (m.schemas().contains(schema)) {
                return m.name();
            }
        }
        throw new IllegalArgumentException("schema " + schema + " belongs to no module of release " + version);
    }

    /** The text of the file, digest line included. */
    public String render() {
        String body = body();
        return body + Json.write(Map.of("digest", "sha256:" + sha256(body))) + "\n";
    }

    /** The digest: {@code sha256:} and the sha256 of the file's bytes before its digest line. */
    public String digest() {
        return "sha256:" + sha256(body());
    }

    /** The text of the file before its digest line: what the digest hashes, and what the release callbacks carry. */
    public String body() {
        StringBuilder out = new StringBuilder();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("manifest", FORMAT);
        header.put("release", version);
        header.put("postgres_major", (long) postgresMajor);
        Map<String, Object> mods = new LinkedHashMap<>();
        for (Module m : modules) {
            mods.put(m.name(), m.schemas());
        }
        header.put("modules", mods);
        out.append(Json.write(header)).append('\n');
        for (Script s : scripts) {
            out.append(Json.write(s.json())).append('\n');
        }
        for (Entry e : objects.values()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("object", e.key());
            line.put("module", e.module());
            line.put("attrs", e.attrs());
            out.append(Json.write(line)).append('\n');
        }
        return out.toString();
    }

    /**
     * Reads a manifest's text and checks its digest line against its bytes; IllegalArgumentException
     * says what is wrong (a line that is not what the format has, a digest that does not match).
     */
    @SuppressWarnings("unchecked")
    public static ReleaseManifest parse(String text) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("not a release manifest: it does not end with its digest line");
        }
        int last = text.lastIndexOf('\n', text.length() - 2);
        String body = text.substring(0, last + 1);
        Map<String, Object> digestLine = object(text.substring(last + 1, text.length() - 1), "the last line");
        Object digest = digestLine.get("digest");
        if (digestLine.size() != 1 || !(digest instanceof String d) || !d.startsWith("sha256:")) {
            throw new IllegalArgumentException("not a release manifest: its last line is not {\"digest\":\"sha256:...\"}");
        }
        String actual = "sha256:" + sha256(body);
        if (!actual.equals(d)) {
            throw new IllegalArgumentException("the manifest's content does not match its digest line: it says " + d
                    + ", its content hashes to " + actual + " (edited by hand? regenerate it with pg-sor release)");
        }
        String[] lines = body.split("\n");
        Map<String, Object> header = object(lines[0], "line 1");
        if (!FORMAT.equals(header.get("manifest"))) {
            throw new IllegalArgumentException("not a release manifest: line 1 does not name the format \"" + FORMAT + "\"");
        }
        String version = (String) header.get("release");
        int major = ((Long) header.get("postgres_major")).intValue();
        List<Module> modules = new ArrayList<>();
        ((Map<String, Object>) header.get("modules")).forEach((name, schemas) -> modules.add(new Module(name, (List<String>) schemas)));
        List<Script> scripts = new ArrayList<>();
        Map<String, Entry> objects = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            Map<String, Object> line = object(lines[i], "line " + (i + 1));
            if (line.containsKey("script")) {
                scripts.add(new Script((String) line.get("module"), (String) line.get("script"), (String) line.get("type"),
                        (String) line.get("version"), (Long) line.get("checksum"), (String) line.get("sha256")));
            } else if (line.containsKey("object")) {
                String key = (String) line.get("object");
                CatalogFingerprint.kindOf(key);
                if (objects.put(key, new Entry(key, (String) line.get("module"), (Map<String, Object>) line.get("attrs"))) != null) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": " + key + " appears twice");
                }
            } else {
                throw new IllegalArgumentException("line " + (i + 1) + " is neither a script nor an object");
            }
        }
        return new ReleaseManifest(version, major, modules, scripts, objects);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String line, String where) {
        Object v;
        try {
            v = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a release manifest: " + where + ": " + e.getMessage());
        }
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("not a release manifest: " + where + " is not a JSON object");
        }
        return (Map<String, Object>) v;
    }

    /**
     * The manifest of a fresh install: the scripts the modules applied and the fingerprint of the
     * modules' schemas. Every monthly partition of a table must have the same shape (one template
     * entry stands for them all).
     */
    public static ReleaseManifest generate(String version, Connection connection, List<Module> modules, List<Script> scripts)
            throws SQLException {
        Set<String> schemas = new LinkedHashSet<>();
        modules.forEach(m -> schemas.addAll(m.schemas()));
        CatalogFingerprint.Snapshot snapshot = CatalogFingerprint.read(connection, schemas);
        ReleaseManifest shell = new ReleaseManifest(version, snapshot.major(), modules, scripts, Map.of());
        Map<String, Entry> objects = new TreeMap<>();
        for (CatalogFingerprint.Obj o : snapshot.objects()) {
            Entry e = new Entry(o.key(), shell.moduleOf(o.schema()), o.attrs());
            Entry before = objects.put(o.key(), e);
            if (before != null && !before.attrs().equals(e.attrs())) {
                throw new IllegalStateException("the monthly partitions of " + o.partition().parent() + " differ: " + o.actual()
                        + " is not like the others (" + before.attrs() + " vs " + e.attrs() + ")");
            }
        }
        return new ReleaseManifest(version, snapshot.major(), modules, scripts, objects);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
