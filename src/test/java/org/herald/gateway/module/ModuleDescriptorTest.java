package org.herald.gateway.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.herald.xml.SafeXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleDescriptorTest {
    @Test
    void aDescriptorGivesTheSettingsFieldsTheirTypesAndLabels() throws Exception {
        ModuleDescriptor d = ModuleDescriptor.read(Path.of("src/test/resources/modules/billmgr_mod_gwpysms.xml"));
        assertThat(d.plugin()).isEqualTo("gwpysms");
        assertThat(d.fields()).extracting(ModuleDescriptor.Field::name).containsExactly("login", "password", "sender");
        assertThat(d.fields().get(1)).isEqualTo(new ModuleDescriptor.Field("password", "password", true));
        assertThat(d.fields().get(2).required()).isFalse();
        assertThat(d.label("login", "ru")).isEqualTo("Логин");
        assertThat(d.label("sender", "de")).isEqualTo("Sender name"); // falls back to English
        assertThat(d.missing(Map.of("login", "isp"))).containsExactly("password");
    }

    @Test
    void aDescriptorWithAnExternalEntityIsRefusedAndTheEntityNeverRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "the-secret");
        Path file = Files.writeString(dir.resolve("billmgr_mod_gwevil.xml"), "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE mgrdata [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<mgrdata><plugin name=\"gwevil\"/><lang name=\"en\"><messages name=\"gateway.gwevil\"><msg name=\"a\">&x;</msg>"
                + "</messages></lang></mgrdata>");
        assertThatThrownBy(() -> ModuleDescriptor.read(file)).isInstanceOf(SafeXml.XmlException.class)
                .hasMessageContaining("DOCTYPE").hasMessageNotContaining("the-secret");
    }
}
