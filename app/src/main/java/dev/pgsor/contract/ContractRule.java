package dev.pgsor.contract;

/**
 * The semver rule between the committed contract snapshot and the live contract. Anything removed
 * or altered needs a greater major version; additions alone need a greater minor version (or
 * major); an unchanged contract may keep its version or move on (the contract's version is also
 * the release's, and a release may add nothing to sor_api). A version never goes down.
 */
public final class ContractRule {

    /** Where the version is set. */
    public static final String VERSION_FILE = "db/functions/R__001_contract_version.sql";

    private ContractRule() { }

    /**
     * The verdict on a live contract against the committed one.
     *
     * @param ok       the live version is one the rule allows for the changes
     * @param diff     what changed from the committed contract to the live one
     * @param required the least version the rule allows
     * @param summary  which kind of change this is, both versions, and one line per change
     */
    public record Verdict(boolean ok, Contract.Diff diff, Version required, String summary) {

        /** The summary, and when the version is not allowed, what to do. */
        public String message() {
            if (ok) {
                return summary;
            }
            String fix = diff.isEmpty()
                    ? "Set sor_api.contract_version() back to " + required + " in " + VERSION_FILE + "; or, if db/contract.txt was"
                            + " regenerated before the version was bumped, restore it (git checkout -- db/contract.txt)"
                    : "Set sor_api.contract_version() to " + required + " in " + VERSION_FILE + " and record it in CHANGELOG.md";
            return summary + fix + ", then regenerate db/contract.txt from the repository root with:\n  " + Contract.REGENERATE + "\n";
        }
    }

    /** Judges the live contract's version against the committed contract and what changed since. */
    public static Verdict check(Contract committed, Contract live) {
        Contract.Diff diff = committed.diffTo(live);
        Version was = committed.version();
        Version now = live.version();
        Version required;
        boolean ok;
        String kind;
        if (diff.breaking()) {
            required = was.nextMajor();
            ok = now.major() > was.major();
            kind = "removes or alters part of the contract, which needs a major version";
        } else if (!diff.isEmpty()) {
            required = was.nextMinor();
            ok = now.major() > was.major() || now.major() == was.major() && now.minor() > was.minor();
            kind = "only adds to the contract, which needs a minor version";
        } else {
            required = was;
            ok = now.compareTo(was) >= 0;
            kind = "leaves the contract unchanged, so its version may stay or move on, never back";
        }
        String summary = "sor_api " + kind + ": the committed snapshot is " + was + ", the live contract_version() is " + now
                + (ok ? "" : ", and it must be " + required + " or later") + ".\n"
                + diff.describe();
        return new Verdict(ok, diff, required, summary);
    }
}
