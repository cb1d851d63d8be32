package dev.pgsor.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Installing an earlier release as shipped, and filling it with a script: shared by the upgrade suites. */
final class Releases {

    private Releases() {
    }

    /**
     * An earlier release from its own scripts, with the README's two commands of that release run
     * by the Flyway command line in releases/VERSION, on its flyway.toml files as they are there.
     */
    static void install(FlywayCli cli, String release, SorDatabase db, Path work) {
        Path dir = Repo.path("releases", release);
        FlywayCli.Result kernel = cli.run(dir, db.admin(), "migrate");
        assertThat(kernel.exitCode()).as(kernel.toString()).isZero();
        FlywayCli.Result example = cli.run(dir, db.admin(), "-configFiles=examples/reconciler/flyway.toml", "migrate");
        assertThat(example.exitCode()).as(example.toString()).isZero();
    }

    static String resource(String name) {
        try (InputStream in = Releases.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a script statement by statement on one connection as the admin (dollar-quoted bodies kept whole). */
    static void runScript(SorDatabase db, String script) {
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            for (String sql : statements(script)) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean dollar = false;
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (current.length() == 0 && (trimmed.isEmpty() || trimmed.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            int marks = line.split("\\$\\$", -1).length - 1;
            if (marks % 2 == 1) {
                dollar = !dollar;
            }
            if (!dollar && trimmed.endsWith(";")) {
                out.add(current.toString());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString());
        }
        // several statements on one line (the scripts the test writes inline)
        List<String> split = new ArrayList<>();
        for (String s : out) {
            if (s.contains("$$")) {
                split.add(s);
            } else {
                for (String part : s.split(";\\s+(?=(set|reset|select|create) )")) {
                    split.add(part);
                }
            }
        }
        return split;
    }
}
