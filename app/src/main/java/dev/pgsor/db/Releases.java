package dev.pgsor.db;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The releases of pg-sor and their manifests: this build's (its scripts on the classpath, the
 * manifest in the schema artifact as {@code pgsor/releases/<version>/manifest.json}) and the
 * earlier ones kept in {@code releases/<version>/} with the scripts they shipped.
 */
public final class Releases {

    /** The modules a release installs, with the schemas each owns: the kernel's and the example domain's. */
    public static final List<ReleaseManifest.Module> MODULES = List.of(
            new ReleaseManifest.Module("kernel", List.of("sor", "sor_api", "sor_guard")),
            new ReleaseManifest.Module("reconciler", List.of("reconciler")));

    /** The command that regenerates every manifest under releases/, from the repository root. */
    public static final String REGENERATE = "./mvnw -q compile exec:java -Dexec.args=\"release --all\"";

    private Releases() { }

    /** The command that regenerates one release's manifest, from the repository root. */
    public static String regenerate(String version) {
        return version.equals(SorSchema.version())
                ? "./mvnw -q compile exec:java -Dexec.args=\"release --out releases/" + version + "/manifest.json\""
                : "./mvnw -q compile exec:java -Dexec.args=\"release --sources releases/" + version + " --out releases/" + version
                        + "/manifest.json\"";
    }

    /**
     * The manifest of this build's release from a database on which exactly this build's modules
     * were migrated (SorSchema.ALL, with the kit's Migrator), freshly.
     */
    public static ReleaseManifest current(Database admin) throws SQLException {
        List<ReleaseManifest.Script> scripts = new ArrayList<>();
        for (SorSchema.Module m : SorSchema.ALL) {
            scripts.addAll(ReleaseScripts.read(m.name(), Migrator.flyway(admin, m)));
        }
        try (Connection c = admin.connect()) {
            return ReleaseManifest.generate(SorSchema.version(), c, MODULES, scripts);
        }
    }

    /**
     * Installs an earlier release from its directory ({@code releases/0.2.0}: the scripts as it
     * shipped them and its flyway.toml files) into the database, then makes its manifest. The
     * release's version is the directory's name.
     */
    public static ReleaseManifest old(Path dir, Database admin) throws SQLException {
        String version = dir.toAbsolutePath().normalize().getFileName().toString();
        if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
            throw new IllegalArgumentException(dir + " is not named after a release (such as releases/0.2.0)");
        }
        List<ReleaseScripts.OldModule> modules = ReleaseScripts.oldRelease(dir);
        List<ReleaseManifest.Script> scripts = new ArrayList<>();
        for (ReleaseScripts.OldModule m : modules) {
            m.flyway(admin).migrate();
        }
        for (ReleaseScripts.OldModule m : modules) {
            scripts.addAll(ReleaseScripts.read(m.name(), m.flyway(admin)));
        }
        try (Connection c = admin.connect()) {
            return ReleaseManifest.generate(version, c, MODULES, scripts);
        }
    }

    /** The text of a release's manifest from the classpath (the schema artifact), or NULL when it carries none. */
    public static String bundled(String version) {
        try (InputStream in = Releases.class.getClassLoader().getResourceAsStream(SorSchema.releaseManifest(version))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
