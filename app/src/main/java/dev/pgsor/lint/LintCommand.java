package dev.pgsor.lint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lint [DIR...]}: runs the migration linter; exit status 1 when it finds anything, 2 when a
 * directory does not exist or holds no versioned migration (a gate that lints nothing is broken).
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = {"Lint versioned migrations (V*.sql) for destructive and lock-heavy statements; exit status 1 on any",
            "finding, 2 when a directory is missing or holds no versioned migration."})
public final class LintCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(description = "Directories of versioned migrations (default: db/migrations examples/reconciler/db/migrations,"
            + " relative to the working directory)")
    List<Path> dirs = List.of(Path.of("db", "migrations"), Path.of("examples", "reconciler", "db", "migrations"));

    @Override
    public Integer call() throws Exception {
        int files = 0;
        List<Path> checked = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new ParameterException(spec.commandLine(), (Files.exists(dir) ? "not a directory: " : "no such directory: ") + dir
                        + (dir.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")"));
            }
            try (Stream<Path> list = Files.list(dir)) {
                long n = list.filter(p -> p.getFileName().toString().matches("V.+\\.sql")).count();
                if (n == 0) {
                    throw new ParameterException(spec.commandLine(), "no versioned migration (V*.sql) in " + dir);
                }
                files += (int) n;
            }
            checked.add(dir);
        }
        List<MigrationLinter.Finding> findings = MigrationLinter.lintDirectories(checked);
        for (MigrationLinter.Finding f : findings) {
            System.out.println(f.format());
        }
        System.out.println(findings.size() + (findings.size() == 1 ? " finding" : " findings") + " in " + files
                + (files == 1 ? " migration" : " migrations"));
        return findings.isEmpty() ? 0 : 1;
    }
}
