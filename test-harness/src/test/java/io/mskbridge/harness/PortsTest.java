package io.mskbridge.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PortsTest {

    /**
     * A worker that never started ("Address already in use" on its REST port, 2 minutes of waiting) came from a
     * port picked by bind(0): that is the kernel's ephemeral range, which outgoing connections draw from too.
     */
    @Test
    void portsComeFromBelowTheEphemeralRangeAreBindableAndDoNotRepeat() throws Exception {
        int ephemeralStart = Ports.ephemeralStart();
        assertThat(ephemeralStart).as("the kernel's setting, or Linux's default").isGreaterThan(1024);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = Ports.free();
            assertThat(port).isLessThan(ephemeralStart).isGreaterThanOrEqualTo(1024);
            assertThat(Ports.bindable(port)).isTrue();
            assertThat(seen.add(port)).as("port %d picked twice", port).isTrue();
        }
    }

    @Test
    void aPortWithAListenerIsNotBindable() throws Exception {
        int port = Ports.free();
        try (ServerSocket listener = new ServerSocket(port)) {
            assertThat(listener.isBound()).isTrue();
            assertThat(Ports.bindable(port)).isFalse();
        }
        assertThat(Ports.bindable(port)).isTrue();
    }

    @Test
    void aWaitForAChildThatExitedEndsAtOnce() throws Exception {
        ChildProcess dead = ChildProcess.start("exits", List.of("sh", "-c", "exit 3"),
                HarnessEnv.newWorkDir("ports-test"), Map.of());
        Waits.until("the child exits", Duration.ofSeconds(30), () -> !dead.isAlive());
        assertThatThrownBy(() -> Waits.until("an answer from the child", Duration.ofSeconds(3), () -> {
            dead.requireAlive();
            return true;
        })).isInstanceOf(AssertionError.class).hasMessageContaining("Gave up waiting for an answer from the child")
                .hasMessageContaining("exited with code 3");
    }
}
