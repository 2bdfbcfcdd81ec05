package org.herald.gateway.module;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.herald.config.GatewayConfig;
import org.herald.core.Durations;
import org.herald.gateway.ConfiguredGateway;
import org.herald.gateway.GatewayEvents;
import org.herald.gateway.OutgoingMessage;
import org.herald.gateway.SendResult;
import org.herald.process.ProcessRun;
import org.herald.xml.SafeXml;
import org.w3c.dom.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BILLmanager gateway module run unchanged: {@code <program> --command <cmd> --gate <id>} from an argv (no shell),
 * the document on stdin, the answer on stdout, with a timeout and an output cap. Every failure of a run (exit
 * status, timeout, garbage, an error document) is a failed attempt with the reason, retried by the queue. When the
 * module has the {@code ingoing} feature, Herald polls it for incoming messages.
 */
public final class ModuleGateway extends ConfiguredGateway implements AutoCloseable {
    /** Settings that are Herald's; the others are the module's own and go to it as the gateway's columns. */
    static final Set<String> HERALD_SETTINGS = Set.of("program", "descriptor", "timeout", "max_output", "poll", "contact");
    private static final Logger log = LoggerFactory.getLogger(ModuleGateway.class);

    private final GatewayEvents events;
    private final Path program;
    private final Duration timeout;
    private final int maxOutput;
    private final Duration poll;
    private final String contact;
    private final ModuleDescriptor descriptor;
    private final ModuleDocuments documents;
    private final Thread poller;
    private volatile List<String> features = List.of();
    private volatile boolean closed;

    public ModuleGateway(GatewayConfig config, GatewayEvents events) {
        super(config);
        this.events = events;
        Map<String, String> s = config.settings();
        this.program = Path.of(s.getOrDefault("program", ""));
        this.timeout = Durations.parse(s.getOrDefault("timeout", "30s"));
        this.maxOutput = Integer.parseInt(s.getOrDefault("max_output", "1048576"));
        this.poll = Durations.parse(s.getOrDefault("poll", "60s"));
        this.contact = s.getOrDefault("contact", defaultContact(config.channel()));
        this.descriptor = readDescriptor(config);
        Map<String, String> columns = new LinkedHashMap<>(s);
        columns.keySet().removeAll(HERALD_SETTINGS);
        this.documents = new ModuleDocuments(config.id(), columns);
        this.poller = Thread.ofVirtual().name("module-" + config.id()).start(this::learnFeaturesThenPoll);
    }

    /** The recipient's contact a channel's module sends to. */
    public static String defaultContact(String channel) {
        return switch (channel) {
            case "sms" -> "phone";
            case "email" -> "email";
            default -> channel;
        };
    }

    private static ModuleDescriptor readDescriptor(GatewayConfig config) {
        String file = config.settings().get("descriptor");
        if (file == null) return null;
        try {
            ModuleDescriptor d = ModuleDescriptor.read(Path.of(file));
            List<String> missing = d.missing(config.settings());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("gateway " + config.id() + ": the module's descriptor " + file
                        + " requires settings " + String.join(", ", missing));
            }
            return d;
        } catch (IOException | SafeXml.XmlException e) {
            throw new IllegalArgumentException("gateway " + config.id() + ": cannot read the descriptor " + file + ": " + e.getMessage());
        }
    }

    @Override
    public String module() {
        return "external";
    }

    /** What the module said its {@code features} are (empty until it has answered). */
    @Override
    public List<String> features() {
        return features;
    }

    public ModuleDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public SendResult send(OutgoingMessage m) {
        ModuleAnswer a;
        try {
            a = run("outgoing", documents.outgoing(m, contact, config.provider()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.Temporary(id() + ": interrupted");
        }
        if (a.ok()) return new SendResult.Accepted("");
        log.warn("gateway {}: delivery {} not sent: {}", id(), m.deliveryId(), a.failure());
        return new SendResult.Temporary(a.failure());
    }

    @Override
    public String check() {
        try {
            ModuleAnswer a = run("check_connection", documents.form());
            return a.ok() ? null : a.failure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The settings form after the module's {@code formtune} (null when it has no such feature or failed). */
    public String formtune() throws InterruptedException {
        if (!features.contains("formtune")) return null;
        ModuleAnswer a = run("formtune", documents.form());
        return a.ok() && a.document() != null ? SafeXml.write(a.document()) : null;
    }

    ModuleAnswer run(String command, String stdin) throws InterruptedException {
        List<String> argv = List.of(program.toString(), "--command", command, "--gate", id());
        ProcessRun.Result r = ProcessRun.run(argv, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), false, timeout,
                maxOutput);
        return ModuleAnswer.of("module " + program.getFileName() + " --command " + command, r, timeout);
    }

    private void learnFeaturesThenPoll() {
        try {
            ModuleAnswer a = run("features", null);
            if (!a.ok() || a.document() == null) {
                log.warn("gateway {}: cannot learn the module's features: {}", id(), a.ok() ? "empty answer" : a.failure());
                return;
            }
            List<String> names = new ArrayList<>();
            Element list = SafeXml.child(a.document().getDocumentElement(), "features");
            if (list != null) for (Element f : SafeXml.children(list, "feature")) names.add(f.getAttribute("name"));
            features = List.copyOf(names);
            log.info("gateway {}: module {} has features {}", id(), program, features);
            if (!features.contains("ingoing") || poll.isZero()) return;
            while (!closed) {
                Thread.sleep(poll);
                if (!closed) pollOnce();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** One {@code ingoing} run: every message it prints becomes an incoming message. Returns how many. */
    public int pollOnce() throws InterruptedException {
        ModuleAnswer a = run("ingoing", documents.gatewayOnly());
        if (!a.ok()) {
            log.warn("gateway {}: ingoing failed: {}", id(), a.failure());
            return 0;
        }
        if (a.document() == null) return 0;
        Element messages = SafeXml.child(a.document().getDocumentElement(), "messages");
        if (messages == null) return 0;
        int n = 0;
        for (Element message : SafeXml.children(messages, "message")) {
            String text = message.getTextContent();
            if (text == null || text.isBlank()) continue;
            String sender = message.getAttribute("from").isEmpty() ? id() : message.getAttribute("from");
            String external = message.getAttribute("id").isEmpty() ? null : message.getAttribute("id");
            events.incoming(id(), config.channel(), sender, null, null, text.strip(), external);
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
