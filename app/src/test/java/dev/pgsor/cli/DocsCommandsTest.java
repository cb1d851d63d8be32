package dev.pgsor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.support.Repo;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands and exit statuses the docs state are the CLI's. Every {@code pg-sor COMMAND} (also
 * {@code pg-sor.jar COMMAND} and {@code exec.args="COMMAND"}) in the docs is a command of the CLI,
 * and docs/operate/cli.md's table lists each; every exit status the docs state for a command (in
 * prose, "exits 5", "exit status 1", "(exit 2)", or in a transcript's {@code echo $?}) is listed
 * below with the test that proves it, and that test asserts the same status: a new statement fails
 * here until it is given its proof.
 */
class DocsCommandsTest {

    /**
     * A statement of an exit status in the docs: the file, a text its line (or, for a transcript,
     * its command line) contains, the status, and the proof, a test method that asserts it.
     */
    record Stated(String file, String near, int status, String proof) { }

    /** Statements about another program's exit status (the Flyway CLI): not the pg-sor CLI's. */
    record Other(String file, String near, String whose) { }

    static final List<Stated> STATED = List.of(
            new Stated("README.md", "The CLI exits 1 on a failing row", 1, "app:cli.CliTest#certifyExitsOneWhenACheckFails"),
            new Stated("docs/certify.md", "command prints the table and exits 1", 1, "app:cli.CliTest#certifyExitsOneWhenACheckFails"),
            new Stated("docs/certify.md", "is not the one given (exit 2)", 2,
                    "proofs:release.CertifyReleaseTest#aManifestThatIsMissingEditedOrNotTheNamedDigestIsAUsageError"),
            new Stated("docs/certify.md", "Exit status 1 when any row fails, `certify()`'s or the release's", 1,
                    "proofs:release.CertifyReleaseTest#aFailingReleaseRowIsAcceptedByItsCheckAndObject"),
            new Stated("docs/operate/install.md", "exit status 0 means every check passed", 0,
                    "app:cli.CliTest#migratePrintsTheVersionBeforeAndAfterThenCertifyExitsZero"),
            new Stated("docs/operate/install.md", "$ java -jar app/target/pg-sor.jar certify --url jdbc:postgresql://db.example.com:5432/sor --user admin",
                    1, "proofs:install.ManagedInstallTest#theGatePassesOnlyWhenTheDegradedRowsAreAcceptedByName"),
            new Stated("docs/operate/install.md", "It exits 0 only when every failing row is accepted", 0,
                    "app:cli.CliTest#certifyPassesOnlyWhenEveryFailingRowIsAcceptedAndSaysWhichWere"),
            new Stated("docs/operate/cli.md", "| command | what it does | exit 1 when |", 1, "app:cli.CliTest#certifyExitsOneWhenACheckFails"),
            new Stated("docs/operate/cli.md", "refuses (exit 5, file unchanged)", 5,
                    "app:cli.CliTest#contractWritesTheSnapshotAndRefusesToRecordAChangeTheVersionDoesNotAllow"),
            new Stated("docs/operate/cli.md", "Exit status 1 when any row fails, 0 when none does", 1,
                    "app:cli.CliTest#certifyExitsOneWhenACheckFails"),
            new Stated("docs/operate/cli.md", "versioned migration is a usage error (exit 2)", 2,
                    "app:cli.CliTest#lintOfAMissingOrEmptyDirectoryIsAUsageError"),
            new Stated("docs/operate/cli.md", "$ pg-sor certify --url jdbc:postgresql://db.example.com:5432/sor --user admin --password wrong", 3,
                    "app:cli.CliPasswordTest#"),
            new Stated("docs/operate/cli.md", "$ pg-sor certify --url jdbc:postgresql://db.example.com:5432/empty", 4,
                    "app:cli.CliTest#anUnmigratedDatabaseExitsFour"),
            new Stated("docs/operate/cli.md", "$ pg-sor certify --url jdbc:postgresql://db.example.com:5432/sor --user alice_app", 5,
                    "app:cli.CliTest#aLoginThatMayNotCertifyExitsFive"),
            new Stated("docs/operate/cli.md", "$ pg-sor certify --url mysql://root:secret@db:3306/x", 2,
                    "app:cli.CliTest#aUrlThatIsNotPostgresIsAUsageErrorSayingHowToWriteIt"),
            new Stated("docs/operate/cli.md", "$ pg-sor schema --url ... --out /no/such/dir/schema.sql", 6,
                    "app:cli.CliTest#anUnwritableOutExitsSixBeforeConnecting"),
            new Stated("docs/operate/cli.md", "$ pg-sor lint /nonexistent", 2, "app:cli.CliTest#lintOfAMissingOrEmptyDirectoryIsAUsageError"),
            new Stated("docs/operate/cli.md", "$ pg-sor certify --url jdbc:postgresql://db.example.com:5432/sor --user admin --release", 1,
                    "proofs:release.CertifyReleaseTest#aFailingReleaseRowIsAcceptedByItsCheckAndObject"),
            new Stated("docs/operate/migration-safety.md", "exits 1 on any finding", 1, "app:cli.DocsCommandsTest#lintExitsOneOnAFinding"),
            new Stated("docs/mcp.md", "It exits 0 when the session ended at EOF", 0,
                    "app:mcp.McpStdioProtocolTest#endOfInputEndsTheServerWithinFiveSecondsAndTheRunStaysRunningForOneLease"),
            new Stated("docs/mcp.md", "exits 5 when the run could not be opened", 5,
                    "app:mcp.McpStdioProtocolTest#aRunThatCannotBeOpenedEndsTheServerWithStatusFiveNamingTheSqlstate"),
            new Stated("docs/mcp.md", "A key that names another Worker's run is refused at start (SR034, exit 5)", 5,
                    "app:mcp.McpStdioProtocolTest#aRunThatCannotBeOpenedEndsTheServerWithStatusFiveNamingTheSqlstate"),
            new Stated("docs/mcp.md", "closes its connection and exits 0", 0,
                    "app:mcp.McpStdioProtocolTest#endOfInputEndsTheServerWithinFiveSecondsAndTheRunStaysRunningForOneLease"),
            new Stated("docs/mcp.md", "the process exits 0 within 5 s", 0,
                    "app:mcp.McpStdioProtocolTest#endOfInputEndsTheServerWithinFiveSecondsAndTheRunStaysRunningForOneLease"),
            new Stated("docs/mcp.md", "exit status 5 (the database refused)", 5,
                    "app:mcp.McpStdioProtocolTest#aRunThatCannotBeOpenedEndsTheServerWithStatusFiveNamingTheSqlstate"),
            new Stated("docs/contract.md", "and exits 0 when they are the", 0,
                    "app:cli.CliTest#contractCheckRunsOutsideACheckoutWithWhatTheBuildCarries"),
            new Stated("docs/contract.md", "nothing is written and it exits 5", 5,
                    "app:cli.CliTest#contractWritesTheSnapshotAndRefusesToRecordAChangeTheVersionDoesNotAllow"),
            new Stated("docs/reconciler.md", "It exits 1 if any proof fails", 1,
                    "reconciler:reconciler.ReconcilerScenarioTest#theDemoExitsOneWhenAProofFails"));

    static final List<Other> OTHERS = List.of(
            new Other("docs/operate/flyway.md", "first run before the kernel's stops with exit status 1", "the Flyway CLI"),
            new Other("docs/operate/flyway.md", "Each command exits 0 on success and 1 on an", "the Flyway CLI"),
            new Other("docs/operate/flyway.md", "it exits 1 with `ERROR: Unable to execute clean", "the Flyway CLI"));

    private static final Pattern PROSE = Pattern.compile("(?i)\\b(?:exits?|exit status)\\s+([0-9]+)\\b");
    /**
     * Lines the kit prints that begin with "pg-sor" and are no command: each must be in the kit's
     * sources (db/, runtime/src/main) as written here.
     */
    static final List<String> MESSAGES = List.of("pg-sor drop guard refused: ", "pg-sor needs PostgreSQL ");

    /** pg-sor COMMAND where it is code: in a code span, a transcript ($ pg-sor ...), or any line of a code block. */
    private static final Pattern COMMAND = Pattern.compile("(`|^|\\$ )pg-sor\\s+([a-z][a-z-]*)");
    /** The jar and the Maven form: java -jar app/target/pg-sor.jar COMMAND, -Dexec.args="COMMAND ...". */
    private static final Pattern LAUNCHED = Pattern.compile("(?:pg-sor\\.jar|-Dexec\\.args=\")\\s*([a-z][a-z-]*)");

    /** The Markdown files of the docs: README.md, docs/ and the examples' READMEs. */
    static List<Path> markdown() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(Repo.path("README.md"));
        try (Stream<Path> docs = Files.walk(Repo.path("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        for (String example : List.of("reconciler", "consumer")) {
            Path readme = Repo.path("examples", example, "README.md");
            if (Files.exists(readme)) {
                files.add(readme);
            }
        }
        return files;
    }

    static String relative(Path file) {
        return Repo.root().relativize(file).toString().replace('\\', '/');
    }

    static Set<String> commands() {
        return new TreeSet<>(new CommandLine(new SorCli()).getSubcommands().keySet());
    }

    @Test
    void everyCommandTheDocsNameIsACommandOfTheCli() throws Exception {
        Set<String> real = commands();
        Map<String, String> named = new TreeMap<>();
        for (Path file : markdown()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean code = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    code = !code;
                    continue;
                }
                // in prose, only code counts ("pg-sor is a ..." is English); in a code block, every line
                Matcher m = COMMAND.matcher(line);
                while (m.find()) {
                    String rest = line.substring(m.start() + m.group(1).length());
                    if (MESSAGES.stream().anyMatch(rest::startsWith)) {
                        continue;
                    }
                    if (code || !m.group(1).isEmpty()) {
                        named.put(relative(file) + ":" + (i + 1) + " " + m.group(2), m.group(2));
                    }
                }
                Matcher j = LAUNCHED.matcher(line);
                while (j.find()) {
                    named.put(relative(file) + ":" + (i + 1) + " " + j.group(1), j.group(1));
                }
            }
        }
        assertThat(named).as("commands named in the docs").hasSizeGreaterThan(20);
        assertThat(named).as("commands the docs name that the CLI does not have").allSatisfy((where, command) ->
                assertThat(real).as(where).contains(command));
        assertThat(new TreeSet<>(named.values())).as("every command of the CLI is used somewhere in the docs").containsAll(real);
    }

    @Test
    void theMessagesThatAreNoCommandAreTheKitsOwn() throws Exception {
        StringBuilder sources = new StringBuilder();
        for (Path dir : List.of(Repo.path("db", "functions"), Repo.path("runtime", "src", "main"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    sources.append(Files.readString(f, StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(MESSAGES).allSatisfy(message -> assertThat(sources.toString()).contains(message));
    }

    @Test
    void theCommandTableOfTheCliPageListsEveryCommand() throws Exception {
        String doc = Files.readString(Repo.path("docs", "operate", "cli.md"), StandardCharsets.UTF_8);
        String table = doc.substring(doc.indexOf("## Commands"), doc.indexOf("### TARGET"));
        Set<String> listed = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)").matcher(table);
        while (row.find()) {
            listed.add(row.group(1));
        }
        assertThat(listed).isEqualTo(commands());
    }

    /** Every statement of an exit status: file, line number, the line (or the transcript's command) and the status. */
    static List<String[]> statements() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (Path file : markdown()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String lastCommand = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("$ ") && !line.equals("$ echo $?")) {
                    lastCommand = line;
                }
                if (line.equals("$ echo $?") && i + 1 < lines.size() && lines.get(i + 1).matches("[0-9]+")) {
                    out.add(new String[] {relative(file), String.valueOf(i + 2), lastCommand, lines.get(i + 1)});
                }
                if (relative(file).equals("docs/operate/cli.md") && line.matches("\\| [0-9]+ \\|.*")) {
                    continue;  // the table of every status, which CliDocsTest holds to ExitCode
                }
                Matcher m = PROSE.matcher(line);
                while (m.find()) {
                    out.add(new String[] {relative(file), String.valueOf(i + 1), line, m.group(1)});
                }
            }
        }
        return out;
    }

    @Test
    void everyExitStatusTheDocsStateIsTheOneItsProofAsserts() throws Exception {
        List<String[]> statements = statements();
        assertThat(statements).hasSizeGreaterThanOrEqualTo(STATED.size());
        Set<Stated> used = new LinkedHashSet<>();
        for (String[] s : statements) {
            String where = s[0] + ":" + s[1] + " (exit " + s[3] + "): " + s[2];
            if (OTHERS.stream().anyMatch(o -> o.file().equals(s[0]) && s[2].contains(o.near()))) {
                continue;
            }
            List<Stated> matching = STATED.stream()
                    .filter(t -> t.file().equals(s[0]) && s[2].contains(t.near()) && t.status() == Integer.parseInt(s[3])).toList();
            assertThat(matching).as("a statement of an exit status with no proof listed in DocsCommandsTest.STATED (or a"
                    + " status that is not its proof's): " + where).isNotEmpty();
            used.addAll(matching);
        }
        assertThat(STATED).as("listed statements the docs no longer make").allSatisfy(t -> assertThat(used).contains(t));
        for (Stated t : STATED) {
            assertThat(proofAsserts(t.proof(), t.status())).as(t.file() + " \"" + t.near() + "\": " + t.proof()
                    + " asserts exit status " + t.status()).isTrue();
        }
    }

    /**
     * Whether the proof, module:package.Class#method (or Class# for any test of the class), asserts
     * the status: isEqualTo(ExitCode.NAME) of that value, isEqualTo(status), or isZero() for 0.
     */
    static boolean proofAsserts(String proof, int status) throws Exception {
        String module = proof.substring(0, proof.indexOf(':'));
        String type = proof.substring(proof.indexOf(':') + 1, proof.indexOf('#'));
        String method = proof.substring(proof.indexOf('#') + 1);
        Path root = switch (module) {
            case "app" -> Repo.path("app", "src", "test", "java");
            case "proofs" -> Repo.path("src", "test", "java");
            case "reconciler" -> Repo.path("examples", "reconciler", "src", "test", "java");
            default -> throw new IllegalArgumentException("no module " + module);
        };
        Path source = root.resolve(("dev.pgsor." + type).replace('.', '/') + ".java");
        assertThat(source).as(proof).exists();
        String text = Files.readString(source, StandardCharsets.UTF_8);
        String body = text;
        if (!method.isEmpty()) {
            int start = text.indexOf(" void " + method + "(");
            assertThat(start).as("test method " + proof).isNotNegative();
            int next = text.indexOf("@Test", start);
            body = text.substring(start, next < 0 ? text.length() : next);
        }
        Set<String> forms = new TreeSet<>(List.of("isEqualTo(" + status + ")"));
        if (status == 0) {
            forms.add("isZero()");
        }
        for (Field f : ExitCode.class.getDeclaredFields()) {
            if (f.getType() == int.class && f.getInt(null) == status) {
                forms.add("isEqualTo(ExitCode." + f.getName() + ")");
            }
        }
        return forms.stream().anyMatch(body::contains);
    }

    @Test
    void lintExitsOneOnAFinding(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__drop.sql"), "-- V1\n-- Why: x\n-- Locks: none\n-- Reversal: none\ndrop table t;\n");
        CliRunner.Run run = CliRunner.run("lint", dir.toString());
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitCode.CHECKS_FAILED);
        assertThat(run.out()).contains("V1__drop.sql").endsWith("in 1 migration\n");
    }
}
