package io.mskbridge.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free ports for servers whose port must be chosen before they start (a child JVM binds it a few seconds later).
 *
 * <p>The ports come from just below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}), not from
 * it: a port the kernel hands out for {@code bind(0)} is also one it hands to the next outgoing connection of any
 * process, so between the pick and the child's bind a Kafka client, an SDK call or another test could take it
 * ("Address already in use", a worker that never starts). Outside that range only a listener can take a port, and
 * each pick is checked by binding it on every address. Picks go round the range from a random start, so two JVMs
 * of one build (the modules' test runs) do not walk the same ports.
 */
public final class Ports {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default start of the ephemeral range, when the kernel setting cannot be read. */
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final int RANGE_SIZE = 10_000;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(RANGE_SIZE));

    private Ports() {
    }

    public static int free() {
        int high = ephemeralStart();
        int low = Math.max(1024, high - RANGE_SIZE);
        int size = high - low;
        if (size < 100) {
            return anyFree();
        }
        for (int i = 0; i < size; i++) {
            int port = low + Math.floorMod(NEXT.getAndIncrement(), size);
            if (bindable(port)) {
                return port;
            }
        }
        return anyFree();
    }

    static int ephemeralStart() {
        // Read a line, not the file: /proc files report size 0, and Files.readString then returns one byte.
        try (BufferedReader r = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String[] range = r.readLine().trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }

    /** True when nothing is bound to {@code port} on any address (and no socket of it lingers in TIME_WAIT). */
    static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
