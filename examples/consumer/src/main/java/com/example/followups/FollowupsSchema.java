package com.example.followups;

import dev.pgsor.schema.SorSchema;
import java.util.List;

/**
 * The follow-ups module: a team's own table and tool on top of pg-sor, in its own Flyway history
 * table. Apply {@link #ALL} in order: pg-sor's kernel from pg-sor-schema, then this module.
 */
public final class FollowupsSchema {

    /** This module's scripts on the classpath (src/main/resources/followups) and its history table. */
    public static final SorSchema.Module MODULE = new SorSchema.Module("followups", "flyway_schema_history_followups",
            List.of("classpath:followups/migrations", "classpath:followups/functions", SorSchema.CALLBACKS));

    /** What a database of this team needs, in order. */
    public static final List<SorSchema.Module> ALL = List.of(SorSchema.KERNEL, MODULE);

    private FollowupsSchema() { }
}
