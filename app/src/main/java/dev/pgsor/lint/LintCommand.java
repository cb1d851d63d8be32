package dev.pgsor.lint;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lint [DIR...]}: runs the migration linter; exit status 1 when it finds anything. */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Lint versioned migrations for destructive and lock-heavy statements; exit status 1 on any finding.")
public final class LintCommand implements Callable<Integer> {

    @Parameters(description = "Directories of versioned migrations (default: db/migrations examples/reconciler/db/migrations)")
    List<Path> dirs = List.of(Path.of("db", "migrations"), Path.of("examples", "reconciler", "db", "migrations"));

    @Override
    public Integer call() {
        List<MigrationLinter.Finding> findings = MigrationLinter.lintDirectories(dirs);
        for (MigrationLinter.Finding f : findings) {
            System.out.println(f.format());
        }
        System.out.println(findings.size() + (findings.size() == 1 ? " finding" : " findings"));
        return findings.isEmpty() ? 0 : 1;
    }
}
