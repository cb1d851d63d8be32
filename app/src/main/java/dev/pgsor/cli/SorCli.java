package dev.pgsor.cli;

import dev.pgsor.contract.Contract;
import dev.pgsor.contract.ContractRule;
import dev.pgsor.db.Certification;
import dev.pgsor.db.ContractSnapshot;
import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.lint.LintCommand;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.EmbeddedServer;
import dev.pgsor.testkit.Migrator;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The pg-sor command line: a thin shell around the database. */
@Command(name = "pg-sor", mixinStandardHelpOptions = true, version = "pg-sor 0.1.0",
        description = "Postgres as the system of record for fleets of AI Workers.",
        subcommands = {DemoCommand.class, SorCli.Migrate.class, SorCli.Certify.class, SorCli.Schema.class,
                SorCli.ContractCommand.class, LintCommand.class,
                McpCommand.class})
public final class SorCli implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status (0 ok, 1 check failed, 2 usage error). */
    public static int run(String... args) {
        return new CommandLine(new SorCli()).execute(args);
    }

    /** Where to connect: an existing server, or an embedded one started for the command. */
    public static final class Target {
        @Option(names = "--url", description = "JDBC URL of the database (default: start an embedded PostgreSQL)")
        String url;

        @Option(names = "--user", description = "Role to connect as (default: ${DEFAULT-VALUE})", defaultValue = "postgres")
        String user;

        @Option(names = "--password", description = "Password (default: the PGPASSWORD environment variable)")
        String password;

        /** Opens the target; an embedded server is started (and migrated) when no URL was given. */
        Session open(PrintStream out) {
            if (url != null) {
                String pw = password != null ? password : System.getenv("PGPASSWORD");
                return new Session(null, new Database(url, user, pw));
            }
            out.println("no --url given: starting an embedded PostgreSQL server");
            EmbeddedServer server = EmbeddedServer.start(false);
            return new Session(server, server.admin("postgres"));
        }
    }

    /** A connected target; closes the embedded server, if any, with it. */
    record Session(EmbeddedServer server, Database database) implements AutoCloseable {
        boolean embedded() {
            return server != null;
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Apply the kernel and example migrations with Flyway.")
    static final class Migrate implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--kernel-only", description = "Migrate the kernel but not the example domain.")
        boolean kernelOnly;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            try (Session session = target.open(out)) {
                List<Migrator.Outcome> outcomes = Migrator.migrate(session.database(),
                        kernelOnly ? List.of(SorSchema.KERNEL) : SorSchema.ALL);
                for (Migrator.Outcome o : outcomes) {
                    out.printf("%s: %d migrations applied, schema version %s%n", o.module(), o.executed(), o.version());
                }
                return 0;
            }
        }
    }

    @Command(name = "certify", mixinStandardHelpOptions = true,
            description = "Print sor_api.certify(); exit status 1 when any check fails.")
    static final class Certify implements Callable<Integer> {
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            try (Session session = target.open(out)) {
                if (session.embedded()) {
                    Migrator.migrate(session.database(), SorSchema.ALL);
                }
                try (Connection c = session.database().connect()) {
                    List<Certification.Check> rows = Certification.run(c);
                    Certification.print(rows, out);
                    return Certification.failing(rows) == 0 ? 0 : 1;
                }
            }
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Write the schema snapshot (db/schema.sql) of a freshly migrated embedded database.")
    static final class Schema implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--out", description = "File to write (default: standard output)")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (Session session = target.open(System.err)) {
                if (session.embedded()) {
                    Migrator.migrate(session.database(), SorSchema.ALL);
                }
                String text;
                try (Connection c = session.database().connect()) {
                    text = SchemaSnapshot.render(c);
                }
                if (out == null) {
                    System.out.print(text);
                } else {
                    Files.writeString(out, text, StandardCharsets.UTF_8);
                    System.err.println("wrote " + out);
                }
                return 0;
            }
        }
    }

    @Command(name = "contract", mixinStandardHelpOptions = true,
            description = {"Write the contract snapshot (db/contract.txt) of a freshly migrated embedded kernel: "
                    + "sor_api.contract_version(), the sor_api functions and views with their grants, and the SQLSTATEs of docs/errors.md.",
                    "When the output file exists, says on standard error what changed since it and whether the version bump is enough."})
    static final class ContractCommand implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--out", description = "File to write (default: standard output)")
        Path out;

        @Option(names = "--errors", description = "The error table whose SQLSTATEs the contract lists (default: ${DEFAULT-VALUE})",
                defaultValue = "docs/errors.md")
        Path errors;

        @Override
        public Integer call() throws Exception {
            String markdown = Files.readString(errors, StandardCharsets.UTF_8);
            try (Session session = target.open(System.err)) {
                if (session.embedded()) {
                    Migrator.migrate(session.database(), List.of(SorSchema.KERNEL));
                }
                Contract live;
                try (Connection c = session.database().connect()) {
                    live = ContractSnapshot.read(c, markdown);
                }
                if (out == null) {
                    System.out.print(live.render());
                    return 0;
                }
                if (Files.exists(out)) {
                    ContractRule.Verdict verdict = ContractRule.check(Contract.parse(Files.readString(out, StandardCharsets.UTF_8)), live);
                    if (!verdict.ok() && verdict.diff().isEmpty()) {
                        System.err.print("WARNING: " + verdict.message());
                    } else if (!verdict.ok()) {
                        System.err.print("WARNING: " + verdict.summary() + out + " now records these changes under "
                                + live.version() + ": ContractTest no longer sees them, only the diff of the file does. If they need "
                                + verdict.required() + ", restore " + out + " (git checkout -- " + out + "), set the version in "
                                + ContractRule.VERSION_FILE + ", record it in CHANGELOG.md and run this command again.\n");
                    } else if (!verdict.diff().isEmpty()) {
                        System.err.print(verdict.summary());
                    }
                }
                Files.writeString(out, live.render(), StandardCharsets.UTF_8);
                System.err.println("wrote " + out + " (contract_version " + live.version() + ")");
                return 0;
            }
        }
    }
}
