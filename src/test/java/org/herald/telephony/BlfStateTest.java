package org.herald.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.herald.config.OperatorConfig;
import org.herald.testing.MutableClock;
import org.junit.jupiter.api.Test;

class BlfStateTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    final List<String> heard = new ArrayList<>();
    final BlfState state = new BlfState(new Operators(List.of(
            new OperatorConfig("101", null, null, "Alice", "Sales"),
            new OperatorConfig("101", "support", null, "Alice (support line)", "Support"),
            new OperatorConfig("102", "internal", "other-pbx", "Not this one", "X"))), clock);

    {
        state.addListener(new BlfState.Listener() {
            public void changed(List<Extension> es) { es.forEach(e -> heard.add("changed " + e.key().exten() + " " + e.state().word())); }
            public void removed(List<ExtensionKey> ks) { ks.forEach(k -> heard.add("removed " + k.exten())); }
            public void pbx(BlfState.PbxStatus s) { heard.add("pbx " + s.pbx() + " " + s.connected()); }
        });
    }

    @Test
    void aRepeatedEventChangesNothingAndANewStateStampsSince() {
        assertThat(state.apply("main", "internal", "101", "Custom:101", 0)).isTrue();
        clock.advance(Duration.ofSeconds(5));
        assertThat(state.apply("main", "internal", "101", "Custom:101", 0)).isFalse();
        assertThat(state.extensions().get(0).since()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        clock.advance(Duration.ofSeconds(5));
        assertThat(state.apply("main", "internal", "101", "Custom:101", 1)).isTrue();
        Extension e = state.extensions().get(0);
        assertThat(e.state()).isEqualTo(ExtensionState.INUSE);
        assertThat(e.since()).isEqualTo(Instant.parse("2026-11-23T10:00:10Z"));
        assertThat(heard).containsExactly("changed 101 idle", "changed 101 inuse");
    }

    @Test
    void namesAndGroupsComeFromTheMostSpecificOperatorEntry() {
        state.apply("main", "internal", "101", "Custom:101", 0);
        state.apply("main", "support", "101", "Custom:101", 0);
        state.apply("main", "internal", "102", "Custom:102", 0);
        // sorted by context, then extension: internal/101, internal/102, support/101
        assertThat(state.extensions()).extracting(Extension::name).containsExactly("Alice", null, "Alice (support line)");
        assertThat(state.extensions()).extracting(Extension::group).containsExactly("Sales", null, "Support");
    }

    @Test
    void aCompleteSnapshotRemovesWhatItDidNotSeeAndAnAbandonedOneRemovesNothing() {
        state.apply("main", "internal", "101", "Custom:101", 0);
        state.apply("main", "internal", "102", "Custom:102", 0);
        state.apply("other", "internal", "102", "Custom:102", 0);

        BlfState.Snapshot lost = state.beginSnapshot("main");
        state.apply("main", "internal", "101", "Custom:101", 0);
        state.abandonSnapshot(lost);
        assertThat(state.extensions()).hasSize(3);

        BlfState.Snapshot s = state.beginSnapshot("main");
        state.apply("main", "internal", "101", "Custom:101", 0);
        assertThat(state.completeSnapshot(s)).isEqualTo(1);
        assertThat(state.extensions()).extracting(e -> e.key().pbx() + "/" + e.key().exten()).containsExactly("main/101", "other/102");
        assertThat(heard).contains("removed 102");
    }

    @Test
    void statusMinusTwoRemovesAndUnknownCodesAreUnknown() {
        state.apply("main", "internal", "101", "Custom:101", 0);
        state.apply("main", "internal", "101", "Custom:101", -2);
        assertThat(state.extensions()).isEmpty();
        state.apply("main", "internal", "103", "Custom:103", 42);
        assertThat(state.extensions().get(0).state()).isEqualTo(ExtensionState.UNKNOWN);
    }

    @Test
    void pbxStatusIsReportedOnlyWhenItChanges() {
        state.register("main");
        assertThat(state.allConnected()).isFalse();
        state.pbxStatus("main", true, null);
        state.pbxStatus("main", true, null);
        state.pbxStatus("main", false, "connection lost");
        assertThat(heard).containsExactly("pbx main true", "pbx main false");
        assertThat(state.view()).containsEntry("pbx_connected", false);
    }

    @Test
    void newOperatorsRenameTheTilesAndOnlyTheChangedOnesAreTold() {
        state.apply("main", "internal", "101", "Custom:101", 0);
        state.apply("main", "internal", "105", "Custom:105", 0);
        heard.clear();
        state.operators(new Operators(List.of(new OperatorConfig("101", null, null, "Alice B.", "Support"))));
        assertThat(state.extensions().get(0).name()).isEqualTo("Alice B.");
        assertThat(state.extensions().get(0).group()).isEqualTo("Support");
        assertThat(heard).containsExactly("changed 101 idle");
    }

    @Test
    void extensionsSortNumericallyWithinAContext() {
        for (String x : List.of("1001", "99", "101")) state.apply("main", "internal", x, "Custom:" + x, 0);
        assertThat(state.extensions()).extracting(e -> e.key().exten()).containsExactly("99", "101", "1001");
    }
}
