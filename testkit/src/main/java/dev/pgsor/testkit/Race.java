package dev.pgsor.testkit;

import dev.pgsor.runtime.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * Real races: several threads released together by a latch, each on its own connection when it
 * uses one. Every thread's result, or the exception it threw, comes back in thread order.
 */
public final class Race {

    /** How long one race may take before the kit gives up on it. */
    private static final long TIMEOUT_SECONDS = 120;

    /** What one racing thread does, given its index. */
    @FunctionalInterface
    public interface Task<T> {
        /** Runs the thread's part. */
        T run(int thread) throws Exception;
    }

    /** What one racing thread does on its own connection, given its index. */
    @FunctionalInterface
    public interface Racer<T> {
        /** Runs the thread's part on its connection. */
        T run(Connection c, int thread) throws Exception;
    }

    /**
     * What a thread ended with: its value, or the exception it threw.
     *
     * @param value the value (null when it threw)
     * @param error the exception (null when it returned)
     */
    public record Outcome<T>(T value, Exception error) {

        /** Whether the thread returned normally. */
        public boolean ok() {
            return error == null;
        }

        /** The SQLSTATE of the thread's SQLException, or null. */
        public String sqlState() {
            return error instanceof SQLException e ? e.getSQLState() : null;
        }

        /** The value; an assertion failure when the thread threw. */
        public T get() {
            if (error != null) {
                throw new AssertionFailedError("the racing thread failed: " + error, error);
            }
            return value;
        }
    }

    private Race() { }

    /** Runs the task on the given number of threads, all released at once; outcomes in thread order. */
    public static <T> List<Outcome<T>> together(int threads, Task<T> task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        return new Outcome<T>(task.run(thread), null);
                    } catch (Exception e) {
                        return new Outcome<T>(null, e);
                    }
                }));
            }
            if (!ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionFailedError("the racing threads did not start");
            }
            go.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> f : futures) {
                try {
                    outcomes.add(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    throw new AssertionFailedError("a racing thread did not finish: " + e, e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Opens one connection per thread as the role first, then runs the racer on all of them,
     * released at once; outcomes in thread order. The connections are closed afterwards.
     */
    public static <T> List<Outcome<T>> onConnections(Database role, int threads, Racer<T> racer) throws Exception {
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                connections.add(role.connect());
            }
            return together(threads, t -> racer.run(connections.get(t), t));
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** The values of the outcomes, in order; an assertion failure if any thread threw. */
    public static <T> List<T> values(List<Outcome<T>> outcomes) {
        List<T> out = new ArrayList<>();
        for (Outcome<T> o : outcomes) {
            out.add(o.get());
        }
        return out;
    }
}
