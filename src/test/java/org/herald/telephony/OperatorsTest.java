package org.herald.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.herald.config.OperatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorsTest {
    @TempDir
    Path dir;

    @Test
    void aCsvFileAddsOperatorsAndTheMostSpecificEntryWins() throws Exception {
        Path csv = dir.resolve("operators.csv");
        Files.writeString(csv, """
                # exten,context,name,group[,pbx]
                101,,Alice,Sales
                101,internal,Alice Smith,Sales,east

                102,internal,Bob,Support
                """);
        Operators ops = Operators.load(List.of(new OperatorConfig("103", null, null, "Carol", "Billing")), csv.toString());
        assertThat(ops.lookup(new ExtensionKey("east", "internal", "101")).name()).isEqualTo("Alice Smith");
        assertThat(ops.lookup(new ExtensionKey("west", "internal", "101")).name()).isEqualTo("Alice");
        assertThat(ops.lookup(new ExtensionKey("west", "internal", "102")).group()).isEqualTo("Support");
        assertThat(ops.lookup(new ExtensionKey("west", "other", "102"))).isNull();
        assertThat(ops.lookup(new ExtensionKey("west", "internal", "103")).name()).isEqualTo("Carol");
    }

    @Test
    void aMalformedLineNamesTheFileAndTheLine() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "101,internal,Alice,Sales\n102;internal;Bob\n");
        assertThatThrownBy(() -> Operators.load(List.of(), csv.toString()))
                .hasMessageContaining("bad.csv line 2").hasMessageContaining("exten,context,name,group");
    }
}
