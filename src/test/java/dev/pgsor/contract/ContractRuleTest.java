package dev.pgsor.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The semver rule on two contracts, without a database: what counts as a change, and which bump each needs. */
class ContractRuleTest {

    private static final String CLAIM = "function sor_api.claim_tasks(text, integer, interval)";
    private static final String REPORT = "function sor_api.run_report(uuid)";
    private static final String EVENTS = "view sor_api.events";

    /** A small contract of the version: two functions, a view and two SQLSTATEs. */
    private static Map<String, List<String>> blocks() {
        Map<String, List<String>> b = new LinkedHashMap<>();
        b.put(CLAIM, List.of("arguments: queue text, batch integer, lease interval", "returns: TABLE(task_id bigint)",
                "volatility: volatile", "security: definer", "strict: no", "grant execute to sor_worker"));
        b.put(REPORT, List.of("arguments: run_id uuid", "returns: text", "volatility: stable", "security: definer", "strict: no",
                "grant execute to sor_auditor", "grant execute to sor_tenant"));
        b.put(EVENTS, List.of("column \"position\": bigint", "column stream: text", "grant select to sor_auditor"));
        b.put("sqlstate SR008", List.of());
        b.put("sqlstate SR013", List.of());
        return b;
    }

    private static Contract contract(String version, Map<String, List<String>> blocks) {
        return new Contract(Version.parse(version), blocks);
    }

    private static final Contract COMMITTED = contract("0.2.0", blocks());

    private static Map<String, List<String>> replacing(String header, List<String> lines) {
        Map<String, List<String>> b = blocks();
        b.put(header, lines);
        return b;
    }

    private static boolean allowed(Map<String, List<String>> live, String version) {
        return ContractRule.check(COMMITTED, contract(version, live)).ok();
    }

    @Test
    void versionIsMajorMinorPatchAndNothingElse() {
        assertThat(Version.parse("0.2.0")).isEqualTo(new Version(0, 2, 0));
        assertThat(Version.parse("10.0.31")).isEqualTo(new Version(10, 0, 31));
        for (String bad : new String[] {"1.0", "1.0.0.0", "01.2.3", "1.2.3-rc.1", "v1.2.3", " 1.2.3", ""}) {
            assertThatThrownBy(() -> Version.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Version.parse("1.0.0")).isGreaterThan(Version.parse("0.99.99"));
        assertThat(Version.parse("0.2.0").nextMajor()).isEqualTo(Version.parse("1.0.0"));
        assertThat(Version.parse("1.4.2").nextMinor()).isEqualTo(Version.parse("1.5.0"));
    }

    @Test
    void renderedContractParsesBackToTheSameContract() {
        String text = COMMITTED.render();
        Contract parsed = Contract.parse(text);
        assertThat(parsed.version()).isEqualTo(Version.parse("0.2.0"));
        assertThat(parsed.blocks()).isEqualTo(COMMITTED.blocks());
        assertThat(parsed.render()).isEqualTo(text);
        assertThat(text).contains("\ncontract_version 0.2.0\n\nfunction sor_api.claim_tasks(text, integer, interval)\n"
                + "  arguments: queue text, batch integer, lease interval\n")
                .endsWith("  grant select to sor_auditor\n\nsqlstate SR008\nsqlstate SR013\n")
                .contains(Contract.REGENERATE);
    }

    @Test
    void malformedSnapshotIsRefused() {
        assertThatThrownBy(() -> Contract.parse("function sor_api.f()\n  returns: void\n"))
                .hasMessageContaining("no contract_version line");
        assertThatThrownBy(() -> Contract.parse("contract_version 0.2.0\n  returns: void\n"))
                .hasMessageContaining("before any header");
        assertThatThrownBy(() -> Contract.parse("contract_version 0.2.0\nsqlstate SR001\nsqlstate SR001\n"))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> Contract.parse("contract_version 0.2.0\nfunction sor_api.f()\n  returns: void\n  returns: text\n"))
                .hasMessageContaining("two lines for 'returns'");
    }

    @Test
    void droppedFunctionNeedsAMajorVersion() {
        Map<String, List<String>> live = blocks();
        live.remove(CLAIM);
        ContractRule.Verdict verdict = ContractRule.check(COMMITTED, contract("0.3.0", live));
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.diff().removed()).containsExactly(CLAIM);
        assertThat(verdict.diff().altered()).isEmpty();
        assertThat(verdict.diff().added()).isEmpty();
        assertThat(verdict.required()).isEqualTo(Version.parse("1.0.0"));
        assertThat(allowed(live, "0.2.0")).isFalse();
        assertThat(allowed(live, "0.2.1")).isFalse();
        assertThat(allowed(live, "1.0.0")).isTrue();
        assertThat(allowed(live, "2.3.1")).isTrue();
    }

    @Test
    void changedResultTypeIsAnAlterationThatNeedsAMajorVersion() {
        Map<String, List<String>> live = replacing(REPORT, List.of("arguments: run_id uuid", "returns: jsonb", "volatility: stable",
                "security: definer", "strict: no", "grant execute to sor_auditor", "grant execute to sor_tenant"));
        ContractRule.Verdict verdict = ContractRule.check(COMMITTED, contract("0.3.0", live));
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.diff().altered()).containsExactly(REPORT + ": returns: text -> jsonb");
        assertThat(verdict.diff().removed()).isEmpty();
        assertThat(verdict.diff().added()).isEmpty();
        assertThat(allowed(live, "1.0.0")).isTrue();
    }

    @Test
    void revokedGrantIsARemoval() {
        Map<String, List<String>> live = replacing(REPORT, List.of("arguments: run_id uuid", "returns: text", "volatility: stable",
                "security: definer", "strict: no", "grant execute to sor_auditor"));
        ContractRule.Verdict verdict = ContractRule.check(COMMITTED, contract("0.3.0", live));
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.diff().removed()).containsExactly(REPORT + ": grant execute to sor_tenant");
        assertThat(allowed(live, "1.0.0")).isTrue();
    }

    @Test
    void removedSqlstateAndRemovedViewColumnAreRemovals() {
        Map<String, List<String>> live = replacing(EVENTS, List.of("column \"position\": bigint", "grant select to sor_auditor"));
        live.remove("sqlstate SR013");
        ContractRule.Verdict verdict = ContractRule.check(COMMITTED, contract("0.3.0", live));
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.diff().removed()).containsExactly(EVENTS + ": column stream: text", "sqlstate SR013");
    }

    @Test
    void additionsNeedAMinorVersion() {
        Map<String, List<String>> live = replacing(EVENTS, List.of("column \"position\": bigint", "column stream: text",
                "column hash: text", "grant select to sor_auditor", "grant select to sor_tenant"));
        live.put("function sor_api.contract_version()", List.of("arguments: (none)", "returns: text"));
        live.put("sqlstate SR014", List.of());
        ContractRule.Verdict verdict = ContractRule.check(COMMITTED, contract("0.3.0", live));
        assertThat(verdict.ok()).isTrue();
        assertThat(verdict.diff().breaking()).isFalse();
        assertThat(verdict.diff().added()).containsExactly(EVENTS + ": column hash: text", EVENTS + ": grant select to sor_tenant",
                "function sor_api.contract_version()", "sqlstate SR014");
        assertThat(verdict.required()).isEqualTo(Version.parse("0.3.0"));
        assertThat(allowed(live, "0.2.0")).isFalse();
        assertThat(allowed(live, "0.2.1")).isFalse();
        assertThat(allowed(live, "0.1.9")).isFalse();
        assertThat(allowed(live, "0.4.0")).isTrue();
        assertThat(allowed(live, "1.0.0")).isTrue();
    }

    private static final String APPEND = "surface function sor.append_event(text, text)";
    private static final String TENANTS = "surface table sor.tenants";

    /** The contract with a domain author's surface section: a function returning a row type, and a table. */
    private static Map<String, List<String>> withSurface() {
        Map<String, List<String>> b = blocks();
        b.put(APPEND, List.of("arguments: tenant_id text, stream text", "returns: sor.events", "returns column \"position\": bigint",
                "volatility: volatile", "security: invoker", "strict: no", "use: call from a tool"));
        b.put(TENANTS, List.of("column tenant_id: text", "use: select"));
        return b;
    }

    @Test
    void aNewSurfaceSectionIsAnAdditionThatNeedsAMinorVersion() {
        ContractRule.Verdict verdict = ContractRule.check(COMMITTED, contract("0.3.0", withSurface()));
        assertThat(verdict.ok()).as(verdict.message()).isTrue();
        assertThat(verdict.diff().breaking()).isFalse();
        assertThat(verdict.diff().added()).containsExactly(APPEND, TENANTS);
        assertThat(allowed(withSurface(), "0.2.0")).isFalse();
        assertThat(allowed(withSurface(), "0.2.1")).isFalse();

        String text = contract("0.3.0", withSurface()).render();
        assertThat(text).contains("\n# The domain author's surface (docs/domains.md)").containsOnlyOnce("# The domain author's surface")
                .contains("\n" + APPEND + "\n  arguments: tenant_id text, stream text\n  returns: sor.events\n");
        assertThat(text.indexOf("# The domain author's surface")).isLessThan(text.indexOf(APPEND));
        assertThat(Contract.parse(text).blocks()).isEqualTo(withSurface());
    }

    @Test
    void aSurfaceObjectRemovedOrAlteredNeedsAMajorVersion() {
        Contract released = contract("0.3.0", withSurface());
        Map<String, List<String>> removed = withSurface();
        removed.remove(TENANTS);
        ContractRule.Verdict gone = ContractRule.check(released, contract("0.4.0", removed));
        assertThat(gone.ok()).isFalse();
        assertThat(gone.diff().removed()).containsExactly(TENANTS);
        assertThat(gone.required()).isEqualTo(Version.parse("1.0.0"));

        Map<String, List<String>> altered = withSurface();
        altered.put(APPEND, List.of("arguments: tenant_id text, stream text", "returns: bigint",
                "volatility: volatile", "security: invoker", "strict: no", "use: call from a tool"));
        ContractRule.Verdict result = ContractRule.check(released, contract("0.4.0", altered));
        assertThat(result.ok()).isFalse();
        assertThat(result.diff().altered()).containsExactly(APPEND + ": returns: sor.events -> bigint");
        assertThat(result.diff().removed()).containsExactly(APPEND + ": returns column \"position\": bigint");
        assertThat(ContractRule.check(released, contract("1.0.0", altered)).ok()).isTrue();
    }

    @Test
    void unchangedContractMayKeepItsVersionOrMoveOnButNeverBack() {
        assertThat(allowed(blocks(), "0.2.0")).isTrue();
        assertThat(allowed(blocks(), "0.2.3")).isTrue();
        assertThat(allowed(blocks(), "0.3.0")).isTrue();
        assertThat(allowed(blocks(), "1.0.0")).isTrue();
        assertThat(allowed(blocks(), "0.1.0")).isFalse();
        assertThat(allowed(blocks(), "0.1.9")).isFalse();
        assertThat(ContractRule.check(COMMITTED, contract("0.2.0", blocks())).diff().isEmpty()).isTrue();
    }

    @Test
    void theOrderOfBlocksAndLinesIsNoChange() {
        Map<String, List<String>> reordered = new LinkedHashMap<>();
        List<String> headers = List.copyOf(blocks().keySet());
        for (int i = headers.size() - 1; i >= 0; i--) {
            List<String> lines = new ArrayList<>(blocks().get(headers.get(i)));
            Collections.reverse(lines);
            reordered.put(headers.get(i), lines);
        }
        assertThat(ContractRule.check(COMMITTED, contract("0.2.0", reordered)).diff().isEmpty()).isTrue();
    }

    @Test
    void failureMessageSaysWhatChangedWhichVersionAndHowToRegenerate() {
        Map<String, List<String>> live = blocks();
        live.remove("sqlstate SR008");
        String message = ContractRule.check(COMMITTED, contract("0.2.0", live)).message();
        assertThat(message).isEqualTo("sor_api removes or alters part of the contract, which needs a major version:"
                + " the committed snapshot is 0.2.0, the live contract_version() is 0.2.0, and it must be 1.0.0 or later.\n"
                + "  removed  sqlstate SR008\n"
                + "Set sor_api.contract_version() to 1.0.0 in db/functions/R__001_contract_version.sql and record it in"
                + " CHANGELOG.md, then regenerate db/contract.txt from the repository root with:\n"
                + "  ./mvnw -q compile exec:java -Dexec.args=\"contract --out db/contract.txt\"\n");
    }
}
