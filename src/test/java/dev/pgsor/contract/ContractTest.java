package dev.pgsor.contract;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.ContractSnapshot;
import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * db/contract.txt is the contract of the migrated kernel: the live contract may differ from it only
 * with the version bump semver asks for, and then the file must be regenerated, so that it always
 * equals the live contract exactly.
 */
@SorTest
class ContractTest {

    static final Path SNAPSHOT = Repo.path("db", "contract.txt");

    static Contract live(SorDatabase db, String errorsMarkdown) throws Exception {
        try (Connection c = db.admin().connect()) {
            return ContractSnapshot.read(c, errorsMarkdown);
        }
    }

    static String errorsMarkdown() throws Exception {
        return Files.readString(Repo.path("docs", "errors.md"), StandardCharsets.UTF_8);
    }

    @Test
    void liveVersionIsOneTheRuleAllowsForWhatChangedSinceTheSnapshot(SorDatabase db) throws Exception {
        Contract committed = Contract.parse(Files.readString(SNAPSHOT, StandardCharsets.UTF_8));
        ContractRule.Verdict verdict = ContractRule.check(committed, live(db, errorsMarkdown()));
        assertThat(verdict.ok()).as(verdict.message()).isTrue();
    }

    /**
     * The last release's contract (releases/VERSION/contract.txt, the newest release before this
     * build's that keeps one): whatever the working copy's snapshot says, what changed since that
     * release needs its version.
     */
    static Path lastReleasedContract() throws Exception {
        Version current = Version.parse(dev.pgsor.schema.SorSchema.version());
        try (var dirs = Files.list(Repo.path("releases"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("contract.txt")))
                    .filter(d -> Version.parse(d.getFileName().toString()).compareTo(current) < 0)
                    .max(java.util.Comparator.comparing(d -> Version.parse(d.getFileName().toString())))
                    .map(d -> d.resolve("contract.txt"))
                    .orElseThrow(() -> new AssertionError("no earlier release keeps its contract under releases/"));
        }
    }

    @Test
    void liveVersionIsOneTheRuleAllowsForWhatChangedSinceTheLastRelease(SorDatabase db) throws Exception {
        Path released = lastReleasedContract();
        Contract last = Contract.parse(Files.readString(released, StandardCharsets.UTF_8));
        ContractRule.Verdict verdict = ContractRule.check(last, live(db, errorsMarkdown()));
        assertThat(verdict.ok()).as("against " + released + ": " + verdict.message()).isTrue();
    }

    @Test
    void committedSnapshotIsTheLiveContract(SorDatabase db) throws Exception {
        String committed = Files.readString(SNAPSHOT, StandardCharsets.UTF_8);
        String live = live(db, errorsMarkdown()).render();
        Path actual = Repo.path("target", "proofs", "contract.actual.txt");
        if (!live.equals(committed)) {
            Files.createDirectories(actual.getParent());
            Files.writeString(actual, live, StandardCharsets.UTF_8);
        }
        assertThat(live)
                .as("db/contract.txt differs from the live contract (written to " + actual + "); once the version is right"
                        + " (see the other tests of this class), regenerate it from the repository root with: " + Contract.REGENERATE)
                .isEqualTo(committed);
    }

    @Test
    void contractVersionIsSemverAndRecordedInTheChangelog(SorDatabase db) throws Exception {
        String version = (String) db.scalar("select sor_api.contract_version()");
        assertThat(Version.parse(version).toString()).isEqualTo(version);
        List<String> sections = Files.readAllLines(Repo.path("CHANGELOG.md"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("## ")).toList();
        assertThat(sections).as("the sections of CHANGELOG.md name contract_version() " + version + " with its date")
                .anyMatch(l -> l.matches("## \\[" + Pattern.quote(version) + "\\] - [0-9]{4}-[0-9]{2}-[0-9]{2}"));
    }

    @Test
    void everyKitRoleReadsTheContractVersionAndPublicDoesNot(SorDatabase db) throws Exception {
        String version = (String) db.scalar("select sor_api.contract_version()");
        db.addTenants("acme");
        List<Database> callers = List.of(db.worker("reader", "acme"), db.dispatcher("acme"), db.tenantUser("acme"), db.auditor(),
                db.approver("acme"), db.sorAdmin());
        for (Database caller : callers) {
            assertThat(Sql.scalar(caller, "select sor_api.contract_version()")).as(caller.user()).isEqualTo(version);
        }
        Database outsider = db.loginRole("outsider");
        assertRefused("42501", () -> Sql.scalar(outsider, "select sor_api.contract_version()"));
    }
}
