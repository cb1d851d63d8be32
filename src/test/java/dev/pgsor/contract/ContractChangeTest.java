package dev.pgsor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract check can fail: each test changes sor_api in a scratch copy of the migrated
 * kernel (past the drop guard, as a superuser could), reads the live contract there, and judges it
 * against the contract of the untouched database, first at the same version and then after
 * redefining sor_api.contract_version() the way a release does.
 */
@SorTest
class ContractChangeTest {

    private static Contract baseline;
    private static String errors;
    private static String patch;
    private static String minor;
    private static String major;

    @BeforeAll
    static void readTheUntouchedContract(SorDatabase db) throws Exception {
        errors = ContractTest.errorsMarkdown();
        baseline = ContractTest.live(db, errors);
        Version v = baseline.version();
        patch = new Version(v.major(), v.minor(), v.patch() + 1).toString();
        minor = v.nextMinor().toString();
        major = v.nextMajor().toString();
        assertThat(baseline.blocks()).containsKeys("function sor_api.retry_outbox(bigint)", "function sor_api.run_report(uuid)",
                "sqlstate SR013");
    }

    /** Redefines sor_api.contract_version() in the scratch database to return the version. */
    private static void setVersion(SorDatabase scratch, String version) {
        scratch.pastTheGuard("set role sor_owner;"
                + " create or replace function sor_api.contract_version() returns text language sql immutable"
                + " as $$ select '" + version + "'::text $$; reset role");
    }

    private static ContractRule.Verdict judge(SorDatabase scratch) throws Exception {
        return ContractRule.check(baseline, ContractTest.live(scratch, errors));
    }

    @Test
    void droppedFunctionFailsWithoutAMajorBump(SorDatabase db) throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("drop function sor_api.retry_outbox(bigint)");
            ContractRule.Verdict same = judge(scratch);
            assertThat(same.ok()).isFalse();
            assertThat(same.diff().removed()).containsExactly("function sor_api.retry_outbox(bigint)");
            assertThat(same.diff().altered()).isEmpty();
            assertThat(same.diff().added()).isEmpty();
            assertThat(same.message()).contains("it must be " + major + " or later").contains(Contract.REGENERATE);

            setVersion(scratch, minor);
            assertThat(judge(scratch).ok()).as("a minor bump for a removal").isFalse();
            setVersion(scratch, major);
            assertThat(judge(scratch).ok()).as("a major bump for a removal").isTrue();
        }
    }

    @Test
    void changedResultTypeFailsWithoutAMajorBump(SorDatabase db) throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("set role sor_owner;"
                    + " drop function sor_api.retry_outbox(bigint);"
                    + " create function sor_api.retry_outbox(outbox_id bigint) returns boolean language sql volatile security definer"
                    + " set search_path = pg_catalog, pg_temp as $$ select true $$;"
                    + " grant execute on function sor_api.retry_outbox(bigint) to sor_admin;"
                    + " reset role");
            ContractRule.Verdict same = judge(scratch);
            assertThat(same.ok()).isFalse();
            assertThat(same.diff().altered()).containsExactly("function sor_api.retry_outbox(bigint): returns: void -> boolean");
            assertThat(same.diff().removed()).isEmpty();
            assertThat(same.diff().added()).isEmpty();

            setVersion(scratch, minor);
            assertThat(judge(scratch).ok()).as("a minor bump for an altered result").isFalse();
            setVersion(scratch, major);
            assertThat(judge(scratch).ok()).as("a major bump for an altered result").isTrue();
        }
    }

    @Test
    void addedFunctionPassesOnlyWithAMinorBump(SorDatabase db) throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("set role sor_owner;"
                    + " create function sor_api.scratch_ping(greeting text default 'ping') returns text language sql stable"
                    + " as $$ select greeting $$;"
                    + " comment on function sor_api.scratch_ping(text) is 'A function added by ContractChangeTest.';"
                    + " grant execute on function sor_api.scratch_ping(text) to sor_worker;"
                    + " reset role");
            ContractRule.Verdict same = judge(scratch);
            assertThat(same.ok()).isFalse();
            assertThat(same.diff().added()).containsExactly("function sor_api.scratch_ping(text)");
            assertThat(same.diff().breaking()).isFalse();
            assertThat(same.message()).contains("it must be " + minor + " or later");

            setVersion(scratch, patch);
            assertThat(judge(scratch).ok()).as("a patch bump for an addition").isFalse();
            setVersion(scratch, minor);
            assertThat(judge(scratch).ok()).as("a minor bump for an addition").isTrue();
            assertThat(ContractTest.live(scratch, errors).blocks().get("function sor_api.scratch_ping(text)")).containsExactly(
                    "arguments: greeting text DEFAULT 'ping'::text", "returns: text", "volatility: stable", "security: invoker",
                    "strict: no", "grant execute to sor_worker");
        }
    }

    @Test
    void aSurfaceFunctionDroppedFailsWithoutAMajorBump(SorDatabase db) throws Exception {
        String header = "surface function sor.enqueue_task(text, text, text, jsonb, text, integer, interval, integer)";
        assertThat(baseline.blocks()).containsKey(header);
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("drop function sor.enqueue_task(text, text, text, jsonb, text, integer, interval, integer)");
            setVersion(scratch, minor);
            ContractRule.Verdict verdict = judge(scratch);
            assertThat(verdict.ok()).isFalse();
            assertThat(verdict.diff().removed()).containsExactly(header);
            assertThat(verdict.diff().altered()).isEmpty();
            assertThat(verdict.diff().added()).isEmpty();
            setVersion(scratch, major);
            assertThat(judge(scratch).ok()).isTrue();
        }
    }

    @Test
    void aSurfaceTableColumnAddedIsAnAddition(SorDatabase db) throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("alter table sor.tenants add column region text");
            ContractRule.Verdict verdict = judge(scratch);
            assertThat(verdict.diff().added()).containsExactly("surface table sor.tenants: column region: text");
            assertThat(verdict.diff().breaking()).isFalse();
            setVersion(scratch, minor);
            assertThat(judge(scratch).ok()).isTrue();
        }
    }

    @Test
    void revokedGrantIsAChangeThatNeedsAMajorBump(SorDatabase db) throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("revoke execute on function sor_api.run_report(uuid) from sor_tenant");
            setVersion(scratch, minor);
            ContractRule.Verdict minor = judge(scratch);
            assertThat(minor.ok()).isFalse();
            assertThat(minor.diff().removed()).containsExactly("function sor_api.run_report(uuid): grant execute to sor_tenant");
            assertThat(minor.diff().altered()).isEmpty();
            assertThat(minor.diff().added()).isEmpty();
            setVersion(scratch, major);
            assertThat(judge(scratch).ok()).isTrue();
        }
    }

    @Test
    void grantToPublicIsAnAddition(SorDatabase db) throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("grant execute on function sor_api.run_report(uuid) to public");
            assertThat(judge(scratch).diff().added()).containsExactly("function sor_api.run_report(uuid): grant execute to public");
        }
    }

    @Test
    void sqlstateRemovedFromTheErrorTableIsAChangeThatNeedsAMajorBump(SorDatabase db) throws Exception {
        String row = errors.lines().filter(l -> l.startsWith("| SR013 |")).findFirst().orElseThrow();
        String edited = errors.replace(row + "\n", "");
        try (SorDatabase scratch = db.fresh()) {
            Contract live = ContractTest.live(scratch, edited);
            ContractRule.Verdict same = ContractRule.check(baseline, live);
            assertThat(same.ok()).isFalse();
            assertThat(same.diff().removed()).containsExactly("sqlstate SR013");
            assertThat(same.diff().altered()).isEmpty();
            assertThat(same.diff().added()).isEmpty();
            setVersion(scratch, minor);
            assertThat(ContractRule.check(baseline, ContractTest.live(scratch, edited)).ok()).isFalse();
            setVersion(scratch, major);
            assertThat(ContractRule.check(baseline, ContractTest.live(scratch, edited)).ok()).isTrue();
        }
    }

    @Test
    void untouchedCopyIsTheSameContract(SorDatabase db) throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            ContractRule.Verdict verdict = judge(scratch);
            assertThat(verdict.diff().isEmpty()).isTrue();
            assertThat(verdict.ok()).isTrue();
            setVersion(scratch, minor);
            assertThat(judge(scratch).ok()).as("a minor bump without a change: a release may move on").isTrue();
            setVersion(scratch, new Version(baseline.version().major(), baseline.version().minor(), 0).toString());
            assertThat(judge(scratch).ok()).as("back to an earlier version").isEqualTo(baseline.version().patch() == 0);
        }
    }
}
