package org.herald.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmsSegmentsTest {
    @Test
    void theGsmTableHasOneCharacterPerSeptet() {
        assertThat(SmsSegments.GSM_BASIC).hasSize(128);
    }

    @Test
    void aShortLatinTextIsOneGsmMessageWithoutUdh() {
        List<SmsSegments.Segment> s = SmsSegments.split("Balance low", 7);
        assertThat(s).hasSize(1);
        assertThat(s.get(0).ucs2()).isFalse();
        assertThat(s.get(0).udh()).isFalse();
        assertThat(SmsSegments.decode(s.get(0).bytes(), false)).isEqualTo("Balance low");
    }

    @Test
    void aLongGsmTextIsSplitIn153CharacterSegmentsBehindAConcatenationHeader() {
        String text = "a".repeat(300);
        List<SmsSegments.Segment> s = SmsSegments.split(text, 9);
        assertThat(s).hasSize(2);
        assertThat(s.get(0).bytes()).hasSize(6 + 153).startsWith(0x05, 0x00, 0x03, 9, 2, 1);
        assertThat(s.get(1).bytes()).hasSize(6 + 147).startsWith(0x05, 0x00, 0x03, 9, 2, 2);
    }

    @Test
    void cyrillicGoesAsUcs2In67CharacterSegments() {
        List<SmsSegments.Segment> s = SmsSegments.split("Ж".repeat(100), 1);
        assertThat(s).hasSize(2);
        assertThat(s.get(0).ucs2()).isTrue();
        assertThat(s.get(0).bytes()).hasSize(6 + 67 * 2);
    }
}
