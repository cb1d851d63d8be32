package dev.pgsor.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the repository (db/, examples/, README.md), found from the module directory the tests
 * run in: the build passes -Dsor.repo.root; without it (an IDE), the nearest parent holding db/migrations.
 */
public final class Repo {

    private Repo() { }

    /** The repository root. */
    public static Path root() {
        String configured = System.getProperty("sor.repo.root", "");
        if (!configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("db").resolve("migrations"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root; set -Dsor.repo.root");
    }

    /** The kernel's schema version as Flyway reports it: the highest V<NNN>__ of db/migrations, e.g. "081". */
    public static String kernelVersion() {
        try (var files = Files.list(path("db", "migrations"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .max(java.util.Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A path relative to the repository root. */
    public static Path path(String first, String... more) {
        return root().resolve(Path.of(first, more));
    }
}
