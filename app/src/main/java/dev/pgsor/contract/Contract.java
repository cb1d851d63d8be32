package dev.pgsor.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sor_api contract as consumers see it, what db/contract.txt holds: its version, then one block
 * per object, a header (such as {@code function sor_api.claim_tasks(text, integer, interval)}) and
 * its lines ({@code returns: ...}, {@code grant execute to sor_worker}). A line {@code name: value}
 * is an attribute of the object, compared by its name; any other line is there or not. Headers
 * without lines ({@code sqlstate SR013}) are there or not too.
 */
public final class Contract {

    /** The command that regenerates db/contract.txt, from the repository root. */
    public static final String REGENERATE = "./mvnw -q compile exec:java -Dexec.args=\"contract --out db/contract.txt\"";

    private static final String VERSION = "contract_version ";

    /** The prefix of the headers of the domain author's surface: {@code surface function sor.append_event(...)}. */
    public static final String SURFACE = "surface ";

    private static final String SURFACE_TITLE = "# The domain author's surface (docs/domains.md): the objects in sor and sor_guard a domain module\n"
            + "# may use, versioned with sor_api: removing or altering one needs a major version, adding one a minor.\n";
    private static final String INDENT = "  ";

    private final Version version;
    private final Map<String, List<String>> blocks;

    /** A contract of the version with the blocks, header to lines, in the order they are rendered. */
    public Contract(Version version, Map<String, List<String>> blocks) {
        if (version == null) {
            throw new IllegalArgumentException("a contract has a version");
        }
        this.version = version;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        blocks.forEach((header, lines) -> {
            if (header.isBlank() || header.startsWith(" ") || header.startsWith("#") || header.startsWith(VERSION)
                    || header.contains("\n")) {
                throw new IllegalArgumentException("not a header: '" + header + "'");
            }
            Map<String, String> keys = new LinkedHashMap<>();
            for (String line : lines) {
                if (line.isBlank() || line.startsWith(" ") || line.contains("\n")) {
                    throw new IllegalArgumentException("not a line of " + header + ": '" + line + "'");
                }
                if (keys.put(key(line), line) != null) {
                    throw new IllegalArgumentException(header + " has two lines for '" + key(line) + "'");
                }
            }
            copy.put(header, List.copyOf(lines));
        });
        this.blocks = Collections.unmodifiableMap(copy);
    }

    /** The version the contract names, sor_api.contract_version(). */
    public Version version() {
        return version;
    }

    /** Header to lines, in order. */
    public Map<String, List<String>> blocks() {
        return blocks;
    }

    /** The same contract, naming another version. */
    public Contract withVersion(Version other) {
        return new Contract(other, blocks);
    }

    /** Reads the text of db/contract.txt: blank lines and lines starting with # are skipped. */
    public static Contract parse(String text) {
        Version version = null;
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        List<String> current = null;
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith(VERSION)) {
                if (version != null) {
                    throw new IllegalArgumentException("line " + number + ": a second contract_version");
                }
                version = Version.parse(line.substring(VERSION.length()).trim());
            } else if (line.startsWith(INDENT)) {
                if (current == null) {
                    throw new IllegalArgumentException("line " + number + ": an indented line before any header");
                }
                current.add(line.substring(INDENT.length()));
            } else {
                current = new ArrayList<>();
                if (blocks.put(line, current) != null) {
                    throw new IllegalArgumentException("line " + number + ": '" + line + "' appears twice");
                }
            }
        }
        if (version == null) {
            throw new IllegalArgumentException("no contract_version line");
        }
        return new Contract(version, blocks);
    }

    /** The text of db/contract.txt. */
    public String render() {
        StringBuilder out = new StringBuilder()
                .append("# pg-sor contract snapshot: what consumers of sor_api may rely on (docs/contract.md).\n")
                .append("# Generated from a freshly migrated kernel and docs/errors.md; do not edit. Regenerate with:\n")
                .append("#   ").append(REGENERATE).append("\n\n")
                .append(VERSION).append(version).append("\n");
        boolean previousHadLines = true;
        boolean surfaceTitled = false;
        for (Map.Entry<String, List<String>> block : blocks.entrySet()) {
            boolean hasLines = !block.getValue().isEmpty();
            if (hasLines || previousHadLines) {
                out.append("\n");
            }
            if (!surfaceTitled && block.getKey().startsWith(SURFACE)) {
                out.append(SURFACE_TITLE);
                surfaceTitled = true;
            }
            out.append(block.getKey()).append("\n");
            for (String line : block.getValue()) {
                out.append(INDENT).append(line).append("\n");
            }
            previousHadLines = hasLines;
        }
        return out.toString();
    }

    /**
     * What changed from this contract to the newer one: blocks and lines removed, attributes whose
     * value changed, blocks and lines added. A block removed or added is reported by its header alone.
     */
    public Diff diffTo(Contract newer) {
        List<String> removed = new ArrayList<>();
        List<String> altered = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (Map.Entry<String, List<String>> block : blocks.entrySet()) {
            String header = block.getKey();
            List<String> newLines = newer.blocks.get(header);
            if (newLines == null) {
                removed.add(header);
                continue;
            }
            Map<String, String> after = byKey(newLines);
            for (String line : block.getValue()) {
                String now = after.get(key(line));
                if (now == null) {
                    removed.add(header + ": " + line);
                } else if (!now.equals(line)) {
                    altered.add(header + ": " + line + " -> " + value(now));
                }
            }
        }
        for (Map.Entry<String, List<String>> block : newer.blocks.entrySet()) {
            String header = block.getKey();
            List<String> oldLines = blocks.get(header);
            if (oldLines == null) {
                added.add(header);
                continue;
            }
            Map<String, String> before = byKey(oldLines);
            for (String line : block.getValue()) {
                if (!before.containsKey(key(line))) {
                    added.add(header + ": " + line);
                }
            }
        }
        return new Diff(removed, altered, added);
    }

    /**
     * The changes between two contracts, each described by its header and line.
     *
     * @param removed blocks and lines of the older contract that the newer one lacks
     * @param altered attributes whose value changed, as {@code header: name: old -> new}
     * @param added   blocks and lines of the newer contract that the older one lacks
     */
    public record Diff(List<String> removed, List<String> altered, List<String> added) {

        /** Copies the lists. */
        public Diff {
            removed = List.copyOf(removed);
            altered = List.copyOf(altered);
            added = List.copyOf(added);
        }

        /** Something was removed or altered: a consumer built against the older contract may break. */
        public boolean breaking() {
            return !removed.isEmpty() || !altered.isEmpty();
        }

        /** Nothing changed. */
        public boolean isEmpty() {
            return removed.isEmpty() && altered.isEmpty() && added.isEmpty();
        }

        /** One line per change, prefixed with removed, altered or added. */
        public String describe() {
            StringBuilder out = new StringBuilder();
            removed.forEach(r -> out.append("  removed  ").append(r).append("\n"));
            altered.forEach(a -> out.append("  altered  ").append(a).append("\n"));
            added.forEach(a -> out.append("  added    ").append(a).append("\n"));
            return out.toString();
        }
    }

    /** What a line is compared by: the name before ": " of an attribute, or the whole line. */
    private static String key(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? line : line.substring(0, colon);
    }

    private static String value(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? line : line.substring(colon + 2);
    }

    private static Map<String, String> byKey(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        lines.forEach(l -> out.put(key(l), l));
        return out;
    }
}
