package dev.pgsor.contract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version, MAJOR.MINOR.PATCH, as {@code sor_api.contract_version()} returns it. The
 * contract carries no pre-release or build suffix.
 *
 * @param major incremented for a change that removes or alters anything of the contract
 * @param minor incremented for additions only
 * @param patch incremented for a release that leaves the contract as it was
 */
public record Version(int major, int minor, int patch) implements Comparable<Version> {

    private static final Pattern FORM = Pattern.compile("(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})");

    /** Checks that no part is negative. */
    public Version {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("a version part is negative: " + major + "." + minor + "." + patch);
        }
    }

    /** Parses MAJOR.MINOR.PATCH (no leading zeros, no suffix). */
    public static Version parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a MAJOR.MINOR.PATCH version: " + text);
        }
        return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** The first version of the next major: (major + 1).0.0. */
    public Version nextMajor() {
        return new Version(major + 1, 0, 0);
    }

    /** The first version of the next minor: major.(minor + 1).0. */
    public Version nextMinor() {
        return new Version(major, minor + 1, 0);
    }

    @Override
    public int compareTo(Version other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        return c != 0 ? c : Integer.compare(patch, other.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
