package org.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SendPacerTest {
    static final long MS = 1_000_000L;

    @Test
    void sendsArrivingTogetherAreSpacedByOneIntervalEach() {
        SendPacer pacer = new SendPacer(10); // one every 100 ms
        long t = 5_000 * MS;
        assertThat(pacer.reserve(t)).isZero();
        assertThat(pacer.reserve(t)).isEqualTo(100 * MS);
        assertThat(pacer.reserve(t)).isEqualTo(200 * MS);
        assertThat(pacer.reserve(t + 50 * MS)).isEqualTo(250 * MS);
    }

    @Test
    void anIdleGatewaySendsAtOnceAndSavesNoBurstForLater() {
        SendPacer pacer = new SendPacer(2); // one every 500 ms
        assertThat(pacer.reserve(0)).isZero();
        assertThat(pacer.reserve(10_000 * MS)).isZero();
        assertThat(pacer.reserve(10_000 * MS)).isEqualTo(500 * MS);
    }

    @Test
    void aRateBelowOneASecondSpacesBySeconds() {
        SendPacer pacer = new SendPacer(0.5);
        assertThat(pacer.reserve(-7 * MS)).isZero(); // nanoTime may be negative
        assertThat(pacer.reserve(-7 * MS)).isEqualTo(2_000 * MS);
    }

    @Test
    void aSlotFurtherAwayThanTheLongestWaitIsNotReservedAndSaysWhenOneFrees() {
        SendPacer pacer = new SendPacer(10);
        assertThat(pacer.reserve(0, 150 * MS)).isZero();
        assertThat(pacer.reserve(0, 150 * MS)).isEqualTo(100 * MS);
        assertThat(pacer.reserve(0, 150 * MS)).isEqualTo(-1); // 200 ms away
        assertThat(pacer.nextFreeIn(0)).isEqualTo(200 * MS);
        assertThat(pacer.reserve(60 * MS, 150 * MS)).isEqualTo(140 * MS); // nothing was taken by the refused one
    }

    @Test
    void aRateOfZeroIsRefused() {
        assertThatThrownBy(() -> new SendPacer(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
