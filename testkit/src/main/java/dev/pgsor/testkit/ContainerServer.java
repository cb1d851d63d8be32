package dev.pgsor.testkit;

import dev.pgsor.runtime.Database;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL container for {@code -Dsor.test.image}. Kept apart so that Testcontainers (an
 * optional dependency of the kit) is loaded only when that property is set.
 */
final class ContainerServer {

    private ContainerServer() { }

    /** Starts the image (stopped when the JVM exits) and returns its superuser connection spec. */
    static Database start(String image) {
        PostgreSQLContainer<?> c = new PostgreSQLContainer<>(DockerImageName.parse(image)
                .asCompatibleSubstituteFor("postgres"))
                .withCommand("postgres", "-c", "max_connections=200", "-c", "wal_level=logical",
                        "-c", "fsync=off", "-c", "timezone=UTC");
        c.start();
        Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
        return new Database(c.getJdbcUrl(), c.getUsername(), c.getPassword());
    }
}
