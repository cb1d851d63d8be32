package dev.pgsor.db;

import dev.pgsor.runtime.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The Flyway scripts a module applied, for the release manifest: versioned and repeatable scripts
 * with the checksum Flyway recorded in the module's history table (read through Flyway's own
 * MigrationInfo, never recomputed here), and the callbacks of its locations, which Flyway does not
 * checksum, with the sha256 of their bytes. Also installs an earlier release from the scripts it
 * shipped ({@code releases/<version>/}), with the Flyway settings of its own flyway.toml files.
 */
public final class ReleaseScripts {

    private static final Pattern MIGRATION = Pattern.compile("^[VRU][^_]*__.*\\.sql$");

    private ReleaseScripts() { }

    /**
     * The scripts of one module as its Flyway (configured with its locations and history table)
     * reports them after a migration. Fails when a script of the locations was not applied, or was
     * applied with another checksum than the file has now.
     */
    public static List<ReleaseManifest.Script> read(String module, Flyway flyway) {
        Map<String, MigrationInfo> latest = new TreeMap<>();
        for (MigrationInfo info : flyway.info().all()) {
            if (info.getType().isSynthetic() || info.getType().isBaseline() || info.getScript() == null) {
                continue;
            }
            if (!info.getState().isApplied() || info.getState().isFailed()) {
                throw new IllegalStateException(module + ": " + info.getScript() + " is " + info.getState().getDisplayName()
                        + ", not applied: a release manifest is made from a fresh install of every script");
            }
            MigrationInfo before = latest.get(info.getScript());
            if (before == null || before.getInstalledRank() < info.getInstalledRank()) {
                latest.put(info.getScript(), info);
            }
        }
        List<ReleaseManifest.Script> scripts = new ArrayList<>();
        for (MigrationInfo info : latest.values()) {
            if (info.getResolvedChecksum() != null && !info.getResolvedChecksum().equals(info.getChecksum())) {
                throw new IllegalStateException(module + ": " + info.getScript() + " was applied with checksum " + info.getChecksum()
                        + " but the file has " + info.getResolvedChecksum());
            }
            scripts.add(new ReleaseManifest.Script(module, info.getScript(), info.isVersioned() ? "versioned" : "repeatable",
                    info.isVersioned() ? info.getVersion().getVersion() : null,
                    info.getChecksum() == null ? null : info.getChecksum().longValue(), null));
        }
        for (Location location : flyway.getConfiguration().getLocations()) {
            for (Map.Entry<String, byte[]> file : files(location).entrySet()) {
                if (ReleaseCallbacks.generated(file.getKey())) {
                    continue; // they carry the manifest's digest: a manifest cannot list them
                }
                if (!MIGRATION.matcher(file.getKey()).matches()) {
                    scripts.add(new ReleaseManifest.Script(module, file.getKey(), "callback", null, null, sha256(file.getValue())));
                } else if (!latest.containsKey(file.getKey())) {
                    throw new IllegalStateException(module + ": " + file.getKey() + " of " + location + " was not applied");
                }
            }
        }
        return scripts;
    }

    /** The .sql files directly in a classpath or filesystem location, by name, with their bytes. */
    static Map<String, byte[]> files(Location location) {
        Map<String, byte[]> files = new TreeMap<>();
        try {
            if (location.isFileSystem()) {
                Path dir = Path.of(location.getRootPath());
                if (!Files.isDirectory(dir)) {
                    return files;
                }
                try (Stream<Path> list = Files.list(dir)) {
                    for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".sql")).toList()) {
                        files.put(p.getFileName().toString(), Files.readAllBytes(p));
                    }
                }
                return files;
            }
            if (!location.isClassPath()) {
                throw new IllegalArgumentException("not a classpath or filesystem location: " + location);
            }
            String dir = location.getRootPath().replaceAll("/+$", "");
            Enumeration<URL> urls = ReleaseScripts.class.getClassLoader().getResources(dir);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                if (url.getProtocol().equals("file")) {
                    try (Stream<Path> list = Files.list(Path.of(url.toURI()))) {
                        for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".sql")).toList()) {
                            files.put(p.getFileName().toString(), Files.readAllBytes(p));
                        }
                    }
                } else if (url.getProtocol().equals("jar")) {
                    JarURLConnection connection = (JarURLConnection) url.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        for (JarEntry e : jar.stream().toList()) {
                            String name = e.getName();
                            if (name.startsWith(dir + "/") && name.endsWith(".sql") && name.indexOf('/', dir.length() + 1) < 0) {
                                try (InputStream in = jar.getInputStream(e)) {
                                    files.put(name.substring(dir.length() + 1), in.readAllBytes());
                                }
                            }
                        }
                    }
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A module of an earlier release, as its flyway.toml configures it: its Flyway settings, read by
     * key whatever section they stand in (0.2.0's files put {@code schemas} under {@code [flyway]},
     * which the Flyway command line refuses and the Java API accepted).
     *
     * @param name     "kernel" or "reconciler"
     * @param settings the settings of its toml file (locations as a list, the rest as text)
     * @param dir      the release's directory, against which filesystem: locations resolve
     */
    public record OldModule(String name, Map<String, Object> settings, Path dir) {

        /** The module's locations, as filesystem: locations under the release's directory. */
        @SuppressWarnings("unchecked")
        public List<String> locations() {
            List<String> out = new ArrayList<>();
            for (String l : (List<String>) settings.get("locations")) {
                if (!l.startsWith("filesystem:")) {
                    throw new IllegalArgumentException(dir + ": a location that is not filesystem: " + l);
                }
                out.add("filesystem:" + dir.resolve(l.substring("filesystem:".length())).normalize());
            }
            return out;
        }

        /** Flyway configured for this module on the database, as the release's toml file says. */
        @SuppressWarnings("unchecked")
        public Flyway flyway(Database admin) {
            var config = Flyway.configure(ReleaseScripts.class.getClassLoader())
                    .dataSource(admin.url(), admin.user(), admin.password())
                    .locations(locations().toArray(String[]::new))
                    .table(text("table", "flyway_schema_history"))
                    .defaultSchema(text("defaultSchema", "public"))
                    .createSchemas(Boolean.parseBoolean(text("createSchemas", "true")))
                    .group(Boolean.parseBoolean(text("group", "false")))
                    .baselineOnMigrate(Boolean.parseBoolean(text("baselineOnMigrate", "false")))
                    .baselineVersion(text("baselineVersion", "1"))
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .loggers("slf4j");
            if (settings.get("schemas") instanceof List<?> schemas) {
                config.schemas(((List<String>) schemas).toArray(String[]::new));
            }
            return config.load();
        }

        private String text(String key, String otherwise) {
            Object v = settings.get(key);
            return v == null ? otherwise : v.toString();
        }
    }

    /**
     * The modules of an earlier release directory: the kernel ({@code flyway.toml}) and the
     * example domain ({@code examples/reconciler/flyway.toml}).
     */
    public static List<OldModule> oldRelease(Path dir) {
        Path kernel = dir.resolve("flyway.toml");
        Path reconciler = dir.resolve("examples/reconciler/flyway.toml");
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(reconciler)) {
            throw new IllegalArgumentException(dir + " holds no release's scripts: flyway.toml and examples/reconciler/flyway.toml are expected");
        }
        return List.of(new OldModule("kernel", toml(kernel), dir), new OldModule("reconciler", toml(reconciler), dir));
    }

    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z]+)\\s*=\\s*(.+?)\\s*$");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    /** The key = value lines of a flyway.toml, whatever their section: strings, booleans and lists of strings. */
    static Map<String, Object> toml(Path file) {
        Map<String, Object> settings = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.strip().startsWith("#") || line.strip().startsWith("[")) {
                    continue;
                }
                Matcher m = KEY.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String value = m.group(2);
                if (value.startsWith("[")) {
                    List<String> items = new ArrayList<>();
                    Matcher q = QUOTED.matcher(value);
                    while (q.find()) {
                        items.add(q.group(1));
                    }
                    settings.put(m.group(1), items);
                } else if (value.startsWith("\"")) {
                    settings.put(m.group(1), value.substring(1, value.lastIndexOf('"')));
                } else {
                    settings.put(m.group(1), value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
