package dev.pgsor.release;

import dev.pgsor.db.ReleaseCallbacks;
import dev.pgsor.db.ReleaseManifest;
import dev.pgsor.db.ReleaseScripts;
import dev.pgsor.db.Releases;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.Sql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * A next release of the kernel, made as a release is made: this build's kernel files copied to a
 * folder, changed by the caller, a manifest generated from a fresh install of them, and the release
 * callbacks rendered from that manifest. A database that holds this build's release accepts its
 * scripts only after a member of sor_approver approves it, as a DBA's upgrade does.
 */
public record NextRelease(String version, Path dir, ReleaseManifest manifest) {

    /** A change made to the copied files before the manifest is generated. */
    @FunctionalInterface
    public interface Change {
        void apply(Path dir) throws IOException;
    }

    /** A version after this build's, in its major and minor ({@code 0.4.0} gives {@code 0.4.99}), less patches. */
    public static String after(int less) {
        String[] v = SorSchema.version().split("\\.");
        return v[0] + "." + v[1] + "." + (99 - less);
    }

    static final List<String> FOLDERS = List.of("migrations", "functions", "policies", "callbacks");

    public static NextRelease make(String version, Path dir, SorDatabase suite, Change change) throws Exception {
        for (String folder : FOLDERS) {
            Path to = Files.createDirectories(dir.resolve(folder));
            try (Stream<Path> files = Files.list(Repo.path("db", folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        change.apply(dir);
        ReleaseManifest manifest;
        try (SorDatabase empty = suite.empty()) {
            Flyway fresh = flyway(dir, empty.admin());
            fresh.migrate();
            try (Connection c = empty.admin().connect()) {
                manifest = ReleaseManifest.generate(version, c, List.of(Releases.MODULES.get(0)), ReleaseScripts.read("kernel", fresh));
            }
        }
        for (Map.Entry<String, String> f : ReleaseCallbacks.render(manifest, Files.readString(Repo.path("db", "contract.txt"))).entrySet()) {
            Files.writeString(dir.resolve("callbacks").resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
        return new NextRelease(version, dir, manifest);
    }

    /** The kernel module as Flyway sees it in this release's folder. */
    public SorSchema.Module module() {
        return module(dir);
    }

    public Flyway flyway(Database admin) {
        return flyway(dir, admin);
    }

    /** The approver's one call; returns the approval's id. */
    public long approve(Database approver) {
        return ((Number) Sql.scalar(approver, "select sor_api.approve_release(?, ?, ticket => 'CHG-7', rehearsed_on => 'staging clone')",
                version, manifest.digest())).longValue();
    }

    static SorSchema.Module module(Path dir) {
        return new SorSchema.Module(SorSchema.KERNEL.name(), SorSchema.KERNEL.historySchema(), SorSchema.KERNEL.historyTable(),
                FOLDERS.stream().map(f -> "filesystem:" + dir.resolve(f)).toList());
    }

    static Flyway flyway(Path dir, Database admin) {
        return Migrator.flyway(admin, module(dir));
    }
}
