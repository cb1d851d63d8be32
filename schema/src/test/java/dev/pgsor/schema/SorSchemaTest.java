package dev.pgsor.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every location SorSchema names holds the scripts of its folder under db/; nothing else is packaged, nothing depended on. */
class SorSchemaTest {

    private static List<String> scripts(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        }
    }

    private static Path onClasspath(String location) throws URISyntaxException {
        URL url = SorSchema.class.getClassLoader().getResource(location.substring("classpath:".length()));
        assertTrue(url != null, location + " is on the classpath");
        return Path.of(url.toURI());
    }

    @Test
    void everyLocationHoldsExactlyTheScriptsOfItsRepositoryFolder() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sources = List.of(root.resolve("db/migrations"), root.resolve("db/functions"), root.resolve("db/policies"),
                root.resolve("db/callbacks"),
                root.resolve("examples/reconciler/db/migrations"), root.resolve("examples/reconciler/db/functions"),
                root.resolve("examples/reconciler/db/policies"), root.resolve("db/callbacks"));
        List<String> locations = SorSchema.ALL.stream().flatMap(m -> m.locations().stream()).toList();
        assertEquals(sources.size(), locations.size());
        for (int i = 0; i < sources.size(); i++) {
            List<String> packaged = scripts(onClasspath(locations.get(i)));
            assertFalse(packaged.isEmpty(), locations.get(i));
            assertEquals(scripts(sources.get(i)), packaged, locations.get(i));
        }
    }

    @Test
    void theSchemaSnapshotIsNotPackaged() {
        assertNull(SorSchema.class.getClassLoader().getResource("pgsor/kernel/schema.sql"));
        assertNull(SorSchema.class.getClassLoader().getResource("pgsor/schema.sql"));
    }

    @Test
    void theArtifactDependsOnNothing() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> foreign = Stream.of(classpath.split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).getFileName().toString())
                .filter(n -> !n.equals("classes") && !n.equals("test-classes"))
                .filter(n -> !n.matches("(junit-|opentest4j-|apiguardian-).*\\.jar"))
                .toList();
        assertEquals(List.of(), foreign, "pg-sor-schema's classpath besides JUnit");
    }

    @Test
    void modulesHaveDistinctHistoryTablesAndTheKernelComesFirst() {
        assertEquals(SorSchema.KERNEL, SorSchema.ALL.get(0));
        assertEquals(SorSchema.ALL.size(), SorSchema.ALL.stream().map(SorSchema.Module::historyTable).distinct().count());
    }
}
